"""Packages a scraper pins, end to end in real Chromium, on the SHIPPED build (dist/chrome).

The person sets the package index (a local PEP 503/691 index with real wheels, tests/package_index.py),
installs a scraper that pins price-parser from the options page, and allows Gleaner to reach the index
at Chromium's own prompt, answered with the keyboard on a virtual display (tests/user_grant.py).
The wheels are fetched then and only then: scrapes fetch nothing, and a plugin with packages still
reaches nothing.
"""

import concurrent.futures
import json
import subprocess
import sys
import time

import pytest

from conftest import ROOT
from hostile.recorder import recording_server
from package_index import make_wheel, serve_index
from test_packages import PLUGIN, SHOP, SHOP_PRICES
from test_security_e2e import SYNC_ROUTES
from user_grant import answer_prompt, display, shipped_browser  # noqa: F401  (display: a fixture)

# This module's browser and tests run in a thread of their own (see conftest.pytest_pyfunc_call).
PLAYWRIGHT_THREAD = concurrent.futures.ThreadPoolExecutor(max_workers=1)
PEEKER = 'NAME = "peeker"\nVERSION = "1.0.0"\nMATCHES = ["*://*/price-shop.html"]\n\n\ndef scrape(page):\n    import price_parser  # not its package\n    return []\n'


# A pure wheel that imports what the browser's Python lacks (Pyodide has no tkinter).
NEEDS_TK = make_wheel("needs-tk", "1.0", modules={"needs_tk/__init__.py": "import tkinter\n"})
NEEDS_TK_PLUGIN = 'NAME = "needs-tk"\nTITLE = "Needs Tk"\nVERSION = "1.0.0"\nMATCHES = ["*://*/price-shop.html"]\nREQUIRES = ["needs-tk==1.0"]\n\n\ndef scrape(page):\n    import needs_tk  # noqa: F401\n    return []\n'


@pytest.fixture(scope="module")
def index():
    with serve_index(extra=dict([NEEDS_TK])) as served:
        yield served


@pytest.fixture(scope="module")
def shipped(extension_dir, display, tmp_path_factory):
    browser = shipped_browser(extension_dir, display, tmp_path_factory.mktemp("packages-profile"))
    PLAYWRIGHT_THREAD.submit(browser.__enter__).result()
    yield browser
    PLAYWRIGHT_THREAD.submit(browser.__exit__, None, None, None).result()


def options_page(browser):
    page = browser.context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(browser.url("extension/options/options.html"))
    page.wait_for_selector("body[data-loaded=true]")
    return page


def wait_for_notice(page, start, timeout=90):
    deadline = time.monotonic() + timeout
    while not (text := page.inner_text("#notice")).startswith(start) and time.monotonic() < deadline:
        time.sleep(0.2)
    return text


def set_index(page, url):
    page.fill("#package-index", url)
    page.dispatch_event("#package-index", "change")
    deadline = time.monotonic() + 5
    while page.evaluate("chrome.storage.local.get('packageIndexUrl').then((s) => s.packageIndexUrl)") != url and time.monotonic() < deadline:
        time.sleep(0.1)


def install_file(page, path):
    page.set_input_files("#install-file", str(path))
    page.wait_for_selector("#editor-pane:not([hidden])")


def scrape(browser, url):
    page, tab_id = browser.open_tab(url)
    popup = browser.open_popup(tab_id)
    try:
        assert popup.evaluate("document.body.dataset.state") == "done", popup.inner_text("#status")
        return {r["scraper"]: r for r in browser.send(popup, "GetLastRun", {"tabId": tab_id})["result"]["results"]}
    finally:
        popup.close()
        page.close()


@pytest.fixture(scope="module")
def installed(shipped, display, index):
    """shop-prices installed from the options page, access to the index allowed at the prompt."""
    base, requests = index

    def install():
        page = options_page(shipped)
        set_index(page, f"{base}/simple/")
        install_file(page, PLUGIN)
        answer_prompt(display, lambda: page.click("#save"), allow=True)
        return page, wait_for_notice(page, "Saved")

    page, notice = PLAYWRIGHT_THREAD.submit(install).result()
    yield {"page": page, "notice": notice, "requests_after_install": list(requests)}
    PLAYWRIGHT_THREAD.submit(page.close).result()


