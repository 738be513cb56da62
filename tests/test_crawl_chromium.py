"""Crawls end to end in real Chromium, on the SHIPPED build (dist/chrome).

Host access is granted as a person grants it: the options page or popup
asks from a click, and the browser's own prompt is answered with the
keyboard (tests/user_grant.py). One browser for the module; the site is
tests/pages/crawl-site served here, with a slow page and a page that
never finishes loading added by the server.
"""

import concurrent.futures
import json
import time

import pytest

from crawl_site import DURABLE_PAGES, DURABLE_RECORDS, NEXT_PAGES_LINKS, PLUGIN, serve_crawl_site
from user_grant import answer_prompt, display, shipped_browser  # noqa: F401  (display: a fixture)

# This module's browser and tests run in a thread of their own (see conftest.pytest_pyfunc_call).
PLAYWRIGHT_THREAD = concurrent.futures.ThreadPoolExecutor(max_workers=1)


@pytest.fixture(scope="module")
def crawl_site():
    with serve_crawl_site() as base:
        yield base


@pytest.fixture(scope="module")
def shipped(extension_dir, display, tmp_path_factory):
    """The shipped build in Chromium on the virtual display, with the test plugin installed."""
    from gleaner.plugins import load_plugin

    browser = shipped_browser(extension_dir, display, tmp_path_factory.mktemp("crawl-profile"))
    PLAYWRIGHT_THREAD.submit(browser.__enter__).result()
    source = PLUGIN.read_text()
    scrapers = [{"source": source, "metadata": load_plugin(source, PLUGIN.name).metadata(), "enabled": True}]
    PLAYWRIGHT_THREAD.submit(browser.set_user_scrapers, scrapers).result()
    yield browser
    PLAYWRIGHT_THREAD.submit(browser.__exit__, None, None, None).result()


def ensure_site_access(shipped, display, crawl_site):
    """Access to the crawl site, granted at the prompt by a crawl from the
    options page unless a test before did (the popup reads the tab with it).
    A helper, not a fixture: this module's browser is driven from its own thread."""
    if not shipped.service_worker.evaluate("chrome.permissions.contains({ origins: ['http://127.0.0.1/*'] })"):
        page = start_list_crawl_from_options(shipped, display, [f"{crawl_site}/p1.html"], allow=True)
        page.wait_for_selector("tr[data-crawl-id]", timeout=10_000)
        wait_for_state(shipped, page, page.get_attribute("tr[data-crawl-id]", "data-crawl-id"), {"done", "failed"})
        page.close()


def options_page(browser):
    page = browser.context.new_page()
    page.goto(browser.url("extension/options/options.html"))
    page.wait_for_selector("#crawls-table")
    return page


def send(browser, page, name, payload):
    reply = browser.send(page, name, payload)
    assert reply["ok"], reply
    return reply["result"]


def wait_for_state(browser, page, crawl_id, states, timeout=120):
    deadline = time.monotonic() + timeout
    while True:
        crawl = send(browser, page, "GetCrawl", {"crawlId": crawl_id})["crawl"]
        if crawl["state"] in states or time.monotonic() > deadline:
            return crawl
        time.sleep(0.25)


def exported(browser, page, crawl_id, scraper="crawl-test-furniture", fmt="json", **options):
    result = send(browser, page, "ExportCrawl", {"crawlId": crawl_id, "scraper": scraper, "format": fmt, **options})
    return result["text"]


def start_list_crawl_from_options(browser, display, urls, *, allow=True):
    page = options_page(browser)
    page.click("#crawl-list-form summary")
    page.wait_for_selector("input[name=crawl-scraper][value=crawl-test-furniture]")
    page.fill("#crawl-urls", "\n".join(urls))
    page.check("input[name=crawl-scraper][value=crawl-test-furniture]")
    page.fill("#crawl-delay", "0")
    answer_prompt(display, lambda: page.click("#crawl-start"), allow=allow)
    return page


