"""Pages of every size (real headless Chromium).

A 20 MB page scrapes whole: its last link arrives, in parts over the 64 MiB
message cap's limit, and its parse is charged to the page, not to the first
scraper. A page above the limit is refused with its size and the limit.
"""

import time

import pytest

from gleaner_cli.browser import serve_directory

MB = 1024 * 1024


def open_tab(chromium, url):
    """chromium.open_tab with time for a page of many megabytes to load on a busy machine."""
    page = chromium.context.new_page()
    page.goto(url, wait_until="load", timeout=180_000)
    return page, chromium.service_worker.evaluate("async (url) => (await chrome.tabs.query({})).find((t) => t.url === url)?.id", page.url)


def big_page(path, size, marker):
    """About ``size`` characters of HTML, shaped like a large real page.

    A quarter is visible text in many elements (what html.parser works
    hardest on), the rest an inline JSON blob of the kind single-page apps
    embed (``__NEXT_DATA__``); one link at the very start, one at the very end.
    """
    row = '<div class="row"><span>Zeile mit Umlauten äöü</span> ' + "und Text " * 110 + "</div>\n"
    rows = size // 4 // len(row)
    item = '{"id": 12345, "name": "Eintrag mit Umlauten äöü", "tags": ["a", "b", "c"], "price": 12.5},'
    items = (size - rows * len(row)) // len(item)
    path.write_text(
        "<!doctype html><html lang=\"de\"><head><meta charset=\"utf-8\"><title>Big page</title></head><body>\n"
        '<a href="/first">first</a>\n' + row * rows
        + '<script id="__NEXT_DATA__" type="application/json">[' + item * items + "{}]</script>\n"
        + f'<a href="/{marker}">last of {rows} rows</a>\n</body></html>\n',
        encoding="utf-8",
    )
    return rows


@pytest.fixture(scope="module")
def big_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("big")
    with serve_directory(folder) as base:
        yield folder, base


def test_a_20_mb_page_scrapes_whole(chromium, big_site):
    folder, base = big_site
    rows = big_page(folder / "big20.html", 20 * MB, "the-end")
    _, tab_id = open_tab(chromium, f"{base}/big20.html")
    started = time.monotonic()
    popup = chromium.open_popup(tab_id, timeout_ms=300_000)
    seconds = time.monotonic() - started
    assert popup.evaluate("document.body.dataset.state") == "done", popup.inner_text("#status")
    run = chromium.send(popup, "GetLastRun", {"tabId": tab_id})["result"]
    results = {r["scraper"]: r for r in run["results"]}
    print(f"20 MB page ({rows} rows): popup done in {seconds:.1f} s;", {k: r.get("ms") for k, r in results.items()})
    print("parsed:", run["parsed"])
    # Every built-in finishes: the parse is the page's time, and limits grow with the page.
    assert {k: r["error"] for k, r in results.items() if not r["ok"]} == {}
    assert run["parsed"]["chars"] > 20 * MB
    links = results["links"]
    assert [r["url"] for r in links["records"]] == [f"{base}/first", f"{base}/the-end"]
    assert links["records"][1]["text"] == f"last of {rows} rows"
    assert results["metadata"]["ok"] and results["metadata"]["records"][0]["title"] == "Big page"


def test_a_page_over_the_limit_is_refused_with_its_size(chromium, big_site):
    folder, base = big_site
    big_page(folder / "big40.html", 40 * MB, "never")
    _, tab_id = open_tab(chromium, f"{base}/big40.html")
    popup = chromium.open_popup(tab_id)
    assert popup.evaluate("document.body.dataset.state") == "error"
    status = popup.inner_text("#status")
    assert status.startswith("This page is too large to scrape: it is 40.0 MB, and Gleaner reads pages of at most 32.0 MB.")
    # The refusal costs nothing: the extension scrapes the next page as ever.
    big_page(folder / "small.html", 10_000, "small-end")
    _, tab_id = open_tab(chromium, f"{base}/small.html")
    popup = chromium.open_popup(tab_id)
    assert popup.evaluate("document.body.dataset.state") == "done", popup.inner_text("#status")
