"""The same plugin file, the same site: the browser crawl and `crawl --engine scrapy` give the same records.

Both runs are the command a user types (`python build.py crawl START
--plugin FILE`, then with `--engine scrapy`) on the generated shop
(tests/scrapy_site/shop.py: list pages -> product pages, 100 ms latency per
page). The browser side is the CLI's own: the real extension in headless
Chromium (dist/chrome-automation, host access granted at build time because
automation cannot answer the permission prompt; tests/test_crawl_chromium.py
answers the real prompt on Xvfb for the shipped build). The oracle is the
shop's generator data (expected_records), not either engine's output.

The product pages here carry one JS-rendered value, a rating their own
script writes: the browser reads the live DOM and records it; Scrapy reads
the HTML as served, where the element is empty, so its records lack it.
"""

import json
import subprocess
import sys

from conftest import ROOT
from scrapy_site.shop import expected_records, page_paths, rating, serve_shop
from test_scrapy_crawl import FAST, PLUGIN, canonical, read_jsonl

PRODUCTS = 12  # 2 list pages + 12 product pages


def by_url(records):
    return sorted(records, key=lambda record: record["url"])


def browser_crawl(start):
    done = subprocess.run(
        [sys.executable, "build.py", "crawl", start, "--plugin", str(PLUGIN), "--scraper", "test-shop", "--delay", "0", "--format", "jsonl"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def test_scrapy_gives_the_browser_crawls_records_js_rendered_values_aside(extension_dir, tmp_path):
    out = tmp_path / "scrapy.jsonl"
    with serve_shop(PRODUCTS, latency=0.1, scripted=True) as (base, hits):
        in_browser = browser_crawl(f"{base}/list/1")
        browser_hits = {path: n for path, n in hits.items() if path != "/favicon.ico"}  # a tab asks for the icon
        hits.clear()
        done = subprocess.run(
            [sys.executable, "build.py", "crawl", f"{base}/list/1", "--engine", "scrapy", "--plugin", str(PLUGIN), *FAST, "-o", str(out)],
            cwd=ROOT, capture_output=True, text=True, timeout=180,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        scrapy_hits = {path: n for path, n in hits.items() if path != "/robots.txt"}
    under_scrapy = read_jsonl(out)
    expected = expected_records(base, PRODUCTS)
    # Both engines fetched every page of the shop once (and only Scrapy asked for robots.txt).
    assert browser_hits == scrapy_hits == {path: 1 for path in page_paths(PRODUCTS)}
    # The browser ran the page's script: every product has its rating, the one the script computes.
    assert sorted((r["sku"], r["rating"]) for r in in_browser) == sorted((r["sku"], rating(r["sku"])) for r in expected)
    # Scrapy reads the HTML as served: the rating's element is empty there, so no record has one.
    assert not [r for r in under_scrapy if "rating" in r]
    # Everything else is equal, record for record, and is the shop's own data. Compared as values,
    # not as JSON text: the browser's records pass through JavaScript, which has one number type,
    # so a price of 42.0 comes out of the browser's export as 42 (equal as a number).
    without_rating = [{key: value for key, value in r.items() if key != "rating"} for r in in_browser]
    assert by_url(without_rating) == by_url(under_scrapy) == by_url(expected)
    assert canonical(under_scrapy) == canonical(expected)  # Scrapy's feed export keeps Python's floats as they are
