"""Real Chromium: scrapes of two tabs that overlap each get their own page's exact records.

Python holds one page at a time; the host queues runs and every run names
its page (issue: two popups once showed one page's records for the other).
Two slow user scrapers make the first run still busy when the second
arrives, so a run that read the shared page between its scrapers would come
back with the other tab's URL and title.
"""

import time

from gleaner.plugins import load_plugin
from gleaner_cli.browser import SCRAPE_TAB, popup_results

SLOW_ECHO = '''NAME = "slow-echo-{n}"
VERSION = "1"
MATCHES = ["http://127.0.0.1/*"]


def scrape(page):
    import time

    time.sleep(0.4)
    yield {{"url": page.url, "title": page.title}}
'''


# Each test page, as a person reading it sees it: its title and the text of
# its links, in order (links the page's own script adds included).
PAGES = {
    "shop.html": ("Käse & Co — Preise", ["Über uns", 'Extern, mit "Zitat"', "=formula", "Live DOM"]),
    "harvest.html": ("Harvest prices", ["market hall", "archive"]),
    "with-feed.html": ("A blog with a feed", ["First post"]),
    "stalls.html": ("Market stalls", ["Bread", "Cheese", "Fish"]),
    "dom-edges.html": ("Fish & Chips <live>", []),
}
# Generous: the runs queue behind each other on a loaded machine.
WAIT_S = 240


def install_slow_echoes(chromium, count=2):
    sources = [SLOW_ECHO.format(n=n) for n in range(1, count + 1)]
    chromium.set_user_scrapers([{"source": s, "metadata": load_plugin(s).metadata(), "enabled": True} for s in sources])


def wait_until(page, expression, expected):
    deadline = time.monotonic() + WAIT_S
    while (value := page.evaluate(expression)) != expected and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    return value


def what_the_run_read(results):
    """(the echo scrapers' records, the text of each link) of one run's results."""
    by_name = {r["scraper"]: r for r in results}
    assert all(r["ok"] for r in results), results
    echoes = [r["records"] for name, r in sorted(by_name.items()) if name.startswith("slow-echo-")]
    return echoes, [r["text"] for r in by_name["links"]["records"]]


def expected(site, name, query, echoes=2):
    title, links = PAGES[name]
    return [[{"url": f"{site}/{name}?{query}", "title": title}]] * echoes, links


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
            f"(tabs) => Promise.all(tabs.map({SCRAPE_TAB}))",
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
    for reply, run in runs:
        assert reply["ok"], reply
        results = {r["scraper"]: r for r in run["results"]}
        got.append((results["slow-echo-1"]["records"], results["slow-echo-2"]["records"], len(results["links"]["records"])))
    assert got == [(shop_echo, shop_echo, 4), (blog_echo, blog_echo, 1), (shop_echo, shop_echo, 4)]


def test_popup_and_the_options_pages_try_it_at_once_each_get_their_own_page(chromium, site):
    install_slow_echoes(chromium)
    try:
        _, harvest_tab = chromium.open_tab(f"{site}/harvest.html?popup-and-try")
        _, shop_tab = chromium.open_tab(f"{site}/shop.html?popup-and-try")
        popup = chromium.open_popup(harvest_tab)
        options = chromium.context.new_page()
        options.goto(chromium.url("extension/options/options.html"))
        options.wait_for_selector("body[data-loaded=true]", timeout=WAIT_S * 1000)
        # The person writes a scraper in the editor and tries it on the shop's tab.
        options.click("#new")
        options.click(".cm-content")
        options.keyboard.press("Control+A")
        options.keyboard.insert_text(SLOW_ECHO.format(n="try"))
        options.wait_for_selector(f"#try-source option[value='{shop_tab}']", state="attached", timeout=WAIT_S * 1000)
        options.select_option("#try-source", str(shop_tab))
        # Both clicks within a few milliseconds: the popup's two slow echoes
        # and the try's one take turns in the one Python.
        popup.evaluate("document.getElementById('scrape').click()")
        options.evaluate("document.getElementById('try-run').click()")
        assert wait_until(popup, "document.body.dataset.state", "done") == "done"
        assert wait_until(options, "document.getElementById('try-output').dataset.state", "done") == "done"
        run = chromium.send(popup, "GetLastRun", {"tabId": harvest_tab})["result"]
        shown = {r["scraper"]: r for r in popup_results(popup)}
        tried_summary = options.inner_text("#try-output .summary")
        tried_cells = options.eval_on_selector_all("#try-output td", "(tds) => tds.map((td) => td.textContent)")
        options.close()
        popup.close()
    finally:
        chromium.set_user_scrapers([])
    assert what_the_run_read(run["results"]) == expected(site, "harvest.html", "popup-and-try")
    assert shown["slow-echo-1"]["rows"] == [[f"{site}/harvest.html?popup-and-try", "Harvest prices"]]
    assert shown["links"]["count"] == "2 records"
    assert tried_summary == "1 record from Käse & Co — Preise"
    assert tried_cells == [f"{site}/shop.html?popup-and-try", "Käse & Co — Preise"]


def test_five_popups_opened_within_a_second_each_show_their_own_page(chromium, site):
    install_slow_echoes(chromium, count=1)
    try:
        opened = {name: chromium.open_tab(f"{site}/{name}?quick") for name in PAGES}
        tabs = {name: tab for name, (_, tab) in opened.items()}
        # Five toolbar clicks on five tabs: the five popups are asked for in one go.
        urls = {name: chromium.url(f"extension/popup/popup.html?tab={tab}") for name, tab in tabs.items()}
        started = time.monotonic()
        chromium.service_worker.evaluate("(urls) => Promise.all(urls.map((url) => chrome.tabs.create({ url, active: false })))", list(urls.values()))
        opened_s = time.monotonic() - started
        deadline = time.monotonic() + WAIT_S
        while len(popups := {name: page for page in chromium.context.pages for name, url in urls.items() if page.url == url}) < 5:
            assert time.monotonic() < deadline, f"only {sorted(popups)} opened"
            opened["shop.html"][0].wait_for_timeout(100)  # (Playwright hears of new pages only while it waits)
        for popup in popups.values():
            assert wait_until(popup, "document.body.dataset.state", "done") == "done"
        runs = {name: chromium.send(popup, "GetLastRun", {"tabId": tabs[name]})["result"] for name, popup in popups.items()}
        titles = {name: popup.inner_text("#page-title") for name, popup in popups.items()}
        for popup in popups.values():
            popup.close()
    finally:
        chromium.set_user_scrapers([])
    print(f"five popups asked for in {opened_s:.2f} s")
    assert {name: what_the_run_read(run["results"]) for name, run in runs.items()} == {
        name: expected(site, name, "quick", echoes=1) for name in PAGES
    }
    assert titles == {name: title for name, (title, _) in PAGES.items()}
