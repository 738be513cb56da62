"""The whole native CLI process on big pages: ``python build.py scrape FILE --native``, start to exit.

Run from the repository root::

    python bench/native.py                      # 5 runs per page
    python bench/native.py --runs 9
    python bench/native.py --checkout ../other  # also time another checkout, run for run alternately
    python bench/native.py --split --runs 1     # first, where one scrape's CPU goes, step by step

Pages: the 1 MB Wikipedia page of the corpus and the synthetic 5 MB table
bench/perf.py writes (33k rows, a link in each). Each run is a fresh
process (imports, reading and parsing the page, every built-in, the JSON
written to a file), timed from outside: its wall time, and its CPU time
(user and system, its scrapers' child processes included), which the
machine's load disturbs far less than wall time. With ``--checkout`` the
two checkouts take turns, run by run, so both see the same load; their
outputs are compared byte for byte. On a loaded machine a scraper may
overrun its time limit (wall time) on the 5 MB page: the run is kept, and
noted.

The last line is machine-readable (this checkout; wall seconds, the worst
and the median of the runs, then the median CPU seconds)::

    NATIVE wiki_1m_s=... synthetic_5m_s=... wiki_1m_median_s=... synthetic_5m_median_s=... wiki_1m_cpu_s=... synthetic_5m_cpu_s=...
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WIKIPEDIA = ROOT / "tests" / "corpus" / "html" / "wiki-wikipedia-2.html"


def synthetic_5m(folder):
    sys.path.insert(0, str(ROOT / "bench"))
    from perf import synthetic_page  # the very page bench/perf.py measures in the browser

    path = Path(folder) / "table-5m.html"
    synthetic_page(path, 5_000_000)
    return path


def one_run(checkout, page, output):
    """(wall seconds, CPU seconds, whether every scraper finished) of one whole scrape process."""
    command = [sys.executable, str(checkout / "build.py"), "scrape", str(page), "--native", "-o", str(output)]
    before = os.times()
    started = time.perf_counter()
    finished = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = os.times()
    if finished.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({finished.returncode}):\n{finished.stderr}")
    if finished.returncode == 1:
        # A scraper failed: on a loaded machine, one overran its time limit (wall time). The run counts, and says so.
        failed = [line for line in finished.stderr.splitlines() if line.startswith("scraper ")]
        print(f"  note: {checkout} on {page.name}: {'; '.join(failed)}")
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu, finished.returncode == 0


# Where one native scrape's CPU goes, step by step, in the CLI's own order (one scraper at a time here,
# so each child's CPU is its own); run in a child process per page, with the checkout's own package.
SPLIT = """
import gc, json, os, sys
from pathlib import Path
checkout, page_path = Path(sys.argv[1]), sys.argv[2]
sys.path[:0] = [str(checkout / "py"), str(checkout)]
split, last = {}, [os.times()]
def step(name):
    now = os.times()
    split[name] = round(1000 * (now.user + now.system - last[0].user - last[0].system))
    split[name + " (children)"] = round(1000 * (now.children_user + now.children_system - last[0].children_user - last[0].children_system))
    last[0] = now
import build
from gleaner_cli import scrape
from gleaner.exporters import export_results
from gleaner.host import load_builtins
from gleaner.page import make_page
from gleaner.runner import run_limited, time_limit_seconds
from gleaner.tag_search import index
step("imports")
args = scrape.parse_args([page_path, "--native"])
data, url, content_type = scrape.fetch_native(args)
page = make_page(data, url, content_type)
plugins = [p for p in load_builtins(scrape.builtin_scrapers_dir()).values() if p.input == "html"]
step("read, decode, load the built-ins")
page.soup
step("parse (html.parser)")
index(page.soup)
gc.freeze()
step("tag index")
results = []
for plugin in plugins:
    results.append(run_limited(plugin, page, time_limit_seconds(plugin, len(page.html))))
    step(plugin.name)
text = export_results(results, "json")
step("JSON export")
Path(os.devnull).write_bytes(text)
step("write")
del page, results, text
gc.unfreeze()
gc.collect()
step("freeing the page (skipped at exit)")
print(json.dumps(split))
"""


def print_split(checkout, pages):
    """Where the CPU of one scrape of each page goes (ms): in this process, and in the scrapers' children."""
    import json

    print(f"where one scrape's CPU goes, {checkout} (ms; the scrapers one at a time, each in its child):")
    for page_name, page in pages.items():
        output = subprocess.run([sys.executable, "-c", SPLIT, str(checkout), str(page)], check=True, capture_output=True, text=True).stdout
        split = json.loads(output.strip().splitlines()[-1])
        steps = [name for name in split if not name.endswith(" (children)")]
        cells = [f"{name} {split[name] + split[name + ' (children)']}" for name in steps]
        print(f"  {page_name}: " + ", ".join(cells))


def describe(values):
    return f"median {statistics.median(values):6.2f}  min–max {min(values):.2f}–{max(values):.2f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--checkout", type=Path, help="another checkout to time alternately (before/after)")
    parser.add_argument("--split", action="store_true", help="first print where one scrape's CPU goes, step by step")
    args = parser.parse_args()
    checkouts = {"this": ROOT}
    if args.checkout:
        checkouts["other"] = args.checkout.resolve()
    print(f"load average when it started: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    times = {}  # (checkout, page) -> [(wall, cpu)]
    with tempfile.TemporaryDirectory() as folder:
        pages = {"wiki_1m": WIKIPEDIA, "synthetic_5m": synthetic_5m(folder)}
        if args.split:
            for checkout in checkouts.values():
                print_split(checkout, pages)
        for run in range(args.runs):
            for page_name, page in pages.items():
                outputs = {}
                for label, checkout in checkouts.items():
                    outputs[label] = Path(folder) / f"{label}-{page_name}.json"
                    times.setdefault((label, page_name), []).append(one_run(checkout, page, outputs[label]))
                complete = all(times[(label, page_name)][-1][2] for label in checkouts)
                if len(outputs) == 2 and complete and outputs["this"].read_bytes() != outputs["other"].read_bytes():
                    raise SystemExit(f"{page_name}: the two checkouts wrote different records")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    print(f"whole process, {args.runs} runs each (seconds): wall, then CPU (user + system, children included)")
    for (label, page_name), runs in times.items():
        walls, cpus = [wall for wall, _, _ in runs], [cpu for _, cpu, _ in runs]
        incomplete = sum(1 for _, _, complete in runs if not complete)
        note = f"   ({incomplete} with a scraper stopped)" if incomplete else ""
        print(f"  {label:5} {page_name:13} wall {describe(walls)}   CPU {describe(cpus)}{note}")
    if len(checkouts) == 2:
        print("  (the records of both checkouts were identical on every run where all their scrapers finished)")
    summary = {}
    for page_name in ("wiki_1m", "synthetic_5m"):
        walls = [wall for wall, _, _ in times[("this", page_name)]]
        summary[f"{page_name}_s"] = max(walls)
        summary[f"{page_name}_median_s"] = statistics.median(walls)
    for page_name in ("wiki_1m", "synthetic_5m"):
        summary[f"{page_name}_cpu_s"] = statistics.median(cpu for _, cpu, _ in times[("this", page_name)])
    print("NATIVE " + " ".join(f"{key}={value:.2f}" for key, value in summary.items()))


if __name__ == "__main__":
    main()
