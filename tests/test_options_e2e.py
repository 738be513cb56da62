"""The options page end to end in real headless Chromium.

One story, in order, in a browser of its own (it reloads the extension and
restarts the browser, which would disturb the session's shared one): install a scraper from a file,
see its syntax error marked, fix and save it, watch it run (or not) from the
popup, switch it off, run its tests, export everything, delete everything,
import the archive and get the same bytes back, and find it all still there
after the service worker is stopped, the extension reloaded and the browser restarted.
"""

import concurrent.futures
import json
import re
import time

import pytest

from conftest import ROOT
from gleaner_cli.browser import ExtensionBrowser, popup_results, serve_directory

EXAMPLES = ROOT / "scrapers" / "examples"
WAIT_MS = 120_000


def local_quotes_source():
    """The quotes example aimed at our local copy of the page, plus a test case that fails on purpose."""
    source = (EXAMPLES / "quotes.py").read_text(encoding="utf-8")
    source = source.replace('NAME = "quotes"', 'NAME = "local-quotes"')
    source = source.replace('MATCHES = ["*://quotes.toscrape.com/*"]', 'MATCHES = ["http://127.0.0.1/example-quotes.html*"]')
    source = source.replace('\nTESTS = [\n', '''\nTESTS = [
    {
        "name": "deliberately wrong author",
        "html": '<div class="quote"><span class="text">“Hi.”</span><small class="author">Ann</small></div>',
        "records": [{"text": "Hi.", "author": "Bob", "author_url": None, "tags": []}],
    },
''')
    assert "local-quotes" in source and "127.0.0.1" in source and "deliberately" in source
    return source


@pytest.fixture(scope="module")
def fixtures_site():
    with serve_directory(ROOT / "scrapers" / "fixtures") as base:
        yield base


def open_options(browser):
    page = browser.context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(browser.url("extension/options/options.html"))
    page.wait_for_selector("body[data-loaded=true]", timeout=WAIT_MS)
    return page


def wait_notice(page, text):
    page.wait_for_function("(text) => document.getElementById('notice').textContent.includes(text)", arg=text, timeout=WAIT_MS)


def stored(page):
    return page.evaluate("chrome.storage.local.get(['scrapers', 'settings'])")


SETTING_KEYS = ["scraperTimeoutSeconds", "csvNeutralizeFormulas", "historyLimitMB", "keepWarmMinutes", "startPythonWithBrowser", "packageIndexUrl", "packageLimitMB"]
PACKAGE_DEFAULTS = {"packageIndexUrl": "https://pypi.org/simple/", "packageLimitMB": 20}


def stored_settings(page):
    return page.evaluate("(keys) => chrome.storage.local.get(keys)", SETTING_KEYS)


def set_settings_in_the_page(page, timeout_seconds, neutralize):
    """As a person does: type a time limit (the change fires on blur), tick or untick the CSV box."""
    page.fill("#scraper-timeout", str(timeout_seconds))
    page.dispatch_event("#scraper-timeout", "change")
    page.set_checked("#csv-neutralize", neutralize)
    expected = {"scraperTimeoutSeconds": timeout_seconds, "csvNeutralizeFormulas": neutralize}
    deadline = time.monotonic() + 10
    while {k: v for k, v in stored_settings(page).items() if k in expected} != expected:
        assert time.monotonic() < deadline, stored_settings(page)
        time.sleep(0.1)


def user_rows(page):
    return page.eval_on_selector_all("#scrapers tr[data-builtin=false]", "(rows) => rows.map((r) => [r.dataset.name, r.dataset.enabled])")


def scrapers_shown(browser, url):
    _, tab_id = browser.open_tab(url)
    popup = browser.open_popup(tab_id)
    assert popup.evaluate("document.body.dataset.state") == "done"
    return popup, {r["scraper"]: r for r in popup_results(popup)}


def export_all(page):
    with page.expect_download(timeout=WAIT_MS) as download:
        page.click("#export-all")
    assert re.fullmatch(r"gleaner-scrapers-\d{4}-\d{2}-\d{2}\.json", download.value.suggested_filename)
    return open(download.value.path(), "rb").read()


