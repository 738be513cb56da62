"""End to end in real headless Chromium: popup, records, errors, exports."""

import json

from conftest import ROOT, shop_links_export
from gleaner_cli.browser import popup_results


def scrape_in_popup(chromium, url):
    page, tab_id = chromium.open_tab(url)
    popup = chromium.open_popup(tab_id)
    return page, tab_id, popup


def download(chromium, popup, scraper, fmt):
    """Click the export button and return the name and bytes of the file chrome.downloads wrote."""
    path, data = chromium.download_by_click(popup, f"section[data-scraper='{scraper}'] button[data-format='{fmt}'][data-copy='false']")
    assert path.parent == chromium.downloads_dir
    return path.name, data


def test_popup_shows_exact_records_and_exports_files(chromium, site):
    url = f"{site}/shop.html"
    _, tab_id, popup = scrape_in_popup(chromium, url)
    assert popup.evaluate("document.body.dataset.state") == "done"
    shown = {r["scraper"]: r for r in popup_results(popup)}
    assert {"links", "metadata"} <= set(shown)
    links = shown["links"]
    assert links["ok"] and links["count"] == "4 records"
    assert links["columns"] == ["url", "text", "rel"]
    assert links["rows"] == [
        [f"{site}/about", "Über uns", ""],
        ["https://example.org/x?a=1&b=2", 'Extern, mit "Zitat"', "nofollow"],
        [f"{site}/=cmd|' /C calc'!A0", "=formula", ""],
        [f"{site}/added-by-script", "Live DOM", ""],
    ]
    metadata = shown["metadata"]
    assert metadata["rows"][0][:4] == ["Käse & Co — Preise", "Preisliste für Käse.", f"{site}/kaese", "de"]

    today = popup.evaluate("new Date().toISOString().slice(0, 10)")
    name, data = download(chromium, popup, "links", "json")
    assert name == f"127.0.0.1-links-{today}.json"
    assert data == shop_links_export(site, "json")

    name, data = download(chromium, popup, "links", "csv")
    assert name == f"127.0.0.1-links-{today}.csv"
    assert data == shop_links_export(site, "csv")


def test_reopened_popup_shows_last_results_without_running_again(chromium, site):
    _, tab_id, popup = scrape_in_popup(chromium, f"{site}/shop.html?again")
    first = popup_results(popup)
    popup.close()
    reopened = chromium.open_popup(tab_id)
    assert popup_results(reopened) == first
    # Shown again, the run says when it ran, so it is not taken for a fresh one.
    assert reopened.inner_text("#status").startswith("Results from ")


def test_failing_plugin_shows_its_traceback_and_others_still_show(chromium, site):
    source = (ROOT / "tests" / "pages" / "broken_plugin.py").read_text()
    from gleaner.plugins import load_plugin

    plugin = load_plugin(source, "broken_plugin.py")
    chromium.set_user_scrapers([{"source": source, "metadata": plugin.metadata(), "enabled": True}])
    try:
        _, tab_id, popup = scrape_in_popup(chromium, f"{site}/shop.html?broken")
        shown = {r["scraper"]: r for r in popup_results(popup)}
    finally:
        chromium.set_user_scrapers([])
    # Every result has the one shape (extension/common/scraper-result.js), failed or not.
    run = chromium.send(popup, "GetLastRun", {"tabId": tab_id})["result"]
    results = {r["scraper"]: r for r in run["results"]}
    assert all(list(r) == ["scraper", "title", "ok", "records", "follows", "error", "ms"] for r in run["results"])
    assert results["broken-on-purpose"]["follows"] == [] and results["broken-on-purpose"]["error"]["type"] == "TypeError"
    assert results["links"]["follows"] == [] and results["links"]["error"] is None
    broken = shown["broken-on-purpose"]
    assert not broken["ok"]
    assert "TypeError: unsupported operand type(s) for /: 'str' and 'int'" in broken["error"]
    # The traceback names the plugin's own lines: scrape() at line 12 calls helper() at line 7.
    assert 'line 12, in scrape' in broken["error"] and 'line 7, in helper' in broken["error"]
    assert broken["rows"] == [["fine"]]
    assert shown["links"]["ok"] and shown["links"]["count"] == "4 records"


def test_browser_pages_get_a_plain_sentence(chromium):
    popup = chromium.open_popup(
        chromium.service_worker.evaluate("async () => (await chrome.tabs.create({ url: 'chrome://version/' })).id")
    )
    assert popup.evaluate("document.body.dataset.state") == "unreadable"
    assert "Gleaner cannot read this tab: it shows a browser page" in popup.inner_text("#status")


def test_copy_puts_the_export_on_the_clipboard(chromium, site):
    _, tab_id, popup = scrape_in_popup(chromium, f"{site}/shop.html?copy")
    chromium.context.grant_permissions(["clipboard-read", "clipboard-write"])
    popup.click("section[data-scraper='links'] button[data-format='json'][data-copy='true']")
    popup.wait_for_function("() => /^Copied links as JSON/.test(document.getElementById('status').textContent)")
    copied = popup.evaluate("navigator.clipboard.readText()")
    exported = chromium.send(popup, "ExportRecords", {"tabId": tab_id, "scraper": "links", "format": "json"})["result"]["text"]
    assert copied == exported
    assert json.loads(copied)[0] == {"url": f"{site}/about", "text": "Über uns", "rel": ""}
