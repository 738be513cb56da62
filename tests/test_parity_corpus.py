"""Parity: on every saved page of the corpus, the built-ins give the same records in the
browser's Pyodide as in native CPython on the same HTML string the browser captured.

Each page is shown at the address it came from (the CLI's --url), offline and still; see
the chromium_corpus fixture, which tests/test_corpus_firefox.py shares."""

import json

import pytest

from conftest import CORPUS, ROOT
from gleaner.host import load_builtins, run_plugin
from gleaner.dom_tree import soup_from_dom
from gleaner.page import Page, make_page
from gleaner.soup import make_soup

PAGES = sorted(p.name for p in (CORPUS / "html").glob("*.html"))
FEEDS = sorted(p.name for p in (CORPUS / "feeds").glob("*.xml"))
BUILTINS = load_builtins(ROOT / "scrapers")


def tree_shape(soup):
    """Every node in document order: its kind, name, attributes (class as a list) and text."""
    return [
        (type(node).__name__, node.name, dict(node.attrs), None) if node.name else (type(node).__name__, None, None, str(node))
        for node in soup.descendants
    ]


def comparable(result):
    if result["ok"]:
        return {"ok": True, "records": result["records"]}
    return {"ok": False, "type": result["error"]["type"], "message": result["error"]["message"]}




@pytest.mark.parametrize("name", PAGES)
def test_browser_equals_native(chromium_corpus, name):
    scraped = chromium_corpus[f"html/{name}"]
    assert scraped["state"] == "done", scraped["status"]
    run, captured = scraped["run"], dict(scraped["captured"])
    # The browser built its tree from the DOM (capture's "tree"); native
    # parses the captured HTML: the two trees are the same, node for node.
    tree = captured.pop("tree", None)
    if captured.get("decodedFrom") != "bytes":
        assert tree and run["parsed"]["soup"] == "dom"
        assert tree_shape(soup_from_dom(tree)) == tree_shape(make_soup(captured["html"]))
    native_page = Page.from_dict(captured)
    browser = {r["scraper"]: comparable(r) for r in run["results"]}
    native = {
        p.name: comparable(json.loads(json.dumps(run_plugin(p, native_page))))
        for p in BUILTINS.values()
        if p.applies_to(captured["url"], captured["kind"])
    }
    assert set(browser) == set(native)
    for scraper in native:
        assert browser[scraper] == native[scraper], f"{scraper} differs on {name}"


@pytest.mark.parametrize("name", FEEDS)
def test_feed_in_browser_equals_native(chromium_corpus, name):
    """A tab showing a feed: the browser re-reads its bytes; native reads the same file's bytes."""
    scraped = chromium_corpus[f"feeds/{name}"]
    assert scraped["state"] == "done", scraped["status"]
    run = scraped["run"]
    assert run["kind"] == "feed"
    url = run["url"]
    # Served as application/xml with no charset, as the capture saw.
    native_page = make_page((CORPUS / "feeds" / name).read_bytes(), url, "application/xml")
    native = {
        p.name: comparable(json.loads(json.dumps(run_plugin(p, native_page))))
        for p in BUILTINS.values()
        if p.applies_to(url, "feed")
    }
    browser = {r["scraper"]: comparable(r) for r in run["results"]}
    assert browser == native
