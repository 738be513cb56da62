"""Prints 32 MB to stdout and stderr, then gives one record."""

import sys

NAME = "chatterbox"
VERSION = "1.0.0"
MATCHES = ["*://127.0.0.1/*"]


def scrape(page):
    line = "x" * 1023
    for _ in range(16 * 1024):
        print(line)
        print(line, file=sys.stderr)
    yield {"printed_mb": 32}
