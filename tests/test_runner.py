"""The runner and contract v2 natively: follow requests, callbacks with data, records and follows told apart, time limits."""

import json

import pytest

from conftest import ROOT
from gleaner.errors import PluginInvalid
from gleaner.follow import Follow, FollowInvalid
from gleaner.host import Host
from gleaner.page import Page, make_page
from gleaner.plugins import load_plugin
from gleaner.runner import iter_output, read_result_text, run_limited, run_limited_many, run_plugin, time_limit_seconds

LIST_AND_DETAIL = '''NAME = "list-detail"
VERSION = "1"
MATCHES = ["*://*/*"]


def scrape(page):
    yield {"list": page.url}
    for link in page.soup.select("a.item"):
        yield page.follow(link["href"], callback="detail", data={"label": link.get_text()})
    yield page.follow("?page=2")


def detail(page):
    return [{"label": page.data["label"], "url": page.url, "heading": page.soup.h1.get_text()}]
'''

LIST_HTML = '<base href="https://shop.example/catalogue/"><a class="item" href="one.html#reviews">One</a><a class="item" href="/two">Two</a>'


def plugin(source=LIST_AND_DETAIL):
    return load_plugin(source, "list_detail.py")


@pytest.mark.parametrize(
    "href, expected",
    [
        ("b.html", "https://shop.example/catalogue/b.html"),  # against <base href>, not the page URL
        ("/root?q=1#frag", "https://shop.example/root?q=1"),
        ("  //cdn.example/x#  ", "https://cdn.example/x"),
        ("#top", "https://shop.example/catalogue/"),
        ("HTTP://Other.example/a", "http://other.example/a"),
        ("c?#", "https://shop.example/catalogue/c?"),  # an empty query stays, as in browsers
    ],
)
def test_follow_resolves_against_the_base_and_drops_the_fragment(href, expected):
    page = Page("https://shop.example/list?p=1", '<base href="https://shop.example/catalogue/">')
    assert page.follow(href) == Follow(expected, "scrape", {})


@pytest.mark.parametrize("href", ["mailto:a@b.example", "javascript:void(0)", "ftp://files.example/x", "data:text/html,hi"])
def test_follow_refuses_what_is_not_http(href):
    page = Page("https://shop.example/", "")
    with pytest.raises(FollowInvalid, match="only http and https pages can be followed"):
        page.follow(href)


def test_follow_data_must_be_a_json_dict():
    page = Page("https://shop.example/", "")
    with pytest.raises(FollowInvalid, match="takes a dict, not a list"):
        page.follow("a", data=[1])
    with pytest.raises(FollowInvalid, match="follow data.tag is a bs4.element.Tag"):
        page.follow("a", data={"tag": Page("https://x.example/", "<b>x</b>").soup.b})


def test_the_runner_tells_records_and_follows_apart():
    result = run_plugin(plugin(), Page("https://shop.example/list?p=1", LIST_HTML))
    assert result["ok"] and result["records"] == [{"list": "https://shop.example/list?p=1"}]
    assert result["follows"] == [
        {"url": "https://shop.example/catalogue/one.html", "callback": "detail", "data": {"label": "One"}},
        {"url": "https://shop.example/two", "callback": "detail", "data": {"label": "Two"}},
        {"url": "https://shop.example/catalogue/?page=2", "callback": "scrape", "data": {}},
    ]
    # What a Scrapy callback iterates: the same, in the plugin's order, follows as Follow objects.
    assert [type(item).__name__ for item in iter_output(plugin(), Page("https://shop.example/list?p=1", LIST_HTML))] == ["dict", "Follow", "Follow", "Follow"]


def test_the_callback_gets_the_next_page_with_its_data():
    page = Page("https://shop.example/two", "<h1>Two, in detail</h1>", data={"label": "Two"})
    result = run_plugin(plugin(), page, "detail")
    assert result["records"] == [{"label": "Two", "url": "https://shop.example/two", "heading": "Two, in detail"}]
    assert result["follows"] == []


def test_a_literal_callback_the_file_does_not_define_is_refused_at_validation():
    source = LIST_AND_DETAIL.replace('callback="detail"', 'callback="detial"')
    with pytest.raises(PluginInvalid) as caught:
        load_plugin(source)
    assert caught.value.message.startswith("line 9: follow(..., callback='detial') names a function this file does not define")
    assert caught.value.line == 9
    with pytest.raises(PluginInvalid, match=r"the callback detail\(\) must take the page"):
        load_plugin(LIST_AND_DETAIL.replace("def detail(page):", "def detail():"))


