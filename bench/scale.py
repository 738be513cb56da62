"""Pages per second under Scrapy: one worker, two workers on one Redis, and one worker on static pages.

Run from the repository root (needs redis-server and requirements-dev.txt)::

    python3 bench/scale.py             # 3 runs of each, medians
    python3 bench/scale.py --runs 1

A generated shop (tests/scrapy_site/shop.py: list pages -> product pages)
of 501 pages with 100 ms latency per page is crawled by `crawl --engine
scrapy` with its polite defaults (robots.txt, AutoThrottle) and --delay 0,
by one worker and then by two workers sharing a fresh redis-server; then
one worker without Redis crawls a shop of 501 pages served with no latency.
Pages per second are measured where the pages are served: pages served
divided by the time from the first page's request to the last page's
answer, so process start-up and the workers' idle wait at the end do not
count. Targets: speedup >= 1.6, static >= 50 pages/s. The last line is
machine-readable:

    SCALE pages_per_s_1=... pages_per_s_2=... speedup=... static_pages_per_s=...
"""

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from scrapy_site.redis_server import running_redis  # noqa: E402
from scrapy_site.shop import page_paths, serve_shop  # noqa: E402

PRODUCTS = 455  # 455 product pages + 46 list pages = 501 pages
PLUGIN = ROOT / "tests" / "scrapy_site" / "shop_plugin.py"


def command(start, *options):
    return [sys.executable, str(ROOT / "build.py"), "crawl", start, "--engine", "scrapy", "--plugin", str(PLUGIN),
            "--delay", "0", "--log-level", "WARNING", *options]


def run_workers(workers, latency, redis_url=None, crawl_name=None):
    """Pages per second for ``workers`` processes on one shop; checks each page was served exactly once."""
    with tempfile.TemporaryDirectory(prefix="gleaner-scale-") as scratch, serve_shop(PRODUCTS, latency=latency) as (base, hits):
        processes = []
        for n in range(workers):
            options = ["-o", f"{scratch}/worker-{n}.jsonl"]
            if redis_url:
                options += ["--redis", redis_url, "--crawl-name", crawl_name, "--idle", "2"]
            processes.append(subprocess.Popen(command(f"{base}/list/1", *options), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True))
        for process in processes:
            _, err = process.communicate(timeout=1800)
            if process.returncode != 0:
                raise SystemExit(f"a worker failed ({process.returncode}): {err[-2000:]}")
        pages = {path: count for path, count in hits.items() if path != "/robots.txt"}
        if pages != {path: 1 for path in page_paths(PRODUCTS)}:
            raise SystemExit(f"pages were missed or fetched twice: {sum(pages.values())} fetches for {len(page_paths(PRODUCTS))} pages")
        records = sum(len(Path(scratch, f"worker-{n}.jsonl").read_text().splitlines()) for n in range(workers))
        if records != PRODUCTS:
            raise SystemExit(f"{records} records, expected {PRODUCTS}")
        return len(pages) / (hits.last - hits.first)


def cpu_seconds_of_children():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    one, two, static, cpu_ms = [], [], [], []
    with tempfile.TemporaryDirectory(prefix="gleaner-scale-redis-") as folder, running_redis(folder) as redis:
        for run in range(args.runs):
            one.append(run_workers(1, 0.1, redis.url, f"scale-1-{run}"))
            two.append(run_workers(2, 0.1, redis.url, f"scale-2-{run}"))
            cpu_before = cpu_seconds_of_children()
            static.append(run_workers(1, 0.0))
            # The worker's whole CPU time (start-up included) per page: what the load on a shared machine does not change.
            cpu_ms.append((cpu_seconds_of_children() - cpu_before) * 1000 / len(page_paths(PRODUCTS)))
            print(f"run {run + 1}: 1 worker {one[-1]:.1f} pages/s, 2 workers {two[-1]:.1f} pages/s, static {static[-1]:.1f} pages/s", flush=True)
    p1, p2, ps = statistics.median(one), statistics.median(two), statistics.median(static)
    print(f"static worker: {statistics.median(cpu_ms):.1f} ms of CPU per page, start-up included (median)")
    print(f"ranges: 1 worker {min(one):.1f}-{max(one):.1f}, 2 workers {min(two):.1f}-{max(two):.1f}, static {min(static):.1f}-{max(static):.1f} pages/s")
    print(f"SCALE pages_per_s_1={p1:.1f} pages_per_s_2={p2:.1f} speedup={p2 / p1:.2f} static_pages_per_s={ps:.1f}")


if __name__ == "__main__":
    main()
