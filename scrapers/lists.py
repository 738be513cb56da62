"""Repeated records on the page: one record per item of each list found, the main list first.

A list is three or more elements that share their structure under alike
parents: a product grid, search results, a forum's threads or posts,
comments, rows of a table or of a grid of divs. Lists are ranked main
content first (how much text and how many links, images and texts an item
holds; navigation, headers, footers, sidebars, ads, "related" rails and
carousels count against a list). Items of another structure between the
items (an ad, a promo) are not items.

Each record starts with ``list`` (0 is the most likely main list), then the
fields, named from the items' structure and the same for every item of a
list: ``title`` and ``url`` (the main link's text and address), ``image``,
``price`` and ``date`` for texts that look so, and names taken from class
names where they are words (``author``, ``rating``...). A missing value is
null. A page with no repeated structure gives no records.

gleaner/lists.py holds the rules (docs/lists.md); the same selectors make a
scraper of a list ("Save as scraper", ``build.py generate``).
"""

from gleaner.lists import page_records

NAME = "lists"
TITLE = "Lists"
VERSION = "1.0.0"
DESCRIPTION = "One record per item of each repeated structure (product grids, results, threads, comments), main list first."
MATCHES = ["*://*/*", "file:///*"]
INPUT = "html"
REQUIRES = []


def scrape(page):
    yield from page_records(page)


TESTS = [
    {
        "name": "a product grid beside a menu, with an ad between the products and a footer",
        "url": "https://shop.example/shoes/",
        "html": """<html><body>
            <nav class="top-menu"><ul>
              <li><a href="/">Home</a></li><li><a href="/shoes/">Shoes</a></li><li><a href="/bags/">Bags</a></li>
            </ul></nav>
            <main><ul class="products">
              <li class="product"><a href="/p/1"><img src="/i/1.jpg"></a>
                <h2 class="title"><a href="/p/1">Red runner</a></h2><span class="price">$10.00</span></li>
              <li class="product"><a href="/p/2"><img src="/i/2.jpg"></a>
                <h2 class="title"><a href="/p/2">Blue walker</a></h2><span class="price">$12.50</span></li>
              <li class="promo"><div class="banner"><p>Half price on bags this week, come and see them all!</p></div></li>
              <li class="product"><a href="/p/3"><img src="/i/3.jpg"></a>
                <h2 class="title"><a href="/p/3">Green hiker</a></h2></li>
            </ul></main>
            <footer><p>Shop Example, 1 Shoe Street</p></footer>
        </body></html>""",
        "records": [
            {"list": 0, "title": "Red runner", "url": "https://shop.example/p/1", "image": "https://shop.example/i/1.jpg",
             "price": "$10.00"},
            {"list": 0, "title": "Blue walker", "url": "https://shop.example/p/2", "image": "https://shop.example/i/2.jpg",
             "price": "$12.50"},
            {"list": 0, "title": "Green hiker", "url": "https://shop.example/p/3", "image": "https://shop.example/i/3.jpg",
             "price": None},
        ],
    },
    {
        "name": "an article without repeated records gives nothing",
        "html": """<html><body><h1>On lists</h1><p>One paragraph.</p><p>Another, with <a href="/x">a link</a>.</p>
            <p>A third.</p></body></html>""",
        "records": [],
    },
]