def test_install_from_the_options_page_fetches_verified_wheels_and_shows_them(shipped, installed, index):
    base, _ = index
    page = installed["page"]
    assert installed["notice"] == "Saved shop-prices 1.0.0 with attrs 26.1.0, price-parser 0.5.1."
    # What was fetched, all at the Save: a tab on the index (its page load), then the lookups and the wheels.
    fetched = [path for path, _ in installed["requests_after_install"] if path != "/favicon.ico"]
    assert fetched == [
        "/simple/price-parser/", "/simple/price-parser/", "/files/price_parser-0.5.1-py3-none-any.whl",
        "/simple/attrs/", "/files/attrs-26.1.0-py3-none-any.whl",
    ]
    # The tab that fetched them is gone again.
    assert not [p.url for p in shipped.context.pages if p.url.startswith(base)]
    assert page.inner_text("tr[data-name=shop-prices] .packages") == "Packages: attrs 26.1.0 (66 KB, MIT), price-parser 0.5.1 (14 KB, BSD-3-Clause)"
    assert page.inner_text("#package-cache") == "Package cache: 2 wheels, 80 KB"
    assert shipped.service_worker.evaluate("chrome.permissions.contains({ origins: ['http://127.0.0.1/*'] })") is True


def test_the_scraper_reads_prices_offline_with_the_same_records_as_native(shipped, installed, index, site, tmp_path):
    _, requests = index
    page = installed["page"]
    shipped.send(page, "SaveScraper", {"source": PEEKER})
    assert shipped.send(page, "SaveScraper", {"source": NEEDS_TK_PLUGIN})["ok"]
    before = len(requests)
    # An update that leaves REQUIRES alone keeps its lock and fetches nothing.
    updated = shipped.send(page, "SaveScraper", {"source": PLUGIN.read_text().replace('VERSION = "1.0.0"', 'VERSION = "1.0.1"'), "originalName": "shop-prices"})
    assert updated["ok"] and [w["version"] for w in updated["result"]["packages"]] == ["26.1.0", "0.5.1"]
    results = scrape(shipped, f"{site}/price-shop.html")
    assert len(requests) == before  # nothing fetched at run time
    assert results["shop-prices"]["ok"], results["shop-prices"]["error"]
    assert results["shop-prices"]["records"] == SHOP_PRICES
    # Its package is loaded for its runs only: another plugin and the built-ins never see it.
    assert results["peeker"]["error"]["type"] == "ModuleNotFoundError"
    assert results["peeker"]["error"]["message"] == "No module named 'price_parser'"
    assert all(results[name]["ok"] for name in ("article", "links", "metadata", "tables", "pagination"))
    # A package importing what the browser lacks fails its own scraper, with the import's name.
    assert results["needs-tk"]["error"]["message"] == "Needs Tk failed: its package needs_tk imports tkinter, which this Python does not have."
    assert shipped.send(page, "DeleteScraper", {"name": "needs-tk"})["ok"]
    # --native installs the same pins with pip and gives the same records.
    base, _ = index
    native = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "scrape", str(SHOP), "--plugin", str(PLUGIN), "--native", "--scraper", "shop-prices",
         "--index-url", f"{base}/simple/"],
        capture_output=True, text=True, env={"GLEANER_CACHE": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert native.returncode == 0, native.stderr
    assert json.loads(native.stdout) == results["shop-prices"]["records"]


def test_a_plugin_with_packages_still_reaches_nothing(shipped, installed, index, site):
    _, requests = index
    source = (ROOT / "tests" / "hostile" / "exfiltrate.py").read_text().replace(
        'NAME = "exfiltrate"', 'NAME = "exfiltrate-with-packages"\nREQUIRES = ["price-parser==0.5.1"]\n\nimport price_parser  # noqa: E402,F401'
    )
    page = installed["page"]
    reply = shipped.send(page, "SaveScraper", {"source": source})
    assert reply["ok"], reply
    before = len(requests)
    try:
        with recording_server() as sink:
            first = scrape(shipped, f"{site}/shop.html?sink={sink.url}")
            time.sleep(3)  # what the plugin started settles, and is collected by the next run
            second = scrape(shipped, f"{site}/shop.html?sink={sink.url}")
            assert sink.connections == [] and sink.requests == []
            # Host access to 127.0.0.1 (the sink's host) is granted here, and the sink answers this browser:
            # the silence above is the extension's doing.
            probe = shipped.context.new_page()
            probe.goto(f"{sink.url}/control")
            probe.close()
            assert "/control" in [r["path"] for r in sink.requests]
    finally:
        shipped.send(page, "DeleteScraper", {"name": "exfiltrate-with-packages"})
    assert len(requests) == before
    plugin = first["exfiltrate-with-packages"]
    assert plugin["ok"], plugin["error"]
    assert {r["route"] for r in plugin["records"]} == set(SYNC_ROUTES)
    assert second["exfiltrate-with-packages"]["ok"]


def test_a_compiled_package_and_a_tampered_wheel_are_refused_and_nothing_is_kept(shipped, installed, index, tmp_path):
    base, _ = index
    page = installed["page"]
    compiled = tmp_path / "markup.py"
    compiled.write_text(PLUGIN.read_text().replace("price-parser==0.5.1", "markupsafe==3.0.3").replace('"shop-prices"', '"markup"'))
    install_file(page, compiled)
    page.click("#save")  # the index's site is allowed already: no prompt this time
    assert wait_for_notice(page, "markupsafe") == (
        "markupsafe 3.0.3 has no pure-Python wheel (only compiled code or a source archive), so it cannot run in the browser; "
        "nothing was installed. Pyodide ships a build of it, which Gleaner's build would have to include."
    )
    set_index(page, f"{base}/tampered/simple/")
    tampered = tmp_path / "shop-prices-2.py"
    tampered.write_text(PLUGIN.read_text().replace('"shop-prices"', '"shop-prices-2"'))
    install_file(page, tampered)
    page.click("#save")
    assert wait_for_notice(page, "price_parser") == (
        "price_parser-0.5.1-py3-none-any.whl (price-parser 0.5.1) does not match the sha256 the package index publishes for it; nothing was installed."
    )
    set_index(page, f"{base}/simple/")
    names = [s["name"] for s in shipped.send(page, "ListScrapers", {})["result"]["scrapers"] if not s["builtin"]]
    assert "markup" not in names and "shop-prices-2" not in names
    assert shipped.send(page, "ListScrapers", {})["result"]["packageCache"] == {"count": 2, "bytes": 67548 + 14800}


def test_export_carries_the_lock_and_deleting_the_last_user_frees_the_wheels(shipped, installed, index):
    _, requests = index
    page = installed["page"]
    archive = json.loads(shipped.send(page, "ExportArchive", {})["result"]["text"])
    [entry] = [s for s in archive["scrapers"] if s["name"] == "shop-prices"]
    assert [(w["name"], w["version"], w["sha256"]) for w in entry["packages"]] == [
        ("attrs", "26.1.0", "c647aa4a12dfbad9333ca4e71fe62ddc36f4e63b2d260a37a8b83d2f043ac309"),
        ("price-parser", "0.5.1", "d401fb2a866e86103a19383396bee5ac7f72408a9db6bf3c6edf3210e4212910"),
    ]
    assert "wheels" not in archive
    with_wheels = json.loads(shipped.send(page, "ExportArchive", {"withWheels": True})["result"]["text"])
    assert sorted(with_wheels["wheels"]) == sorted(w["sha256"] for w in entry["packages"])
    def delete_all():
        for scraper in shipped.send(page, "ListScrapers", {})["result"]["scrapers"]:
            if not scraper["builtin"]:
                assert shipped.send(page, "DeleteScraper", {"name": scraper["name"]})["ok"]

    delete_all()
    assert shipped.send(page, "ListScrapers", {})["result"]["packageCache"] == {"count": 0, "bytes": 0}
    # Importing the archive fetches the locked wheels again and checks them against the lock...
    before = len(requests)
    reply = shipped.send(page, "ImportArchive", {"text": json.dumps(archive)})
    assert reply["ok"], reply
    assert sorted(path for path, _ in requests[before:] if path.endswith(".whl")) == [
        "/files/attrs-26.1.0-py3-none-any.whl", "/files/price_parser-0.5.1-py3-none-any.whl",
    ]
    assert shipped.send(page, "ListScrapers", {})["result"]["packageCache"] == {"count": 2, "bytes": 67548 + 14800}
    delete_all()
    # ...and one that carries the wheels is checked against the lock, and fetches nothing; a damaged one imports nothing.
    damaged = json.loads(json.dumps(with_wheels))
    first = sorted(damaged["wheels"])[0]
    damaged["wheels"][first] = damaged["wheels"][first][:-8] + "AAAAAAA="
    refused = shipped.send(page, "ImportArchive", {"text": json.dumps(damaged)})
    assert not refused["ok"] and "does not match its sha256" in refused["error"]["message"]
    assert shipped.send(page, "ListScrapers", {})["result"]["packageCache"] == {"count": 0, "bytes": 0}
    before = len(requests)
    reply = shipped.send(page, "ImportArchive", {"text": json.dumps(with_wheels)})
    assert reply["ok"], reply
    assert len(requests) == before
    assert shipped.send(page, "ListScrapers", {})["result"]["packageCache"] == {"count": 2, "bytes": 67548 + 14800}


def test_an_import_without_access_to_the_index_asks_from_a_click_and_then_fetches(shipped, installed, display, index, tmp_path):
    _, requests = index
    page = installed["page"]
    archive = tmp_path / "archive.json"
    archive.write_text(shipped.send(page, "ExportArchive", {})["result"]["text"])
    deleted = {}
    for scraper in shipped.send(page, "ListScrapers", {})["result"]["scrapers"]:
        if not scraper["builtin"]:
            deleted[scraper["name"]] = shipped.send(page, "DeleteScraper", {"name": scraper["name"]})["result"]
    # Its wheels went with it, so Undo cannot bring it back whole: it says so, and restores nothing.
    undo = shipped.send(page, "RestoreScraper", deleted["shop-prices"])
    assert undo["error"]["message"] == (
        "shop-prices's packages (attrs 26.1.0, price-parser 0.5.1) were freed when it was deleted; install it again to fetch them. It was not restored."
    )
    assert shipped.service_worker.evaluate("chrome.permissions.remove({ origins: ['http://127.0.0.1/*'] })") is True
    page.set_input_files("#import-file", str(archive))
    page.wait_for_selector("#allow-index", timeout=30_000)
    assert page.inner_text("#notice").startswith("shop-prices's packages must be fetched again from the package index at ")
    before = len(requests)
    answer_prompt(display, lambda: page.click("#allow-index"), allow=True)
    count = len(json.loads(archive.read_text())["scrapers"])
    assert wait_for_notice(page, "Imported") == f"Imported {count} {'scraper' if count == 1 else 'scrapers'}."
    assert sorted(path for path, _ in requests[before:] if path.endswith(".whl")) == [
        "/files/attrs-26.1.0-py3-none-any.whl", "/files/price_parser-0.5.1-py3-none-any.whl",
    ]
    assert page.inner_text("#package-cache") == "Package cache: 2 wheels, 80 KB"


def test_cli_in_chromium_installs_from_the_index_and_gives_the_native_records(extension_dir, index):
    """python build.py scrape (and crawl) FILE --plugin P.py --index-url URL: the automation build installs as Save does."""
    base, _ = index
    done = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "scrape", str(SHOP), "--plugin", str(PLUGIN), "--scraper", "shop-prices", "--index-url", f"{base}/simple/"],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == SHOP_PRICES
    crawled = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "crawl", str(SHOP), "--plugin", str(PLUGIN), "--scraper", "shop-prices", "--next-pages", "1",
         "--no-page-column", "--index-url", f"{base}/simple/"],
        capture_output=True, text=True, timeout=300,
    )
    assert crawled.returncode == 0, crawled.stderr
    assert json.loads(crawled.stdout) == SHOP_PRICES
    tampered = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "scrape", str(SHOP), "--plugin", str(PLUGIN), "--index-url", f"{base}/tampered/simple/"],
        capture_output=True, text=True, timeout=300,
    )
    assert tampered.returncode == 2
    assert tampered.stderr.strip().splitlines()[-1] == (
        "error: shop-prices: price_parser-0.5.1-py3-none-any.whl (price-parser 0.5.1) does not match the sha256 the package index publishes for it; "
        "nothing was installed."
    )
