"""How long the `article` built-in takes in the browser: Pyodide in headless Chromium, on pages of about 200 KB.

Uses the extension built in dist/chrome-automation (run ``python build.py``
first; the bench works on a copy, so a build meanwhile does not disturb it).
From the repository root::

    python bench/article_speed.py            # 5 runs per page
    python bench/article_speed.py --runs 9

The pages are the article-extraction benchmark's development half
(``../shared/datasets/articles``) whose HTML is 150-250 KB, served on
127.0.0.1 offline and still (requests off the machine refused, the pages'
own scripts not run), each opened in a tab. The popup is opened on the tab
(the toolbar click), then *Scrape again* is clicked RUNS times; each run's
record (GetLastRun) says how long each scraper took in the browser's Python:
the ``article`` entry's ``ms`` is the plugin's run in Pyodide on the tree the
host built from the tab's DOM walk (the tree all scrapers of a click share,
built before them and not counted here, as in the native ``--timing`` of
bench/articles.py). Right after each browser run the same plugin runs
natively on the same HTML (``html.parser`` tree), so both see the same load
on a shared machine.

Prints per page the median, then over every run the median and the worst
(the target is the worst: <= 30 ms for a 200 KB page). The last line is
machine-readable::

    ARTICLE_SPEED median_ms=... worst_ms=... worst_page_median_ms=... native_median_ms=... pages=... runs=...

``--node`` runs the same pages in the build's very Pyodide (its core, its
compiled wheels and gleaner.zip) under Node instead, with no browser, and
also times Python's garbage collector inside each run (``gc.callbacks``),
then the same runs with the page's tree frozen out of the collector's
reach (``gc.freeze()`` after parsing, as a host could do)::

    ARTICLE_SPEED_NODE median_ms=... worst_ms=... gc_worst_ms=... frozen_median_ms=... frozen_worst_ms=... frozen_gc_worst_ms=...
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from articles import ROOT, dataset_pages, run_article  # noqa: E402
from perf import BUILT, EXTENSION, SCRAPE_AGAIN, click, last_run  # noqa: E402

from gleaner.host import load_builtins  # noqa: E402
from gleaner_cli.browser import ExtensionBrowser, serve_directory  # noqa: E402

SMALLEST, LARGEST = 150_000, 250_000
TARGET_MS = 30


def without_page_scripts(route):
    response = route.fetch()
    route.fulfill(response=response, headers={**response.headers, "content-security-policy": "script-src 'none'"})


# Runs inside Pyodide under Node (py/gleaner_cli/in-pyodide.mjs calls main(work)).
IN_PYODIDE = """
import gc, json, os, time
from pathlib import Path

from gleaner.host import load_builtins, run_plugin
from gleaner.page import make_page


def main(work):
    runs = int(Path(work, "runs").read_text())
    plugin = load_builtins(Path("/src/scrapers"))["article"]
    spent, started = [], [0.0]

    def collector(phase, info):
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            spent.append((time.perf_counter() - started[0]) * 1000)

    gc.callbacks.append(collector)
    results = {}
    for name in sorted(os.listdir(f"{work}/pages")):
        page = make_page(Path(work, "pages", name).read_bytes(), f"https://bench.example/{name}", "text/html")
        page.soup  # parsed before the clock starts, as in the browser
        rows = []
        for frozen in (False, True):
            if frozen:
                gc.freeze()
            for _ in range(runs):
                spent.clear()
                begun = time.perf_counter()
                result = run_plugin(plugin, page)
                rows.append([frozen, (time.perf_counter() - begun) * 1000, sum(spent)])
                assert result["ok"], result
            if frozen:
                gc.unfreeze()
        results[name] = rows
    Path(work, "results.json").write_text(json.dumps(results))
"""


def node_runs(pages, runs):
    """{page: [[frozen, ms, gc ms], ...]} from the build's Pyodide under Node."""
    python = BUILT / "python"
    with tempfile.TemporaryDirectory(prefix="gleaner-article-speed-node-") as scratch:
        scratch = Path(scratch)
        shutil.copytree(BUILT / "pyodide", scratch / "pyodide")
        shutil.copy(python / "pyodide-lock.json", scratch / "pyodide" / "pyodide-lock.json")
        src = scratch / "src"
        lock = json.loads((python / "pyodide-lock.json").read_text())
        for package in lock["packages"].values():
            with zipfile.ZipFile(python / package["file_name"]) as wheel:
                wheel.extractall(src)
        with zipfile.ZipFile(python / "gleaner.zip") as archive:
            archive.extractall(src)
        (src / "article_speed_in_pyodide.py").write_text(IN_PYODIDE)
        for key, data in pages.items():
            (scratch / "work" / "pages").mkdir(parents=True, exist_ok=True)
            (scratch / "work" / "pages" / f"{key}.html").write_bytes(data)
        (scratch / "work" / "runs").write_text(str(runs))
        subprocess.run(["node", str(ROOT / "py" / "gleaner_cli" / "in-pyodide.mjs"), str(scratch / "pyodide"), str(src),
                        str(scratch / "work"), "article_speed_in_pyodide"], check=True)
        return json.loads((scratch / "work" / "results.json").read_text())


