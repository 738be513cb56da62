"""Firefox on the corpus: every saved page and feed, shown at the address it came from
(the CLI's ``--url``), offline and still, through the Firefox extension.

All pages go through ONE Firefox launch (the driver's job list, the very code
``python build.py scrape FILE --browser firefox`` runs for one page). Each
page is scraped, and its records are those Chromium gives with the same
``--url`` and those ``--native`` gives with the same ``--url``.
"""

import json
import subprocess
import sys
import time

import pytest

from conftest import CORPUS, ROOT
from bench.firefox_corpus import corpus_jobs, saved_url
from gleaner_cli import scrape
from gleaner_cli.firefox import run_jobs
from test_e2e_firefox import firefox_package  # noqa: F401  (the fixture)
from test_parity_corpus import FEEDS, PAGES, comparable

SAVED = [f"html/{name}" for name in PAGES] + [f"feeds/{name}" for name in FEEDS]
DRIVER_TIMEOUT_S = 1200

# Pages whose records differ between the browsers and --native, with the reason.
# None between Firefox and Chromium: the corpus is scraped still, so no page
# script runs in either browser. --native parses the saved bytes with
# html.parser, the browsers with the HTML5 parser, and on these pages' broken
# markup the two build different trees (the Chromium parity test compares
# native on the HTML the browser serialised, where they agree).
NATIVE_PARSES_DIFFERENTLY = {
    "html/jp-2ch-shift-jis.html": "an <a> left open before the next <a>: HTML5 closes it, html.parser nests the next links in it",
    "html/sport-swim-de-microdata-jsonld.html": "an <a> left open before the next <a>: HTML5 closes it, html.parser nests the next links in it",
    "html/news-rp-pl-windows-1250.html": "<a> with two rel attributes: HTML5 keeps the first, html.parser the last",
    "html/news-proplanta-iso-8859-1.html": "a stray </td> in a table: the two parsers close the article's last block in different places",
    "html/structured-fye-opengraph-product-big.html": "an <li> left open before the next <li> in the mega-menu: HTML5 closes "
                                                     "it, html.parser nests the next item in it (lists: 120 items vs 108)",
}

# A page whose own script sends it elsewhere, and where it lands.
MOVES_AWAY = "https://moves.example/moves-away.html"
LANDING = "https://moves.example/landing.html?from=moves-away"


MOVES_AWAY_JOB = {
    "url": MOVES_AWAY,
    "pages": {MOVES_AWAY: {"file": str(ROOT / "tests" / "pages" / "moves-away.html")},
              LANDING: {"file": str(ROOT / "tests" / "pages" / "landing.html")}},
}


@pytest.fixture(scope="module")
def firefox_runs(firefox_package):
    """Every job in one Firefox: {url: the driver's answer}."""
    started = time.monotonic()
    reply = run_jobs(corpus_jobs(CORPUS) + [MOVES_AWAY_JOB], package=firefox_package, timeout=DRIVER_TIMEOUT_S)
    print(f"\nFirefox: {len(reply['jobs'])} pages in {time.monotonic() - started:.0f} s "
          f"(launch {reply['launchSeconds']:.0f} s)", file=sys.stderr)
    return {job["url"]: job for job in reply["jobs"]}


def native_records(path, tmp_path):
    """``python build.py scrape FILE --native --url URL``'s output, per scraper in comparable form."""
    out = tmp_path / "native.json"
    assert scrape.main([str(CORPUS / path), "--native", "--url", saved_url(CORPUS, path), "-o", str(out)]) in (0, 1)
    return {
        name: {"ok": False, "type": value["error"]["type"], "message": value["error"]["message"]}
        if isinstance(value, dict) else {"ok": True, "records": value}
        for name, value in json.loads(out.read_text()).items()
    }


@pytest.mark.parametrize("path", SAVED)
def test_firefox_scrapes_every_saved_page(firefox_runs, path):
    job = firefox_runs[saved_url(CORPUS, path)]
    assert "error" not in job, job["error"]
    run = job["run"]
    assert run["url"] == saved_url(CORPUS, path) and job["note"] is None
    assert run["kind"] == ("feed" if path.startswith("feeds/") else "html")
    assert {r["scraper"] for r in run["results"]} >= ({"feed"} if run["kind"] == "feed" else {"article", "links", "metadata", "tables"})


