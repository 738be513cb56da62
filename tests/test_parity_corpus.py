"""Parity: on every saved page of the corpus, the built-ins give the same records in the
browser's Pyodide as in native CPython on the same HTML string the browser captured."""

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
def test_browser_equals_native(chromium, corpus_site, offline, name):
    # A query of its own: earlier tests scraped these URLs, and the popup would show that history.
    page, tab_id = chromium.open_tab(f"{corpus_site}/html/{name}?parity")
    popup = chromium.open_popup(tab_id)
    try:
        assert popup.evaluate("document.body.dataset.state") == "done", popup.inner_text("#status")
        run = chromium.send(popup, "GetLastRun", {"tabId": tab_id})["result"]
        # The same capture the service worker made, taken again for the native run.
        captured = popup.evaluate(
            """async (tabId) => {
                const { capturePage } = await import('/extension/content/capture.js');
                return (await chrome.scripting.executeScript({ target: { tabId }, func: capturePage, args: [null] }))[0].result;
            }""",
            tab_id,
        )
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
    finally:
        popup.close()
        page.close()


@pytest.mark.parametrize("name", FEEDS)
def test_feed_in_browser_equals_native(chromium, corpus_site, offline, name):
    """A tab showing a feed: the browser re-reads its bytes; native reads the same file's bytes."""
    url = f"{corpus_site}/feeds/{name}?parity"
    page, tab_id = chromium.open_tab(url)
    popup = chromium.open_popup(tab_id)
    try:
        assert popup.evaluate("document.body.dataset.state") == "done", popup.inner_text("#status")
        run = chromium.send(popup, "GetLastRun", {"tabId": tab_id})["result"]
        assert run["kind"] == "feed"
        # The test server sends application/xml with no charset, as the capture saw.
        native_page = make_page((CORPUS / "feeds" / name).read_bytes(), url, "application/xml")
        native = {
            p.name: comparable(json.loads(json.dumps(run_plugin(p, native_page))))
            for p in BUILTINS.values()
            if p.applies_to(url, "feed")
        }
        browser = {r["scraper"]: comparable(r) for r in run["results"]}
        assert browser == native
    finally:
        popup.close()
        page.close()
