"""How often the lists built-in puts the page's main list first, on real list pages read by a person.

Run natively from the repository root::

    python bench/lists.py              # each failure, then the score
    python bench/lists.py --quiet      # the score only
    python bench/lists.py --generate   # also write a scraper for each list 0 and compare its records

The pages are the development half of autopager's pagination data set
(``../shared/datasets/pagination``: forums, blogs, shops, news, reviews).
The gold, ``bench/lists_gold.json``, says for each page how many items its
main list has and the first item's main link (or a text of it); a person
read each page and wrote a CSS selector for its items by hand (the file
says how). The built-in's code never made it.

A page passes when list 0 has exactly the gold's number of items and its
first item holds the gold's first link (an ``<a href>`` resolving to it) or
text. Each page is decoded as the browser would have it (the data set's
``Encoding`` as the HTTP charset) and the built-in runs through the host
(``run_plugin``), as on a toolbar click.

Also timed: the built-in's own time on each page whose tree is already
built. With ``--generate``, each page's list 0 also becomes a scraper file
(gleaner/scraper_writer.py, which runs the file's own TESTS), and that
file, run on the page, must give list 0's records exactly:
``generated_same=…`` counts the pages where it does.

The last line is machine-readable:
``LISTS pages=… main_list_ok=… share=… first_url_ok=… [generated_same=…] ms_median=… ms_max=…``
(first_url_ok: pages whose list 0 ``url`` field is the gold's first link, a
stricter reading of "main link").
"""

import argparse
import csv
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATASET = ROOT.parent / "shared" / "datasets" / "pagination"
GOLD = ROOT / "bench" / "lists_gold.json"
sys.path.insert(0, str(ROOT / "py"))

from gleaner.host import load_builtins  # noqa: E402
from gleaner.lists import next_page_url, spec_for_list  # noqa: E402
from gleaner.plugins import load_plugin  # noqa: E402
from gleaner.scraper_writer import write_scraper  # noqa: E402
from gleaner.page import make_page  # noqa: E402
from gleaner.runner import run_plugin  # noqa: E402


def encodings(dataset=DATASET):
    with open(dataset / "data.csv", encoding="utf-8", newline="") as handle:
        return {row["File Name"]: row["Encoding"] for row in csv.DictReader(handle)}


def check(page, records, gold):
    """(ok, first_url_ok, what list 0 was) for one page."""
    main = [r for r in records if r["list"] == 0]
    if not main:
        return False, False, "no list"
    first = page_first_item(page)
    said = f"{len(main)} items, first {main[0].get('url') or main[0].get('title')!r}"
    count_ok = len(main) == gold["items"]
    if "first_link" in gold:
        holds = first is not None and any(
            a.get("href") and page.absolute(a["href"]) == gold["first_link"] for a in first.find_all("a")
        ) or (first is not None and first.name == "a" and page.absolute(first.get("href") or "") == gold["first_link"])
    else:
        holds = first is not None and gold["first_text"] in first.get_text(" ")
    return count_ok and holds, main[0].get("url") == gold.get("first_link"), said


def generated_records(builtins, data, url, charset):
    """The records of a scraper written for the page's list 0, run on a fresh copy of the page."""
    page = make_page(data, url, f"text/html; charset={charset}")
    try:
        source = write_scraper(spec_for_list(page, 0, next_page_url(builtins, page)), page.html)
    except Exception as exc:  # noqa: BLE001  (a bench reports, it does not stop)
        return f"{type(exc).__name__}: {exc}"
    result = run_plugin(load_plugin(source, "generated.py"), make_page(data, url, f"text/html; charset={charset}"))
    return result["records"] if result["ok"] else result["error"]["message"]


def page_first_item(page):
    from gleaner.lists import lists_of

    found = lists_of(page)
    return found[0].items[0] if found else None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quiet", action="store_true", help="print the score only")
    parser.add_argument("--generate", action="store_true", help="also write and run a scraper for each page's list 0")
    args = parser.parse_args(argv)
    if not DATASET.is_dir():
        sys.exit(f"no dataset at {DATASET}")
    gold = json.loads(GOLD.read_text(encoding="utf-8"))["pages"]
    charsets = encodings()
    builtins = load_builtins(ROOT / "scrapers")
    plugin = builtins["lists"]
    ok = first_url_ok = generated_same = 0
    times = []
    for number, expected in gold.items():
        data = (DATASET / "html" / f"{number}.html").read_bytes()
        page = make_page(data, expected["url"], f"text/html; charset={charsets[number]}")
        page.soup  # noqa: B018  (parsed before the clock starts, as the host does)
        started = time.perf_counter()
        result = run_plugin(plugin, page)
        times.append((time.perf_counter() - started) * 1000)
        if not result["ok"]:
            print(f"{number}: the built-in failed: {result['error']['message']}")
            continue
        passed, url_ok, said = check(page, result["records"], expected)
        ok += passed
        first_url_ok += url_ok
        if not passed and not args.quiet:
            wanted = expected.get("first_link") or expected["first_text"]
            print(f"{number} ({expected['kind']}): wanted {expected['items']} items, first {wanted!r}; list 0 has {said}")
        if args.generate:
            same = generated_records(builtins, data, expected["url"], charsets[number]) == [
                {k: v for k, v in r.items() if k != "list"} for r in result["records"] if r["list"] == 0]
            generated_same += same
            if not same and not args.quiet:
                print(f"{number}: the written scraper gives other records than list 0")
    pages = len(gold)
    generated = f" generated_same={generated_same}" if args.generate else ""
    print(f"LISTS pages={pages} main_list_ok={ok} share={ok / pages:.3f} first_url_ok={first_url_ok}{generated} "
          f"ms_median={statistics.median(times):.1f} ms_max={max(times):.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
