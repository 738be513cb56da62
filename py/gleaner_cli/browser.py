"""Drive the built extension in real headless Chromium, as the CLI, the tests and the benchmark do.

Automation cannot click the toolbar button, so it opens
``popup.html?tab=<id>`` in a tab of its own, which the popup treats exactly
like a click on that tab (see extension/popup/popup.js). The automation
build (dist/chrome-automation) holds host access for that reason.
"""

import contextlib
import functools
import http.server
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

# Local files are served as natively they are read (gleaner.page.make_page), so a file is a feed or a page alike in both.
from gleaner.page import CONTENT_TYPES

CHROMIUM = os.environ.get("GLEANER_CHROMIUM", "/usr/bin/chromium")
# Quiet, offline, root-safe Chromium: no sandbox as root, and none of the
# background traffic that a closed network would refuse.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-default-apps",
]

# The readiness rule: a tab is ready to scrape once its document has loaded
# (DOMContentLoaded) and READY_SETTLE_MS have passed without a new document
# replacing it (a script's location.replace commits a moment after), and
# never later than READY_CAP_MS after the navigation began. The load event is
# not awaited: real pages keep connections open, wait for sub-resources that
# are refused or never come, or replace themselves by script, and the DOM is
# what a scraper reads. firefox-driver.mjs applies the same rule.
READY_SETTLE_MS = 300
READY_CAP_MS = 30_000
# A still page: none of its own scripts run (an ad script adding a link
# between two captures would make the same page two inputs).
NO_PAGE_SCRIPTS = "script-src 'none'"


def content_type_of(path):
    """The type a saved file is served as (the one a web server would most likely have sent)."""
    return CONTENT_TYPES.get(Path(path).suffix.lower(), "text/html")


