"""How well the pagination built-in finds next, previous and numbered page links, on annotated real pages.

Run natively from the repository root::

    python bench/pagination.py            # failures, then the scores
    python bench/pagination.py --quiet    # the scores only

The pages and their annotations are the development half of autopager's
data set (``../shared/datasets/pagination``: ``data.csv`` and ``html/``).
Each page is decoded and run as the browser would run it: its bytes decoded
with the file's ``Encoding`` as the HTTP charset, its real address as the
page URL, the built-in through the host (``run_plugin``).

The gold answer never comes from the built-in's code: each annotation is a
set of CSS selectors (SelectorGadget's, several joined with " , ") evaluated
with soupsieve on a tree of the page parsed by the standard library's
html.parser. A selector naming an element inside a link, or around links,
stands for those links, as autopager's own loader reads it
(``get_links_loose``: the enclosing ``<a>``, else the ``<a>`` inside). Hrefs
are resolved as a browser does: against ``<base href>`` when the page has one,
else against the page URL. URLs are compared without their fragment.

Scores, one per page:

- next recall: the pages whose annotated next link leads somewhere a crawl
  can go (http or https) whose *first* ``next`` record is one of them;
- next precision: of the pages that got a ``next`` record, those whose first
  ``next`` is right (a page without an annotated next link that still gets one
  counts as wrong); prev the same way;
- page: every numbered ``page`` record against the annotated PAGE links,
  counted link by link over all pages.

The last line is machine-readable:
``PAGINATION next_recall=… next_precision=… prev_recall=… prev_precision=… page_recall=… page_precision=… pages=… ms_median=… ms_max=…``
(ms: the built-in's own time on a page whose tree is already built).
"""

import argparse
import csv
import re
import statistics
import sys
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
DATASET = ROOT.parent / "shared" / "datasets" / "pagination"
sys.path.insert(0, str(ROOT / "py"))

from bs4 import BeautifulSoup  # noqa: E402

from gleaner.host import load_builtins, run_plugin  # noqa: E402
from gleaner.page import Page, decode_html  # noqa: E402

KINDS = ("NEXT", "PREV", "PAGE", "FIRST", "LAST")


def rows(dataset=DATASET):
    if not (dataset / "data.csv").is_file():
        raise SystemExit(f"the pagination data set is missing: expected {dataset}/data.csv (the shared folder beside the repository)")
    with open(dataset / "data.csv", encoding="utf-8", newline="") as file:
        return [row for row in csv.DictReader(file) if not row.get("failed")]


def page_text(row, dataset=DATASET):
    data = (dataset / "html" / f"{row['File Name']}.html").read_bytes()
    return decode_html(data, f"text/html; charset={row['Encoding']}")


def annotated_links(soup, selectors):
    """The <a href> elements a " , "-joined list of SelectorGadget selectors stands for."""
    links = []
    for selector in selectors.split(" , "):
        if not selector.strip():
            continue
        for element in soup.select(selector.strip()):
            if element.name == "a":
                found = [element]
            else:
                found = [parent for parent in element.parents if parent.name == "a"][:1] or element.select("a")
            links += [link for link in found if link.get("href") is not None]
    return links


def gold(row, text):
    """{kind: set of absolute URLs without fragment}, followable (http, https) ones only, plus the raw NEXT count."""
    soup = BeautifulSoup(text, "html.parser")
    base = soup.find("base", href=True)
    base_url = urljoin(row["Page URL"], base["href"].strip()) if base else row["Page URL"]
    if urlsplit(base_url).scheme not in ("http", "https"):
        base_url = row["Page URL"]
    answer = {}
    for kind in KINDS:
        urls = set()
        for link in annotated_links(soup, row[kind]):
            href = re.sub(r"[\t\n\r]", "", link["href"]).strip()  # as browsers read an href
            url = urldefrag(urljoin(base_url, href))[0]
            if urlsplit(url).scheme in ("http", "https"):
                urls.add(url)
        answer[kind] = urls
    return answer


class Tally:
    def __init__(self):
        self.hits = self.given = self.expected = 0

    def add(self, predicted, expected):
        """One page: the first predicted URL (or None) against the expected set."""
        if predicted is not None:
            self.given += 1
        if expected:
            self.expected += 1
        if predicted is not None and predicted in expected:
            self.hits += 1
        return predicted is None and not expected or predicted in expected

    def recall(self):
        return self.hits / self.expected if self.expected else float("nan")

    def precision(self):
        return self.hits / self.given if self.given else float("nan")


def first_of(records, kind):
    url = next((record["url"] for record in records if record["kind"] == kind), None)
    return urldefrag(url)[0] if url else None


def run(quiet=False, dataset=DATASET):
    plugin = load_builtins(ROOT / "scrapers")["pagination"]
    tallies = {"next": Tally(), "prev": Tally()}
    page_hits = page_given = page_expected = 0
    times = []
    failures = []
    for row in rows(dataset):
        text = page_text(row, dataset)
        expected = gold(row, text)
        page = Page(row["Page URL"], text)
        page.soup  # parsed before the clock starts: the host shares one tree between scrapers
        result = run_plugin(plugin, page)
        if not result["ok"]:
            failures.append(f"{row['File Name']}: the built-in failed: {result['error']}")
            continue
        times.append(result["ms"])
        records = result["records"]
        for kind in ("next", "prev"):
            predicted = first_of(records, kind)
            if not tallies[kind].add(predicted, expected[kind.upper()]):
                wanted = sorted(expected[kind.upper()]) or (["(none followable)"] if row[kind.upper()] else ["(none)"])
                failures.append(f"{row['File Name']} {kind}: got {predicted} want {' | '.join(wanted)}  [{row['Page URL']}]")
        pages = {urldefrag(record["url"])[0] for record in records if record["kind"] == "page"}
        page_given += len(pages)
        page_expected += len(expected["PAGE"])
        page_hits += len(pages & expected["PAGE"])
    if not quiet:
        for failure in failures:
            print(failure)
    next_tally, prev_tally = tallies["next"], tallies["prev"]
    print(f"next: {next_tally.hits} right of {next_tally.given} given; {next_tally.expected} pages have a followable next link")
    print(f"prev: {prev_tally.hits} right of {prev_tally.given} given; {prev_tally.expected} pages have a followable prev link")
    print(f"page: {page_hits} right of {page_given} given; {page_expected} annotated")
    scores = {
        "next_recall": next_tally.recall(),
        "next_precision": next_tally.precision(),
        "prev_recall": prev_tally.recall(),
        "prev_precision": prev_tally.precision(),
        "page_recall": page_hits / page_expected if page_expected else float("nan"),
        "page_precision": page_hits / page_given if page_given else float("nan"),
    }
    line = " ".join(f"{name}={value:.3f}" for name, value in scores.items())
    print(f"PAGINATION {line} pages={len(times)} ms_median={statistics.median(times):.1f} ms_max={max(times):.1f}")
    return scores


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quiet", action="store_true", help="print the scores only")
    run(quiet=parser.parse_args().quiet)


if __name__ == "__main__":
    main()
