"""python build.py crawl: the real extension in headless Chromium and Firefox, from the command line.

The same command gives the same bytes in both browsers."""

import subprocess
import sys

import pytest

from conftest import ROOT
from crawl_site import PLUGIN, serve_crawl_site


BROWSERS = ("chromium", "firefox")


@pytest.mark.parametrize("browser", BROWSERS)
def test_url_list_crawl_from_the_command_line(extension_dir, tmp_path, browser):
    with serve_crawl_site() as base:
        url_list = tmp_path / "urls.csv"
        # A CSV with a url column; the hanging page is read at its 3 s timeout.
        url_list.write_text(f"note,url\nfirst,{base}/p1.html\nmissing,{base}/p4.html\nnever ends,{base}/hang.html\n")
        done = subprocess.run(
            [sys.executable, "build.py", "crawl", "--url-list", str(url_list), "--plugin", str(PLUGIN),
             "--scraper", "crawl-test-furniture", "--delay", "0", "--timeout", "3", "--format", "csv", "--page-column",
             "--browser", browser],
            cwd=ROOT, capture_output=True, timeout=300,
        )
    assert done.stdout.decode() == (
        "name,price,sku,_page\r\n"
        f"Oak chair,€ 49.00,SKU-1,{base}/p1.html\r\n"
        f"Cedar stool,€ 35.00,SKU-6,{base}/hang.html\r\n"
    )
    errors = done.stderr.decode()
    assert f"page failed: {base}/p4.html: HTTP 404" in errors
    assert done.returncode == 1  # a page failed, as scrape exits 1 when a scraper fails


def test_crawl_refuses_a_missing_list(extension_dir, tmp_path):
    done = subprocess.run([sys.executable, "build.py", "crawl", "--url-list", str(tmp_path / "none.txt")], cwd=ROOT, capture_output=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.decode().strip() == f"error: {tmp_path / 'none.txt'}: No such file or directory"


@pytest.mark.parametrize("browser", BROWSERS)
def test_next_pages_from_the_command_line_stop_at_the_page_limit(extension_dir, browser):
    with serve_crawl_site() as base:
        done = subprocess.run(
            [sys.executable, "build.py", "crawl", f"{base}/products-1.html", "--next-pages", "1",
             "--scraper", "pagination", "--delay", "0", "--format", "csv", "--browser", browser],
            cwd=ROOT, capture_output=True, timeout=300,
        )
    assert done.stdout.decode() == (
        "kind,url,text,_page\r\n"
        f"next,{base}/products-2.html,Next,{base}/products-1.html\r\n"
        f"next,{base}/products-3.html,Next ›,{base}/products-2.html\r\n"
        f"page,{base}/products-1.html,1,{base}/products-2.html\r\n"
    )
    assert "crawl done in " in done.stderr.decode()
    assert ": Stopped at its page limit of 2 pages; 1 more page was found and not visited.\n" in done.stderr.decode()
    assert done.returncode == 0
