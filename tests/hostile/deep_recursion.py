"""Recurses without end."""

NAME = "deep-recursion"
VERSION = "1.0.0"
MATCHES = ["*://127.0.0.1/*"]


def down(n):
    return down(n + 1) + 1


def scrape(page):
    yield {"depth": down(0)}
