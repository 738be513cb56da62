"""Crawls end to end in real headless firefox-esr, on the SHIPPED package.

tests/firefox/crawl-scenario.mjs drives Firefox (puppeteer-core over
WebDriver BiDi) through every scenario once, in two launches of one profile,
and reports what Firefox showed; the assertions are here, the same as
test_crawl_chromium.py's. Host access: the shipped package has none of its
own; the crawl's permissions.request, from a real click in the popup or the
options page, is granted by Firefox's extensions.webextOptionalPermissionPrompts
pref (off), since its prompt is out of WebDriver BiDi's reach
(docs/crawling.md, "How the tests grant it").
"""

import json
import subprocess

import pytest

from conftest import ROOT
from crawl_site import DURABLE_PAGES, DURABLE_RECORDS, NEXT_PAGES_LINKS, PLUGIN, serve_crawl_site

VERSION = json.loads((ROOT / "manifest.json").read_text())["version"]
# Firefox's default is 30 s. The second launch's lower timeout lets the event
# page unload between two pages of a crawl whose delay is twice as long.
IDLE_TIMEOUT_MS = 1500


def user_scraper(path):
    from gleaner.plugins import load_plugin

    source = path.read_text()
    return {"source": source, "metadata": load_plugin(source, path.name).metadata(), "enabled": True}


@pytest.fixture(scope="module")
def report(extension_dir, tmp_path_factory):
    package = ROOT / "dist" / f"gleaner-firefox-{VERSION}.zip"
    with serve_crawl_site() as base:
        arguments = {
            "extension": str(package),
            "site": base,
            "profile": str(tmp_path_factory.mktemp("firefox-crawl-profile")),
            "userScrapers": [user_scraper(PLUGIN), user_scraper(PLUGIN.parent / "furniture_crawl.py")],
            "durablePages": DURABLE_PAGES,
            "idleTimeoutMs": IDLE_TIMEOUT_MS,
        }
        done = subprocess.run(["node", str(ROOT / "tests" / "firefox" / "crawl-scenario.mjs"), json.dumps(arguments)],
                              capture_output=True, text=True, timeout=900, cwd=ROOT)
    lines = done.stdout.strip().splitlines()
    assert lines, done.stderr[-3000:]
    result = json.loads(lines[-1])
    assert "error" not in result, result["error"]
    result["site"] = base
    return result


def scenario(report, name):
    part = report.get(name)
    assert part is not None, f"the scenario {name} did not run"
    assert "error" not in part, part["error"]
    return part


def test_url_list_from_the_options_page_gives_exact_records_and_page_errors(report):
    part = scenario(report, "list")
    base = report["site"]
    assert part["status"] == "Crawl started: 6 pages."
    # The pages open in a window of the crawl's own, which does not take the focus.
    focus = part["focus"]
    assert focus["windowId"] != part["personWindow"]
    assert focus["focused"] is False and focus["tabActive"] is False
    assert focus["lastFocused"] == part["personWindow"]
    assert part["crawl"]["state"] == "done", part["crawl"]
    assert part["crawl"]["counters"] == {"done": 5, "failed": 1, "queued": 0, "records": 4, "offSite": 0, "retries": 1, "pageErrors": 1}
    assert json.loads(part["json"]) == [
        {"name": "Oak chair", "price": "€ 49.00", "sku": "SKU-1"},
        {"name": "Pine table", "price": "€ 120.00", "sku": "SKU-2"},
        {"name": "Walnut desk", "price": "€ 310.00", "sku": "SKU-5"},  # written by the page's own script
        {"name": "Birch shelf", "price": "€ 75.50", "sku": "SKU-3"},  # the slow page
    ]
    assert part["csv"] == (
        "name,price,sku,_page\r\n"
        f"Oak chair,€ 49.00,SKU-1,{base}/p1.html\r\n"
        f"Pine table,€ 120.00,SKU-2,{base}/p2.html\r\n"
        f"Walnut desk,€ 310.00,SKU-5,{base}/p5.html\r\n"
        f"Birch shelf,€ 75.50,SKU-3,{base}/slow/p3.html\r\n"
    )
    details = part["details"]
    assert [(p["url"], p["error"], p["attempts"]) for p in details["failed"]] == [(f"{base}/p4.html", "HTTP 404", 2)]
    assert [(p["url"], p["errors"]) for p in details["pageErrors"]] == [
        (f"{base}/broken.html", [{"scraper": "crawl-test-furniture", "message": "'NoneType' object has no attribute 'get_text'"}]),
    ]


