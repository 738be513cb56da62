"""Yields records without end, 1 MB each: the output limit stops it."""

NAME = "flood"
VERSION = "1.0.0"
MATCHES = ["*://127.0.0.1/*"]


def scrape(page):
    chunk = "y" * (1024 * 1024)
    n = 0
    while True:
        n += 1
        yield {"n": n, "chunk": chunk}
