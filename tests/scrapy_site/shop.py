"""A generated shop served on 127.0.0.1: list pages -> product pages, with a latency per page.

Every product's values come from ``products(count)``, which the expected
records (``expected_records``) are built from too: the ground truth of a
crawl is the generator's data, independent of the plugin and the engine.
The server counts its hits per path, so a test can tell that no page was
fetched twice.
"""

import html
import threading
import time
from collections import Counter
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PER_LIST_PAGE = 10


def products(count):
    return [
        {
            "sku": f"SKU-{i:05d}",
            "name": f"Product {i} \u2013 caf\u00e9 edition",  # non-ASCII: the page's charset matters
            "price": round(5 + (i * 37 % 1000) / 10, 2),
            "stock": i * 7 % 13,
            "tags": [f"t{i % 3}", f"t{i % 5}"],
        }
        for i in range(1, count + 1)
    ]


def list_pages(count):
    return max(1, -(-count // PER_LIST_PAGE))


def expected_records(base, count):
    """The records a crawl from ``base``/list/1 must give: one per product, in no particular order."""
    records = []
    for index, product in enumerate(products(count)):
        page = index // PER_LIST_PAGE + 1
        records.append({
            "name": product["name"],
            "price": product["price"],
            "list_page": f"{base}/list/{page}",
            "url": f"{base}/product/{product['sku']}",
            "sku": product["sku"],
            "stock": product["stock"],
            "tags": product["tags"],
        })
    return records


def rating(sku):
    """The rating a product page's own script writes into the page (no HTML carries it)."""
    return f"Rated {1 + int(sku[4:]) % 5}/5"


def page_paths(count):
    """Every page path a full crawl fetches (robots.txt aside)."""
    return [f"/list/{n}" for n in range(1, list_pages(count) + 1)] + [f"/product/{p['sku']}" for p in products(count)]


def render_list(count, number):
    items = products(count)[(number - 1) * PER_LIST_PAGE:number * PER_LIST_PAGE]
    cards = "".join(
        f'<li class="card"><a class="title" href="/product/{p["sku"]}">{html.escape(p["name"])}</a>'
        f'<span class="price">${p["price"]:.2f}</span></li>'
        for p in items
    )
    more = f'<a rel="next" href="/list/{number + 1}">Next</a>' if number < list_pages(count) else ""
    return f"<!doctype html><html><head><meta charset='utf-8'><title>List {number}</title></head><body><ul>{cards}</ul>{more}</body></html>"


def render_product(product, scripted=False):
    tags = "".join(f"<li class='tag'>{t}</li>" for t in product["tags"])
    # The rating is computed by the page's script: only a live DOM has it.
    script = (
        f"<p class='rating'></p><script>document.querySelector('.rating').textContent = "
        f"'Rated ' + (1 + {int(product['sku'][4:])} % 5) + '/5';</script>"
    ) if scripted else ""
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(product['name'])}</title></head><body>"
        f"<h1>{html.escape(product['name'])}</h1><dl><dt>SKU</dt><dd class='sku'>{product['sku']}</dd>"
        f"<dt>In stock</dt><dd class='stock'>{product['stock']}</dd></dl><ul class='tags'>{tags}</ul>{script}</body></html>"
    )


class Hits(Counter):
    """Hits per path, and when the first and the last page (robots.txt aside) were asked for."""

    first = last = None


@contextmanager
def serve_shop(count, latency=0.1, fail=(), broken=(), scripted=False):
    """Serve a shop of ``count`` products; yields (base URL, hits Counter).

    Paths in ``fail`` answer 500; product paths in ``broken`` lack their SKU
    (the test plugin fails on them); ``scripted`` product pages have a rating
    that their own script writes (``rating(sku)``)."""
    by_sku = {p["sku"]: p for p in products(count)}
    hits = Hits()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            with lock:
                hits[self.path] += 1
                if self.path != "/robots.txt":
                    hits.first = hits.first or time.monotonic()
            if self.path == "/robots.txt":
                return self.send(404, b"")
            time.sleep(latency)
            body = None
            if self.path in fail:
                return self.send(500, b"broken")
            if self.path.startswith("/list/") and self.path[6:].isdigit() and 1 <= int(self.path[6:]) <= list_pages(count):
                body = render_list(count, int(self.path[6:]))
            elif self.path.startswith("/product/") and self.path[9:] in by_sku:
                body = render_product(by_sku[self.path[9:]], scripted)
                if self.path in broken:
                    body = body.replace("class='sku'", "class='no-sku'")
            if body is None:
                return self.send(404, b"not here")
            self.send(200, body.encode("utf-8"), "text/html; charset=utf-8")
            hits.last = time.monotonic()

        def send(self, status, body, content_type="text/plain"):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", hits
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":  # serve one by hand: python tests/scrapy_site/shop.py 50
    import sys

    with serve_shop(int(sys.argv[1]) if len(sys.argv) > 1 else 50) as (base, _):
        print(f"{base}/list/1", flush=True)
        threading.Event().wait()
