"""The crawl tests' site: tests/pages/crawl-site served on 127.0.0.1, plus a
slow page and a page that never finishes loading (made by the server)."""

import contextlib
import functools
import http.server
import threading
import time

from conftest import ROOT

SITE_DIR = ROOT / "tests" / "pages" / "crawl-site"
PLUGIN = SITE_DIR / "furniture.py"
SLOW_SECONDS = 2

# Six pages, one record each but products-1 (a list page gives none).
DURABLE_PAGES = ["p1.html", "p2.html", "products-1.html", "p3.html", "p5.html", "p1.html?copy=1"]
DURABLE_RECORDS = [
    {"name": "Oak chair", "price": "€ 49.00", "sku": "SKU-1"},
    {"name": "Pine table", "price": "€ 120.00", "sku": "SKU-2"},
    {"name": "Birch shelf", "price": "€ 75.50", "sku": "SKU-3"},
    {"name": "Walnut desk", "price": "€ 310.00", "sku": "SKU-5"},
    {"name": "Oak chair", "price": "€ 49.00", "sku": "SKU-1"},
]

# The links scraper's records over the next pages from products-1, as
# (page, link, text): rel=next, a "Next ›" link, an aria-label arrow, and
# page 3's next, page 1 again, where the cycle ends.
NEXT_PAGES_LINKS = [
    ("products-1.html", "p1.html", "Oak chair"),
    ("products-1.html", "p2.html?ref=list&a=1", "Pine table"),
    ("products-1.html", "elsewhere", "A partner shop"),
    ("products-1.html", "products-1.html", "This page again"),
    ("products-1.html", "products-2.html", "Next"),
    ("products-2.html", "p3.html", "Birch shelf"),
    ("products-2.html", "p4.html", "Teak bench"),
    ("products-2.html", "products-1.html", "1"),
    ("products-2.html", "products-3.html", "Next ›"),
    ("products-3.html", "p5.html", "Walnut desk"),
    ("products-3.html", "products-2.html", "‹"),
    ("products-3.html", "products-1.html#top", "›"),
]


class CrawlSiteHandler(http.server.SimpleHTTPRequestHandler):
    """The crawl site, plus /slow/<page> (answered after SLOW_SECONDS) and
    /hang.html (its HTML arrives, the response never ends)."""

    def do_GET(self):  # noqa: N802 (http.server's name)
        if self.path.startswith("/slow/"):
            time.sleep(SLOW_SECONDS)
            self.path = self.path[len("/slow"):]
        if self.path == "/hang.html":
            body = b'<!DOCTYPE html><html><head><meta charset="utf-8"><title>Hanging</title></head><body><h1>Cedar stool</h1><p class="price">\xe2\x82\xac 35.00</p><p class="sku">SKU-6</p>'
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
            time.sleep(8)
            return
        return super().do_GET()

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve_crawl_site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(CrawlSiteHandler, directory=str(SITE_DIR)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
