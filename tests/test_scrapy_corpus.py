"""On the shared corpus, each built-in gives the same records under Scrapy as `scrape --native` on the same URL.

The corpus is served on 127.0.0.1; one Scrapy crawl per built-in visits
every file (--url-list, records tagged with their page by --page-column),
and the native CLI's own steps (fetch the URL, make the page, run the
applicable built-ins) give the reference on the same URLs.
"""

import json
import subprocess
import sys
from argparse import Namespace
from collections import defaultdict
from urllib.parse import quote

import pytest

from conftest import CORPUS, ROOT
from gleaner.host import load_builtins
from gleaner_cli.browser import serve_directory
from gleaner_cli.scrape import run_native

BUILTINS = sorted(load_builtins(ROOT / "scrapers"))
FILES = sorted(f"html/{p.name}" for p in (CORPUS / "html").glob("*.html")) + sorted(f"feeds/{p.name}" for p in (CORPUS / "feeds").glob("*.xml"))


@pytest.fixture(scope="module")
def corpus_runs(tmp_path_factory):
    """(native results per URL and scraper, Scrapy records per scraper and URL, Scrapy's logs per scraper)."""
    folder = tmp_path_factory.mktemp("corpus-crawls")
    with serve_directory(CORPUS) as base:
        urls = [f"{base}/{quote(name)}" for name in FILES]
        url_list = folder / "urls.txt"
        url_list.write_text("\n".join(urls) + "\n", encoding="utf-8")
        crawls = {}
        for name in BUILTINS:
            out = folder / f"{name}.jsonl"
            command = [
                sys.executable, str(ROOT / "build.py"), "crawl", "--engine", "scrapy", "--plugin", str(ROOT / "scrapers" / f"{name}.py"),
                "--url-list", str(url_list), "--page-column", "--delay", "0", "-s", "AUTOTHROTTLE_ENABLED=False", "-o", str(out),
            ]
            crawls[name] = (out, subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True))
        native = {}
        for url in urls:
            results = run_native(Namespace(target=url, plugin=[], index_url=None))
            native[url] = {r["scraper"]: json.loads(json.dumps(r)) for r in results}
        scrapy_records, logs = {}, {}
        for name, (out, process) in crawls.items():
            _, logs[name] = process.communicate(timeout=600)
            by_page = defaultdict(list)
            for line in out.read_text(encoding="utf-8").splitlines():
                record = json.loads(line)
                by_page[record.pop("_page")].append(record)
            scrapy_records[name] = by_page
    return native, scrapy_records, logs


@pytest.mark.parametrize("scraper", BUILTINS)
def test_a_builtin_gives_the_same_records_under_scrapy_as_scrape_native(corpus_runs, scraper):
    native, scrapy_records, logs = corpus_runs
    compared = 0
    for url, results in native.items():
        result = results.get(scraper)
        got = scrapy_records[scraper].get(url, [])
        if result is None:  # scrape --native does not run it here (a feed scraper on a page, say)
            assert got == [], url
            continue
        if result["ok"]:
            assert got == result["records"], url
            compared += 1
        else:
            assert f"{url}: {scraper} failed on this page ({result['error']['type']})" in logs[scraper]
    assert compared >= 20  # the comparison covered real pages, not only skips