def test_refused_access_ends_with_a_sentence(shipped, display, crawl_site):
    page = start_list_crawl_from_options(shipped, display, [f"{crawl_site}/p1.html"], allow=False)
    deadline = time.monotonic() + 10
    while "not allowed" not in page.inner_text("#crawls-status") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert page.inner_text("#crawls-status") == "Gleaner was not allowed to read those sites, so the crawl did not start."
    assert send(shipped, page, "ListCrawls", {})["crawls"] == []
    page.close()


def test_url_list_crawl_gives_exact_records_and_page_errors(shipped, display, crawl_site):
    urls = [
        f"{crawl_site}/p1.html",
        f"{crawl_site}/p2.html#reviews",  # the same page as p2.html: one visit
        f"{crawl_site}/p4.html",  # 404: recorded, retried once
        f"{crawl_site}/p5.html",  # its price is written by the page's script
        f"{crawl_site}/slow/p3.html",
        f"{crawl_site}/broken.html",  # the scraper fails here: this page's error only
        f"{crawl_site}/p2.html",
    ]
    page = start_list_crawl_from_options(shipped, display, urls, allow=True)
    page.wait_for_selector("tr[data-crawl-id]", timeout=10_000)
    crawl_id = page.get_attribute("tr[data-crawl-id]", "data-crawl-id")
    crawl = wait_for_state(shipped, page, crawl_id, {"done", "failed"})
    assert crawl["state"] == "done", crawl
    assert crawl["counters"] == {"done": 5, "failed": 1, "queued": 0, "records": 4, "offSite": 0, "retries": 1, "pageErrors": 1}
    assert json.loads(exported(shipped, page, crawl_id)) == [
        {"name": "Oak chair", "price": "€ 49.00", "sku": "SKU-1"},
        {"name": "Pine table", "price": "€ 120.00", "sku": "SKU-2"},
        {"name": "Walnut desk", "price": "€ 310.00", "sku": "SKU-5"},
        {"name": "Birch shelf", "price": "€ 75.50", "sku": "SKU-3"},
    ]
    assert exported(shipped, page, crawl_id, fmt="csv", pageColumn=True) == (
        "name,price,sku,_page\r\n"
        f"Oak chair,€ 49.00,SKU-1,{crawl_site}/p1.html\r\n"
        f"Pine table,€ 120.00,SKU-2,{crawl_site}/p2.html\r\n"
        f"Walnut desk,€ 310.00,SKU-5,{crawl_site}/p5.html\r\n"
        f"Birch shelf,€ 75.50,SKU-3,{crawl_site}/slow/p3.html\r\n"
    )
    details = send(shipped, page, "GetCrawl", {"crawlId": crawl_id})
    assert [(p["url"], p["error"], p["attempts"]) for p in details["failed"]] == [(f"{crawl_site}/p4.html", "HTTP 404", 2)]
    assert [(p["url"], p["errors"]) for p in details["pageErrors"]] == [
        (f"{crawl_site}/broken.html", [{"scraper": "crawl-test-furniture", "message": "'NoneType' object has no attribute 'get_text'"}]),
    ]
    # The options page shows it too.
    page.click(f"tr[data-crawl-id='{crawl_id}'] button[data-action=details]")
    assert page.inner_text(f"tr.crawl-pages[data-for='{crawl_id}'] li[data-kind=failed]") == f"{crawl_site}/p4.html: failed (HTTP 404)"
    assert page.inner_text(f"tr[data-crawl-id='{crawl_id}'] .message") == "Done: no pages left to visit."
    page.close()


def test_core_scrape_on_the_shipped_build(shipped, crawl_site):
    """The toolbar scrape with access granted by the person (in the test above), not by the build."""
    from gleaner_cli.browser import popup_results

    tab = shipped.context.new_page()
    tab.goto(f"{crawl_site}/products-1.html")
    tab_id = shipped.service_worker.evaluate("async (url) => (await chrome.tabs.query({})).find((t) => t.url === url)?.id", tab.url)
    popup = shipped.open_popup(tab_id)
    shown = {r["scraper"]: r for r in popup_results(popup)}
    assert shown["links"]["rows"] == [
        [f"{crawl_site}/p1.html", "Oak chair", ""],
        [f"{crawl_site}/p2.html?ref=list&a=1", "Pine table", ""],
        ["http://example.invalid/elsewhere", "A partner shop", ""],
        [f"{crawl_site}/products-1.html", "This page again", ""],
        [f"{crawl_site}/products-2.html", "Next", "next"],
    ]
    popup.close()
    tab.close()