def service_worker_targets(browser):
    """The extension's service-worker targets, as CDP lists them (a stopped worker has none)."""
    session = browser.context.browser.new_browser_cdp_session()
    try:
        return [
            t["targetId"] for t in session.send("Target.getTargets")["targetInfos"]
            if t["type"] == "service_worker" and t["url"].startswith(browser.url(""))
        ]
    finally:
        session.detach()


def stop_service_worker(browser):
    """Stop the extension's service worker the way Puppeteer's worker.close() does: CDP Target.closeTarget."""
    [target] = service_worker_targets(browser)
    session = browser.context.browser.new_browser_cdp_session()
    try:
        assert session.send("Target.closeTarget", {"targetId": target})["success"]
    finally:
        session.detach()
    deadline = time.monotonic() + 10
    while service_worker_targets(browser):
        assert time.monotonic() < deadline, "the service worker did not stop"
        time.sleep(0.1)
    return target


def manage_scrapers(browser, fixtures_site, tmp_path):
    quotes_url = f"{fixtures_site}/example-quotes.html"
    books_url = f"{fixtures_site}/example-books.html"
    options = open_options(browser)

    # Install from a file with a syntax error: it is marked, and nothing is saved.
    broken = tmp_path / "local-quotes.py"
    broken.write_text(local_quotes_source().replace("def scrape(page):", "def scrape(page)"), encoding="utf-8")
    options.set_input_files("#install-file", str(broken))
    options.wait_for_selector("#editor-pane[data-validation=error]", timeout=WAIT_MS)
    problem = options.inner_text("#problem")
    line = local_quotes_source().splitlines().index("def scrape(page):") + 1
    assert problem.startswith(f"Line {line}, column 17: syntax error: expected ':'"), problem
    marked = options.locator(".cm-lintRange-error")
    assert marked.count() == 1 and marked.inner_text() == "def scrape(page)"
    options.keyboard.press("Control+s")
    wait_notice(options, "Not saved: fix the marked problem first.")
    assert stored(options).get("scrapers", []) == []

    # Fix it in the editor and save with Ctrl+S.
    options.locator(".cm-line", has_text="def scrape(page)").click()
    options.keyboard.press("End")
    options.keyboard.type(":")
    options.wait_for_selector("#editor-pane[data-validation=ok]", timeout=WAIT_MS)
    assert options.locator(".cm-lintRange-error").count() == 0
    assert options.inner_text("#editor-state") == "unsaved changes"
    options.keyboard.press("Control+s")
    wait_notice(options, "Saved local-quotes 1.0.0.")
    assert options.inner_text("#editor-state") == "saved"
    [entry] = stored(options)["scrapers"]
    assert entry["source"] == local_quotes_source()
    assert entry["metadata"]["matches"] == ["http://127.0.0.1/example-quotes.html*"] and entry["enabled"] is True

    # A second scraper, dropped onto the page as a file.
    books = (EXAMPLES / "books.py").read_text(encoding="utf-8")
    options.evaluate(
        """(text) => {
            const data = new DataTransfer();
            data.items.add(new File([text], 'books.py', { type: 'text/x-python' }));
            document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
        }""",
        books,
    )
    options.wait_for_selector("#editor-title:text-is('Install books.py')", timeout=WAIT_MS)
    options.wait_for_selector("#editor-pane[data-validation=ok]", timeout=WAIT_MS)
    options.click("#save")
    wait_notice(options, "Saved books 1.0.0.")
    assert user_rows(options) == [["local-quotes", "true"], ["books", "true"]]

    # A newer version of an installed scraper: both versions and the diff before replacing.
    newer = tmp_path / "books.py"
    newer.write_text(books.replace('VERSION = "1.0.0"', 'VERSION = "1.1.0"'), encoding="utf-8")
    options.set_input_files("#install-file", str(newer))
    options.wait_for_selector("#editor-title:text-is('Install books.py')", timeout=WAIT_MS)
    options.wait_for_selector("#editor-pane[data-validation=ok]", timeout=WAIT_MS)
    options.keyboard.press("Control+s")
    options.wait_for_selector("#replace-box:not([hidden])", timeout=WAIT_MS)
    assert options.inner_text("#replace-text") == (
        "books is already installed. Installed: version 1.0.0; this one: version 1.1.0 (newer than the installed one). Replace it?"
    )
    diff = options.inner_text("#replace-diff").splitlines()
    assert '-VERSION = "1.0.0"' in diff and '+VERSION = "1.1.0"' in diff
    options.click("#replace-confirm")
    wait_notice(options, "Saved books 1.1.0.")
    assert user_rows(options) == [["local-quotes", "true"], ["books", "true"]]

    # A built-in duplicated to customise it gets a name of its own.
    options.click("tr[data-name=links] button[data-action=duplicate]")
    options.wait_for_selector("#editor-title:text-is('links-custom (copy of links)')", timeout=WAIT_MS)
    options.wait_for_selector("#editor-pane[data-validation=ok]", timeout=WAIT_MS)
    assert options.locator(".cm-line", has_text="NAME =").first.inner_text() == 'NAME = "links-custom"'
    options.click("#save")
    wait_notice(options, "Saved links-custom 1.0.0.")
    options.click("tr[data-name=links-custom] button[data-action=delete]")
    options.wait_for_selector("tr[data-name=links-custom]", state="detached", timeout=WAIT_MS)

    # The URL tester says which scrapers would run, without running them.
    options.fill("#test-url", quotes_url)
    options.wait_for_selector("#test-result .chip[data-name=local-quotes]", timeout=WAIT_MS)
    running = options.eval_on_selector_all("#test-result .chip.runs", "(chips) => chips.map((c) => c.dataset.name)")
    assert "local-quotes" in running and "books" not in running

    # It runs from the popup on a matching page, and not on another one.
    _, shown = scrapers_shown(browser, quotes_url)
    assert shown["local-quotes"]["ok"] and shown["local-quotes"]["count"] == "3 records"
    assert shown["local-quotes"]["rows"][1][:2] == ["A day without sunshine is like, you know, night.", "Steve Martin"]
    _, shown = scrapers_shown(browser, books_url)
    assert "local-quotes" not in shown and "links" in shown

    # The list shows its last run.
    options.reload()
    options.wait_for_selector("body[data-loaded=true]")
    assert "3 records" in options.inner_text("tr[data-name=local-quotes] .last-run")
    assert quotes_url in options.inner_text("tr[data-name=local-quotes] .last-run")

    # Switched off, it no longer runs; switched on again, it does.
    options.uncheck("tr[data-name=local-quotes] input.enabled")
    options.wait_for_selector("tr[data-name=local-quotes][data-enabled=false]", timeout=WAIT_MS)
    _, shown = scrapers_shown(browser, quotes_url + "?off")
    assert "local-quotes" not in shown and "links" in shown
    options.check("tr[data-name=local-quotes] input.enabled")
    options.wait_for_selector("tr[data-name=local-quotes][data-enabled=true]", timeout=WAIT_MS)

    # Its own tests run in the browser's Python: two pass, the wrong one fails with a diff.
    _, quotes_tab = browser.open_tab(quotes_url + "?try")
    options.click("tr[data-name=local-quotes] button[data-action=edit]")
    options.click("#run-tests")
    options.wait_for_selector("#tests-output[data-state=done]", timeout=WAIT_MS)
    cases = options.eval_on_selector_all("#tests-output .case", "(cases) => cases.map((c) => [c.dataset.ok, c.innerText])")
    assert [ok for ok, _ in cases] == ["false", "true", "true"]
    assert options.inner_text("#tests-output .summary") == "2 of 3 passed"
    assert '-  "author": "Bob",' in cases[0][1] and '+  "author": "Ann",' in cases[0][1]
    assert "a saved page: exact records" in cases[1][1] and "(3 records)" in cases[1][1]

    # Try it on pasted HTML: the records table beside the editor.
    options.fill("#try-url", "https://quotes.toscrape.com/")
    options.fill("#try-html", '<div class="quote"><span class="text">“Pasted.”</span><small class="author">Me</small></div>')
    options.click("#try-run")
    options.wait_for_selector("#try-output[data-state=done]", timeout=WAIT_MS)
    assert options.inner_text("#try-output .summary").startswith("1 record from")
    assert options.eval_on_selector_all("#try-output td", "(tds) => tds.map((td) => td.textContent)")[:2] == ["Pasted.", "Me"]

    # ... and on an open tab.
    options.wait_for_selector(f"#try-source option[value='{quotes_tab}']", state="attached", timeout=WAIT_MS)
    options.select_option("#try-source", str(quotes_tab))
    assert options.is_hidden("#try-paste")
    options.click("#try-run")
    options.wait_for_function("() => document.getElementById('try-output').dataset.state === 'done' && document.querySelectorAll('#try-output tbody tr').length === 3", timeout=WAIT_MS)
    assert options.inner_text("#try-output .summary") == "3 records from Quotes to Scrape"

    # Off for one site from the popup; a built-in switched off in the options.
    popup, _ = scrapers_shown(browser, quotes_url + "?site")
    popup.click(".chip[data-scraper=local-quotes] .site-toggle")
    popup.wait_for_selector(".chip.off[data-scraper=local-quotes]", timeout=WAIT_MS)
    popup.click("#scrape")
    popup.wait_for_selector("body[data-state=done]", timeout=WAIT_MS)
    assert "local-quotes" not in {r["scraper"] for r in popup_results(popup)}
    options.uncheck("tr[data-name=tables] input.enabled")
    options.wait_for_selector("tr[data-name=tables][data-enabled=false]", timeout=WAIT_MS)

    # Export all: every scraper, its state and per-site settings, and the
    # person's settings (those never set export as their defaults).
    set_settings_in_the_page(options, 25, False)
    options.reload()
    options.wait_for_selector("body[data-loaded=true]")
    assert "off on 127.0.0.1" in options.inner_text("tr[data-name=local-quotes] .patterns")
    original = export_all(options)
    archive = json.loads(original)
    assert [(s["name"], s["version"], s["enabled"], s["offSites"]) for s in archive["scrapers"]] == [
        ("local-quotes", "1.0.0", True, ["127.0.0.1"]),
        ("books", "1.1.0", True, []),
    ]
    assert archive["scrapers"][0]["source"] == local_quotes_source()
    assert archive["builtins"]["tables"] == {"enabled": False, "offSites": []}
    assert archive["settings"] == {"scraperTimeoutSeconds": 25, "csvNeutralizeFormulas": False, "historyLimitMB": 50, "keepWarmMinutes": 5, "startPythonWithBrowser": False, **PACKAGE_DEFAULTS}
    archive_path = tmp_path / "archive.json"
    archive_path.write_bytes(original)

    # Delete (the toast's undo brings it back), then delete everything.
    options.click("tr[data-name=local-quotes] button[data-action=delete]")
    options.wait_for_selector("#toast:not([hidden])")
    assert user_rows(options) == [["books", "true"]]
    options.click("#toast-undo")
    options.wait_for_selector("tr[data-name=local-quotes]", timeout=WAIT_MS)
    assert user_rows(options) == [["local-quotes", "true"], ["books", "true"]]
    assert export_all(options) == original
    for name in ("local-quotes", "books"):
        options.click(f"tr[data-name={name}] button[data-action=delete]")
        options.wait_for_selector(f"tr[data-name={name}]", state="detached", timeout=WAIT_MS)
    options.click("tr[data-name=tables] input.enabled")  # a setting changed after the export
    options.wait_for_selector("tr[data-name=tables][data-enabled=true]", timeout=WAIT_MS)
    set_settings_in_the_page(options, 12, True)
    assert stored(options)["scrapers"] == []

    # Import the archive: exactly what was there.
    options.set_input_files("#import-file", str(archive_path))
    wait_notice(options, "Imported 2 scrapers.")
    assert export_all(options) == original
    assert stored_settings(options) == {"scraperTimeoutSeconds": 25, "csvNeutralizeFormulas": False, "historyLimitMB": 50, "keepWarmMinutes": 5, "startPythonWithBrowser": False, **PACKAGE_DEFAULTS}
    # The open page shows the imported values at once.
    deadline = time.monotonic() + 10
    while (options.input_value("#scraper-timeout"), options.is_checked("#csv-neutralize")) != ("25", False):
        assert time.monotonic() < deadline, "the options page still shows the settings from before the import"
        time.sleep(0.1)
    assert user_rows(options) == [["local-quotes", "true"], ["books", "true"]]

    # Importing it again asks per conflict; keeping both renames the newcomer.
    options.set_input_files("#import-file", str(archive_path))
    options.wait_for_selector("#import-dialog[open]", timeout=WAIT_MS)
    assert options.eval_on_selector_all("#conflicts select", "(s) => s.map((x) => [x.dataset.name, x.value])") == [
        ["local-quotes", "skip"], ["books", "skip"],
    ]
    options.select_option("#conflicts select[data-name=books]", "keep-both")
    options.click("#import-dialog button[value=import]")
    wait_notice(options, "Imported 1 scraper, skipped local-quotes.")
    assert user_rows(options) == [["local-quotes", "true"], ["books", "true"], ["books-2", "true"]]
    options.click("tr[data-name=books-2] button[data-action=delete]")
    options.wait_for_selector("tr[data-name=books-2]", state="detached", timeout=WAIT_MS)
    assert export_all(options) == original

    # The service worker stops (as Chrome stops idle workers); storage stays.
    stopped = stop_service_worker(browser)
    options.reload()
    options.wait_for_selector("body[data-loaded=true]", timeout=WAIT_MS)
    assert user_rows(options) == [["local-quotes", "true"], ["books", "true"]]
    assert export_all(options) == original
    # Answering the page started it again (Chrome reuses the target id).
    assert service_worker_targets(browser) == [stopped]

    # The extension reloads (as after an update or a developer's Reload); storage stays.
    reload_extension(browser, options)
    options = open_options(browser)
    assert user_rows(options) == [["local-quotes", "true"], ["books", "true"]]
    assert export_all(options) == original
    return original


