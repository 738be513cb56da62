"""End to end in real headless firefox-esr: the Chromium scenarios, plus Firefox's idle unload.

Each scenario is a Node script in tests/firefox/ (puppeteer-core over
WebDriver BiDi, see py/gleaner_cli/firefox-driver.mjs) that installs the
package `web-ext build` made and reports what Firefox showed as JSON; the
assertions are here.
"""

import base64
import io
import json
import subprocess
import zipfile

import openpyxl
import pytest

from conftest import ROOT, shop_links_export
from gleaner.plugins import load_plugin

VERSION = json.loads((ROOT / "manifest.json").read_text())["version"]
NODE_TIMEOUT_S = 600
# Firefox's default is 30 s; 3 s keeps the test short and is still longer than
# the event page's keep-alive ping interval (extension/common/event-page.js).
IDLE_TIMEOUT_MS = 3000

TITLE_PLUGIN = '''NAME = "page-title"
VERSION = "1.0.0"
MATCHES = ["*://127.0.0.1/*"]
INPUT = "html"
REQUIRES = []

def scrape(page):
    yield {"title": page.title, "url": page.url}
'''


# The page title, after keeping Python busy past the idle timeout: Firefox
# would unload the event page mid-run without the keep-alive.
SLOW_TITLE_PLUGIN = TITLE_PLUGIN.replace(
    "def scrape(page):\n",
    "def scrape(page):\n    import time\n    until = time.monotonic() + 4\n    while time.monotonic() < until:\n        pass\n",
)


def user_scraper(source, filename):
    return {"source": source, "metadata": load_plugin(source, filename).metadata(), "enabled": True}


@pytest.fixture(scope="session")
def firefox_package(extension_dir):
    """The automation package web-ext built (the build ran for extension_dir)."""
    return ROOT / "dist" / "automation" / f"gleaner-firefox-automation-{VERSION}.zip"


def run_scenario(script, arguments):
    completed = subprocess.run(
        ["node", str(ROOT / "tests" / "firefox" / script), json.dumps(arguments)],
        capture_output=True, text=True, timeout=NODE_TIMEOUT_S, cwd=ROOT,
    )
    assert completed.stdout.strip(), f"{script} printed nothing; stderr:\n{completed.stderr[-3000:]}"
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    assert "error" not in report, report["error"]
    return report


@pytest.fixture(scope="module")
def popup_report(firefox_package, site):
    source = (ROOT / "tests" / "pages" / "broken_plugin.py").read_text()
    return run_scenario("popup-scenarios.mjs", {
        "extension": str(firefox_package),
        "site": site,
        "brokenScrapers": [user_scraper(source, "broken_plugin.py")],
    })


def test_package_holds_every_file_of_the_tree_including_zips(firefox_package):
    for tree, package in ((ROOT / "dist" / "firefox", ROOT / "dist" / f"gleaner-firefox-{VERSION}.zip"),
                          (ROOT / "dist" / "firefox-automation", firefox_package)):
        files = {p.relative_to(tree).as_posix() for p in tree.rglob("*") if p.is_file()}
        with zipfile.ZipFile(package) as archive:
            packed = {name for name in archive.namelist() if not name.endswith("/")}
            assert packed == files
            assert archive.read("pyodide/python_stdlib.zip") == (tree / "pyodide" / "python_stdlib.zip").read_bytes()


