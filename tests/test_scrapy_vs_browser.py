"""The same plugin file, the same site: the browser crawl and `crawl --engine scrapy` give the same records.

Every run is the command a user types (`python build.py crawl START
--plugin FILE`, then with `--engine scrapy`, then with `--render` too) on
the generated shop (tests/scrapy_site/shop.py: list pages -> product pages,
100 ms latency per page). The browser side is the CLI's own: the real
extension in headless Chromium (dist/chrome-automation, host access granted
at build time because automation cannot answer the permission prompt;
tests/test_crawl_chromium.py answers the real prompt on Xvfb for the
shipped build). The oracle is the shop's generator data (expected_records,
rating), not either engine's output.

The product pages carry one JS-rendered value, a rating their own script
writes: the browser reads the live DOM and records it; plain Scrapy reads
the HTML as served, where the element is empty, so its records lack it;
with --render Scrapy loads each page in Chromium and has it too.
"""

import json
import subprocess
import sys

import pytest

from conftest import ROOT
from scrapy_site.shop import expected_records, page_paths, rating, serve_shop
from test_scrapy_crawl import FAST, PLUGIN, canonical, read_jsonl

PRODUCTS = 12  # 2 list pages + 12 product pages


def by_url(records):
    return sorted(records, key=lambda record: record["url"])


def served(hits):
    """Pages fetched, and how often: robots.txt (Scrapy's) and the icon a tab asks for aside."""
    return {path: n for path, n in hits.items() if path not in ("/robots.txt", "/favicon.ico")}


@pytest.fixture(scope="module")
def browser_crawl(extension_dir):
    """The shop, and the browser crawl's records on it: (base URL, hits, records)."""
    with serve_shop(PRODUCTS, latency=0.1, scripted=True) as (base, hits):
        done = subprocess.run(
            [sys.executable, "build.py", "crawl", f"{base}/list/1", "--plugin", str(PLUGIN), "--scraper", "test-shop",
             "--delay", "0", "--format", "jsonl"],
            cwd=ROOT, capture_output=True, text=True, timeout=300,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        assert served(hits) == {path: 1 for path in page_paths(PRODUCTS)}  # every page of the shop, once
        hits.clear()
        yield base, hits, [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def scrapy_crawl(base, hits, tmp_path, *options):
    out = tmp_path / "scrapy.jsonl"
    hits.clear()
    done = subprocess.run(
        [sys.executable, "build.py", "crawl", f"{base}/list/1", "--engine", "scrapy", "--plugin", str(PLUGIN), *FAST, *options, "-o", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert served(hits) == {path: 1 for path in page_paths(PRODUCTS)}
    return read_jsonl(out)


def test_scrapy_gives_the_browser_crawls_records_js_rendered_values_aside(browser_crawl, tmp_path):
    base, hits, in_browser = browser_crawl
    under_scrapy = scrapy_crawl(base, hits, tmp_path)
    expected = expected_records(base, PRODUCTS)
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


def test_with_render_scrapy_gives_the_browser_crawls_records_js_rendered_values_too(browser_crawl, tmp_path):
    base, hits, in_browser = browser_crawl
    rendered = scrapy_crawl(base, hits, tmp_path, "--render")
    expected = [{**record, "rating": rating(record["sku"])} for record in expected_records(base, PRODUCTS)]
    assert by_url(rendered) == by_url(in_browser) == by_url(expected)
    assert canonical(rendered) == canonical(expected)


def test_render_without_a_chromium_says_so_before_any_page_is_fetched(tmp_path):
    import os

    with serve_shop(2, latency=0) as (base, hits):
        done = subprocess.run(
            [sys.executable, "build.py", "crawl", f"{base}/list/1", "--engine", "scrapy", "--render", "--plugin", str(PLUGIN)],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
            env={**os.environ, "PATH": str(tmp_path)},  # no chromium command on it
        )
        assert not hits
    assert done.returncode == 2
    assert done.stderr == "error: --render needs Chromium on this machine (a 'chromium' command on PATH)\n"
