"""The Python host natively: contract checks, running, errors with the plugin's own lines."""

import json

import pytest

from conftest import ROOT
from gleaner.errors import MissingPackage, PluginInvalid
from gleaner.host import Host, run_plugin
from gleaner.runner import read_result_text
from gleaner.page import Page, decode_html
from gleaner.plugins import load_plugin

MINIMAL = '''NAME = "page-headings"          # unique id
VERSION = "1.0.0"
MATCHES = ["*://*/*"]           # WebExtension match patterns
INPUT = "html"                  # or "feed"
REQUIRES = []                   # e.g. ["lxml"]

def scrape(page):               # page.url, page.html, page.title, page.soup (BeautifulSoup, html.parser)
    for h in page.soup.find_all(["h1", "h2"]):
        yield {"level": h.name, "text": h.get_text(" ", strip=True)}
'''


def test_the_minimal_plugin_from_the_contract_runs():
    plugin = load_plugin(MINIMAL)
    page = Page("https://example.org/", "<h1>One</h1><div><h2>Two <b>parts</b></h2></div><h3>no</h3>")
    result = run_plugin(plugin, page)
    assert result["ok"] and result["records"] == [{"level": "h1", "text": "One"}, {"level": "h2", "text": "Two parts"}]


@pytest.mark.parametrize(
    "source, message, line",
    [
        (MINIMAL.replace("def scrape(page):", "def scrape(page)"), "syntax error: expected ':'", 7),
        (MINIMAL.replace('NAME = "page-headings"', "NAME = make_name()"), "NAME must be a literal value", 1),
        (MINIMAL.replace('NAME = "page-headings"          # unique id\n', ""), "NAME is missing", None),
        (MINIMAL.replace('["*://*/*"]', '["*://*.ex*ample.com/*"]'), "'*' in the host must be alone or lead as '*.'", 3),
        (MINIMAL.replace('"html"', '"pdf"'), 'INPUT must be "html" or "feed"', 4),
        (MINIMAL.replace('NAME = "page-headings"', 'NAME = "Page Headings"'), "NAME 'Page Headings' must be", 1),
        (MINIMAL.replace("def scrape(page):", "def scrap(page):"), "def scrape(page) is missing", None),
        (MINIMAL.replace('MATCHES = ["*://*/*"]', "MATCHES = []"), "MATCHES is empty", 3),
    ],
)
def test_invalid_plugins_are_refused_with_reason_and_line(source, message, line):
    with pytest.raises(PluginInvalid) as caught:
        load_plugin(source)
    assert message in caught.value.message
    assert caught.value.line == line


def test_a_plugin_requiring_a_missing_package_is_refused_plainly():
    with pytest.raises(MissingPackage, match="this build does not bundle no_such_package_xyz"):
        load_plugin(MINIMAL.replace("REQUIRES = []", 'REQUIRES = ["no_such_package_xyz"]'))


def test_plugin_exceptions_become_errors_with_the_plugins_own_line_numbers():
    source = MINIMAL.replace('yield {"level"', 'yield {"n": 1 / 0, "level"')
    result = run_plugin(load_plugin(source, "mine.py"), Page("https://example.org/", "<h1>x</h1>"))
    assert not result["ok"]
    error = result["error"]
    assert error["type"] == "ZeroDivisionError" and error["line"] == 9 and not error["user"]
    assert 'File "mine.py", line 9, in scrape' in error["traceback"]
    assert "gleaner" not in error["traceback"]  # the host's own frames are not the author's concern


def test_records_must_be_json_values():
    source = MINIMAL.replace('yield {"level": h.name, "text": h.get_text(" ", strip=True)}', 'yield {"tag": h}')
    result = run_plugin(load_plugin(source), Page("https://example.org/", "<h1>x</h1>"))
    assert result["error"]["type"] == "UnsupportedOutput"
    assert "record 0.tag is a bs4.element.Tag" in result["error"]["message"]