def report_node(results, runs):
    print(f"# article in Pyodide under Node (the build's own), {len(results)} pages of 150-250 KB, {runs} runs each, "
          "then as many with the tree frozen (gc.freeze)\n")
    print(f"{'page':<14} {'median':>7} {'worst':>7} {'gc worst':>8} {'frozen median':>13} {'frozen worst':>12}")
    table = {False: [], True: []}
    for name, rows in results.items():
        cells = []
        for frozen in (False, True):
            mine = [row for row in rows if row[0] is frozen]
            table[frozen] += mine
            cells.append((statistics.median(ms for _, ms, _ in mine), max(ms for _, ms, _ in mine), max(g for _, _, g in mine)))
        (median, worst, gc_worst), (f_median, f_worst, _) = cells
        print(f"{name[:12]:<14} {median:7.1f} {worst:7.1f} {gc_worst:8.1f} {f_median:13.1f} {f_worst:12.1f}")
    summary = {}
    for frozen, prefix in ((False, ""), (True, "frozen_")):
        rows = table[frozen]
        summary[f"{prefix}median_ms"] = statistics.median(ms for _, ms, _ in rows)
        summary[f"{prefix}worst_ms"] = max(ms for _, ms, _ in rows)
        summary[f"{prefix}gc_worst_ms"] = max(g for _, _, g in rows)
    print("ARTICLE_SPEED_NODE " + " ".join(f"{key}={value:.1f}" for key, value in summary.items()))


def article_ms(browser, popup, tab_id):
    run = last_run(browser, popup, tab_id)
    result = next(r for r in run["results"] if r["scraper"] == "article")
    if not result.get("ok", True) or "ms" not in result:
        raise SystemExit(f"article failed in the browser: {result}")
    return result["ms"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="Scrape again this many times per page")
    parser.add_argument("--node", action="store_true", help="the build's Pyodide under Node instead of the browser, with the collector's share")
    args = parser.parse_args()
    if not (BUILT / "python" / "build-info.json").exists():
        raise SystemExit("dist/chrome-automation is missing or stale: run 'python build.py' first")
    if args.node:
        pages = {key: data for key, _url, data, _gold in dataset_pages() if SMALLEST <= len(data) <= LARGEST}
        load_at_start = os.getloadavg()[0]
        results = node_runs(pages, args.runs)
        print(f"load average: {load_at_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end")
        report_node(results, args.runs)
        return
    shutil.copytree(BUILT, EXTENSION)
    plugin = load_builtins(ROOT / "scrapers")["article"]
    load_at_start = os.getloadavg()[0]
    browser_ms, native_ms, per_page = [], [], []
    with tempfile.TemporaryDirectory(prefix="gleaner-article-speed-") as folder:
        pages = {}
        for key, _url, data, _gold in dataset_pages():
            if SMALLEST <= len(data) <= LARGEST:
                Path(folder, f"{key}.html").write_bytes(data)
                pages[key] = data
        with serve_directory(Path(folder)) as base, ExtensionBrowser(EXTENSION) as browser:
            browser.context.route(
                lambda url: not url.startswith(("http://127.0.0.1", "chrome-extension://", "data:", "blob:")),
                lambda route: route.abort(),
            )
            browser.context.route(lambda url: url.startswith("http://127.0.0.1"), without_page_scripts)
            for key, data in pages.items():
                page, tab_id = browser.open_tab(f"{base}/{key}.html")
                popup, _ = click(browser, tab_id)
                in_browser, native = [], []
                for _ in range(args.runs):
                    outcome = popup.evaluate(SCRAPE_AGAIN)
                    if outcome["state"] != "done":
                        raise SystemExit(f"scrape again on {key} ended in {outcome['state']}")
                    in_browser.append(article_ms(browser, popup, tab_id))
                    native.append(run_article(plugin, f"{base}/{key}.html", data)[1][0])
                browser_ms += in_browser
                native_ms += native
                per_page.append((key, len(data), in_browser, statistics.median(native)))
                popup.close()
                page.close()
    load_at_end = os.getloadavg()[0]
    print(f"# article in the browser (Chromium, Pyodide), {len(per_page)} pages of 150-250 KB, {args.runs} runs each\n")
    print(f"{'page':<14} {'KB':>5} {'median':>7} {'worst':>7} {'native':>7}  browser runs in order")
    for key, size, runs, native in sorted(per_page, key=lambda row: -max(row[2])):
        print(f"{key[:12]:<14} {size / 1000:5.0f} {statistics.median(runs):7.1f} {max(runs):7.1f} {native:7.1f}  "
              + " ".join(f"{ms:.1f}" for ms in runs))
    median, worst = statistics.median(browser_ms), max(browser_ms)
    # The slowest page's median: what a page costs when no other work on the machine interrupts a run.
    worst_page = max(statistics.median(runs) for _, _, runs, _ in per_page)
    print(f"\nbrowser ms: median {median:.1f}, worst {worst:.1f}, slowest page's median {worst_page:.1f} "
          f"(target: <= {TARGET_MS}); native ms (wall, same runs): median {statistics.median(native_ms):.1f}, "
          f"worst {max(native_ms):.1f}")
    print(f"load average: {load_at_start:.1f} at the start, {load_at_end:.1f} at the end")
    print(f"ARTICLE_SPEED median_ms={median:.1f} worst_ms={worst:.1f} worst_page_median_ms={worst_page:.1f} "
          f"native_median_ms={statistics.median(native_ms):.1f} pages={len(per_page)} runs={len(browser_ms)}")


if __name__ == "__main__":
    main()
