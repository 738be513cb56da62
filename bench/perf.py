"""How fast Gleaner is in headless Chromium and Firefox: cold starts, warm scrapes, Python vs native, memory, size.

Uses the extension already built in dist/chrome-automation and
dist/automation/ (run ``python build.py`` first); builds nothing itself.
From the repository root::

    python bench/perf.py             # 5 runs of each measurement
    python bench/perf.py --runs 7
    python bench/perf.py --no-firefox
    python bench/perf.py --warm-only --pages 1m,5m   # only warm clicks on these pages

Prints one table (median and min-max per row) and, last, one machine-readable line:

    BENCH cold_first_ms=... cold_later_ms=... warm_200k_ms=... py_ratio=... warm_mem_mb=... chrome_zip_mb=...
          warm_1m_ms=... warm_5m_s=... warm_20m_s=... ms_per_1k_elements_min=... ms_per_1k_elements_max=...

(one line; with --warm-only, only the warm fields).

What each row measures:

- cold first ever: a fresh profile (the extension just installed, which
  starts Python), browser started, then at once the click (the popup opened
  on the tab) until the records show.
- cold later: the same profile after a browser restart (Python's memory
  snapshot, made on the first boot, is in IndexedDB), click until records,
  on a URL never scraped before (the popup shows an earlier run's records
  for a URL it scraped before). Chromium treats an extension given with
  --load-extension as installed anew at every launch, and an install starts
  Python, which a restart of an installed extension does not: for these
  runs the bench's copy of the extension has its install listener left out
  (see without_install_boot), so the click starts Python from the snapshot
  in a browser that has not run it yet.
- warm: *Scrape again* in the open popup on a tab already scraped, until the
  records show again, for a small page, a ~200 KB page, a 1 MB Wikipedia
  article, the largest corpus page (1.4 MB), and two pages the bench writes
  (synthetic_page): 5 MB and 20 MB of one long table, a row and a link per
  ~150 bytes (33k and 130k rows). The big pages get --big-runs runs.
- cost per element: each page's median click divided by its elements (from
  the DOM walk) per thousand, from the 200 KB page up; the BENCH line has
  the smallest and the largest (flat when the cost is linear in the page).
- where a click goes, per page (medians): the capture in the tab, the page's
  transfer to Python (its message to the host included), the tree, each
  scraper (its records' checks included), the records' way back to the
  service worker (Python writing their text, the host taking each result,
  the results' message), keeping the run (session storage and history),
  drawing the popup, and the rest (the other messages between contexts).
  A second table splits the way back and the store hop by hop, from the
  timings each context reports on a clock they share (common/clock.js).
- Python: the same work in the browser's Python and in native CPython: the
  tree built from the tab's DOM walk (capture.js's, the same events on both
  sides) plus the built-in scrapers on it. The browser side is the host's
  own Python time for the page (``pythonMs``) plus each scraper's ``ms``; the
  native side times the same calls. The BENCH line's ``py_ratio`` is this, on
  the 200 KB page. The whole warm click against native CPython parsing the
  HTML and running the scrapers (what a script without the browser would
  do) is a separate row: it includes the capture, the page's trip and the
  popup, which the native side has no counterpart for.
- memory: proportional set size (PSS, /proc/<pid>/smaps_rollup) of all of the
  browser's processes, minus before Python first booted (the median of three
  readings): right after the clicks, then warm (SETTLE_S later, once V8 has
  collected the runs' garbage; the BENCH line's figure); then again after
  the idle release (keepWarmMinutes set short for the measurement). Each
  figure after Python booted is the worst (highest) of its readings.
- where a warm click goes: the capture in the tab, the Python host's run
  and, inside it, the page's trip to Python and its tree (each run records them).
- Firefox: tests/firefox/bench-scrape.mjs on the small page: a cold click in
  a fresh profile, Scrape again, and Scrape again after Firefox unloaded the
  idle event page (Python restored from its snapshot).
- size: the Chrome package, and the Firefox one when the build made it.

Timings on a shared 2-core machine are noisy: compare medians, rerun when in doubt.
"""

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "py"))

from gleaner_cli.browser import ExtensionBrowser, serve_directory  # noqa: E402
from crawl import process_kind  # noqa: E402  (bench/crawl.py: which kind of Chromium process)

