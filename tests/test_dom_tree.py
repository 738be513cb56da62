"""The page's tree built from the browser's DOM (py/gleaner/dom_tree.py) is the tree html.parser makes of the captured HTML.

The corpus holds this page by page (tests/test_parity_corpus.py); here a page
made of the cases where the DOM and the HTML part ways (noscript, template,
SVG names, void elements, RCDATA, what scripts do to a DOM), a tree no
walk could give, and the fallback. And the builder's fast path against bs4's
own handlers, one call per event (the way it builds what it parses), on
walks made of the cases each takes apart.
"""

import json
import random

from bs4 import BeautifulSoup, NavigableString, PageElement
from test_parity_corpus import tree_shape

from gleaner.dom_tree import FORMAT, KINDS, SEPARATOR, DomTreeBuilder, count_elements, events, kind_character, soup_from_dom
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
    assert from_dom.find(id="namespaced").attrs == {"id": "namespaced", "camelcase": "kept", "x:twice": "second"}
    # Between the two runs the records match too (same tree, same scrapers).
    links = next(r for r in run["results"] if r["scraper"] == "links")
    assert links["ok"]


def test_a_page_holding_the_separator_is_parsed_from_its_html(chromium, site):
    page, tab_id = chromium.open_tab(f"{site}/dom-separator.html")
    popup = chromium.open_popup(tab_id)
    try:
        assert popup.evaluate("document.body.dataset.state") == "done", popup.inner_text("#status")
        run = chromium.send(popup, "GetLastRun", {"tabId": tab_id})["result"]
        captured = popup.evaluate(CAPTURE, tab_id)
    finally:
        popup.close()
        page.close()
    assert captured["tree"] is None and "Before\x7fafter" in captured["html"]
    assert run["parsed"]["soup"] == "html"
    links = next(r for r in run["results"] if r["scraper"] == "links")
    assert [record["url"] for record in links["records"]] == [f"{site}/next"]