def test_host_json_interface_runs_builtins_and_user_plugins():
    host = Host(ROOT / "scrapers")
    host.set_page_json(json.dumps({"url": "https://example.org/a/", "html": '<a href="b">B</a>', "title": "T"}))
    links = read_result_text(host.run_text("links"))
    assert links["records"] == [{"url": "https://example.org/a/b", "text": "B", "rel": ""}]
    user = read_result_text(host.run_text("page-headings", MINIMAL))
    assert user["ok"] and user["records"] == []
    unknown = read_result_text(host.run_text("nope"))
    assert unknown["error"]["message"] == "there is no built-in scraper named 'nope'"
    # As the browser worker sends a page: the HTML and the DOM walk beside the JSON.
    # <html><head></head><body><a href="b">B</a></body></html>: four element kinds, then the tokens.
    walk = "\x7f".join(["gleaner-walk-2", '01/23"///', "4", "html", "0", "head", "0", "body", "0", "a", "1", "href", "b", "B"])
    assert json.loads(host.set_page_json(json.dumps({"url": "https://example.org/a/", "title": "T"}), '<a href="b">B</a>', walk))["soup"] == "dom"
    assert read_result_text(host.run_text("links"))["records"] == links["records"]


@pytest.mark.parametrize(
    "data, content_type, expected",
    [
        (b"\xef\xbb\xbf<p>caf\xc3\xa9</p>", None, "<p>café</p>"),
        ('<meta charset="windows-1250"><p>Łódź</p>'.encode("cp1250"), None, '<meta charset="windows-1250"><p>Łódź</p>'),
        ("<p>Grüße</p>".encode("latin-1"), "text/html; charset=ISO-8859-1", "<p>Grüße</p>"),
        ('<meta charset="utf-8"><p>日本</p>'.encode("utf-8"), None, '<meta charset="utf-8"><p>日本</p>'),
        ("<p>Grüße</p>".encode("cp1252"), None, "<p>Grüße</p>"),
    ],
)
def test_html_is_decoded_like_a_browser(data, content_type, expected):
    assert decode_html(data, content_type) == expected


@pytest.mark.parametrize(
    "href, expected",
    [
        ("#", "http://h/p/q?z#"),
        ("?", "http://h/p/q?"),
        ("?#", "http://h/p/q?#"),
        ("a?", "http://h/p/a?"),
        ("a#", "http://h/p/a#"),
        ("#x", "http://h/p/q?z#x"),
        ("", "http://h/p/q?z#f"),
        ("//h/p?", "http://h/p?"),
        ("b?x#", "http://h/p/b?x#"),
    ],
)
def test_url_joins_keep_empty_query_and_fragment_like_python_314_and_browsers(href, expected):
    from gleaner.urls import join

    assert join("http://h/p/q?z#f", href) == expected


def test_the_host_carries_each_scrapers_records_as_the_json_text_of_a_whole_dump():
    """What the browser carries back (Host.run_text): a line without the records, then
    the records' text, made of each record's own text; it must be exactly what one
    json.dumps of the records writes, on a real page with non-ASCII text, and for a
    plugin that fails part way (its records so far kept)."""
    html = (ROOT / "tests" / "corpus" / "html" / "wiki-wikipedia-2.html").read_text(encoding="utf-8")
    host = Host(ROOT / "scrapers")
    host.set_page_json(json.dumps({"id": "w", "url": "https://en.wikipedia.org/wiki/X", "title": "X"}), html)
    for name in ("links", "tables", "metadata", "lists"):
        head, newline, records = host.run_text(name, None, "w").partition("\n")
        expected = run_plugin(host.builtins[name], host.page)["records"]
        assert newline and records == json.dumps(expected, ensure_ascii=False)
        assert json.loads(head)["count"] == len(expected) and "records" not in json.loads(head)
    assert any(ord(ch) > 127 for ch in records)
    failing = MINIMAL.replace('yield {"level": h.name, "text": h.get_text(" ", strip=True)}', 'yield {"n": "ü"}\n        1 / 0')
    result = read_result_text(host.run_text("page-headings", failing, "w"))
    assert not result["ok"] and result["error"]["type"] == "ZeroDivisionError" and result["records"] == [{"n": "ü"}]
    head = json.loads(host.run_text("page-headings", failing, "w").partition("\n")[0])
    assert head["count"] == 1 and head["follows"] == [] and head["ms"] >= 0