BUILT = ROOT / "dist" / "chrome-automation"
# A private copy (made in main): a test run started meanwhile rebuilds dist/ under the browser.
WORK = Path(tempfile.mkdtemp(prefix="gleaner-bench-"))
EXTENSION = WORK / "chrome-automation"
NATIVE = WORK / "native"
CORPUS_HTML = ROOT / "tests" / "corpus" / "html"
SYNTHETIC = WORK / "pages"
PAGES = {
    "small": ROOT / "demo" / "demo-page.html",
    "200k": CORPUS_HTML / "news-ctvnews-20-tables.html",  # 206 KB
    "1m": CORPUS_HTML / "wiki-wikipedia-2.html",  # 1.0 MB, 3,346 links
    "1.4M": CORPUS_HTML / "news-cnn-asian-markets.html",  # the corpus's largest page
    "5m": SYNTHETIC / "table-5m.html",  # written by synthetic_page
    "20m": SYNTHETIC / "table-20m.html",
}
SYNTHETIC_SIZES = {"5m": 5_000_000, "20m": 20_000_000}
# Pages above this many characters are not parsed natively from the HTML
# (html.parser takes about a minute on 20 MB): only the tree from the walk.
NATIVE_PARSE_LIMIT = 2_000_000
TARGETS = {"cold_first_ms": 2000, "cold_later_ms": 800, "warm_200k_ms": 150, "py_ratio": 1.3, "warm_mem_mb": 120, "chrome_zip_mb": 8,
           "warm_1m_ms": 600, "warm_5m_s": 5, "warm_20m_s": 20}
# What "cold later" leaves out of the bench's copy of the extension.
INSTALL_LISTENER = "chrome.runtime.onInstalled.addListener("
# For the idle-release measurement only (the user's default is 5 minutes):
# long enough to read the warm memory first, short enough to wait for.
IDLE_MINUTES = 1
# V8 gives back the garbage of a run's copies of the page (JS strings and
# messages in the service worker, the offscreen document and the worker)
# some seconds after the activity stops: ~60 MB after the 200 KB page's
# runs, measured. Memory is read right after the clicks and again this long
# after, when what is left is what Python holds while kept warm.
SETTLE_S = 20
# What capture.js sends the host for a tab (the HTML and the DOM walk), read from the popup.
CAPTURE = """async (tabId) => {
  const { capturePage } = await import('/extension/content/capture.js');
  return (await chrome.scripting.executeScript({ target: { tabId }, func: capturePage, args: [null] }))[0].result;
}"""
# Scrape again in an open popup and time it there, without Playwright's round trips.
SCRAPE_AGAIN = """() => new Promise((resolve) => {
  const started = performance.now();
  const observer = new MutationObserver(() => {
    const state = document.body.dataset.state;
    if (state === 'done' || state === 'error') {
      observer.disconnect();
      resolve({ ms: performance.now() - started, state, timings: JSON.parse(document.body.dataset.timings || '{}') });
    }
  });
  observer.observe(document.body, { attributes: true, attributeFilter: ['data-state'] });
  document.getElementById('scrape').click();
})"""
# In every page of the bench's browser, before its scripts: the time (on
# the page's clock) its body first takes a final data-state, as the popup
# sets it once it has drawn the records (or an error).
RECORDS_SHOWN_AT = """
new MutationObserver((changes, observer) => {
  if (['done', 'error', 'unreadable'].includes(document.body?.dataset.state)) {
    window.gleanerBenchShownAt = performance.now();
    observer.disconnect();
  }
}).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state'] });
"""
SNAPSHOT_STORED = """() => new Promise((resolve) => {
  const request = indexedDB.open('gleaner-python');
  request.onerror = () => resolve(false);
  request.onsuccess = () => {
    const db = request.result;
    if (!db.objectStoreNames.contains('snapshots')) { db.close(); resolve(false); return; }
    const get = db.transaction('snapshots').objectStore('snapshots').get('python');
    get.onsuccess = () => { db.close(); resolve(!!get.result); };
    get.onerror = () => { db.close(); resolve(false); };
  };
})"""


# --- measurements --------------------------------------------------------------


def page_url(base, name):
    return f"{base[PAGES[name].parent]}/{PAGES[name].name}"


def click(browser, tab_id):
    """Open the popup on the tab (the stand-in for a toolbar click) and wait for the records.

    Timed in the popup, from its navigation's start to the moment it shows
    the records: not Playwright's own work around it (making a tab for the
    popup, ~0.1-0.4 s, and noticing the records, up to ~0.3 s later), which
    a user's click does not wait for.
    """
    if not getattr(browser, "timing_popups", False):
        browser.context.add_init_script(RECORDS_SHOWN_AT)
        browser.timing_popups = True
    popup = browser.open_popup(tab_id)
    ms = popup.evaluate("() => window.gleanerBenchShownAt")
    state = popup.evaluate("() => document.body.dataset.state")
    if state != "done":
        raise SystemExit(f"the popup ended in state {state}: {popup.evaluate('() => document.body.innerText')[:500]}")
    return popup, ms