@pytest.mark.parametrize("path", SAVED)
def test_firefox_equals_chromium_and_native_at_the_same_url(firefox_runs, chromium_corpus, path, tmp_path):
    url = saved_url(CORPUS, path)
    firefox = {r["scraper"]: comparable(r) for r in firefox_runs[url]["run"]["results"]}
    assert chromium_corpus[path]["state"] == "done", chromium_corpus[path]["status"]
    chromium = {r["scraper"]: comparable(r) for r in chromium_corpus[path]["run"]["results"]}
    assert chromium_corpus[path]["run"]["url"] == url
    native = native_records(path, tmp_path)
    assert set(firefox) == set(chromium) == set(native)
    assert firefox == chromium
    differing = sorted(scraper for scraper in native if firefox[scraper] != native[scraper])
    if path in NATIVE_PARSES_DIFFERENTLY:
        assert differing, f"{path} is listed as parsed differently by --native, but its records agree now: unlist it"
    else:
        assert differing == [], f"{', '.join(differing)} differ between the browsers and --native on {path}"
    # No trace of a local server in the records (but for one the saved file itself names).
    if b"127.0.0.1" not in (CORPUS / path).read_bytes():
        assert "127.0.0.1" not in json.dumps(firefox)


def test_firefox_scrapes_where_a_page_moved_itself_and_says_so(firefox_runs):
    job = firefox_runs[MOVES_AWAY]
    assert "error" not in job, job["error"]
    assert job["shownUrl"] == LANDING
    assert job["note"] == f"note: {MOVES_AWAY} navigated to {LANDING}; scraping what the tab shows"
    links = {r["scraper"]: r for r in job["run"]["results"]}["links"]
    assert links["records"] == [{"url": "https://moves.example/arrived", "text": "Arrived", "rel": ""}]


def test_chromium_scrapes_where_a_page_moved_itself_and_says_so(chromium, capsys):
    pages = {url: ((ROOT / "tests" / "pages" / name).read_bytes(), "text/html")
             for url, name in ((MOVES_AWAY, "moves-away.html"), (LANDING, "landing.html"))}
    with chromium.serve_pages(pages):
        page, tab_id = chromium.open_tab(MOVES_AWAY)
        popup = chromium.open_popup(tab_id)
        try:
            run = chromium.send(popup, "GetLastRun", {"tabId": tab_id})["result"]
        finally:
            popup.close()
            page.close()
    assert page.url == LANDING
    assert f"note: {MOVES_AWAY} navigated to {LANDING}; scraping what the tab shows" in capsys.readouterr().err
    links = {r["scraper"]: r for r in run["results"]}["links"]
    assert links["records"] == [{"url": "https://moves.example/arrived", "text": "Arrived", "rel": ""}]


def test_cli_gives_identical_bytes_in_firefox_chromium_and_natively_with_url(extension_dir, tmp_path):
    """The issue's example, a saved CNN article, through the command itself in all three modes."""
    path = "html/news-cnn-asian-markets.html"
    outputs = {}
    for mode in (["--native"], [], ["--browser", "firefox"]):
        out = tmp_path / f"{'-'.join(mode) or 'chromium'}.json"
        done = subprocess.run(
            [sys.executable, "build.py", "scrape", str(CORPUS / path), "--url", saved_url(CORPUS, path), *mode, "-o", str(out)],
            cwd=ROOT, capture_output=True, text=True, timeout=300,
        )
        assert done.returncode == 0, done.stderr
        outputs[out.stem] = out.read_bytes()
    assert outputs["--native"] == outputs["chromium"] == outputs["--browser-firefox"]
    records = json.loads(outputs["--native"])
    assert len(records["links"]) == 242 and b"127.0.0.1" not in outputs["--native"]
    # The page's relative links resolve against the address it came from.
    assert records["links"][0] == {"url": "https://www.cnn.com/", "text": "", "rel": ""}