def without_fragment(url):
    return url.split("#", 1)[0]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **CONTENT_TYPES}

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve_directory(directory):
    """Serve a folder on 127.0.0.1 (an ephemeral port) for as long as the block runs."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# ScrapeTab as the popup sends it and reads its reply (extension/popup/popup.js).
SCRAPE_TAB = """async (tabId) => {
  const reply = await chrome.runtime.sendMessage({ target: 'service-worker', name: 'ScrapeTab', payload: { tabId } });
  if (!reply?.ok) return [reply, null];
  const { take } = await import('/extension/common/large-values.js');
  return [reply, JSON.parse(reply.result.runJson ?? await take(reply.result.runJsonTicket))];
}"""


class ExtensionBrowser:
    """A persistent Chromium profile with the extension loaded."""

    def __init__(self, extension_dir, *, profile_dir=None, downloads_dir=None, extra_args=(), display=None):
        self.extension_dir = Path(extension_dir).resolve()
        if not (self.extension_dir / "manifest.json").exists():
            raise SystemExit(f"{self.extension_dir} holds no built extension: run 'python build.py' first")
        self._own_profile = profile_dir is None
        self.profile_dir = Path(profile_dir or tempfile.mkdtemp(prefix="gleaner-profile-"))
        self.downloads_dir = Path(downloads_dir or tempfile.mkdtemp(prefix="gleaner-downloads-"))
        self.extra_args = list(extra_args)
        # An X display (":N") runs Chromium with its windows there instead of
        # headless: the only way its permission prompt can be answered as a
        # person answers it (tests/user_grant.py).
        self.display = display

    def __enter__(self):
        from playwright.sync_api import sync_playwright

        preferences = self.profile_dir / "Default" / "Preferences"
        if not preferences.exists():
            # Where files go once the test hands downloads back to Chrome (see restore_downloads).
            preferences.parent.mkdir(parents=True, exist_ok=True)
            preferences.write_text(json.dumps({"download": {"default_directory": str(self.downloads_dir), "prompt_for_download": False}}))
        self._playwright = sync_playwright().start()
        self.context = self._playwright.chromium.launch_persistent_context(
            str(self.profile_dir),
            executable_path=CHROMIUM,
            headless=self.display is None,
            env={**os.environ, "DISPLAY": self.display} if self.display else None,
            args=CHROMIUM_ARGS
            + [f"--disable-extensions-except={self.extension_dir}", f"--load-extension={self.extension_dir}"]
            + self.extra_args,
            accept_downloads=True,
            downloads_path=str(self.downloads_dir),
        )
        worker = self.context.service_workers[0] if self.context.service_workers else self.context.wait_for_event("serviceworker", timeout=30_000)
        self.extension_id = worker.url.split("/")[2]
        return self

    def __exit__(self, *exc):
        self.context.close()
        self._playwright.stop()
        if self._own_profile:
            shutil.rmtree(self.profile_dir, ignore_errors=True)

    @property
    def service_worker(self):
        for worker in self.context.service_workers:
            if worker.url.startswith(f"chrome-extension://{self.extension_id}/"):
                return worker
        return self.context.wait_for_event("serviceworker", timeout=30_000)

    def url(self, path):
        return f"chrome-extension://{self.extension_id}/{path}"

    def open_tab(self, url):
        """Open a page in a new tab, once it is ready (see READY_SETTLE_MS), and return (page, tab id)."""
        page = self.context.new_page()
        try:
            wait_until_ready(page, url)
            tab_id = self.service_worker.evaluate(
                "async (url) => (await chrome.tabs.query({})).find((t) => t.url === url)?.id", page.url
            )
        except Exception:
            page.close()
            raise
        if tab_id is None:
            page.close()
            raise RuntimeError(f"no tab shows {page.url}")
        return page, tab_id

    @contextlib.contextmanager
    def serve_pages(self, pages, *, page_scripts=True):
        """Answer requests for these URLs with these bytes, as if their sites had sent them; refuse every other web request.

        ``pages`` maps a URL (without its fragment) to ``(bytes, content type)``:
        a saved file shown at the address it came from, so the tab, the page's
        links and its records carry that address. Nothing reaches the network:
        the saved page's scripts, images and fonts, on its own site or any
        other, are refused at once. ``page_scripts=False`` keeps the page still
        (a CSP forbids its own scripts; Gleaner's capture, an extension script,
        still runs).
        """

        def answer(route):
            url = without_fragment(route.request.url)
            if url in pages:
                body, content_type = pages[url]
                headers = {"content-type": content_type, "cache-control": "no-store"}
                if not page_scripts:
                    headers["content-security-policy"] = NO_PAGE_SCRIPTS
                route.fulfill(status=200, headers=headers, body=body)
            else:
                route.abort("blockedbyclient")

        def is_web(url):
            return url.startswith(("http:", "https:"))

        self.context.route(is_web, answer)
        try:
            yield
        finally:
            self.context.unroute(is_web, answer)

    def open_popup(self, tab_id, *, wait=True, timeout_ms=120_000):
        """The automation stand-in for a toolbar click on the tab."""
        popup = self.context.new_page()
        popup.goto(self.url(f"extension/popup/popup.html?tab={tab_id}"))
        if wait:
            popup.wait_for_selector("body[data-state=done], body[data-state=error], body[data-state=unreadable]", timeout=timeout_ms)
        return popup

    def send(self, page, name, payload):
        """Send a command to the service worker from an extension page and return its reply."""
        return page.evaluate(
            "([name, payload]) => chrome.runtime.sendMessage({ target: 'service-worker', name, payload })",
            [name, payload],
        )

    def scrape_tab(self, page, tab_id):
        """ScrapeTab from an extension page, as the popup sends it: (reply, the run read from its
        text, which comes inline or, in Chrome, by postMessage with a ticket)."""
        return page.evaluate(SCRAPE_TAB, tab_id)

    def restore_downloads(self, page):
        """Let Chrome name and place downloads itself, as it does for a user.

        Playwright renames every download to a GUID, which would hide the
        file name chrome.downloads was asked for.
        """
        cdp = self.context.new_cdp_session(page)
        cdp.send("Browser.setDownloadBehavior", {"behavior": "default"})
        cdp.detach()

    def download_by_click(self, page, selector, timeout=20):
        """Click an export button on an extension page; return the (path, bytes) chrome.downloads wrote."""
        self.restore_downloads(page)
        known = self.service_worker.evaluate("async () => (await chrome.downloads.search({})).map((d) => d.id)")
        page.click(selector)
        deadline = time.monotonic() + timeout
        while True:
            new = [d for d in self.service_worker.evaluate("async () => chrome.downloads.search({})") if d["id"] not in known]
            if new and new[0]["state"] != "in_progress" or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        if len(new) != 1 or new[0]["state"] != "complete":
            raise AssertionError(f"expected one complete download, got {new}")
        path = Path(new[0]["filename"])
        return path, path.read_bytes()

    def set_user_scrapers(self, scrapers):
        self.service_worker.evaluate("(scrapers) => chrome.storage.local.set({ scrapers })", scrapers)


def wait_until_ready(page, url):
    """Navigate the tab to url and return once the readiness rule holds (see READY_SETTLE_MS).

    A navigation the page's own scripts start, or sub-resources that are
    refused, do not fail it: the tab is scraped where it ended up, and stderr
    says so when that is not url. Only a document that never came (an
    unreachable site, an error page) is an error.
    """
    from playwright.sync_api import Error as PlaywrightError

    started = time.monotonic()
    left_ms = lambda: max(1, READY_CAP_MS - (time.monotonic() - started) * 1000)  # noqa: E731
    try:
        page.goto(url, wait_until="domcontentloaded", timeout=READY_CAP_MS)
    except PlaywrightError as exc:
        # Interrupted by the page's own navigation, or still loading at the
        # cap: what the tab shows now is the page. Nothing shown is a failure.
        if not page.url.startswith(("http:", "https:", "file:")):
            raise RuntimeError(f"{url} did not load: {str(exc).splitlines()[0]}") from None
    while True:
        try:
            page.wait_for_load_state("domcontentloaded", timeout=left_ms())
        except PlaywrightError:
            break  # the cap is up: the tab is ready as it is
        shown = page.url
        page.wait_for_timeout(min(READY_SETTLE_MS, left_ms()))
        if page.url == shown or left_ms() <= 1:
            break
    if without_fragment(page.url) != without_fragment(url):
        print(f"note: {url} navigated to {page.url}; scraping what the tab shows", file=sys.stderr)
    return page.url


def popup_results(popup):
    """What the popup shows, read from its DOM: per scraper, the count, headers, rows and any error."""
    return popup.evaluate(
        """() => [...document.querySelectorAll('section.scraper')].map((section) => ({
            scraper: section.dataset.scraper,
            ok: section.dataset.ok === 'true',
            count: section.querySelector('.count').textContent,
            columns: [...section.querySelectorAll('th')].map((th) => th.textContent),
            rows: [...section.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((td) => td.textContent)),
            error: section.querySelector('.error-box')?.textContent ?? null,
        }))"""
    )


def dumps(value):
    return json.dumps(value, ensure_ascii=False, indent=2)