def test_firefox_manifest_is_chromes_with_generated_differences(extension_dir):
    chrome = json.loads((ROOT / "dist" / "chrome" / "manifest.json").read_text())
    firefox = json.loads((ROOT / "dist" / "firefox" / "manifest.json").read_text())
    assert firefox["background"] == {"scripts": [chrome["background"]["service_worker"]], "type": "module"}
    assert "offscreen" in chrome["permissions"] and "offscreen" not in firefox["permissions"]
    # No offscreen; "menus" beside "contextMenus", so the capture can look up the element right-clicked.
    without_offscreen = [p for p in chrome["permissions"] if p != "offscreen"]
    at = without_offscreen.index("contextMenus") + 1
    assert firefox["permissions"] == without_offscreen[:at] + ["menus"] + without_offscreen[at:]
    gecko = firefox["browser_specific_settings"]["gecko"]
    assert gecko["id"] and gecko["data_collection_permissions"] == {"required": ["none"]}
    assert int(gecko["strict_min_version"].split(".")[0]) >= 140
    assert "host_permissions" not in firefox
    same = {k: v for k, v in chrome.items() if k not in ("background", "permissions", "minimum_chrome_version")}
    assert {k: firefox[k] for k in same} == same
    automation = json.loads((ROOT / "dist" / "firefox-automation" / "manifest.json").read_text())
    assert automation == {**firefox, "host_permissions": ["<all_urls>"]}


def test_popup_shows_exact_records_and_exports_files(popup_report, site):
    shop = popup_report["shop"]
    assert shop["state"][0] == "done"
    shown = {r["scraper"]: r for r in shop["results"]}
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
    assert shown["metadata"]["rows"][0][:4] == ["Käse & Co — Preise", "Preisliste für Käse.", f"{site}/kaese", "de"]

    for fmt in ("json", "csv", "xlsx"):
        item = shop[fmt]
        assert item["state"] == "complete"
        # The folder set through Firefox's download prefs, and the name chrome.downloads was asked for.
        assert item["folder"] == popup_report["downloadsDir"]
        assert item["name"] == f"127.0.0.1-links-{shop['today']}.{fmt}"
        assert item["status"] == f"Saved {item['name']}."
        if fmt != "xlsx":
            assert base64.b64decode(item["base64"]) == shop_links_export(site, fmt)
    # openpyxl runs in Firefox's Pyodide too: the same cells, "=formula" neutralised.
    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(shop["xlsx"]["base64"])))
    assert book.sheetnames == ["links"]
    assert [list(row) for row in book["links"].iter_rows(values_only=True)] == [
        ["url", "text", "rel"],
        [f"{site}/about", "Über uns", None],
        ["https://example.org/x?a=1&b=2", 'Extern, mit "Zitat"', "nofollow"],
        [f"{site}/=cmd|' /C calc'!A0", "'=formula", None],
        [f"{site}/added-by-script", "Live DOM", None],
    ]


def test_reopened_popup_shows_last_results_without_running_again(popup_report):
    reopened = popup_report["reopened"]
    assert reopened["first"] and reopened["again"] == reopened["first"]
    assert reopened["sameRun"]


def test_failing_plugin_shows_its_traceback_and_others_still_show(popup_report):
    shown = {r["scraper"]: r for r in popup_report["broken"]["results"]}
    broken = shown["broken-on-purpose"]
    assert not broken["ok"]
    assert "TypeError: unsupported operand type(s) for /: 'str' and 'int'" in broken["error"]
    assert "line 12, in scrape" in broken["error"] and "line 7, in helper" in broken["error"]
    assert broken["rows"] == [["fine"]]
    assert shown["links"]["ok"] and shown["links"]["count"] == "4 records"


def test_browser_pages_get_a_plain_sentence(popup_report):
    state, status = popup_report["browserPage"]["state"]
    assert state == "unreadable"
    assert "Gleaner cannot read this tab: it shows a browser page" in status


