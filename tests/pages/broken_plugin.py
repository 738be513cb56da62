NAME = "broken-on-purpose"
VERSION = "0.0.1"
MATCHES = ["http://127.0.0.1/*"]


def helper(page):
    return page.title.upper() / 2


def scrape(page):
    yield {"first": "fine"}
    helper(page)
