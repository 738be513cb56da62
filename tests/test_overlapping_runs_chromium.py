"""Real Chromium: scrapes of two tabs that overlap each get their own page's exact records.

Python holds one page at a time; the host queues runs and every run names
its page (issue: two popups once showed one page's records for the other).
Two slow user scrapers make the first run still busy when the second
arrives, so a run that read the shared page between its scrapers would come
back with the other tab's URL and title.
"""

from gleaner.plugins import load_plugin

SLOW_ECHO = '''NAME = "slow-echo-{n}"
VERSION = "1"
MATCHES = ["http://127.0.0.1/*"]


def scrape(page):
    import time

    time.sleep(0.4)
    yield {{"url": page.url, "title": page.title}}
'''


def test_overlapping_scrapes_of_two_tabs_each_return_their_own_records(chromium, site):
    sources = [SLOW_ECHO.format(n=n) for n in (1, 2)]
    chromium.set_user_scrapers([{"source": s, "metadata": load_plugin(s).metadata(), "enabled": True} for s in sources])
    try:
        shop, shop_tab = chromium.open_tab(f"{site}/shop.html?overlap")
        blog, blog_tab = chromium.open_tab(f"{site}/with-feed.html?overlap")
        popup = chromium.open_popup(shop_tab)
        assert popup.evaluate("document.body.dataset.state") == "done"
        # Scrape again: the run buttons are off until the run ends.
        assert popup.evaluate("() => { document.getElementById('scrape').click(); return [document.getElementById('scrape').disabled, document.body.dataset.state]; }") == [True, "running"]
        runs = popup.evaluate(
            """(tabs) => Promise.all(tabs.map((tabId) => chrome.runtime.sendMessage({ target: 'service-worker', name: 'ScrapeTab', payload: { tabId } })))""",
            [shop_tab, blog_tab, shop_tab],
        )
        for _ in range(600):
            if popup.evaluate("document.body.dataset.state") != "running":
                break
            popup.wait_for_timeout(100)
        assert popup.evaluate("[document.body.dataset.state, document.getElementById('scrape').disabled]") == ["done", False]
    finally:
        chromium.set_user_scrapers([])
    shop_echo = [{"url": f"{site}/shop.html?overlap", "title": "Käse & Co — Preise"}]
    blog_echo = [{"url": f"{site}/with-feed.html?overlap", "title": "A blog with a feed"}]
    got = []
    for reply in runs:
        assert reply["ok"], reply
        results = {r["scraper"]: r for r in reply["result"]["results"]}
        got.append((results["slow-echo-1"]["records"], results["slow-echo-2"]["records"], len(results["links"]["records"])))
    assert got == [(shop_echo, shop_echo, 4), (blog_echo, blog_echo, 1), (shop_echo, shop_echo, 4)]
