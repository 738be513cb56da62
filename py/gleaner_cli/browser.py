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


class ExtensionBrowser:
    """A persistent Chromium profile with the extension loaded."""

    def __init__(self, extension_dir, *, profile_dir=None, downloads_dir=None, extra_args=()):
        self.extension_dir = Path(extension_dir).resolve()
        if not (self.extension_dir / "manifest.json").exists():
            raise SystemExit(f"{self.extension_dir} holds no built extension: run 'python build.py' first")
        self._own_profile = profile_dir is None
        self.profile_dir = Path(profile_dir or tempfile.mkdtemp(prefix="gleaner-profile-"))
        self.downloads_dir = Path(downloads_dir or tempfile.mkdtemp(prefix="gleaner-downloads-"))
        self.extra_args = list(extra_args)

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
            headless=True,
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
        """Open a page and return (page, tab id)."""
        page = self.context.new_page()
        page.goto(url, wait_until="load")
        tab_id = self.service_worker.evaluate(
            "async (url) => (await chrome.tabs.query({})).find((t) => t.url === url)?.id", page.url
        )
        if tab_id is None:
            raise RuntimeError(f"no tab shows {page.url}")
        return page, tab_id

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
