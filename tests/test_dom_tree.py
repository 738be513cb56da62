"""The page's tree built from the browser's DOM (py/gleaner/dom_tree.py) is the tree html.parser makes of the captured HTML.

The corpus holds this page by page (tests/test_parity_corpus.py); here a page
made of the cases where the DOM and the HTML part ways (noscript, template,
SVG names, void elements, RCDATA, what scripts do to a DOM), a tree no
walk could give, and the fallback.
"""

from test_parity_corpus import tree_shape

from gleaner.dom_tree import soup_from_dom
from gleaner.page import Page
from gleaner.soup import make_soup

CAPTURE = """async (tabId) => {
    const { capturePage } = await import('/extension/content/capture.js');
    return (await chrome.scripting.executeScript({ target: { tabId }, func: capturePage, args: [null] }))[0].result;
}"""


def test_dom_tree_equals_the_parsed_html_where_dom_and_html_part_ways(chromium, site):
    page, tab_id = chromium.open_tab(f"{site}/dom-edges.html")
    popup = chromium.open_popup(tab_id)
    try:
        assert popup.evaluate("document.body.dataset.state") == "done", popup.inner_text("#status")
        run = chromium.send(popup, "GetLastRun", {"tabId": tab_id})["result"]
        captured = popup.evaluate(CAPTURE, tab_id)
    finally:
        popup.close()
        page.close()
    assert run["parsed"]["soup"] == "dom"
    from_dom, from_html = soup_from_dom(captured["tree"]), make_soup(captured["html"])
    assert tree_shape(from_dom) == tree_shape(from_html)
    # The cases are really there.
    assert from_dom.title.string == "Fish & Chips <live>"
    assert from_dom.noscript.img["alt"] == "no script"  # parsed, as html.parser does with the HTML
    assert from_dom.find("li", class_="item").em.string == "content"  # a template's content
    assert from_dom.svg["viewbox"] == "lowercase twin" and from_dom.find("lineargradient") is not None
    assert from_dom.body["class"] == ["one", "two", "three"]
    assert [str(s) for s in from_dom.find(id="made-by-script").li.strings] == ["onetwo three"]
    assert len(from_dom.find(id="nested-empty").find_all("span")) == 3000
    # Between the two runs the records match too (same tree, same scrapers).
    links = next(r for r in run["results"] if r["scraper"] == "links")
    assert links["ok"]


def test_a_walk_the_builder_cannot_read_falls_back_to_the_html():
    html = "<!DOCTYPE html>\n<html><head><title>t</title></head><body><p class='a b'>x</p></body></html>"
    for broken in ('[["html", []], ["body", []], [7, "x"], 0, 0]', "not json", '[["html", []]]', '[["html", []], 0, 0]'):
        page = Page("https://example.org/", html, tree=broken)
        assert tree_shape(page.soup) == tree_shape(make_soup(html))
        assert page.soup_source == "html" and page.tree is None
    page = Page("https://example.org/", html, tree='[[3, "html"], "\\n", ["html", []], ["head", []], ["title", []], "t", 0, 0, ["body", []], ["p", ["class", "a b"]], "x", 0, 0, 0]')
    assert tree_shape(page.soup) == tree_shape(make_soup(html)) and page.soup_source == "dom"
