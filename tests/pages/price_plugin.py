"""Prices in any format, read with price-parser from PyPI (a package the build does not bundle)."""

NAME = "shop-prices"
VERSION = "1.0.0"
TITLE = "Shop prices"
MATCHES = ["*://*/price-shop.html", "file:///*/price-shop.html"]
REQUIRES = ["price-parser==0.5.1"]

from price_parser import Price  # noqa: E402  (after the metadata, as a reader expects it)


def scrape(page):
    for product in page.soup.select("li.product"):
        raw = product.select_one(".price").get_text(strip=True)
        price = Price.fromstring(raw)
        yield {
            "name": product.select_one(".name").get_text(strip=True),
            "raw": raw,
            "amount": None if price.amount is None else str(price.amount),
            "currency": price.currency,
        }
