"""Allocates until Python's memory runs out."""

NAME = "memory-hog"
VERSION = "1.0.0"
MATCHES = ["*://127.0.0.1/*"]
TIMEOUT = 60


def scrape(page):
    hoard = []
    while True:
        hoard.append(bytearray(64 * 1024 * 1024))