def test_crawl_from_the_popup_follows_list_to_detail_with_data(report):
    """page.follow(url, callback, data); the off-site follow counted, the 404 recorded, the cycle ends."""
    part = scenario(report, "follow")
    base = report["site"]
    assert part["label"] == "Crawl with crawl-test-furniture-crawl"
    crawl = part["crawl"]
    assert crawl["state"] == "done", crawl
    assert crawl["mode"] == "follow" and crawl["options"]["delayMs"] == 1000
    assert crawl["counters"] == {"done": 7, "failed": 1, "queued": 0, "records": 4, "offSite": 1, "retries": 1, "pageErrors": 0}
    assert json.loads(part["json"]) == [
        {"name": "Oak chair", "price": "€ 49.00", "stock": "in stock", "list": f"{base}/products-1.html"},
        {"name": "Pine table", "price": "€ 120.00", "stock": "2 left", "list": f"{base}/products-1.html"},
        {"name": "Birch shelf", "price": "€ 75.50", "stock": "in stock", "list": f"{base}/products-2.html"},
        {"name": "Walnut desk", "price": "€ 310.00", "stock": "in stock", "list": f"{base}/products-3.html"},
    ]


def test_next_pages_from_the_popup_follow_three_cue_styles_and_end_at_the_cycle(report):
    """rel=next, a "Next ›" link, an aria-label "Next page" arrow; page 3's next is page 1 again."""
    part = scenario(report, "next")
    crawl = part["crawl"]
    assert crawl["mode"] == "next" and crawl["options"]["maxPages"] == 6
    assert crawl["counters"] == {"done": 3, "failed": 0, "queued": 0, "records": crawl["counters"]["records"], "offSite": 0, "retries": 0, "pageErrors": 0}
    assert crawl["message"] == "Done: no pages left to visit."
    links = json.loads(part["links"])
    assert [(r["_page"].rsplit("/", 1)[1], r["url"].rsplit("/", 1)[1], r["text"]) for r in links] == NEXT_PAGES_LINKS
    assert part["counts"].startswith(f"Crawl done: 3 pages done, 0 queued, 0 failed; {crawl['counters']['records']} records; ")


def test_pause_resume_and_stop(report):
    part = scenario(report, "pauseResumeStop")
    paused, settled, stopped, final = part["paused"], part["settled"], part["stopped"], part["final"]
    assert paused["state"] == settled["state"] == "paused"
    # The page in flight at the pause may land; nothing starts after it.
    assert settled["counters"]["done"] <= paused["counters"]["done"] + 1
    assert part["stillSettled"]["counters"] == settled["counters"]
    assert stopped["message"].startswith("Stopped by you after ")
    done = final["counters"]["done"]
    assert settled["counters"]["done"] < done
    assert stopped["counters"]["done"] <= done <= stopped["counters"]["done"] + 1, (stopped, final)
    assert final["state"] == "done" and final["counters"]["queued"] == len(DURABLE_PAGES) - done
    # products-1, the third page, gives no record.
    assert json.loads(part["json"]) == DURABLE_RECORDS[: done - (1 if done >= 3 else 0)]


def test_browser_restart_mid_crawl_comes_back_paused_and_resumes_with_exact_records(report):
    before = scenario(report, "restartBefore")["before"]
    part = scenario(report, "restartAfter")
    assert part["paused"]["state"] == "paused"
    assert part["paused"]["message"] == "Paused: the browser or Gleaner restarted during the crawl. Resume goes on where it stopped; nothing scraped was lost."
    assert 2 <= before["counters"]["done"] <= part["paused"]["counters"]["done"] < len(DURABLE_PAGES)
    assert part["crawl"]["state"] == "done", part["crawl"]
    assert part["crawl"]["counters"]["done"] == len(DURABLE_PAGES)
    assert part["crawl"]["counters"]["records"] == len(DURABLE_RECORDS)
    assert json.loads(part["json"]) == DURABLE_RECORDS


def test_event_page_unloaded_mid_crawl_goes_on_by_itself_losing_and_doubling_nothing(report):
    part = scenario(report, "eventPageUnload")
    # Firefox unloaded the event page at least once with pages still queued.
    assert any(unload["state"] == "running" and unload["queued"] > 0 for unload in part["unloads"]), part["unloads"]
    crawl = part["crawl"]
    assert crawl["state"] == "done", crawl
    assert crawl["counters"]["done"] == 3 and crawl["counters"]["records"] == 3 and crawl["counters"]["failed"] == 0
    assert json.loads(part["json"]) == [
        {"name": "Oak chair", "price": "€ 49.00", "sku": "SKU-1"},
        {"name": "Pine table", "price": "€ 120.00", "sku": "SKU-2"},
        {"name": "Walnut desk", "price": "€ 310.00", "sku": "SKU-5"},
    ]