def test_next_pages_from_the_popup_follow_three_cue_styles_and_end_at_the_cycle(shipped, crawl_site):
    """rel=next, a "Next ›" link, an aria-label "Next page" arrow; page 3's next is page 1 again."""
    tab = shipped.context.new_page()
    tab.goto(f"{crawl_site}/products-1.html")
    tab_id = shipped.service_worker.evaluate("async (url) => (await chrome.tabs.query({})).find((t) => t.url === url)?.id", tab.url)
    popup = shipped.open_popup(tab_id)
    popup.fill("#crawl-next-count", "5")
    shown_before = popup.get_attribute(".crawl-line", "data-crawl-id") if popup.query_selector(".crawl-line") else None
    popup.click("#crawl-next")
    deadline = time.monotonic() + 60
    while (crawl_id := popup.get_attribute(".crawl-line", "data-crawl-id") if popup.query_selector(".crawl-line") else None) in (None, shown_before):
        assert time.monotonic() < deadline, "the popup did not show the new crawl"
        time.sleep(0.1)
    popup.wait_for_selector(f".crawl-line[data-crawl-id='{crawl_id}'][data-state=done]", timeout=60_000)
    crawl = send(shipped, popup, "GetCrawl", {"crawlId": crawl_id})["crawl"]
    assert crawl["mode"] == "next" and crawl["options"]["maxPages"] == 6
    assert crawl["counters"] == {"done": 3, "failed": 0, "queued": 0, "records": crawl["counters"]["records"], "offSite": 0, "retries": 0, "pageErrors": 0}
    assert crawl["message"] == "Done: no pages left to visit."
    assert "pagination" not in crawl["scrapers"] and "links" in crawl["scrapers"]
    # Each record says which page it came from (on by default for next pages).
    links = json.loads(exported(shipped, popup, crawl_id, scraper="links"))
    assert [(r["_page"].rsplit("/", 1)[1], r["url"].rsplit("/", 1)[1], r["text"]) for r in links] == NEXT_PAGES_LINKS
    assert popup.inner_text(".crawl-counts").startswith(f"Crawl done: 3 pages done, 0 queued, 0 failed; {crawl['counters']['records']} records; ")
    popup.close()
    tab.close()


def on_the_slow_pages_tab(browser, body, timeout=20):
    """Run `body` (JS, with `tab` the crawl's tab of a /slow/ page) in the
    service worker as soon as that tab is open; its value (None if it never was)."""
    deadline = time.monotonic() + timeout
    while True:
        value = browser.service_worker.evaluate(
            "async () => { const [tab] = await chrome.tabs.query({ url: '*://127.0.0.1/slow/*' }); if (!tab) return null; %s }" % body
        )
        if value is not None or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def test_a_crawl_tab_the_person_closes_is_tried_again(shipped, crawl_site):
    page = options_page(shipped)
    crawl_id = start_list_crawl(shipped, page, crawl_site, ["slow/p3.html", "p1.html"], delay=0)
    # The slow page's tab, closed while it loads, as a person would close it.
    closed = on_the_slow_pages_tab(shipped, "await chrome.tabs.remove(tab.id); return tab.id;")
    assert closed is not None
    crawl = wait_for_state(shipped, page, crawl_id, {"done", "failed"})
    assert crawl["counters"] == {"done": 2, "failed": 0, "queued": 0, "records": 2, "offSite": 0, "retries": 1, "pageErrors": 0}
    assert json.loads(exported(shipped, page, crawl_id)) == [
        {"name": "Oak chair", "price": "€ 49.00", "sku": "SKU-1"},
        {"name": "Birch shelf", "price": "€ 75.50", "sku": "SKU-3"},
    ]
    page.close()


def start_list_crawl(browser, page, base, pages, delay):
    """Through the command, once access was granted at the prompt (test_url_list_crawl...)."""
    urls = [f"{base}/{name}" for name in pages]
    return send(browser, page, "StartCrawl", {"mode": "list", "urls": urls, "scrapers": ["crawl-test-furniture"], "maxPages": len(urls), "delaySeconds": delay})["id"]


