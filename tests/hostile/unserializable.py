"""Yields a record, then a bs4 Tag, which is no JSON value."""

NAME = "unserializable"
VERSION = "1.0.0"
MATCHES = ["*://127.0.0.1/*"]


def scrape(page):
    yield {"fine": True}
    yield {"link": page.soup.find("a")}