def last_run(browser, popup, tab_id):
    reply = browser.send(popup, "GetLastRun", {"tabId": tab_id})
    if not reply.get("ok"):
        raise SystemExit(f"GetLastRun failed: {reply}")
    return reply["result"]


def wait_for_snapshot(context, timeout_s=60):
    """``context``: the popup or the service worker, either can read the extension's IndexedDB."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if context.evaluate(SNAPSHOT_STORED):
            return True
        time.sleep(0.25)
    return False


def cold_runs(base, runs, log):
    """Cold first ever (fresh profiles) and cold later (one profile, browser restarted)."""
    first, later, boots = [], [], {"first": [], "later": []}
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="gleaner-bench-") as profile:
            with ExtensionBrowser(EXTENSION, profile_dir=profile) as browser:
                _, tab_id = browser.open_tab(page_url(base, "small"))
                popup, ms = click(browser, tab_id)
                first.append(ms)
                boots["first"].append(last_run(browser, popup, tab_id)["boot"])
    with tempfile.TemporaryDirectory(prefix="gleaner-bench-") as profile:
        with ExtensionBrowser(EXTENSION, profile_dir=profile) as browser:
            _, tab_id = browser.open_tab(page_url(base, "small"))
            popup, _ = click(browser, tab_id)
            if not wait_for_snapshot(popup):
                log("note: no memory snapshot was stored; 'cold later' boots fully")
        with without_install_boot():
            for i in range(runs):
                later.append(cold_later_click(base, profile, i, boots))
    return first, later, boots


def cold_later_click(base, profile, i, boots):
    with ExtensionBrowser(EXTENSION, profile_dir=profile) as browser:
        # A URL of its own: for a URL scraped before, the popup shows that
        # run from the history instead of scraping.
        _, tab_id = browser.open_tab(f"{page_url(base, 'small')}?later={i}")
        popup, ms = click(browser, tab_id)
        boots["later"].append(last_run(browser, popup, tab_id)["boot"])
        return ms


def synthetic_page(path, size):
    """About ``size`` characters of one long data table, a link in every row
    (the kind of page an export, a catalogue or a log viewer shows): ~150
    bytes a row, so 5 MB holds 33k rows and 33k links."""
    row = ('<tr class="row"><td>{i}</td><td><a href="/item/{i}">Item number {i}</a></td>'
           "<td>{price}.50</td><td>Description of item {i}, with some text</td></tr>\n")
    head = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Big table</title></head><body>'
            "<h1>Items</h1><p>A long list of items, one per row, each with a link.</p>"
            "<table><thead><tr><th>#</th><th>Item</th><th>Price</th><th>Notes</th></tr></thead><tbody>\n")
    tail = "</tbody></table></body></html>\n"
    parts, total, i = [head], len(head) + len(tail), 0
    while total < size:
        parts.append(row.format(i=i, price=i % 997))
        total += len(parts[-1])
        i += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(parts) + tail, encoding="utf-8")


def count_elements(walk):
    """The elements in a DOM walk (capture.js's), read by the built extension's own Python."""
    from gleaner.dom_tree import count_elements

    return count_elements(walk)


def warm_runs(browser, base, runs, after_page=lambda name: None, pages=PAGES, big_runs=3):
    """Per page: scrape again in an open popup, `runs` times (`big_runs` on the synthetic pages); each
    run's Python time and stages; and, right after each, the same Python work natively, so both
    sides see the same machine load."""
    warm, python, native, splits, elements = {}, {}, {}, {}, {}
    for name in pages:
        page, tab_id = browser.open_tab(page_url(base, name))
        # A page of many megabytes is still laying itself out after its load
        # (seconds, on a loaded machine): the first click waits for a frame.
        page.evaluate("() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)))")
        popup, _ = click(browser, tab_id)
        captured = popup.evaluate(CAPTURE, tab_id)
        elements[name] = count_elements(captured["tree"])
        times, python[name], native[name] = [], [], []
        for i in range(big_runs if name in SYNTHETIC_SIZES else runs):
            outcome = popup.evaluate(SCRAPE_AGAIN)
            if outcome["state"] != "done":
                raise SystemExit(f"scrape again on {name} ended in {outcome['state']}")
            times.append(outcome["ms"])
            run = last_run(browser, popup, tab_id)
            parsed = run.get("parsed") or {}
            if parsed.get("soup") != "dom":
                raise SystemExit(f"the host built the {name} page's tree from {parsed.get('soup')!r}, not the DOM walk")
            scrapers = {r["scraper"]: r["ms"] for r in run["results"] if "ms" in r}
            python[name].append({"tree": parsed["pythonMs"], "scrapers": sum(scrapers.values())})
            splits.setdefault(name, []).append({**outcome["timings"], "parseMs": parsed.get("parseMs", 0),
                                                "pythonMs": parsed["pythonMs"], "totalMs": outcome["ms"], "scrapers": scrapers,
                                                "workerReplaced": parsed.get("workerReplaced", False)})
            native[name].append(native_ms(captured, sorted(scrapers), warm_up=i == 0))
        warm[name] = times
        popup.close()
        page.close()
        after_page(name)
    return warm, python, native, splits, elements


def native_ms(captured, scrapers, warm_up=True):
    """The same built-in plugins natively, timed as in the browser: the tree from the same DOM
    walk, then the scrapers ("tree", "scrapers", and each in "each"); and the tree parsed from
    the HTML ("parse", left out above NATIVE_PARSE_LIMIT).

    The host and scrapers come from the built extension's python/gleaner.zip
    (unpacked by main), so both sides run the same code even while the
    sources change. The host's own calls, as the worker makes them; "results"
    is the time they take beyond the scrapers' (serialising the results).
    """
    host = native_host()
    meta = {"url": captured["url"], "title": captured["title"], "kind": "html"}
    if warm_up:
        # Untimed first run: the browser's worker imported bs4 at boot too.
        host.set_page_json(json.dumps({**meta, "id": "warm-up"}), captured["html"], captured["tree"])
        for name in scrapers:
            run_scraper(host, name)
    # As in the browser: the host's own account of the page's Python time and each scraper's.
    reply = json.loads(host.set_page_json(json.dumps({**meta, "id": "timed"}), captured["html"], captured["tree"]))
    assert reply["soup"] == "dom"
    each, results_ms = {}, 0
    for name in scrapers:
        started = time.perf_counter()
        each[name] = run_scraper(host, name, "timed")["ms"]
        results_ms += (time.perf_counter() - started) * 1000 - each[name]
    timed = {"tree": reply["pythonMs"], "scrapers": sum(each.values()), "each": each, "results": results_ms}
    if len(captured["html"]) <= NATIVE_PARSE_LIMIT:
        started = time.perf_counter()
        make_page_native(captured).soup  # noqa: B018
        timed["parse"] = (time.perf_counter() - started) * 1000
    return timed


def run_scraper(host, name, page_id=None):
    """The host's call the worker makes for one scraper; its result without the records.
    Run as the build being measured has it: run_text (a line about the run, then the
    records' text), or, in builds before it, run_json."""
    if hasattr(host, "run_text"):
        return json.loads(host.run_text(name, None, page_id).partition("\n")[0])
    return json.loads(host.run_json(name, None, page_id))


def native_host():
    global NATIVE_HOST
    if NATIVE_HOST is None:
        from gleaner.host import Host

        NATIVE_HOST = Host(NATIVE / "scrapers")
    return NATIVE_HOST


NATIVE_HOST = None


def make_page_native(captured):
    from gleaner.page import make_page

    return make_page(captured["html"], captured["url"], "text/html", title=captured["title"])


def browser_processes(profile_dir):
    """The browser's main process (the one given this profile) and all its descendants."""
    children, roots = {}, []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(proc.name))
        if f"--user-data-dir={profile_dir}" in cmdline and "--type=" not in cmdline:
            roots.append(int(proc.name))
    found, stack = set(), list(roots)
    while stack:
        pid = stack.pop()
        if pid not in found:
            found.add(pid)
            stack.extend(children.get(pid, []))
    return found


def pss_mb(profile_dir, only=None):
    """PSS of the browser's processes, or of those ``only`` names (a kind, as bench/crawl.py's
    process_kind tells them: "extension" is the service worker, the offscreen document and
    Python's Worker, apart from the tabs' renderers, which hold the pages themselves)."""
    total_kb = 0
    for pid in browser_processes(profile_dir):
        try:
            if only is not None and process_kind(Path(f"/proc/{pid}/cmdline").read_bytes()) != only:
                continue
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
    return total_kb / 1024


def settle_pss(profile_dir, seconds=3, readings=3, pick=max, only=None):
    """PSS after the browser settles: a few readings a second apart, and by default the
    worst of them (a figure for what the user's machine must hold, not the best moment)."""
    time.sleep(seconds)
    values = []
    for _ in range(readings):
        values.append(pss_mb(profile_dir, only))
        time.sleep(1)
    return pick(values)


@contextlib.contextmanager
def without_install_boot():
    """The bench's copy of the extension with its onInstalled listener left out (see "cold later")."""
    worker = EXTENSION / "extension" / "service-worker" / "service-worker.js"
    source = worker.read_text()
    if source.count(INSTALL_LISTENER) != 1:
        raise SystemExit(f"service-worker.js no longer has one {INSTALL_LISTENER!r}: update bench/perf.py")
    worker.write_text(source.replace(INSTALL_LISTENER, "({ addListener() {} }).addListener("))
    try:
        yield
    finally:
        worker.write_text(source)


def close_offscreen(browser):
    browser.service_worker.evaluate(
        "async () => { if ((await chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'] })).length) await chrome.offscreen.closeDocument(); }"
    )


def offscreen_open(browser):
    return browser.service_worker.evaluate(
        "async () => (await chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'] })).length > 0"
    )


# --- report ----------------------------------------------------------------------


def spread(values):
    return f"{statistics.median(values):8.0f}  {min(values):6.0f}–{max(values):<6.0f}"


def package_sizes():
    chrome = sorted((ROOT / "dist").glob("gleaner-chrome-*.zip"))
    firefox = sorted(p for p in (ROOT / "dist").glob("*firefox*") if p.is_file())
    return (chrome[-1].stat().st_size / 1e6 if chrome else None), (firefox[-1].stat().st_size / 1e6 if firefox else None)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (at least 5 for the docs)")
    parser.add_argument("--big-runs", type=int, default=3, help="runs on the synthetic 5 MB and 20 MB pages")
    parser.add_argument("--no-firefox", action="store_true", help="leave out the Firefox rows")
    parser.add_argument("--warm-only", action="store_true", help="only the warm clicks (no cold starts, memory, Firefox)")
    parser.add_argument("--pages", default=",".join(PAGES), help=f"warm pages, of {', '.join(PAGES)} (default all)")
    parser.add_argument("--extension", type=Path, default=BUILT, help="the automation build to measure (default dist/chrome-automation): "
                        "another checkout's, to compare two versions under the same load")
    args = parser.parse_args(argv)
    pages = {name: PAGES[name] for name in args.pages.split(",")}
    if not args.warm_only and not {"200k", "1.4M", "20m"} <= set(pages):
        raise SystemExit("the memory readings need the 200k, 1.4M and 20m pages: add them, or pass --warm-only")
    if not (args.extension / "python" / "build-info.json").exists():
        raise SystemExit(f"{args.extension} is missing or stale: run 'python build.py' first")
    shutil.copytree(args.extension, EXTENSION)
    with zipfile.ZipFile(EXTENSION / "python" / "gleaner.zip") as archive:
        archive.extractall(NATIVE)
    sys.path.insert(0, str(NATIVE))
    for name, size in SYNTHETIC_SIZES.items():
        if name in pages:
            synthetic_page(PAGES[name], size)
    log = lambda message: print(message, file=sys.stderr, flush=True)  # noqa: E731
    load_at_start = os.getloadavg()[0]
    folders = {path.parent for path in PAGES.values()}
    servers = [serve_directory(folder) for folder in folders]
    base = {folder: server.__enter__() for folder, server in zip(folders, servers)}
    memory = firefox = None
    try:
        if not args.warm_only:
            log("cold starts…")
            cold_first, cold_later, boots = cold_runs(base, args.runs, log)
        log("warm scrapes" + ("" if args.warm_only else " and memory") + "…")
        with tempfile.TemporaryDirectory(prefix="gleaner-bench-") as profile:
            with ExtensionBrowser(EXTENSION, profile_dir=profile) as browser:
                if args.warm_only:
                    warm, python, native, splits, elements = warm_runs(browser, base, args.runs, pages=pages, big_runs=args.big_runs)
                else:
                    warm, python, native, splits, elements, memory = warm_runs_with_memory(browser, base, profile, args, pages, log)
        if not args.warm_only and not args.no_firefox:
            log("Firefox…")
            firefox = firefox_runs(base, args.runs, log)
    finally:
        for server in servers:
            server.__exit__(None, None, None)

    med = lambda runs, *keys: statistics.median(sum(run[key] for key in keys) for run in runs)  # noqa: E731
    ratios = {name: (med(python[name], "tree", "scrapers"), med(native[name], "tree", "scrapers")) for name in pages}

    print(f"Gleaner performance, headless Chromium, {args.runs} runs each ({args.big_runs} on the 5 MB and 20 MB pages; "
          f"median, min–max, ms); load average when it started {load_at_start:.1f} on {os.cpu_count()} cores, "
          f"at the end {os.getloadavg()[0]:.1f}")
    print(f"{'measurement':<42}{'median':>8}  {'min–max':<13}")
    if not args.warm_only:
        print(f"{'cold first ever (fresh profile): click → records':<42}{spread(cold_first)}")
        print(f"{'cold later start (browser restarted)':<42}{spread(cold_later)}")
    for name in pages:
        size = PAGES[name].stat().st_size / 1000
        print(f"{f'warm, {name} page ({size:.0f} KB): scrape again':<42}{spread(warm[name])}")
    print()
    per_element = {name: statistics.median(warm[name]) / (elements[name] / 1000) for name in pages if name != "small"}
    print("cost per element: the median click (ms) per 1,000 elements of the page")
    for name, cost in per_element.items():
        print(f"  {name + ' page':<12}{elements[name]:>9,} elements  {cost:7.1f} ms per 1,000")
    print()
    print("Python's work per run, browser (Pyodide) against native CPython, the same work on both sides:")
    print("the tree from the same DOM walk, then the built-in scrapers (ms, median)")
    print(f"{'':<14}{'tree':>16}  {'scrapers':>16}  {'together':>16}  ratio")
    for name in pages:
        cells = [f"{med(python[name], *keys):7.0f} /{med(native[name], *keys):7.0f}" for keys in (("tree",), ("scrapers",), ("tree", "scrapers"))]
        print(f"  {name + ' page':<12}{cells[0]:>16}  {cells[1]:>16}  {cells[2]:>16}  {ratios[name][0] / ratios[name][1]:.2f}×")
    print()
    parsed_natively = [name for name in pages if all("parse" in run for run in native[name])]
    print("native CPython, the tree from the DOM walk against parsing the HTML (ms, median)")
    for name in parsed_natively:
        tree_ms, parse_ms = med(native[name], "tree"), med(native[name], "parse")
        print(f"  {name + ' page':<12} from the walk {tree_ms:5.0f}  parsed {parse_ms:5.0f}  ({tree_ms / parse_ms:.2f} of a parse)")
    print()
    print("the whole warm click in the browser against native CPython parsing the HTML and running the same")
    print("scrapers (ms, median; the click also holds the capture, the page's trip and the popup)")
    for name in parsed_natively:
        click_ms, alone = statistics.median(warm[name]), med(native[name], "parse", "scrapers")
        print(f"  {name + ' page':<12} click {click_ms:6.0f}  native {alone:6.0f}  ratio {click_ms / alone:.2f}×")
    print()
    print_stages(pages, splits, native)
    if not args.warm_only:
        for label, runs in (("first ever", boots["first"]), ("later", boots["later"])):
            how = ", ".join(sorted({str(boot.get("snapshot", "none")) for boot in runs}))
            errors = {boot["snapshotError"] for boot in runs if boot.get("snapshotError")}
            print(f"boot stages, {label} (ms, median; snapshot {how}): {json.dumps(median_stages(runs))}")
            for error in errors:
                print(f"  snapshot refused: {error}")
    if firefox:
        print()
        print(f"Firefox (headless firefox-esr, small page, {args.runs} fresh profiles; median, min–max, ms)")
        for key, label in (("cold", "cold first ever: click → records"), ("warm", "warm: scrape again"),
                           ("unloaded", "after the idle event page unloaded")):
            print(f"{label:<42}{spread(firefox[key]['runsMs'])}")
    if memory:
        print()
        before = memory["before"]
        added = lambda key: f"+{memory[key] - before:.0f}"  # noqa: E731
        print(f"memory (PSS of all browser processes, MB; before Python {before:.0f}), added: after the small and 200 KB pages "
              f"{added('clicks')} right after the clicks, {added('warm')} warm {SETTLE_S} s later; after the 1.4 MB page "
              f"{added('largest_clicks')}, {added('largest')}; after the 20 MB page {added('huge_clicks')}, {added('huge')} "
              f"(the Python worker {'replaced' if all(split['workerReplaced'] for split in splits['20m']) else 'kept'} after it); {IDLE_MINUTES * 60:.0f} s idle later "
              f"{added('idle')} (offscreen document {'closed' if memory['released'] else 'still open'})")
        print(f"the extension's process alone (service worker, offscreen document, Python's Worker; PSS, MB): before Python "
              f"{memory['extension_before']:.0f}, {SETTLE_S} s after the 20 MB page {memory['extension_huge']:.0f}, "
              f"idle later {memory['extension_idle']:.0f}; the rest of the added memory is the tabs' renderers holding the pages")
    fields = {}
    if not args.warm_only:
        chrome_mb, firefox_mb = package_sizes()
        print(f"packages: Chrome zip {chrome_mb:.1f} MB" + (f", Firefox {firefox_mb:.1f} MB" if firefox_mb else ", Firefox: not built"))
        fields.update(cold_first_ms=f"{statistics.median(cold_first):.0f}", cold_later_ms=f"{statistics.median(cold_later):.0f}")
    if "200k" in pages:
        fields["warm_200k_ms"] = f"{statistics.median(warm['200k']):.0f}"
        fields["py_ratio"] = f"{ratios['200k'][0] / ratios['200k'][1]:.2f}"
    if memory:
        fields.update(warm_mem_mb=f"{memory['warm'] - memory['before']:.0f}", chrome_zip_mb=f"{chrome_mb:.1f}")
    if "1m" in pages:
        fields["warm_1m_ms"] = f"{statistics.median(warm['1m']):.0f}"
    for name in ("5m", "20m"):
        if name in pages:
            fields[f"warm_{name}_s"] = f"{statistics.median(warm[name]) / 1000:.1f}"
    if per_element:
        fields.update(ms_per_1k_elements_min=f"{min(per_element.values()):.1f}", ms_per_1k_elements_max=f"{max(per_element.values()):.1f}")
    print("targets: " + ", ".join(f"{k} ≤ {v}" for k, v in TARGETS.items()))
    print("BENCH " + " ".join(f"{key}={value}" for key, value in fields.items()))
    return 0


def warm_runs_with_memory(browser, base, profile, args, pages, log):
    """warm_runs with the memory readings around them: before Python, warm after the 200 KB and
    1.4 MB pages, after the 20 MB page, and after the idle release."""
    # The same open tab (one small page) in all the readings.
    browser.service_worker.evaluate(f"() => chrome.storage.local.set({{ keepWarmMinutes: {IDLE_MINUTES} }})")
    browser.open_tab(page_url(base, "small"))
    # The install started Python (to make its snapshot): let it
    # finish, then stop it, so "before" is the browser without Python.
    if not wait_for_snapshot(browser.service_worker):
        log("note: no memory snapshot was stored after the install")
    close_offscreen(browser)
    memory = {"before": settle_pss(profile, seconds=8, pick=statistics.median),
              "extension_before": settle_pss(profile, seconds=0, pick=statistics.median, only="extension")}
    readings = {}

    def read_memory(name):
        # Warm memory after a typical page, after the largest corpus page, and after a 20 MB one.
        if name in ("200k", "1.4M", "20m"):
            right_after = settle_pss(profile, seconds=1, readings=2)
            settled = settle_pss(profile, seconds=SETTLE_S - 3)
            readings[name] = (right_after, settled, offscreen_open(browser))
            if name == "20m":
                memory["extension_huge"] = settle_pss(profile, seconds=0, only="extension")

    warm, python, native, splits, elements = warm_runs(browser, base, args.runs, read_memory, pages, args.big_runs)
    last_command = time.monotonic()
    (memory["clicks"], memory["warm"], warm_open) = readings["200k"]
    (memory["largest_clicks"], memory["largest"], _) = readings["1.4M"]
    (memory["huge_clicks"], memory["huge"], _) = readings["20m"]
    if not warm_open:
        log("note: the offscreen document closed before the warm reading; raise IDLE_MINUTES")
    time.sleep(max(0, last_command + IDLE_MINUTES * 60 + 2 - time.monotonic()))
    memory["idle"] = settle_pss(profile)
    memory["extension_idle"] = settle_pss(profile, seconds=0, only="extension")
    memory["released"] = not offscreen_open(browser)
    return warm, python, native, splits, elements, memory


def print_stages(pages, splits, native):
    """Where a warm click goes, stage by stage (medians, ms), and the same Python stages natively."""
    names = sorted({scraper for name in pages for split in splits[name] for scraper in split["scrapers"]})
    header = ["capture", "transfer", "tree", *names, "results", "store", "draw", "rest", "total"]
    print("where a warm click goes (ms, median): capture in the tab; the page's transfer to Python; the tree;")
    print("each scraper (its records' checks included); results: their text, the host taking them and their")
    print("message to the service worker; store: keeping the run (session storage, history); draw: the popup's")
    print("table; rest: the other messages")
    print(f"  {'':<12}" + "".join(f"{label:>11}" for label in header))
    for name in pages:
        rows = []
        for split in splits[name]:
            scrapers = split["scrapers"]
            # The page's message to the host (toHostMs; builds before it did not report it, and
            # counted it in "results") and its way into the worker.
            transfer = split.get("toHostMs", 0) + split["parseMs"] - split["pythonMs"]
            row = {"capture": split.get("captureMs", 0), "transfer": transfer, "tree": split["pythonMs"]}
            row.update({scraper: scrapers.get(scraper, 0) for scraper in names})
            row["results"] = split.get("hostMs", 0) - split.get("toHostMs", 0) - split["parseMs"] - sum(scrapers.values())
            row["store"], row["draw"], row["total"] = split.get("storeMs", 0), split.get("drawMs", 0), split["totalMs"]
            row["rest"] = row["total"] - row["capture"] - split.get("hostMs", 0) - row["store"] - row["draw"]
            rows.append(row)
        print(f"  {name + ' page':<12}" + "".join(f"{statistics.median(row[label] for row in rows):11.0f}" for label in header))
        each = {scraper: statistics.median(run["each"].get(scraper, 0) for run in native[name]) for scraper in names}
        cells = {"tree": statistics.median(run["tree"] for run in native[name]), **each,
                 "results": statistics.median(run["results"] for run in native[name])}
        print(f"  {'  native':<12}" + "".join(f"{cells[label]:11.0f}" if label in cells else f"{'':>11}" for label in header))
    print()
    print_way_back(pages, splits)


# The records' way from Python to the popup, hop by hop (ms), as the run reports them: the host
# taking each result from the worker (Python's serialising included), the results' message to the
# service worker, keeping the run (its serialising, the history, session storage), the run's
# message to the popup (the popup's parse included), and drawing.
WAY_BACK = {"python": ("pythonSerialiseMs",), "take": ("takeMs",), "back": ("backMs",), "serialise": ("kept", "serialiseMs"),
            "history": ("kept", "historyMs"), "session": ("kept", "sessionMs"), "reply": ("replyMs",), "parse": ("parseRunMs",),
            "draw": ("drawMs",)}


def print_way_back(pages, splits):
    """Where the results' and store stages go, hop by hop (medians, ms); a hop a build does not report is left out."""
    def value(split, path):
        for key in path:
            split = split.get(key) if isinstance(split, dict) else None
        return split

    hops = [hop for hop, path in WAY_BACK.items() if any(value(split, path) is not None for name in pages for split in splits[name])]
    if not hops:
        return
    print("the records' way back (ms, median): python: Python serialising them; take: the host taking each")
    print("result from the worker, Python's serialising included; back: the results' message to the service")
    print("worker; serialise, history, session: keeping the run; reply: the run's message to the popup;")
    print("parse: the popup reading it; draw: its tables")
    print(f"  {'':<12}" + "".join(f"{hop:>11}" for hop in hops))
    for name in pages:
        cells = []
        for hop in hops:
            readings = [value(split, WAY_BACK[hop]) for split in splits[name]]
            readings = [reading for reading in readings if reading is not None]
            cells.append(f"{statistics.median(readings):11.0f}" if readings else f"{'':>11}")
        print(f"  {name + ' page':<12}" + "".join(cells))
    print()


def firefox_runs(base, runs, log):
    """The same clicks in headless firefox-esr (tests/firefox/bench-scrape.mjs): medians in ms, or None."""
    packages = sorted((ROOT / "dist" / "automation").glob("gleaner-firefox-automation-*.zip"))
    if not packages or not shutil.which("firefox-esr"):
        log("note: no Firefox package or no firefox-esr; Firefox rows left out")
        return None
    done = subprocess.run(
        ["node", str(ROOT / "tests" / "firefox" / "bench-scrape.mjs"), str(packages[-1]), page_url(base, "small"), str(runs)],
        capture_output=True, text=True, timeout=1800, cwd=ROOT,
    )
    if done.returncode != 0:
        log(f"note: the Firefox runs failed: {done.stderr.strip()[-500:]}")
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def median_stages(boots):
    keys = sorted({key for boot in boots for key, value in boot.items() if isinstance(value, (int, float)) and not isinstance(value, bool)})
    return {key: round(statistics.median(boot.get(key, 0) for boot in boots)) for key in keys}


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