def wait_for_done_pages(browser, page, crawl_id, count, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        crawl = send(browser, page, "GetCrawl", {"crawlId": crawl_id})["crawl"]
        if crawl["counters"]["done"] >= count or time.monotonic() > deadline:
            return crawl
        time.sleep(0.1)


def stop_service_worker(browser, page):
    """Stop the extension's service worker as Chrome does when it idles."""
    cdp = browser.context.new_cdp_session(page)
    cdp.send("ServiceWorker.enable")
    cdp.send("ServiceWorker.stopAllWorkers")
    cdp.detach()


def test_pause_resume_and_stop(shipped, crawl_site):
    page = options_page(shipped)
    crawl_id = start_list_crawl(shipped, page, crawl_site, DURABLE_PAGES, delay=1)
    wait_for_done_pages(shipped, page, crawl_id, 1)
    # The badge counts the pages visited while the crawl runs.
    assert int(shipped.service_worker.evaluate("chrome.action.getBadgeText({})")) >= 1
    page.click(f"tr[data-crawl-id='{crawl_id}'] button[data-action=pause]")
    paused = wait_for_state(shipped, page, crawl_id, {"paused"})
    time.sleep(2.5)  # the page in progress may end; nothing starts after it
    settled = send(shipped, page, "GetCrawl", {"crawlId": crawl_id})["crawl"]
    assert paused["state"] == settled["state"] == "paused"
    assert settled["counters"]["done"] <= paused["counters"]["done"] + 1
    time.sleep(1.5)
    assert send(shipped, page, "GetCrawl", {"crawlId": crawl_id})["crawl"]["counters"] == settled["counters"]
    assert shipped.service_worker.evaluate("chrome.action.getBadgeText({})") == ""
    page.click(f"tr[data-crawl-id='{crawl_id}'] button[data-action=resume]")
    wait_for_done_pages(shipped, page, crawl_id, settled["counters"]["done"] + 1)
    page.click(f"tr[data-crawl-id='{crawl_id}'] button[data-action=stop]")
    stopped = wait_for_state(shipped, page, crawl_id, {"done"})
    time.sleep(1.5)  # a page in progress at the stop still lands whole
    final = send(shipped, page, "GetCrawl", {"crawlId": crawl_id})["crawl"]
    done = final["counters"]["done"]
    assert stopped["message"].startswith("Stopped by you after ")
    # The page in flight at the stop lands whole; nothing starts after it.
    assert stopped["counters"]["done"] <= done <= stopped["counters"]["done"] + 1, (stopped, final)
    assert final["state"] == "done" and final["counters"]["queued"] == len(DURABLE_PAGES) - done
    # products-1, the third page, gives no record.
    assert json.loads(exported(shipped, page, crawl_id)) == DURABLE_RECORDS[: done - (1 if done >= 3 else 0)]
    page.close()


def test_service_worker_stop_mid_crawl_loses_and_doubles_nothing(shipped, crawl_site):
    page = options_page(shipped)
    crawl_id = start_list_crawl(shipped, page, crawl_site, DURABLE_PAGES, delay=1)
    wait_for_done_pages(shipped, page, crawl_id, 2)
    shipped.service_worker.evaluate("self.beforeTheStop = true")
    stop_service_worker(shipped, page)
    # Any event wakes the service worker; this message is one.
    crawl = wait_for_state(shipped, page, crawl_id, {"done", "failed", "paused"})
    # A new worker finished the crawl: the old one's globals are gone.
    assert shipped.service_worker.evaluate("self.beforeTheStop === undefined")
    assert crawl["state"] == "done", crawl
    assert crawl["counters"]["done"] == len(DURABLE_PAGES) and crawl["counters"]["records"] == len(DURABLE_RECORDS)
    assert json.loads(exported(shipped, page, crawl_id)) == DURABLE_RECORDS
    page.close()


def test_browser_restart_mid_crawl_comes_back_paused_and_resumes(shipped, display, crawl_site):
    page = options_page(shipped)
    crawl_id = start_list_crawl(shipped, page, crawl_site, DURABLE_PAGES, delay=1)
    wait_for_done_pages(shipped, page, crawl_id, 2)
    shipped.__exit__(None, None, None)
    shipped.__enter__()
    page = options_page(shipped)
    crawl = wait_for_state(shipped, page, crawl_id, {"paused"}, timeout=20)
    assert crawl["state"] == "paused"
    assert crawl["message"] == "Paused: the browser or Gleaner restarted during the crawl. Resume goes on where it stopped; nothing scraped was lost."
    before = crawl["counters"]["done"]
    assert 2 <= before < len(DURABLE_PAGES)
    page.click(f"tr[data-crawl-id='{crawl_id}'] button[data-action=resume]")
    crawl = wait_for_state(shipped, page, crawl_id, {"done", "failed"})
    assert crawl["state"] == "done", crawl
    assert crawl["counters"]["done"] == len(DURABLE_PAGES)
    assert json.loads(exported(shipped, page, crawl_id)) == DURABLE_RECORDS
    page.close()


def test_crawl_follows_list_to_detail_with_data(shipped, crawl_site):
    """Contract v2: page.follow(url, callback, data); off-site follows counted, 404 recorded, the cycle ends."""
    from gleaner.plugins import load_plugin

    source = (PLUGIN.parent / "furniture_crawl.py").read_text()
    plugin = load_plugin(source, "furniture_crawl.py")
    if not getattr(plugin, "crawls", False):
        pytest.fail("this build's host has no page.follow (contract v2)")
    page = options_page(shipped)
    shipped.set_user_scrapers([
        {"source": PLUGIN.read_text(), "metadata": load_plugin(PLUGIN.read_text(), PLUGIN.name).metadata(), "enabled": True},
        {"source": source, "metadata": plugin.metadata(), "enabled": True},
    ])
    # The popup offers the crawl for the scraper that follows links.
    tab = shipped.context.new_page()
    tab.goto(f"{crawl_site}/products-1.html")
    tab_id = shipped.service_worker.evaluate("async (url) => (await chrome.tabs.query({})).find((t) => t.url === url)?.id", tab.url)
    popup = shipped.open_popup(tab_id)
    button = "button[data-crawl-scraper=crawl-test-furniture-crawl]"
    assert popup.inner_text(button) == "Crawl with crawl-test-furniture-crawl"
    shown_before = popup.get_attribute(".crawl-line", "data-crawl-id") if popup.query_selector(".crawl-line") else None
    popup.click(button)
    deadline = time.monotonic() + 30
    while (crawl_id := popup.get_attribute(".crawl-line", "data-crawl-id") if popup.query_selector(".crawl-line") else None) in (None, shown_before):
        assert time.monotonic() < deadline, "the popup did not show the new crawl"
        time.sleep(0.1)
    popup.close()
    tab.close()
    crawl = wait_for_state(shipped, page, crawl_id, {"done", "failed"})
    assert crawl["mode"] == "follow" and crawl["options"]["delayMs"] == 1000
    assert crawl["state"] == "done", crawl
    # 3 list pages + p1..p5 (p4 is a 404); products-1 again (from page 3) is the cycle's end.
    assert crawl["counters"] == {"done": 7, "failed": 1, "queued": 0, "records": 4, "offSite": 1, "retries": 1, "pageErrors": 0}
    base = crawl_site
    assert json.loads(exported(shipped, page, crawl_id, scraper="crawl-test-furniture-crawl")) == [
        {"name": "Oak chair", "price": "€ 49.00", "stock": "in stock", "list": f"{base}/products-1.html"},
        {"name": "Pine table", "price": "€ 120.00", "stock": "2 left", "list": f"{base}/products-1.html"},
        {"name": "Birch shelf", "price": "€ 75.50", "stock": "in stock", "list": f"{base}/products-2.html"},
        {"name": "Walnut desk", "price": "€ 310.00", "stock": "in stock", "list": f"{base}/products-3.html"},
    ]
    page.close()


def click_with_access(browser, display, page, click, origin):
    """Click what asks for `origin`; answer the browser's prompt when it shows
    (access the person granted earlier in the module means no prompt)."""
    if browser.service_worker.evaluate("(origin) => chrome.permissions.contains({ origins: [origin] })", origin):
        click()
    else:
        answer_prompt(display, click, allow=True)


UPLOADED_LISTS = {
    # One URL per line; a blank line and a line that is no address are left out.
    "urls.txt": ("{base}/p1.html\n\nnot an address\n{base}/p5.html\n{base}/p4.html\n", "3 URLs, 1 lines that are not web addresses left out"),
    # A CSV column named url, after a quoted cell holding a comma.
    "shop.csv": ('"Oak, chair",url,note\r\n"Oak, chair",{base}/p1.html,first\r\nDesk,{base}/p5.html,\r\nBench,{base}/p4.html,gone\r\n', "3 URLs"),
}


@pytest.mark.parametrize("filename", sorted(UPLOADED_LISTS))
def test_url_list_uploaded_as_a_file_gives_exact_records(shipped, display, crawl_site, tmp_path, filename):
    text, count = UPLOADED_LISTS[filename]
    listing = tmp_path / filename
    listing.write_bytes(text.format(base=crawl_site).encode())
    page = options_page(shipped)
    page.click("#crawl-list-form summary")
    page.wait_for_selector("input[name=crawl-scraper][value=crawl-test-furniture]")
    page.set_input_files("#crawl-urls-file", str(listing))
    deadline = time.monotonic() + 10
    while page.input_value("#crawl-urls") == "" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert page.input_value("#crawl-urls") == text.format(base=crawl_site).replace("\r\n", "\n")
    assert page.inner_text("#crawl-urls-count") == count
    page.check("input[name=crawl-scraper][value=crawl-test-furniture]")
    page.fill("#crawl-delay", "0")
    before = {c["id"] for c in send(shipped, page, "ListCrawls", {})["crawls"]}
    click_with_access(shipped, display, page, lambda: page.click("#crawl-start"), f"{crawl_site}/*")
    deadline = time.monotonic() + 20
    while not (new := [c for c in send(shipped, page, "ListCrawls", {})["crawls"] if c["id"] not in before]):
        assert time.monotonic() < deadline, page.inner_text("#crawls-status")
        time.sleep(0.2)
    crawl = wait_for_state(shipped, page, new[0]["id"], {"done", "failed"})
    assert page.inner_text("#crawls-status") == "Crawl started: 3 pages."
    assert crawl["mode"] == "list" and crawl["state"] == "done", crawl
    assert crawl["counters"] == {"done": 2, "failed": 1, "queued": 0, "records": 2, "offSite": 0, "retries": 1, "pageErrors": 0}
    assert json.loads(exported(shipped, page, crawl["id"])) == [
        {"name": "Oak chair", "price": "€ 49.00", "sku": "SKU-1"},
        {"name": "Walnut desk", "price": "€ 310.00", "sku": "SKU-5"},
    ]
    page.close()


def x_focus(display):
    """The name of the X window that has the keyboard focus (the browser names a window after its tab)."""
    import os
    import subprocess

    return subprocess.run(["xdotool", "getwindowfocus", "getwindowname"], capture_output=True, text=True,
                          env={**os.environ, "DISPLAY": display}, check=True).stdout.strip()


def test_crawl_pages_open_in_a_window_of_their_own_without_taking_focus(shipped, display, crawl_site):
    page = options_page(shipped)
    page.bring_to_front()
    focused_before = x_focus(display)
    person_window = shipped.service_worker.evaluate("async () => (await chrome.windows.getLastFocused()).id")
    crawl_id = start_list_crawl(shipped, page, crawl_site, ["slow/p3.html"], delay=0)
    # While the slow page loads in the crawl's tab:
    seen = on_the_slow_pages_tab(shipped, (
        "const window = await chrome.windows.get(tab.windowId, { populate: true });"
        " return { tabActive: tab.active, windowId: window.id, focused: window.focused,"
        " urls: window.tabs.map((t) => t.url || t.pendingUrl), lastFocused: (await chrome.windows.getLastFocused()).id };"
    ))
    assert seen is not None, "no crawl tab was seen"
    focused_during = x_focus(display)
    crawl = wait_for_state(shipped, page, crawl_id, {"done", "failed"})
    assert crawl["counters"]["done"] == 1
    # A window of the crawl's own (its first tab and the page), never focused;
    # the person's window keeps the focus, for the browser and for X.
    assert seen["windowId"] != person_window
    # Its first tab is about:blank, whose URL the browser hides from an extension without access there.
    assert seen["urls"] == [None, f"{crawl_site}/slow/p3.html"]
    assert seen["focused"] is False and seen["tabActive"] is False
    assert seen["lastFocused"] == person_window
    assert focused_during == focused_before == "Gleaner scrapers - Chromium"
    # The crawl's window goes with the crawl (closed just after its last page).
    deadline = time.monotonic() + 5
    while seen["windowId"] in shipped.service_worker.evaluate("async () => (await chrome.windows.getAll()).map((w) => w.id)"):
        assert time.monotonic() < deadline, "the crawl's window stayed open"
        time.sleep(0.1)
    page.close()


@pytest.mark.parametrize("popup_closes", [False, True], ids=["popup-open", "popup-closed-during-the-prompt"])
def test_a_crawl_asked_from_the_popup_starts_once_access_is_granted(shipped, display, crawl_site, popup_closes):
    """The popup asks for the site; Allow starts the crawl, also when the popup was closed while the prompt was open."""
    ensure_site_access(shipped, display, crawl_site)
    tab = shipped.context.new_page()
    tab.goto(f"{crawl_site}/products-2.html")
    tab_id = shipped.service_worker.evaluate("async (url) => (await chrome.tabs.query({})).find((t) => t.url === url)?.id", tab.url)
    popup = shipped.open_popup(tab_id)
    popup.wait_for_selector("#crawl-next:not([disabled])")
    # Access taken back (as on the browser's extension page), so this crawl asks anew.
    revoked = shipped.service_worker.evaluate(
        "async () => { const { origins } = await chrome.permissions.getAll(); await chrome.permissions.remove({ origins });"
        " return chrome.permissions.contains({ origins: ['http://127.0.0.1/*'] }); }"
    )
    assert revoked is False
    page = options_page(shipped)
    before = {c["id"] for c in send(shipped, page, "ListCrawls", {})["crawls"]}
    popup.fill("#crawl-next-count", "1")

    def click():
        popup.click("#crawl-next")
        if popup_closes:
            time.sleep(0.5)  # the prompt is open: the popup goes before it is answered
            popup.close()

    answer_prompt(display, click, allow=True)
    deadline = time.monotonic() + 20
    while not (new := [c for c in send(shipped, page, "ListCrawls", {})["crawls"] if c["id"] not in before]):
        assert time.monotonic() < deadline, "no crawl started after the grant"
        time.sleep(0.2)
    assert len(new) == 1  # started once, though both the popup and the grant's event may start it
    crawl = wait_for_state(shipped, page, new[0]["id"], {"done", "failed"})
    assert crawl["mode"] == "next" and crawl["state"] == "done", crawl
    # products-2, then its next, products-3, whose next (products-1) is left at the limit.
    assert crawl["message"] == "Stopped at its page limit of 2 pages; 1 more page was found and not visited."
    assert crawl["counters"]["done"] == 2 and crawl["urls"] == [f"{crawl_site}/products-2.html"]
    assert shipped.service_worker.evaluate("chrome.permissions.contains({ origins: ['http://127.0.0.1/*'] })") is True
    started_by = shipped.service_worker.evaluate(
        "async (id) => Object.values((await chrome.storage.session.get('crawlsAwaitingAccess')).crawlsAwaitingAccess ?? {})"
        ".find((entry) => entry.crawl?.id === id)?.startedBy ?? null", crawl["id"])
    # Started once, by whichever came first: the popup's own call returning with
    # the grant ("sender") or the grant's event in the service worker ("grant").
    # Chromium lets even a closed popup's pending call finish, so either may win
    # here; Firefox closes the popup for its own prompt, and there the event is
    # what starts the crawl.
    assert started_by in ("grant", "sender")
    if not popup_closes:
        # The open popup shows the crawl it started.
        popup.wait_for_selector(f".crawl-line[data-crawl-id='{crawl['id']}']", timeout=10_000)
        popup.close()
    page.close()
    tab.close()