def test_a_computed_callback_that_is_missing_fails_that_page_only():
    source = LIST_AND_DETAIL.replace('callback="detail"', 'callback="de" + "tial"')
    loaded = plugin(source)  # not literal: accepted here
    result = run_plugin(loaded, Page("https://shop.example/list", LIST_HTML))
    assert not result["ok"] and result["error"]["type"] == "FollowInvalid"
    assert result["error"]["message"] == "list-detail has no function named 'detial' to scrape a followed page with"
    assert result["records"] == [{"list": "https://shop.example/list"}]  # what came before the bad follow is kept
    assert run_plugin(loaded, Page("https://shop.example/two", "<h1>x</h1>", data={"label": "L"}), "detail")["ok"]


def test_a_follow_to_a_non_http_page_fails_that_page_with_the_plugins_line():
    source = LIST_AND_DETAIL.replace('page.follow("?page=2")', 'page.follow("mailto:shop@example.org")')
    result = run_plugin(plugin(source), Page("https://shop.example/list", LIST_HTML))
    assert result["error"]["type"] == "FollowInvalid" and result["error"]["line"] == 10
    assert result["error"]["message"] == "page.follow('mailto:shop@example.org') leads to 'mailto:shop@example.org'; only http and https pages can be followed"
    assert 'File "list_detail.py", line 10, in scrape' in result["error"]["traceback"]


def test_crawls_is_in_the_metadata():
    assert plugin().metadata()["crawls"] is True
    never = load_plugin('NAME = "x"\nVERSION = "1"\nMATCHES = ["*://*/*"]\n\ndef scrape(page):\n    return [{"a": 1}]\n')
    assert never.metadata()["crawls"] is False
    assert run_plugin(never, Page("https://e.example/", ""))["follows"] == []


def test_host_json_carries_follows_data_and_callbacks_and_refuses_another_pages_run():
    host = Host(ROOT / "scrapers")
    reply = json.loads(host.set_page_json(json.dumps({"id": "p1", "url": "https://shop.example/list", "title": "L", "kind": "html"}), LIST_HTML))
    assert reply["id"] == "p1" and reply["allowanceMs"] == 0
    listed = read_result_text(host.run_text("list-detail", LIST_AND_DETAIL, page_id="p1"))
    assert set(listed) == {"scraper", "title", "ok", "records", "follows", "ms"}
    assert [f["url"] for f in listed["follows"]] == ["https://shop.example/catalogue/one.html", "https://shop.example/two", "https://shop.example/catalogue/?page=2"]
    refused = read_result_text(host.run_text("list-detail", LIST_AND_DETAIL, page_id="p0"))
    assert refused["ok"] is False and refused["records"] == [] and refused["error"]["type"] == "WrongPage"
    assert refused["error"]["message"] == "this run is for page 'p0', but Python holds page 'p1'; it was refused rather than given another page's records"
    page = {"id": "p2", "url": "https://shop.example/two", "title": "T", "kind": "html", "data": {"label": "Two"}}
    host.set_page_json(json.dumps(page), "<h1>Two!</h1>")
    detail = read_result_text(host.run_text("list-detail", LIST_AND_DETAIL, page_id="p2", callback="detail"))
    assert detail["records"] == [{"label": "Two", "url": "https://shop.example/two", "heading": "Two!"}]


RUNAWAY = '''NAME = "runaway"
VERSION = "1"
MATCHES = ["*://*/*"]
TIMEOUT = 0.5


def scrape(page):
    yield {"n": 1}
    yield page.follow("/next")
    while True:
        pass
'''


def test_the_time_limit_stops_a_runaway_and_keeps_what_it_gave():
    runaway = load_plugin(RUNAWAY)
    page = Page("https://e.example/", "")
    assert time_limit_seconds(runaway, 3 * 2**20) == 2.5  # its own 0.5 s, plus 1 s per MB past the first
    assert time_limit_seconds(load_plugin(RUNAWAY.replace("TIMEOUT = 0.5\n", "")), 100) == 10
    result = run_limited(runaway, page)
    assert result["ok"] is False and result["records"] == [{"n": 1}]
    assert result["follows"] == [{"url": "https://e.example/next", "callback": "scrape", "data": {}}]
    assert result["error"] == {
        "type": "Timeout",
        "message": "runaway was stopped after 0.5 s, its time limit: it ran too long (an endless loop?). The 1 records it gave before that are kept.",
        "user": True,
    }


SLEEPER = '''NAME = "sleeper-{n}"
VERSION = "1"
MATCHES = ["*://*/*"]


def scrape(page):
    import time

    yield {{"started": time.time()}}
    time.sleep(0.5)
    yield {{"ended": time.time()}}
'''


