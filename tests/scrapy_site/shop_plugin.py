"""The generated test shop: list pages -> each product's own page, with what the list says passed on as data."""

NAME = "test-shop"
TITLE = "Test shop (crawl)"
VERSION = "1.0.0"
DESCRIPTION = "Crawls the generated test shop: every list page, and each product's page."
MATCHES = ["http://127.0.0.1/*"]
INPUT = "html"
REQUIRES = []


def scrape(page):
    for card in page.soup.select("li.card"):
        link = card.select_one("a.title")
        yield page.follow(
            link["href"],
            callback="product",
            data={
                "name": link.get_text(),
                "price": float(card.select_one(".price").get_text().lstrip("$")),
                "list_page": page.url,
            },
        )
    more = page.soup.select_one("a[rel=next]")
    if more:
        yield page.follow(more["href"])


def product(page):
    record = {
        **page.data,
        "url": page.url,
        "sku": page.soup.select_one(".sku").get_text(),
        "stock": int(page.soup.select_one(".stock").get_text()),
        "tags": [tag.get_text() for tag in page.soup.select("li.tag")],
    }
    # Written by the page's script: there in a live DOM (the browser, --render), empty in the raw HTML.
    rating = page.soup.select_one(".rating")
    if rating and rating.get_text():
        record["rating"] = rating.get_text()
    yield record