def reload_extension(browser, page):
    """Reload the unpacked extension from disk, as chrome://extensions' Reload does.

    chrome.runtime.reload() leaves a command-line-loaded extension unloaded in
    headless Chromium; CDP Extensions.loadUnpacked on the same folder reloads
    it in place (same id), closing its pages as a real reload does.
    """
    session = browser.context.browser.new_browser_cdp_session()
    try:
        with page.expect_event("close", timeout=WAIT_MS):
            reply = session.send("Extensions.loadUnpacked", {"path": str(browser.extension_dir)})
    finally:
        session.detach()
    assert reply["id"] == browser.extension_id


def test_manage_scrapers_from_the_options_page(extension_dir, fixtures_site, tmp_path):
    # Playwright's sync API allows one instance per thread, and the session's
    # shared browser (the chromium fixture) may already hold this one.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(manage_then_restart, extension_dir, fixtures_site, tmp_path).result()


def manage_then_restart(extension_dir, fixtures_site, tmp_path):
    profile = tmp_path / "profile"
    # Extensions.loadUnpacked (the reload) needs this switch.
    with ExtensionBrowser(extension_dir, profile_dir=profile, extra_args=["--enable-unsafe-extension-debugging"]) as browser:
        original = manage_scrapers(browser, fixtures_site, tmp_path)
    # A browser restart on the same profile: everything is still there.
    with ExtensionBrowser(extension_dir, profile_dir=profile) as browser:
        options = open_options(browser)
        assert user_rows(options) == [["local-quotes", "true"], ["books", "true"]]
        assert export_all(options) == original
