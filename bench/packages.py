#!/usr/bin/env python3
"""Installing a scraper that pins packages, and running it: the real extension in headless Chromium.

    python bench/packages.py [--rounds 5]

The local package index of the tests (tests/package_index.py: price-parser
0.5.1 and attrs 26.1.0, real wheels) stands for the index, so the network is
not measured, only Gleaner's part: Save with a fetch (resolve in Python,
fetch in a tab, verify, store), Save of an update that keeps REQUIRES (no
fetch), and the scraper's run on tests/pages/price-shop.html: the first of a
fresh Python (the wheels read from IndexedDB, unpacked, price_parser
imported) and the warm ones after it (Python's own "ms" for the run). Each
round deletes the scraper first, which frees its wheels, so every Save
fetches.

The last line is machine-readable:
    PACKAGES rounds=... install_ms_median=... install_ms_max=... update_ms_median=... first_run_ms_max=... warm_run_ms_median=... warm_run_ms_max=...
Timings on a shared machine are noisy: run it a few times and quote ranges.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "py"), str(ROOT / "tests")]

PLUGIN = ROOT / "tests" / "pages" / "price_plugin.py"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)

    from gleaner_cli.browser import ExtensionBrowser, serve_directory
    from package_index import serve_index

    source = PLUGIN.read_text()
    installs, updates, first_runs, warm_runs = [], [], [], []
    with serve_index() as (index, _), serve_directory(ROOT / "tests" / "pages") as site:
        with ExtensionBrowser(ROOT / "dist" / "chrome-automation") as browser:
            options = browser.context.new_page()
            options.goto(browser.url("extension/options/options.html"))
            options.evaluate("(url) => chrome.storage.local.set({ packageIndexUrl: url, keepWarmMinutes: 0.05 })", f"{index}/simple/")
            browser.send(options, "WarmUp", {})
            for _ in range(args.rounds):
                browser.send(options, "DeleteScraper", {"name": "shop-prices"})
                started = time.perf_counter()
                reply = browser.send(options, "SaveScraper", {"source": source})
                installs.append((time.perf_counter() - started) * 1000)
                if not reply["ok"]:
                    raise SystemExit(reply["error"]["message"])
                started = time.perf_counter()
                browser.send(options, "SaveScraper", {"source": source, "originalName": "shop-prices"})
                updates.append((time.perf_counter() - started) * 1000)
                page, tab_id = browser.open_tab(f"{site}/price-shop.html")
                popup = browser.open_popup(tab_id)
                # Python is let go after 3 s idle (keepWarmMinutes above): the first run is a fresh worker's.
                time.sleep(5)
                for run in range(3):
                    popup.click("#scrape")
                    deadline = time.monotonic() + 60
                    while popup.evaluate("document.body.dataset.state") != "running" and time.monotonic() < deadline:
                        time.sleep(0.01)
                    popup.wait_for_selector("body[data-state=done], body[data-state=error]", timeout=60_000)
                    result = {r["scraper"]: r for r in browser.send(popup, "GetLastRun", {"tabId": tab_id})["result"]["results"]}["shop-prices"]
                    if not result["ok"]:
                        raise SystemExit(result["error"]["message"])
                    (first_runs if run == 0 else warm_runs).append(result["ms"])
                popup.close()
                page.close()
    print(f"install (fetch, verify, store) ms: {[round(x) for x in installs]}; update without fetch: {[round(x) for x in updates]}", file=sys.stderr)
    print(f"run ms, first of a fresh Python: {first_runs}; warm: {warm_runs}", file=sys.stderr)
    print(
        f"PACKAGES rounds={args.rounds} install_ms_median={statistics.median(installs):.0f} install_ms_max={max(installs):.0f} "
        f"update_ms_median={statistics.median(updates):.0f} first_run_ms_max={max(first_runs):.0f} "
        f"warm_run_ms_median={statistics.median(warm_runs):.1f} warm_run_ms_max={max(warm_runs):.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
