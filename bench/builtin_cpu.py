"""CPU time of the heavy built-ins (article, lists, tables) on big pages, natively.

Run from the repository root::

    python bench/builtin_cpu.py                      # this checkout
    python bench/builtin_cpu.py --checkout ../other  # another checkout's py/ and scrapers/, for before/after
    python bench/builtin_cpu.py --scrapers tables,links,pagination,metadata

Pages: the synthetic 5 MB table bench/perf.py writes (33k rows, a link in
each) and the 1 MB Wikipedia page of the corpus. Each page is parsed once
(``make_page``, then the tree frozen out of the collector's reach as the
host does); then each built-in runs twice through ``run_plugin`` on it, in
the host's order (article first, so the shared tag index is made there).
The first run is the click's cost; ``lists`` keeps the lists it found on
the page, so its second run is the records alone.

Times are CPU time (``time.process_time``): the machine is shared, and CPU
time moves far less with the load than wall time. To compare two versions,
run this for each alternately, a few times, and compare the ranges.

The last line is machine-readable (first runs, ms)::

    BUILTIN_CPU 5m_article_ms=... 5m_lists_ms=... 5m_tables_ms=... 1m_article_ms=... 1m_lists_ms=... 1m_tables_ms=...
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRAPERS = ("article", "lists", "tables")
WIKIPEDIA = ROOT / "tests" / "corpus" / "html" / "wiki-wikipedia-2.html"

# Run in a child process per page, so that each checkout's own gleaner package is imported.
CHILD = """
import gc, json, sys, time
from pathlib import Path
checkout, page_path = Path(sys.argv[1]), Path(sys.argv[2])
sys.path.insert(0, str(checkout / "py"))
from gleaner.host import load_builtins, run_plugin
from gleaner.page import make_page
builtins = load_builtins(checkout / "scrapers")
page = make_page(page_path.read_bytes(), "https://example.org/page.html", "text/html")
page.soup
gc.freeze()
names = sys.argv[3].split(",")
if names[0] != "article":
    from gleaner.tag_search import index
    index(page.soup)
times = {}
for name in names:
    runs = []
    for _ in range(2):
        started = time.process_time()
        result = run_plugin(builtins[name], page)
        runs.append((time.process_time() - started) * 1000)
        assert result["ok"], result.get("error")
    times[name] = runs
print(json.dumps(times))
"""


def synthetic_5m(folder):
    sys.path.insert(0, str(ROOT / "bench"))
    from perf import synthetic_page  # the very page bench/perf.py measures in the browser

    path = Path(folder) / "table-5m.html"
    synthetic_page(path, 5_000_000)
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkout", type=Path, default=ROOT, help="the checkout whose py/ and scrapers/ run")
    parser.add_argument("--scrapers", default=",".join(SCRAPERS), help="the built-ins to time, in the host's order")
    args = parser.parse_args()
    scrapers = args.scrapers.split(",")
    summary = {}
    with tempfile.TemporaryDirectory() as folder:
        for label, path in (("5m", synthetic_5m(folder)), ("1m", WIKIPEDIA)):
            output = subprocess.run([sys.executable, "-c", CHILD, str(args.checkout.resolve()), str(path), ",".join(scrapers)],
                                    check=True, capture_output=True, text=True).stdout
            times = json.loads(output.strip().splitlines()[-1])
            for name in scrapers:
                first, second = times[name]
                print(f"{label} {name}: first run {first:.0f} ms, second {second:.0f} ms")
                summary[f"{label}_{name}_ms"] = round(first)
    print("BUILTIN_CPU " + " ".join(f"{key}={value}" for key, value in summary.items()))


if __name__ == "__main__":
    main()
