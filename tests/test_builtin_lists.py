"""The lists built-in on saved pages whose main list competes with menus, filters, footers, ads between the
items and "related" rails (tests/pages/lists/). Every expected value below was read off the fixture by a person."""

import pytest

from conftest import ROOT
from gleaner.host import load_builtins
from gleaner.lists import is_generated, list_specs, next_page_url, spec_for_list
from gleaner.page import make_page
from gleaner.runner import run_plugin

PAGES = ROOT / "tests" / "pages" / "lists"
BUILTINS = load_builtins(ROOT / "scrapers")
LISTS = BUILTINS["lists"]

SHOP_PAGE_1 = [  # (title, brand, price, rating) of the twelve products, in page order
    ("Trail Runner 2", "Northway", "$89.00", "4.5 stars"), ("City Walker", "Urbano", "$64.50", "4.1 stars"),
    ("Canvas Low", "Plimsoll & Co", "$39.99", "3.8 stars"), ("Summit Hiker GTX", "Northway", "$149.00", "4.7 stars"),
    ("Court Classic", "Ace", "$74.00", "4.0 stars"), ("Rain Boot", "Puddle", "$55.00", "3.9 stars"),
    ("Desert Chukka", "Sahara", "$99.00", "4.3 stars"), ("Slip-On Knit", "Urbano", "$49.00", None),
    ("Track Spike", "Velocity", "$119.00", "4.6 stars"), ("Loafer Penny", "Gentry", "$129.00", "4.2 stars"),
    ("Sandal Sport", "Puddle", "$34.00", "3.5 stars"), ("Ballet Flat", "Plié", "$59.00", "4.4 stars"),
]


def page(name, url):
    return make_page((PAGES / name).read_bytes(), url, "text/html")


def records(name, url):
    result = run_plugin(LISTS, page(name, url))
    assert result["ok"], result.get("error")
    return result["records"]


def main_list(name, url):
    return [{k: v for k, v in r.items() if k != "list"} for r in records(name, url) if r["list"] == 0]


def test_the_product_grid_is_list_0_with_all_twelve_products_and_not_the_ad():
    # Twelve products in rows of four (the last row holds one), an ad in the second row,
    # a menu, brand filters, a "customers also viewed" rail and footer columns around them.
    got = main_list("shop-page1.html", "https://shop.example/shoes")
    assert [(r["title"], r["brand"], r["price"], r["rating"]) for r in got] == SHOP_PAGE_1
    assert got[0] == {
        "title": "Trail Runner 2", "url": "https://shop.example/p/trail-runner-2",
        "image": "https://shop.example/img/trail-runner-2.jpg", "brand": "Northway", "price": "$89.00", "rating": "4.5 stars",
    }
    everything = str(records("shop-page1.html", "https://shop.example/shoes"))
    assert "Win a trip" not in everything and "ads.example" not in everything  # the ad is nobody's item


def test_menus_filters_related_rail_and_footer_rank_after_the_main_list():
    found = records("shop-page1.html", "https://shop.example/shoes")
    first_of = {}
    for record in found:
        first_of.setdefault(record["list"], record)
    assert first_of[0]["title"] == "Trail Runner 2"
    later = {record.get("title") for number, record in first_of.items() if number > 0}
    assert {"Wool socks", "Northway (14)", "Home", "Shipping"} <= later


def test_forum_threads_in_a_table_skip_the_header_and_the_ad_row():
    got = main_list("forum.html", "https://forum.example/f/gear")
    assert len(got) == 8
    assert got[0] == {
        "title": "Welcome! Read this before posting", "url": "https://forum.example/t/101",
        "image": "https://forum.example/icons/topic.gif", "replies": "3", "views": "1520", "starter": "admin",
        "date": "2024-01-02",
    }
    assert [r["title"] for r in got][2:4] == ["Stove won't light above 3000 m", "Best maps for the Pyrenees"]
    assert got[-1]["url"] == "https://forum.example/t/108"


def test_comments_outrank_the_related_posts_rail_and_take_their_names_from_class_names():
    got = main_list("article-comments.html", "https://notes.example/trips/cairngorms")
    assert [r["author"] for r in got] == ["Aoife", "Ben", "Chidi", "Dana", "Emil"]
    assert got[1] == {
        "author": "Ben", "url": "https://notes.example/u/ben", "date": "2 March 2024",
        "comment": "How long did the ridge section take you? We are planning it for May.",
    }


def test_title_rows_beat_their_detail_rows_and_are_no_menu():
    # Each story is a title row (rank, vote link, title link, site link: nearly all link text) and a row
    # of details below it; the stories are the main list, the detail rows another.
    got = main_list("news-rows.html", "https://links.example/news")
    assert len(got) == 10
    assert got[0] == {"title": "Show: a tiny Python scraper that writes its own tests", "url": "https://gleaner.example/story",
                      "rank": "1.", "sitestr": "gleaner.example"}
    assert got[9]["title"] == "What makes a good command-line tool"


def test_a_page_without_repeated_records_gives_none():
    assert records("no-list.html", "https://shop.example/about") == []


