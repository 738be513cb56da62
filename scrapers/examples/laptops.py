"""Laptops on webscraper.io's e-commerce test site: a crawl from the list to each laptop's own page.

An example of contract v2. ``scrape`` reads a list page and returns no
records: it asks, with ``page.follow``, for each laptop's page (handing on
what the list says of it as ``data``) and for the next list page. ``laptop``
reads a laptop's page and makes its record from both. A single scrape of a
list page (the toolbar click) shows no records; Crawl visits the pages.
"""

NAME = "laptops"
TITLE = "Laptops (crawl)"
VERSION = "1.0.0"
DESCRIPTION = "Crawls the laptops of webscraper.io's e-commerce test site: every list page, and each laptop's page for its storage options."
MATCHES = ["*://webscraper.io/test-sites/e-commerce/static/*"]
INPUT = "html"
REQUIRES = []


def price(text):
    """ "$1,299.00" -> 1299.0"""
    return float(text.strip().lstrip("$").replace(",", ""))


def scrape(page):
    """A list page: one follow per laptop, to its own page, and one to the next list page."""
    for card in page.soup.select("div.thumbnail"):
        link = card.select_one("a.title")
        yield page.follow(
            link["href"],
            callback="laptop",
            data={
                "title": link["title"],
                "price": price(card.select_one(".price").get_text()),
                "list_page": page.url,
            },
        )
    next_page = page.soup.select_one("ul.pagination a[rel=next]")
    if next_page:
        yield page.follow(next_page["href"])  # callback defaults to scrape: another list page


def laptop(page):
    """A laptop's own page: what the list said (page.data) plus what only this page says."""
    reviews = page.soup.select_one(".review-count").get_text().split()[0]
    yield {
        **page.data,
        "url": page.url,
        "description": page.soup.select_one(".description").get_text(strip=True),
        "storage_gb": [int(button["value"]) for button in page.soup.select(".swatches button")],
        "reviews": int(reviews),
        "stars": int(page.soup.select_one("[data-rating]")["data-rating"]),
    }


TESTS = [
    {
        "name": "a list page: a follow per laptop, with data, and the next page",
        "url": "https://webscraper.io/test-sites/e-commerce/static/computers/laptops",
        "file": "fixtures/example-laptops.html",
        "records": [],
        "follows": [
            {
                "url": "https://webscraper.io/test-sites/e-commerce/static/product/31",
                "callback": "laptop",
                "data": {
                    "title": "Asus VivoBook X441NA-GA190",
                    "price": 295.99,
                    "list_page": "https://webscraper.io/test-sites/e-commerce/static/computers/laptops",
                },
            },
            {
                "url": "https://webscraper.io/test-sites/e-commerce/static/product/32",
                "callback": "laptop",
                "data": {
                    "title": "Prestigio SmartBook 133S Dark Grey",
                    "price": 1299.0,
                    "list_page": "https://webscraper.io/test-sites/e-commerce/static/computers/laptops",
                },
            },
            {"url": "https://webscraper.io/test-sites/e-commerce/static/computers/laptops?page=2", "callback": "scrape", "data": {}},
        ],
    },
    {
        "name": "a laptop's page, with what its list page handed on",
        "url": "https://webscraper.io/test-sites/e-commerce/static/product/31",
        "file": "fixtures/example-laptop.html",
        "callback": "laptop",
        "data": {
            "title": "Asus VivoBook X441NA-GA190",
            "price": 295.99,
            "list_page": "https://webscraper.io/test-sites/e-commerce/static/computers/laptops",
        },
        "records": [
            {
                "title": "Asus VivoBook X441NA-GA190",
                "price": 295.99,
                "list_page": "https://webscraper.io/test-sites/e-commerce/static/computers/laptops",
                "url": "https://webscraper.io/test-sites/e-commerce/static/product/31",
                "description": 'Asus VivoBook X441NA-GA190 Chocolate Black, 14", Celeron N3450, 4GB, 128GB SSD, Endless OS, ENG kbd',
                "storage_gb": [128, 256],
                "reviews": 14,
                "stars": 3,
            }
        ],
    },
]
