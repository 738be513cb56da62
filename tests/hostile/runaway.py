"""Gives two records, then loops forever; a KeyboardInterrupt stops it."""

NAME = "runaway"
VERSION = "1.0.0"
MATCHES = ["*://127.0.0.1/*"]
TIMEOUT = 2


def scrape(page):
    yield {"n": 1}
    yield {"n": 2}
    while True:
        pass