def test_scrapers_run_side_by_side_each_with_its_own_limit_and_come_back_in_order():
    page = Page("https://e.example/", "")
    sleepers = [load_plugin(SLEEPER.format(n=n)) for n in (1, 2)]
    runaway = load_plugin(RUNAWAY)
    results = run_limited_many([(sleepers[0], None, None), (runaway, None, None), (sleepers[1], None, None)], page, processes=2)
    assert [r["scraper"] for r in results] == ["sleeper-1", "runaway", "sleeper-2"]
    assert results[1]["error"]["type"] == "Timeout" and results[1]["records"] == [{"n": 1}]
    assert all(r["ok"] for r in (results[0], results[2]))
    # The first sleeper and the runaway started together; the second sleeper took the runaway's place.
    first, second = ({key: value for record in r["records"] for key, value in record.items()} for r in (results[0], results[2]))
    assert second["started"] >= first["started"] + 0.4
    one_at_a_time = run_limited_many([(sleeper, None, None) for sleeper in sleepers], page, processes=1)
    first, second = ({key: value for record in r["records"] for key, value in record.items()} for r in one_at_a_time)
    assert second["started"] >= first["ended"]
    side_by_side = run_limited_many([(sleeper, None, None) for sleeper in sleepers], page, processes=2)
    first, second = ({key: value for record in r["records"] for key, value in record.items()} for r in side_by_side)
    assert second["started"] < first["ended"] and first["started"] < second["ended"]


@pytest.mark.parametrize(
    "idle, total, cpus, processes",
    [
        (100, 200, 2, 2),  # half of two CPUs idle while the page was parsed: this process's CPU and the other one
        (20, 200, 2, 1),  # a busy machine: one at a time, each scraper's time limit as when it runs alone
        (50, 200, 2, 2),  # half a CPU idle is room for one more
        (790, 800, 8, 8),  # never more than the CPUs
        (0, 0, 4, 1),  # no time passed: nothing known
    ],
)
def test_the_native_cli_runs_scrapers_side_by_side_on_idle_cpus_only(idle, total, cpus, processes):
    from gleaner_cli.scrape import cpu_times, scraper_processes

    assert scraper_processes((1000, 5000), (1000 + idle, 5000 + total), cpus) == processes
    assert scraper_processes(None, (1, 2), cpus) == 1  # a system without /proc/stat
    now = cpu_times()
    assert now is None or 0 <= now[0] <= now[1]


@pytest.mark.parametrize(
    "url, content_type, kind",
    [
        ("https://e.example/feed", "application/rss+xml; charset=utf-8", "feed"),
        ("https://e.example/feed", "text/xml", "feed"),
        ("https://e.example/page.xml", None, "feed"),  # a local file or a test fixture: its suffix, as the CLI serves it
        ("file:///tmp/posts.rss", None, "feed"),
        ("https://e.example/page.xhtml", "application/xhtml+xml", "html"),  # XHTML is a page, as in the capture
        ("https://e.example/", None, "html"),
        ("https://e.example/a.html", None, "html"),
    ],
)
def test_one_page_factory_one_feed_rule(url, content_type, kind):
    page = make_page(b"<rss><channel><title>T</title></channel></rss>", url, content_type)
    assert page.kind == kind


def test_the_page_factory_decodes_bytes_as_a_browser_would():
    assert make_page("<p>Grüße</p>".encode("cp1252"), "https://e.example/", "text/html; charset=windows-1252").html == "<p>Grüße</p>"
    feed = make_page('<?xml version="1.0" encoding="koi8-r"?><rss><title>Привет</title></rss>'.encode("koi8-r"), "https://e.example/f.xml")
    assert feed.kind == "feed" and "<title>Привет</title>" in feed.html


def test_the_native_cli_says_how_many_follows_each_scraper_made(tmp_path):
    import subprocess
    import sys

    from gleaner_cli.browser import serve_directory

    out = tmp_path / "out.json"
    # The example, allowed to run on the local server that stands in for its site.
    laptops = tmp_path / "laptops.py"
    source = (ROOT / "scrapers" / "examples" / "laptops.py").read_text(encoding="utf-8")
    laptops.write_text(source.replace('MATCHES = ["', 'MATCHES = ["http://127.0.0.1/*", "'), encoding="utf-8")
    with serve_directory(ROOT / "scrapers" / "fixtures") as base:
        done = subprocess.run(
            [sys.executable, "build.py", "scrape", f"{base}/example-laptops.html", "--native", "--plugin", str(laptops), "-o", str(out)],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
        )
    assert done.returncode == 0, done.stderr
    assert "laptops: 0 (+3 follows)" in done.stderr and "links: 4," in done.stderr
    assert json.loads(out.read_text())["laptops"] == []
