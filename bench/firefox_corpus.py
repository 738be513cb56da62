"""How long Firefox takes per saved page of the corpus, each shown at the address it came from.

Every page and feed of ../shared/corpus, in ONE headless firefox-esr launch,
through the Firefox extension, offline and still (as `python build.py scrape
FILE --url URL --browser firefox` shows it, with the page's own scripts off).
Uses the package already built in dist/automation/ (run ``python build.py``
first). From the repository root::

    python bench/firefox_corpus.py
    python bench/firefox_corpus.py --corpus PATH

A page's time runs from the start of its navigation until the popup shows
its records: loading (until the readiness rule holds, see
py/gleaner_cli/firefox-driver.mjs) plus the click. The first page's click
also boots Python: it is reported apart (boot_page_s), and the median and
worst are over the other pages. Prints the slowest pages, then one
machine-readable line:

    FIREFOX_CORPUS pages=... ok=... median_s=... worst_s=... worst_page=... boot_page_s=... load_median_s=... launch_s=... total_s=...
"""

import argparse
import functools
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "py"))

from gleaner_cli.browser import content_type_of  # noqa: E402
from gleaner_cli.firefox import run_jobs  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"


def corpus_paths(corpus):
    """Every saved page and feed, as paths inside the corpus (html/NAME.html, feeds/NAME.xml)."""
    return [f"html/{p.name}" for p in sorted((corpus / "html").glob("*.html"))] + [
        f"feeds/{p.name}" for p in sorted((corpus / "feeds").glob("*.xml"))
    ]


def saved_url(corpus, path):
    """The address a corpus file came from where its index knows it, else one of the corpus's own."""
    index = _index(corpus)
    return index.get(path, {}).get("original_url") or f"https://corpus.example/{path}"


@functools.lru_cache(maxsize=None)
def _index(corpus):
    return {entry["path"]: entry for entry in json.loads((corpus / "index.json").read_text())["files"]}


def corpus_jobs(corpus):
    """One driver job per corpus file: shown at its address, offline, still."""
    return [
        {"url": saved_url(corpus, path), "file": str(corpus / path), "contentType": content_type_of(path), "pageScripts": False}
        for path in corpus_paths(corpus)
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args(argv)
    corpus = args.corpus.resolve()
    paths = corpus_paths(corpus)
    started = time.monotonic()
    reply = run_jobs(corpus_jobs(corpus))
    total = time.monotonic() - started
    times, loads, failed, boot = {}, [], [], None
    for path, job in zip(paths, reply["jobs"]):
        if "error" in job:
            failed.append(path)
            print(f"FAILED {path}: {job['error']}")
            continue
        if boot is None:
            boot = job["loadSeconds"] + job["seconds"]
            continue
        times[path] = job["loadSeconds"] + job["seconds"]
        loads.append(job["loadSeconds"])
    slowest = sorted(times, key=times.get, reverse=True)
    ok = len(times) + (boot is not None)
    print(f"{ok}/{len(paths)} pages scraped in one Firefox (launch {reply['launchSeconds']:.1f} s, all {total:.0f} s)")
    print(f"first page, with Python's boot: {boot or float('nan'):.1f} s; slowest of the others (navigation start to records shown, s):")
    for path in slowest[:8]:
        print(f"  {times[path]:6.1f}  {path}")
    median = statistics.median(times.values()) if times else float("nan")
    worst = slowest[0] if slowest else "none"
    print(
        f"FIREFOX_CORPUS pages={len(paths)} ok={ok} median_s={median:.2f} worst_s={times.get(worst, float('nan')):.2f} "
        f"worst_page={worst} boot_page_s={boot or float('nan'):.1f} load_median_s={statistics.median(loads) if loads else float('nan'):.2f} "
        f"launch_s={reply['launchSeconds']:.1f} total_s={total:.0f}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