def test_specs_use_words_not_generated_classes_nor_positions():
    shop = page("shop-page1.html", "https://shop.example/shoes")
    next_url = next_page_url(BUILTINS, shop)  # as the host finds it: the pagination built-in's first "next"
    assert next_url == "https://shop.example/shoes?page=2"
    spec = spec_for_list(shop, 0, next_url)
    # The fixture's columns carry css-1k9x2ab and its cards sc-AbCdE: neither may anchor a selector.
    selectors = [spec["item_selector"], spec["next_selector"]] + [f["selector"] for f in spec["fields"]]
    assert not [s for s in selectors if "css-" in s or "sc-" in s or "nth-" in s]
    assert spec["item_selector"] == "#content > div.product-grid > div.row > div:has(> article.product-card)"
    assert spec["next_selector"] == "a.next"
    assert [f["name"] for f in spec["fields"]] == ["title", "url", "image", "brand", "price", "rating"]
    assert spec["matches"] == ["*://shop.example/shoes*"]
    assert [s["items"] for s in list_specs(shop, next_url)][:1] == [12]


@pytest.mark.parametrize("token, generated", [
    ("css-1x2y3z", True), ("sc-AbCd", True), ("Card_title__3xYz1", True), ("a8f3c9e21b", True), ("kCrYT", True),
    ("post-12345", True), ("product-title", False), ("PageNavNext", False), ("threadbit", False), ("price_color", False),
])
def test_generated_class_names_are_told_from_words(token, generated):
    assert is_generated(token) is generated


def test_table_rows_are_named_so_that_browsers_tbody_does_not_matter():
    # html.parser adds no <tbody> where the markup has none; browsers do, and the picker's tree is the browser's.
    from gleaner.lists import join_steps

    assert join_steps(("div.board", "table", "tr")) == "div.board > table tr"
    assert join_steps(("table.threads", "tbody", "tr.thread", "td.topic", "a")) == "table.threads tr.thread > td.topic > a"


def test_where_every_class_is_generated_a_test_id_anchors_the_items():
    results = page("generated-classes.html", "https://outdoor.example/search?q=tents")
    got = main_list("generated-classes.html", "https://outdoor.example/search?q=tents")
    assert [(r["title"], r["url"], r["price"]) for r in got] == [
        ("Alpine 2 tent", "https://outdoor.example/item/alpine-2", "£249"),
        ("Dome 4 family tent", "https://outdoor.example/item/dome-4", "£189"),
        ("Bivvy 1 shelter", "https://outdoor.example/item/bivvy-1", "£119"),
        ("Tunnel 3 tent", "https://outdoor.example/item/tunnel-3", "£299"),
    ]
    spec = spec_for_list(results, 0)
    assert spec["item_selector"] == 'div[data-testid="result-card"]'
    assert not [f for f in spec["fields"] if "css-" in f["selector"] or "sc-" in f["selector"]]


CORPUS_PAGES = sorted((ROOT / "tests" / "corpus" / "html").glob("*.html"))


@pytest.mark.parametrize("path", CORPUS_PAGES[::3], ids=lambda p: p.name)
def test_the_built_ins_own_matcher_finds_what_soupsieve_finds(path):
    # The built-in reads fields with a matcher of its own (soupsieve is too slow for every field of every
    # item on each click); a written scraper uses soupsieve. On real pages they must pick the same tags.
    from gleaner.lists import _select_one, describe, lists_of

    corpus_page = make_page(path.read_bytes(), "https://example.org/page", "text/html")
    checked = 0
    for found in lists_of(corpus_page)[:8]:
        for _, selector, _ in describe(found):
            if selector:
                for item in found.items:
                    assert _select_one(item, selector) is item.select_one(selector), (selector, path.name)
                    checked += 1
    assert checked or not lists_of(corpus_page)


def test_a_list_whose_items_carry_no_value_is_no_list_and_an_implied_tbody_changes_nothing():
    # Three placeholder slots (no image address, links to "#", the same words: no record holds a value)
    # above two alike tables, one with its <tbody> written, one without (a browser implies it there).
    found = records("empty-slots.html", "https://toys.example/shelf")
    assert found == [
        {"list": 0, "title": "Paper boat", "url": "https://toys.example/b/1", "price": "$3.00"},
        {"list": 0, "title": "Kite", "url": "https://toys.example/b/2", "price": "$7.50"},
        {"list": 0, "title": "Yo-yo", "url": "https://toys.example/b/3", "price": "$2.25"},
        {"list": 0, "title": "Spinning top", "url": "https://toys.example/b/4", "price": "$4.00"},
    ]
    # The tree a browser builds (every table with its <tbody>) gives the same records.
    html = (PAGES / "empty-slots.html").read_text().replace('<table class="stock"><tr>', '<table class="stock"><tbody><tr>')
    html = html.replace("</td></tr></table>", "</td></tr></tbody></table>")
    assert html.count("<tbody><tr>") == 2 and html.count("</tbody></table>") == 2
    browser_like = run_plugin(LISTS, make_page(html, "https://toys.example/shelf", "text/html"))
    assert browser_like["records"] == found
    # The written scraper's view agrees: one list, no scraper for the empty slots.
    assert [spec["items"] for spec in list_specs(page("empty-slots.html", "https://toys.example/shelf"))] == [4]
