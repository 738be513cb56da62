"""Swallows every KeyboardInterrupt: only replacing the worker stops it."""

NAME = "stubborn"
VERSION = "1.0.0"
MATCHES = ["*://127.0.0.1/*"]
TIMEOUT = 2


def scrape(page):
    while True:
        try:
            while True:
                pass
        except BaseException:  # noqa: BLE001  (that is the point)
            pass
