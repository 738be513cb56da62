"""The crawl tests' crawling scraper: list pages -> each product's page, with what the list says of it."""

NAME = "crawl-test-furniture-crawl"
VERSION = "1.0.0"
MATCHES = ["http://127.0.0.1/*"]


def scrape(page):
    """A list page: a follow per product (carrying its stock line) and one to the next list page."""
    for item in page.soup.select("li.product"):
        link = item.select_one("a.title")
        yield page.follow(link["href"], callback="product", data={"stock": item.select_one(".stock").get_text(strip=True), "list": page.url})
    for link in page.soup.select("a[href]"):
        if "partner" in link.get_text():
            yield page.follow(link["href"])  # another site: skipped and counted by the crawl
    next_link = page.soup.select_one("a[rel=next], a.next, a[aria-label='Next page']")
    if next_link:
        yield page.follow(next_link["href"])


def product(page):
    """A product's page: name and price from here, stock and list page from the list."""
    yield {
        "name": page.soup.h1.get_text(strip=True),
        "price": page.soup.select_one(".price").get_text(strip=True),
        **page.data,
    }
