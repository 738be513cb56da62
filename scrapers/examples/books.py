"""Books on a books.toscrape.com catalogue page: title, link, price, rating, stock.

Shows turning display text into typed values: "£51.77" becomes 51.77 with
currency "GBP", and the star-rating class "Three" becomes 3.
"""

NAME = "books"
TITLE = "Books"
VERSION = "1.0.0"
DESCRIPTION = "One record per book on books.toscrape.com catalogue pages."
MATCHES = ["*://books.toscrape.com/*"]
INPUT = "html"
REQUIRES = []

RATINGS = {"One": 1, "Two": 2, "Three": 3, "Four": 4, "Five": 5}
CURRENCIES = {"£": "GBP", "$": "USD", "€": "EUR"}


def price(text):
    text = text.strip()
    symbol = text[:1]
    return float(text[1:].replace(",", "")), CURRENCIES.get(symbol)


def scrape(page):
    for book in page.soup.select("article.product_pod"):
        link = book.select_one("h3 a")
        amount, currency = price(book.select_one(".price_color").get_text())
        stars = next((RATINGS[c] for c in book.select_one(".star-rating")["class"] if c in RATINGS), None)
        yield {
            "title": link["title"],
            "url": page.absolute(link["href"]),
            "price": amount,
            "currency": currency,
            "rating": stars,
            "in_stock": "In stock" in book.select_one(".availability").get_text(),
        }


TESTS = [
    {
        "name": "catalogue page",
        "url": "https://books.toscrape.com/index.html",
        "file": "fixtures/example-books.html",
        "records": [
            {"title": "A Light in the Attic", "url": "https://books.toscrape.com/catalogue/a-light-in-the-attic_1000/index.html",
             "price": 51.77, "currency": "GBP", "rating": 3, "in_stock": True},
            {"title": "Tipping the Velvet", "url": "https://books.toscrape.com/catalogue/tipping-the-velvet_999/index.html",
             "price": 53.74, "currency": "GBP", "rating": 1, "in_stock": False},
        ],
    },
    {
        "name": "types",
        "url": "https://books.toscrape.com/index.html",
        "file": "fixtures/example-books.html",
        "count": 2,
        "expect": [{"price": float, "rating": int, "in_stock": bool, "title": "contains:Attic"}],
    },
]
