#!/usr/bin/env python3
"""Crawl speed and memory: the real extension in headless Chromium on a local synthetic site.

    python bench/crawl.py [--pages 50] [--big 1000]

Two crawls with no delay between pages, both of a URL list on 127.0.0.1
(so nothing but the crawl itself is measured; the site answers at once):

- ``--pages`` (default 50): the overhead per page, the crawl's time beyond
  the pages' own loads: (wall time - the sum of each page's load, from
  Navigation Timing) / pages. It includes the settle time (100 ms by default),
  the capture, the Python run and the commit.
- ``--big`` (default 1000): memory must stay flat. The memory the browser
  allocated (every process of its profile, from /proc: anonymous and shared
  memory, PSS, see ALLOCATED_FIELDS) is sampled as pages go by, by kind of process (browser,
  extension, renderer, GPU, utility); standard error gives each kind's
  growth, the line the peak and the growth of the whole from the first
  quarter of the crawl to the last (medians of the samples in each).

``--heaps``: while the big crawl runs, bench/crawl_heaps.mjs reads the
service worker's, the offscreen document's and Python's Worker's JavaScript
heaps after a forced garbage collection (through Chromium's DevTools port),
every 15 s, on standard error: what the crawl holds, garbage aside.
bench/crawl_python_heap.mjs does the same for Python's own heap, under Node.

The last line is machine-readable:
    CRAWL pages=... seconds=... overhead_ms_per_page=... peak_mb=... big_pages=... big_seconds=... big_peak_mb=... mb_growth_first_to_last_quarter=...
Timings on a shared machine are noisy: run it a few times and quote ranges.
"""

import argparse
import contextlib
import http.server
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "py"))

from gleaner_cli.browser import ExtensionBrowser  # noqa: E402

AUTOMATION_BUILD = ROOT / "dist" / "chrome-automation"
SCRAPER = "links"  # a built-in: every page's links, a few records a page


class SyntheticSite(http.server.BaseHTTPRequestHandler):
    """/item/N: a small product page with a handful of links."""

    def do_GET(self):  # noqa: N802
        if not self.path.startswith("/item/"):
            self.send_error(404)
            return
        number = int(self.path.rsplit("/", 1)[-1])
        links = "".join(f'<li><a href="/item/{number * 7 + k}">Item {number * 7 + k}</a></li>' for k in range(5))
        body = (
            f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Item {number}</title></head>'
            f'<body><h1>Item {number}</h1><p class="price">{number % 97}.99</p><ul>{links}</ul></body></html>'
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), SyntheticSite)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def process_kind(cmdline):
    """Which of the browser's processes this is, from its command line."""
    # Chromium rewrites its children's command lines as one string, spaces between arguments.
    args = cmdline.replace(b"\0", b" ").split()
    kind = next((a.split(b"=", 1)[1].decode() for a in args if a.startswith(b"--type=")), "browser")
    if kind == "renderer" and b"--extension-process" in args:
        return "extension"  # the service worker, the offscreen document and Python's Worker
    if kind == "utility":
        sub = next((a.split(b"=", 1)[1].decode() for a in args if a.startswith(b"--utility-sub-type=")), "")
        return f"utility:{sub.split('.')[0]}"
    return kind


# The memory a process allocated itself, from its smaps_rollup: anonymous
# and shared-memory pages, each counted in proportion to the processes of
# this browser that share it (PSS). File-backed pages (the browser's binary
# and libraries) are left out: other Chromium instances on the machine share
# them, so their PSS moves by tens of MB as those come and go, whatever the
# crawl does.
ALLOCATED_FIELDS = ("Pss_Anon:", "Pss_Shmem:")


def browser_memory_mb(profile_dir):
    """Memory every process started with this profile allocated, in MB, by
    kind of process (see ALLOCATED_FIELDS)."""
    kinds = {}
    marker = str(profile_dir).encode()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
            if marker not in cmdline:
                continue
            kilobytes = sum(int(line.split()[1]) for line in Path(f"/proc/{entry}/smaps_rollup").read_text().splitlines() if line.startswith(ALLOCATED_FIELDS))
        except OSError:
            continue
        kind = process_kind(cmdline)
        kinds[kind] = kinds.get(kind, 0) + kilobytes / 1024
    return kinds