def test_idle_unload_loses_nothing_and_boots_again(firefox_package, site):
    report = run_scenario("idle-unload.mjs", {
        "extension": str(firefox_package),
        "site": site,
        "userScrapers": [user_scraper(SLOW_TITLE_PLUGIN, "page-title.py")],
        "idleTimeoutMs": IDLE_TIMEOUT_MS,
    })
    first, again = report["first"], report["again"]
    # The first scrape outlasts the idle timeout (a boot, and a scraper that
    # keeps Python busy for 4 s): the event page stayed up for it.
    assert report["unloadedBeforeFirstSeconds"] is not None
    assert first["state"] == "done", first["status"]
    assert first["run"]["boot"]["warm"] is False and first["run"]["timings"]["hostMs"] > IDLE_TIMEOUT_MS
    shown = {r["scraper"]: r for r in first["results"]}
    assert shown["page-title"]["rows"] == [["Käse & Co — Preise", f"{site}/shop.html?idle"]]
    assert "tables" not in shown  # switched off in settings before the run
    assert shown["links"]["count"] == "4 records"

    # Firefox unloaded the idle event page, and Python with it.
    assert report["unloadedAfterSeconds"] is not None

    # Reopened: the last results, from storage.session, exactly as before.
    assert report["reopened"]["state"][0] == "done"
    assert report["reopened"]["results"] == first["results"]
    assert report["reopened"]["lastRun"]["startedAt"] == first["run"]["startedAt"]

    # Scrape again: Python boots anew, showing its progress, same records.
    assert again["state"] == "done", again["status"]
    assert again["run"]["boot"]["warm"] is False
    assert again["run"]["startedAt"] != first["run"]["startedAt"]
    for seen in (first["seen"], again["seen"]):
        assert any(line.startswith("Starting Python… (") and "ready)" in line for line in seen)
    # The six built-ins for pages, tables switched off, and page-title.
    assert again["status"].startswith("6 scrapers ran.") and "Python started in" in again["status"]
    assert again["results"] == first["results"]

    # Scrapers and settings are as they were.
    assert [s["metadata"]["name"] for s in report["stored"]["scrapers"]] == ["page-title"]
    assert report["stored"]["settings"]["builtins"] == {"tables": {"enabled": False}}


def test_options_page_installs_saves_and_exports_a_scraper(firefox_package, site, tmp_path):
    scraper_file = tmp_path / "page-title.py"
    scraper_file.write_text(TITLE_PLUGIN, encoding="utf-8")
    report = run_scenario("options-scenario.mjs", {"extension": str(firefox_package), "site": site, "scraperFile": str(scraper_file)})
    builtins = [["article", "true"], ["feed", "true"], ["links", "true"], ["lists", "true"], ["metadata", "true"], ["pagination", "true"], ["tables", "true"]]
    assert report["listed"] == builtins
    assert report["startWithBrowserShown"] is False
    assert report["saved"] == {"notice": "Saved page-title 1.0.0.", "listed": builtins + [["page-title", "false"]]}
    [stored] = report["stored"]["scrapers"]
    assert stored["source"] == TITLE_PLUGIN and stored["metadata"]["name"] == "page-title"

    exported = report["exported"]
    assert exported["notice"] == f"Exported to {exported['name']}."
    archive = json.loads(exported["text"])
    assert archive["format"] == "gleaner-scrapers"
    assert [(s["name"], s["source"]) for s in archive["scrapers"]] == [("page-title", TITLE_PLUGIN)]

    assert report["popup"]["state"][0] == "done"
    shown = {r["scraper"]: r for r in report["popup"]["results"]}
    assert shown["page-title"]["rows"] == [["Käse & Co — Preise", f"{site}/shop.html?options"]]