def walk_of(events, listed=KINDS):
    """The walk capture.js sends for these events, each as the JSON of the walk's
    first version had it (the notation below): a text; 0, an end; [name,
    [attribute, value, ...]], a start; [1, text] a comment, [2, markup] markup to
    parse, [3, declaration] the doctype, [4, text] a processing instruction.
    At most ``listed`` element kinds are listed (capture.js lists KINDS), the
    rest go unlisted. Texts next to each other stay apart (the walk merges
    them; the builder must too)."""
    shape, tokens, kinds = [], [], {}
    for event in events:
        if isinstance(event, str):
            shape.append('"')
            tokens.append(event)
        elif event == 0:
            shape.append("/")
        elif isinstance(event[0], str):
            name, attributes = event
            kind = (name, len(attributes) // 2)
            if kind not in kinds and len(kinds) < listed:
                kinds[kind] = kind_character(len(kinds))
            if kind in kinds:
                shape.append(kinds[kind])
            else:
                shape.append("*")
                tokens += [name, str(kind[1])]
            tokens += attributes
        else:
            shape.append({1: "!", 2: "%", 3: "#", 4: "$"}[event[0]])
            tokens.append(event[1])
    listed_kinds = [part for name, count in kinds for part in (name, str(count))]
    return SEPARATOR.join([FORMAT, "".join(shape), str(len(kinds)), *listed_kinds, *tokens])


def test_a_walk_the_builder_cannot_read_falls_back_to_the_html():
    html = "<!DOCTYPE html>\n<html><head><title>t</title></head><body><p class='a b'>x</p></body></html>"
    good = [[3, "html"], "\n", ["html", []], ["head", []], ["title", []], "t", 0, 0, ["body", []], ["p", ["class", "a b"]], "x", 0, 0, 0]
    cut = walk_of(good)
    for broken in (walk_of([["html", []], ["body", []], 0]), "not a walk", cut[:-12], cut.replace("/", "?", 1), cut + SEPARATOR + "x",
                   cut.replace(FORMAT, "gleaner-walk-1"), json.dumps(good)):
        page = Page("https://example.org/", html, tree=broken)
        assert tree_shape(page.soup) == tree_shape(make_soup(html))
        assert page.soup_source == "html" and page.tree is None
    page = Page("https://example.org/", html, tree=cut)
    assert tree_shape(page.soup) == tree_shape(make_soup(html)) and page.soup_source == "dom"


def test_the_walk_reads_back_as_its_events():
    walk = [[3, "html"], "\n", ["html", ["lang", "en"]], "a", "", [1, ""], ["p", ["class", "a b", "id", "x\ny"]], [2, "<b>"], 0, [4, "php ?"], 0]
    expected = [("#", "html"), ('"', "\n"), ("<", ("html", {"lang": "en"})), ('"', "a"), ('"', ""), ("!", ""),
                ("<", ("p", {"class": "a b", "id": "x\ny"})), ("%", "<b>"), ("/", None), ("$", "php ?"), ("/", None)]
    for listed in (KINDS, 1, 0):
        assert list(events(walk_of(walk, listed))) == expected
    assert count_elements(walk_of(walk)) == 2
    # Every kind character is one byte, and none is an event's own.
    characters = [kind_character(i) for i in range(KINDS)]
    assert len(set(characters)) == KINDS and max(map(ord, characters)) <= 0xFF and not set(characters) & set('"/*!#$%\x7f')


class ReplayBuilder(DomTreeBuilder):
    """The reference: every event through bs4's own handlers (DomTreeBuilder._replay)."""

    def feed(self, walk):
        self._replay(walk)


def every_field(soup):
    """Each node in document order with all its fields, the nodes among them as their positions.

    The fast build does much of bs4's handlers' work itself, so this looks at
    more than tree_shape: classes, links, the parse state left on the soup,
    and which nodes share one list, dict or set (a Tag's own contents, the
    builder's sets).
    """
    nodes = [soup, *soup.descendants]
    position = {id(node): i for i, node in enumerate(nodes)}
    # The next_element chain is the document order.
    chain, node = [soup], soup.contents[0] if soup.contents else None
    while node is not None:
        chain.append(node)
        node = node.next_element
    assert [id(node) for node in chain] == [id(node) for node in nodes]
    first_holder = {}

    def value(v, where):
        if isinstance(v, PageElement):
            return ("node", position.get(id(v)))
        if isinstance(v, (list, dict, set)):
            holder = first_holder.setdefault(id(v), where)
            if isinstance(v, set):
                return (type(v), holder, sorted(map(repr, v)))
            items = v.items() if isinstance(v, dict) else enumerate(v)
            return (type(v), holder, [(k, value(x, (*where, k))) for k, x in items])
        if isinstance(v, str):  # an attribute's value may be a str subclass with fields of its own
            return (type(v), str(v), vars(v) if hasattr(v, "__dict__") else None)
        return v if isinstance(v, type) else (type(v), v)

    return [
        (type(node), str(node) if isinstance(node, NavigableString) else None,
         [(k, None if k == "builder" else value(v, (i, k))) for k, v in vars(node).items()])
        for i, node in enumerate(nodes)
    ]


EDGE_WALKS = [
    # Whitespace-only text outside and inside pre/textarea, the empty string, text split in two.
    '[["html", []], ["body", []], "  \\n\\t", ["pre", []], "\\n  ", ["b", []], " ", 0, "", 0, "", ["p", []], "a", "b", " ", 0, "\\f", 0, 0]',
    # String containers, nested (a template's descendants hold TemplateStrings), and a void one holding text.
    '[["div", []], ["template", []], ["li", ["class", " a  b "]], "t", ["em", []], "x", 0, 0, 0, ["script", []], "s", 0, ["style", []], "", 0, ["rt", []], "r", 0, 0]',
    # Empty elements the DOM nests things in, multi-valued attributes, the meta charset stand-ins.
    '[["head", []], ["meta", ["charset", "utf-8"]], 0, ["meta", ["http-equiv", "Content-Type", "content", "text/html; charset=latin1"]], 0,'
    ' ["link", ["rel", "icon  stylesheet", "href", "x"]], 0, ["br", []], "in br", ["b", []], "b", 0, 0, ["menuitem", ["label", "m"]], "child", 0,'
    ' ["td", ["headers", "h1 h2", "class", ""]], 0, ["a", ["rel", "nofollow", "rev", "x y", "accesskey", "k"]], 0, 0]',
    # Markup to parse: leaving elements open, closing the element it is in and one outside, text only.
    '[["div", []], ["noscript", []], [2, "<p>open<b>bold"], 0, "after", ["noscript", []], [2, "</div>out"], "t", 0, "u", 0, "v",'
    ' ["p", []], [2, "text only"], " more", 0, ["span", []], [2, "<br/><img src=x>"], 0]',
    # Comments (whitespace-only ones collapse too), a doctype, a processing instruction, beside text.
    '[[3, "html"], "\\n", ["html", []], "a", [1, " "], [1, ""], [1, "c"], "b", [4, "php x ?"], [1, "\\n\\n"], 0, "end"]',
    # An element of the root's name: bs4 counts none and closes none.
    '[["div", []], ["[document]", []], "x", 0, "y", ["p", []], "z", 0, 0]',
]


def random_walk(rng):
    names = ["div", "p", "pre", "textarea", "script", "template", "rt", "br", "img", "meta", "menuitem", "a", "td", "noscript", "[document]"]
    texts = ["", " ", "\n", " \t\n", "x", " y ", "\xa0"]
    markups = ["<p>open", "</div>", "</p>", "text", "<img src=x>", "<b>x</b><i>y", "</noscript>", "<pre> </pre>", "<td class='a b'>"]
    events, depth = [], 0
    for _ in range(rng.randrange(1, 80)):
        r = rng.random()
        if r < 0.3:
            attributes = []
            for _ in range(rng.choice([0, 0, 1, 2])):
                attributes += [rng.choice(["class", "id", "rel", "headers", "charset", "content", "http-equiv"]), rng.choice(["a b", " c ", "", "utf-8"])]
            events.append([rng.choice(names), attributes])
            depth += 1
        elif r < 0.55 and depth:
            events.append(0)
            depth -= 1
        elif r < 0.85:
            events.append(rng.choice(texts))
        elif r < 0.95:
            events.append([rng.choice([1, 3, 4]), rng.choice(texts)])
        else:
            events.append([2, rng.choice(markups) + rng.choice(markups)])
    # Some walks list every kind, some none (past capture.js's KINDS, or elements of more kinds).
    return walk_of(events + [0] * depth, listed=rng.choice([KINDS, KINDS, 2, 0]))


def test_the_fast_build_is_bs4s_own_handlers_node_for_node():
    rng = random.Random(20)
    for walk in [walk_of(json.loads(edge)) for edge in EDGE_WALKS] + [random_walk(rng) for _ in range(300)]:
        fast, reference = soup_from_dom(walk), BeautifulSoup(walk, builder=ReplayBuilder())
        assert every_field(fast) == every_field(reference), walk
        assert fast.decode() == reference.decode()
    # The cases are really there.
    soup = soup_from_dom(walk_of(json.loads(EDGE_WALKS[1])))
    assert type(soup.em.string).__name__ == "TemplateString" and soup.li["class"] == ["a", "b"]
    soup = soup_from_dom(walk_of(json.loads(EDGE_WALKS[3])))
    # The markup's text and the walk's next text are one string, as one parse would make them.
    assert soup.find("p").b.string == "bold" and soup.div.next_sibling == "outt"


def test_a_walk_either_way_fails_alike():
    good = walk_of([["html", ["a", "b"]], ["p", []], "x", 0, 0])
    shape = good.split(SEPARATOR)[1]
    for broken in (walk_of([["html", []], ["body", []], [1, "x"], 0]), walk_of([["html", []]]), walk_of([["html", []], 0, 0]),
                   walk_of([0]), walk_of([["p", []], "x", 0, 0]), walk_of([["a", ["href"]], 0]), good.replace(shape, shape + "?"),
                   good.replace(shape, shape + '"'), good.replace(shape, shape + "*"), good + SEPARATOR + "left",
                   good.replace(SEPARATOR + "1" + SEPARATOR, SEPARATOR + "-1" + SEPARATOR, 1), good.replace(shape, "*" + shape),
                   SEPARATOR.join([FORMAT, "*/", "0", "a", "-1"]), SEPARATOR.join([FORMAT, "0/", "1", "a"]),
                   SEPARATOR.join([FORMAT, "", "x"]), FORMAT, "", "[]"):
        errors = []
        for builder in (DomTreeBuilder, ReplayBuilder):
            try:
                BeautifulSoup(broken, builder=builder())
            except (ValueError, TypeError, IndexError, AttributeError) as error:
                errors.append(type(error))
        assert len(errors) == 2 and errors[0] is errors[1], broken