def run_crawl(browser, page, base, pages):
    """One list crawl of /item/1..pages; returns (seconds, load ms per page, memory samples)."""
    urls = [f"{base}/item/{n}" for n in range(1, pages + 1)]
    reply = browser.send(page, "StartCrawl", {"mode": "list", "urls": urls, "scrapers": [SCRAPER], "maxPages": pages, "delaySeconds": 0})
    if not reply["ok"]:
        raise SystemExit(reply["error"]["message"])
    crawl_id = reply["result"]["id"]
    started = time.perf_counter()
    samples = []  # (pages done, {kind of process: MB})
    while True:
        # The summary only: GetCrawl lists pages, which would load the crawl it measures.
        crawl = next(c for c in browser.send(page, "ListCrawls", {})["result"]["crawls"] if c["id"] == crawl_id)
        samples.append((crawl["counters"]["done"], browser_memory_mb(browser.profile_dir)))
        if crawl["state"] != "running":
            break
        time.sleep(0.5)
    seconds = time.perf_counter() - started
    if crawl["state"] != "done" or crawl["counters"]["done"] != pages:
        raise SystemExit(f"the crawl ended {crawl['state']} after {crawl['counters']}: {crawl['message']}")
    timings = browser.send(page, "GetCrawl", {"crawlId": crawl_id, "withTimings": True})["result"]["timings"]
    browser.send(page, "DeleteCrawl", {"crawlId": crawl_id})
    visits = [t["ms"] for t in timings]
    print(f"  a page's visit (tab opened to records committed): median {statistics.median(visits):.0f} ms", file=sys.stderr)
    return seconds, [t["loadMs"] or 0 for t in timings], samples


HEAPS_PORT = 9339


@contextlib.contextmanager
def heap_reader(on):
    """bench/crawl_heaps.mjs, printing to standard error, for as long as the block runs."""
    if not on:
        yield
        return
    reader = subprocess.Popen(["node", str(ROOT / "bench" / "crawl_heaps.mjs"), str(HEAPS_PORT)], stdout=sys.stderr, cwd=ROOT)
    try:
        yield
    finally:
        reader.terminate()
        reader.wait()


def report_memory(samples, pages):
    """The memory growth from the first quarter of the crawl to the last (the
    medians of the samples taken in each), in all and by kind of process, on
    standard error; returns (growth MB, peak MB)."""
    quarter = pages // 4
    early = [kinds for done, kinds in samples if 0 < done <= quarter] or [samples[0][1]]
    late = [kinds for done, kinds in samples if done >= pages - quarter]
    total = lambda kinds: sum(kinds.values())  # noqa: E731
    median_of = lambda group, key: statistics.median(key(kinds) for kinds in group)  # noqa: E731
    growth = median_of(late, total) - median_of(early, total)
    peak = max(total(kinds) for _, kinds in samples)
    print(f"{pages} pages: memory median {median_of(early, total):.0f} MB in the first quarter, {median_of(late, total):.0f} MB in the last (growth {growth:+.0f} MB); peak {peak:.0f} MB", file=sys.stderr)
    for kind in sorted({kind for _, kinds in samples for kind in kinds}):
        first, last = median_of(early, lambda k: k.get(kind, 0)), median_of(late, lambda k: k.get(kind, 0))
        print(f"  {kind:<24} {first:7.1f} MB -> {last:7.1f} MB ({last - first:+.1f})", file=sys.stderr)
    return growth, peak


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--big", type=int, default=1000, help="pages of the memory crawl (0: skip it)")
    parser.add_argument("--heaps", action="store_true", help="also print the extension's JavaScript heaps after garbage collection during the big crawl")
    args = parser.parse_args(argv)
    if not AUTOMATION_BUILD.exists():
        raise SystemExit("run 'python build.py' first")
    with serve() as base, tempfile.TemporaryDirectory(prefix="gleaner-bench-crawl-") as scratch:
        # A copy of the build: a rebuild during the long run cannot change it.
        extension = Path(scratch) / "extension"
        shutil.copytree(AUTOMATION_BUILD, extension)
        profile = Path(scratch) / "profile"
        extra = [f"--remote-debugging-port={HEAPS_PORT}"] if args.heaps else []
        with ExtensionBrowser(extension, profile_dir=profile, extra_args=extra) as browser:
            page = browser.context.new_page()
            page.goto(browser.url("extension/options/options.html"))
            # Python's first boot is not the crawl's: warm it up first.
            browser.send(page, "WarmUp", {})
            seconds, loads, samples = run_crawl(browser, page, base, args.pages)
            overhead = (seconds * 1000 - sum(loads)) / args.pages
            peak = max(sum(kinds.values()) for _, kinds in samples)
            print(f"{args.pages} pages in {seconds:.1f} s; page loads median {statistics.median(loads):.0f} ms; overhead {overhead:.0f} ms a page; browser peak {peak:.0f} MB", file=sys.stderr)
            line = f"CRAWL pages={args.pages} seconds={seconds:.1f} overhead_ms_per_page={overhead:.0f} peak_mb={peak:.0f}"
            if args.big:
                with heap_reader(args.heaps):
                    big_seconds, _, big_samples = run_crawl(browser, page, base, args.big)
                growth, big_peak = report_memory(big_samples, args.big)
                line += f" big_pages={args.big} big_seconds={big_seconds:.0f} big_peak_mb={big_peak:.0f} mb_growth_first_to_last_quarter={growth:.0f}"
    print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