def test_right_click_menu_items_reach_the_event_pages_handler(firefox_package, site):
    # Each item chosen in Firefox's own context menu after a real right-click.
    report = run_scenario("context-menu.mjs", {"extension": str(firefox_package), "site": site})

    def found(choice):
        return {r["scraper"]: r["records"] for r in report[choice]["run"]["results"]}

    page = found("page")
    assert report["page"]["offered"] == ["Scrape this page with Gleaner", "Scrape this table"]
    assert [r["url"] for r in page["links"]] == [f"{site}/market", f"{site}/archive"]
    assert len(page["tables"]) == 4
    # The badge counts the records, the button's title is its own again.
    assert report["page"]["badge"] == [str(sum(len(records) for records in page.values())), "Scrape this page with Gleaner"]

    # The table right-clicked, its rows only, through the tables built-in.
    assert found("fruitTable") == {"tables": [
        {"table": 0, "caption": "Fruit", "Fruit": "Apples", "Crates": "40"},
        {"table": 0, "caption": "Fruit", "Fruit": "Pears", "Crates": "12"},
    ]}
    assert report["fruitTable"]["badge"][0] == "2"
    # With a word of the fruit table still selected, the grain table right-clicked is the one scraped.
    assert report["grainTable"]["selected"] == "Apples"
    assert found("grainTable") == {"tables": [
        {"table": 0, "caption": "Grain", "Crop": "Wheat", "Price": "212.5", "Note": "=rising"},
        {"table": 0, "caption": "Grain", "Crop": "Barley", "Price": "180", "Note": "steady"},
    ]}

    assert report["noTable"]["run"] is None
    assert report["noTable"]["badge"] == ["!", "Gleaner: Gleaner could not tell which table you right-clicked. Select a word in the table, then choose Scrape this table again."]

    # The selected paragraph holds one of the page's two links and no table.
    assert report["selection"]["offered"] == ["Scrape this page with Gleaner", "Scrape this table", "Scrape selection"]
    selection = found("selection")
    assert selection["links"] == [{"url": f"{site}/market", "text": "market hall", "rel": ""}]
    assert selection["tables"] == []
    assert report["selection"]["popupStatus"].startswith("The selection from ")
    # Two selected rows stay rows of their table, under its header.
    assert found("selectedRows")["tables"] == [
        {"table": 0, "caption": "Grain", "Crop": "Wheat", "Price": "212.5", "Note": "=rising"},
        {"table": 0, "caption": "Grain", "Crop": "Barley", "Price": "180", "Note": "steady"},
    ]


def test_picking_and_the_lists_view_in_firefox(firefox_package, site):
    """tests/firefox/picker-scenario.mjs: the Lists view, Save as scraper into the editor, Pick data and Esc."""
    report = run_scenario("picker-scenario.mjs", {"extension": str(firefox_package), "site": site})
    first = report["lists"]["first"]
    assert first["status"] == "4 lists on this page."
    assert first["heading"] == "List 1 of 4: 5 items"
    assert first["columns"] == ["title", "url", "image", "author", "price"]
    assert [row[0] for row in first["rows"]] == ["The Quiet Harbour", "Salt and Cedar", "A Map of Small Rivers", "Winter Orchard", "Letters from the Pass"]
    assert first["rows"][4] == ["Letters from the Pass", f"{site}/picker/book/105.html", f"{site}/picker/covers/105.png", "Iris Kovač", "€ 9.90"]
    assert report["lists"]["outlined"] == 1  # the outline's element is in the page
    assert report["lists"]["second"]["heading"] == "List 2 of 4: 5 items"
    assert report["lists"]["second"]["rows"][0] == ["Fiction", f"{site}/picker/fiction.html"]
    assert report["saveStatus"] == "The scraper is open in the editor: check it there and save it to install it."
    editor = report["editor"]
    assert editor["title"] == f"New scraper from {site.split('//')[1]}" and editor["state"] == "unsaved changes"
    assert 'ITEMS = "#content > section.listing > ul.results > li.book:not(.promo)"' in editor["text"]
    assert 'NEXT_PAGE = "a.next"' in editor["text"]
    # Named and titled by Python from the page's address (gleaner.scraper_writer.default_name).
    assert 'NAME = "127-0-0-1-picker"\nTITLE = "List on 127.0.0.1"' in editor["text"]
    assert report["outlineAfterPopupClosed"] == 0
    assert report["pickStatus"] == "Picking on the page: point at an item of a list and click it. Esc leaves."
    assert report["pickerShown"] == 1
    # A click on a book's title picked it instead of following the link; Esc left no trace.
    assert report["urlAfterClick"] == f"{site}/picker/books-1.html"
    assert report["pickerAfterEsc"] == 0 and report["markupKept"] is True
