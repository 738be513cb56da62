"""The crawl tests' scraper: a product list and its products' pages (tests/pages/crawl-site)."""

NAME = "crawl-test-furniture"
VERSION = "1.0.0"
MATCHES = ["http://127.0.0.1/*"]


def scrape(page):
    """A product's page: its name, price and SKU; any other page gives nothing."""
    price = page.soup.select_one(".price")
    if price is None:
        return
    yield {
        "name": page.soup.h1.get_text(strip=True),
        "price": price.get_text(strip=True),
        "sku": page.soup.select_one(".sku").get_text(strip=True),
    }
