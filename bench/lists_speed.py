"""How long the lists built-in takes on large pages, natively and in the browser's Python (Pyodide under Node).

Run from the repository root after ``python build.py`` (the Pyodide run uses
dist/chrome's Pyodide and wheels, the very files the extension loads)::

    python bench/lists_speed.py            # both
    python bench/lists_speed.py --native   # CPython only

Pages: the saved pages of ``../shared/corpus`` of about 1 MB and more, and
the largest list pages of ``../shared/datasets/pagination`` (a 2 MB
document index of 1,935 items, a forum index of 1,090 items). Each page is
parsed first (the host parses before any scraper runs); then the built-in
runs through ``run_plugin`` on a fresh Page holding that tree, RUNS times.
The machine is shared: read the medians, and the worst run.

The last line is machine-readable:
``LISTS_SPEED native_ms_median=… native_ms_max=… pyodide_ms_median=… pyodide_ms_max=… pages=…``
(median over pages of each page's median run; max: the slowest single run).
"""

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
PAGES = [
    ("corpus/html/wiki-wikipedia-2.html", "https://en.wikipedia.org/wiki/Example"),
    ("corpus/html/news-guardian-1.html", "https://www.theguardian.com/example"),
    ("corpus/html/news-nytimes-5.html", "https://www.nytimes.com/example"),
    ("corpus/html/news-cnn-asian-markets.html", "https://edition.cnn.com/example"),
    ("corpus/html/structured-fye-opengraph-product-big.html", "https://www.fye.com/example"),
    ("datasets/pagination/html/179.html", "http://educationhp.org/resource_manager.aspx"),
    ("datasets/pagination/html/41.html", "http://www.askdin.com/"),
]
RUNS = 5

# Runs inside Pyodide: the same measurement, with the wheels unpacked first.
RUNNER = '''
import io, json, sysconfig, time, zipfile
from pathlib import Path


def main(work):
    work = Path(work)
    for wheel in sorted((work / "wheels").glob("*.whl")):
        zipfile.ZipFile(io.BytesIO(wheel.read_bytes())).extractall(sysconfig.get_path("purelib"))
    import lists_timing
    jobs = json.loads((work / "jobs.json").read_text())
    (work / "results.json").write_text(json.dumps(lists_timing.measure(jobs, "/work/scrapers", "/work/pages")))
'''


def measure(jobs, scrapers_dir, pages_dir, runs=RUNS):
    """{page: [ms of each run]}: the built-in on a tree already built, each run on a fresh Page."""
    from gleaner.page import make_page
    from gleaner.plugins import load_plugin
    from gleaner.runner import run_plugin

    plugin = load_plugin((Path(scrapers_dir) / "lists.py").read_text(encoding="utf-8"), "scrapers/lists.py", builtin=True)
    plugin.module  # noqa: B018  (imported before the clock starts, as the worker does at boot)
    results = {}
    for name, url in jobs:
        data = (Path(pages_dir) / Path(name).name).read_bytes()
        first = make_page(data, url, "text/html")
        soup = first.soup
        times = []
        for _ in range(runs):
            page = make_page(first.html, url, "text/html")
            page.__dict__["soup"] = soup  # the tree the host built once
            started = time.perf_counter()
            result = run_plugin(plugin, page)
            times.append((time.perf_counter() - started) * 1000)
            assert result["ok"], result["error"]
        results[name] = {"ms": times, "records": len(result["records"]), "bytes": len(data)}
    return results


def run_native():
    sys.path.insert(0, str(ROOT / "py"))
    with tempfile.TemporaryDirectory(prefix="lists-speed-") as folder:
        return measure(PAGES, ROOT / "scrapers", _copy_pages(Path(folder)))


def _copy_pages(folder):
    folder.mkdir(exist_ok=True)
    for name, _ in PAGES:
        shutil.copy(SHARED / name, folder / Path(name).name)
    return folder


def run_pyodide():
    dist = ROOT / "dist" / "chrome"
    if not (dist / "pyodide").is_dir():
        sys.exit("dist/chrome is missing: run 'python build.py' first")
    with tempfile.TemporaryDirectory(prefix="lists-speed-") as temp:
        temp = Path(temp)
        src = temp / "src"
        shutil.copytree(ROOT / "py" / "gleaner", src / "gleaner")
        (src / "lists_timing.py").write_text(Path(__file__).read_text(encoding="utf-8"), encoding="utf-8")
        (src / "lists_timing_main.py").write_text(RUNNER, encoding="utf-8")
        work = temp / "work"
        (work / "wheels").mkdir(parents=True)
        lock = json.loads((dist / "python" / "pyodide-lock.json").read_text())
        for package in lock["packages"].values():
            wheel = dist / "python" / package["file_name"]
            if wheel.exists() and package["name"] in ("beautifulsoup4", "soupsieve", "typing-extensions"):
                shutil.copy(wheel, work / "wheels")
        (work / "scrapers").mkdir()
        shutil.copy(ROOT / "scrapers" / "lists.py", work / "scrapers")
        _copy_pages(work / "pages")
        (work / "jobs.json").write_text(json.dumps(PAGES))
        core = temp / "core"
        shutil.copytree(dist / "pyodide", core)
        shutil.copy(dist / "python" / "pyodide-lock.json", core)
        subprocess.run(["node", str(ROOT / "py" / "gleaner_cli" / "in-pyodide.mjs"), str(core), str(src), str(work),
                        "lists_timing_main"], check=True)
        return json.loads((work / "results.json").read_text())


def report(label, results):
    medians, worst = [], 0.0
    for name, result in results.items():
        median = statistics.median(result["ms"])
        medians.append(median)
        worst = max(worst, max(result["ms"]))
        print(f"{label:8} {Path(name).name:45} {result['bytes'] / 1e6:5.2f} MB {result['records']:5} records  "
              f"median {median:7.1f} ms  max {max(result['ms']):7.1f} ms")
    return statistics.median(medians), worst


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--native", action="store_true", help="measure CPython only")
    args = parser.parse_args(argv)
    started = time.time()
    native = report("native", run_native())
    line = f"LISTS_SPEED native_ms_median={native[0]:.1f} native_ms_max={native[1]:.1f}"
    if not args.native:
        pyodide = report("pyodide", run_pyodide())
        line += f" pyodide_ms_median={pyodide[0]:.1f} pyodide_ms_max={pyodide[1]:.1f}"
    print(f"({time.time() - started:.0f} s)")
    print(line + f" pages={len(PAGES)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
