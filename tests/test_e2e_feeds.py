"""Feeds in real Chromium: a tab that shows a feed, and a page that links one."""

from gleaner_cli.browser import popup_results

EXPECTED_ITEM = {
    "feed_title": "Блог",
    "feed_link": "http://blog.example/",
    "title": "Первый пост & всё",
    "link": "http://blog.example/posts/1",
    "id": "post-1",
    "published": "2026-03-03T07:00:00Z",
    "updated": None,
    "author": None,
    "summary": None,
    "content": "<p>Текст</p>",
    "categories": ["news"],
    "enclosures": [{"url": "http://blog.example/audio/1.mp3", "type": "audio/mpeg", "length": 1234}],
    "thumbnails": [],
    "warnings": [],
}


def feed_records(chromium, popup, tab_id):
    run = chromium.send(popup, "GetLastRun", {"tabId": tab_id})["result"]
    return run, {r["scraper"]: r for r in run["results"]}


def test_a_tab_showing_a_feed_is_scraped_from_its_bytes(chromium, site):
    # Served as application/xml in windows-1251: only the bytes carry the declared encoding.
    _, tab_id = chromium.open_tab(f"{site}/feeds/posts.xml")
    popup = chromium.open_popup(tab_id)
    assert popup.evaluate("document.body.dataset.state") == "done", popup.inner_text("#status")
    run, results = feed_records(chromium, popup, tab_id)
    assert run["kind"] == "feed"
    assert set(results) == {"feed"}  # the HTML scrapers do not run on a feed
    assert results["feed"]["records"] == [EXPECTED_ITEM]
    shown = popup_results(popup)[0]
    assert shown["count"] == "1 record" and shown["rows"][0][2] == "Первый пост & всё"


def test_a_page_that_links_a_feed_lists_it_and_scrapes_the_chosen_one(chromium, site):
    _, tab_id = chromium.open_tab(f"{site}/with-feed.html")
    popup = chromium.open_popup(tab_id)
    feed_url = f"{site}/feeds/posts.xml"
    button = popup.locator(f"#feeds button[data-feed='{feed_url}']")
    assert popup.inner_text("#feeds").count("Posts (RSS)") == 1
    button.click()
    popup.wait_for_function("() => document.body.dataset.state === 'done' && !document.getElementById('feeds')")
    run, results = feed_records(chromium, popup, tab_id)
    assert run["url"] == feed_url and run["kind"] == "feed"
    assert results["feed"]["records"] == [EXPECTED_ITEM]
    # Reopening the popup on the page shows that last run: the feed's records.
    popup.close()
    reopened = chromium.open_popup(tab_id)
    assert [r["scraper"] for r in popup_results(reopened)] == ["feed"]
