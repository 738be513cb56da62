"""Feeds that style themselves with XSLT (<?xml-stylesheet?>): a tab showing one is
scraped as the feed it is, whether its stylesheet loads, is missing or never answers."""

import contextlib
import http.server
import threading

import pytest

from conftest import ROOT

FEED = (ROOT / "tests" / "pages" / "styled-feed" / "feed.xml").read_text(encoding="utf-8")
STYLESHEET = (ROOT / "tests" / "pages" / "styled-feed" / "rss.xslt").read_bytes()


def item(title, number, published):
    return {
        "feed_title": "Styled podcast",
        "feed_link": "https://podcast.example/",
        "title": title,
        "link": f"https://podcast.example/episodes/{number}",
        "id": f"ep-{number}",
        "published": published,
        "updated": None,
        "author": None,
        "summary": None,
        "content": None,
        "categories": [],
        "enclosures": [],
        "thumbnails": [],
        "warnings": [],
    }


EXPECTED = [
    item("Épisode 2: les flux stylés", 2, "2026-12-01T06:00:00Z"),
    item("Episode 1", 1, "2026-11-01T06:00:00Z"),
]


@contextlib.contextmanager
def feed_site():
    """/<case>/feed.xml names /<case>.xslt: 'styled' is served, 'missing' is a 404,
    'stuck' is accepted and never answered (until the site closes)."""
    closing = threading.Event()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def send(self, body, content_type):
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            case, _, name = self.path.strip("/").partition("/")
            if name == "feed.xml":
                feed = FEED.replace("STYLESHEET", f"/{case}.xslt")
                if case == "plain":
                    feed = "\n".join(line for line in feed.splitlines() if "xml-stylesheet" not in line)
                self.send(feed.encode("utf-8"), "text/xml")
            elif self.path == "/styled.xslt":
                self.send(STYLESHEET, "text/xsl")
            elif self.path == "/stuck.xslt":
                closing.wait(120)
            else:
                self.send_error(404)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        closing.set()
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def styled_site():
    with feed_site() as base:
        yield base


def open_feed_tab(chromium, url):
    page = chromium.context.new_page()
    # Not "load": a stylesheet that never answers keeps the tab loading.
    page.goto(url, wait_until="commit")
    page.wait_for_timeout(500)
    tab_id = chromium.service_worker.evaluate("async (url) => (await chrome.tabs.query({})).find((t) => t.url === url)?.id", url)
    assert tab_id is not None
    return page, tab_id


@pytest.mark.parametrize("case", ["styled", "missing", "stuck"])
def test_a_styled_feed_is_scraped_as_its_feed(chromium, styled_site, case):
    url = f"{styled_site}/{case}/feed.xml"
    page, tab_id = open_feed_tab(chromium, url)
    popup = chromium.open_popup(tab_id, timeout_ms=60_000)
    try:
        assert popup.evaluate("document.body.dataset.state") == "done", popup.inner_text("#status")
        run = chromium.send(popup, "GetLastRun", {"tabId": tab_id})["result"]
        assert (run["kind"], run["url"]) == ("feed", url)
        results = {r["scraper"]: r for r in run["results"]}
        assert results["feed"]["records"] == EXPECTED
        assert "links" not in results  # the rendered page's links are not the feed
    finally:
        popup.close()
        page.close()


def test_styled_feeds_in_firefox(extension_dir, styled_site):
    from test_e2e_firefox import VERSION, run_scenario

    urls = [f"{styled_site}/{case}/feed.xml" for case in ("styled", "missing", "stuck")]
    package = ROOT / "dist" / "automation" / f"gleaner-firefox-automation-{VERSION}.zip"
    report = run_scenario("styled-feeds.mjs", {"extension": str(package), "urls": urls})
    for url in urls:
        seen = report[url]
        assert seen["state"] == "done", (url, seen["status"])
        assert (seen["run"]["kind"], seen["run"]["url"]) == ("feed", url)
        results = {r["scraper"]: r for r in seen["run"]["results"]}
        assert results["feed"]["records"] == EXPECTED, url


def test_a_tab_that_never_answers_ends_in_a_sentence_and_the_next_click_works(chromium, site):
    page, tab_id = chromium.open_tab(f"{site}/busy.html")
    page.wait_for_timeout(500)  # its script is now running
    popup = chromium.open_popup(tab_id, timeout_ms=60_000)
    assert popup.evaluate("document.body.dataset.state") == "error"
    assert popup.inner_text("#status") == (
        "Gleaner gave up waiting for the page to answer (it may be busy running its own scripts) after 4 s. "
        "Try again; if it keeps happening, reload the tab."
    )
    popup.close()
    page.close()
    _, other = chromium.open_tab(f"{site}/shop.html?after-busy")
    again = chromium.open_popup(other, timeout_ms=60_000)
    assert again.evaluate("document.body.dataset.state") == "done", again.inner_text("#status")
    again.close()
