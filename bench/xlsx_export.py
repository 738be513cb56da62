"""How long the first XLSX export takes in headless Chromium, against the next ones.

The first XLSX export in a Python session imports openpyxl (about a hundred
modules); the text formats need nothing new. Uses the extension already built
in dist/chrome-automation (run ``python build.py`` first). From the
repository root::

    python bench/xlsx_export.py            # 3 rounds
    python bench/xlsx_export.py --runs 5

Each round: a fresh profile, the demo page scraped (the popup opened on it),
then XLSX exports of its ``links`` records through the service worker, as the
popup's button asks for them: the first (``first_ms``) and the next two
(``again_ms``, their median). Then the browser restarts on the same profile
(Python restored from its memory snapshot), the page is scraped again and the
first XLSX export is timed once more (``restored_ms``). A CSV export right
before each first XLSX export makes sure Python is idle and booted, so the
XLSX time is the export's own.

Prints a row per round and, last, one machine-readable line:

    BENCH xlsx_first_ms=... xlsx_again_ms=... xlsx_restored_ms=...

(medians over the rounds; the worst readings are in the rows above it).
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "py"))

from gleaner_cli.browser import ExtensionBrowser, serve_directory  # noqa: E402

BUILT = ROOT / "dist" / "chrome-automation"
PAGE = ROOT / "demo" / "demo-page.html"
# Timed in the popup's own page, without Playwright's round trips.
TIMED_EXPORT = """async ([tabId, format]) => {
  const started = performance.now();
  const reply = await chrome.runtime.sendMessage({ target: 'service-worker', name: 'ExportRecords',
    payload: { tabId, scraper: 'links', format } });
  if (!reply.ok) throw new Error(JSON.stringify(reply.error));
  return performance.now() - started;
}"""


def export_ms(popup, tab_id, fmt):
    return popup.evaluate(TIMED_EXPORT, [tab_id, fmt])


def scrape(browser, url):
    _, tab_id = browser.open_tab(url)
    popup = browser.open_popup(tab_id)
    state = popup.evaluate("() => document.body.dataset.state")
    if state != "done":
        raise SystemExit(f"the popup ended in state {state}")
    export_ms(popup, tab_id, "csv")
    return popup, tab_id


def one_round(extension, url):
    with tempfile.TemporaryDirectory(prefix="gleaner-bench-") as profile:
        with ExtensionBrowser(extension, profile_dir=profile) as browser:
            popup, tab_id = scrape(browser, url)
            first = export_ms(popup, tab_id, "xlsx")
            again = statistics.median(export_ms(popup, tab_id, "xlsx") for _ in range(2))
        with ExtensionBrowser(extension, profile_dir=profile) as browser:
            popup, tab_id = scrape(browser, f"{url}?restored")
            restored = export_ms(popup, tab_id, "xlsx")
    return first, again, restored


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="rounds, each in a fresh profile")
    args = parser.parse_args()
    if not (BUILT / "manifest.json").exists():
        raise SystemExit("dist/chrome-automation is missing: run 'python build.py' first")
    print(f"first XLSX export, headless Chromium; load average when it started {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    work = Path(tempfile.mkdtemp(prefix="gleaner-bench-"))
    try:
        # A private copy: a test run started meanwhile rebuilds dist/ under the browser.
        extension = work / "chrome-automation"
        shutil.copytree(BUILT, extension)
        rows = []
        with serve_directory(PAGE.parent) as base:
            for i in range(args.runs):
                rows.append(one_round(extension, f"{base}/{PAGE.name}?round={i}"))
                print("round {}: first {:.0f} ms, again {:.0f} ms, after a restart {:.0f} ms".format(i + 1, *rows[-1]))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    first, again, restored = (statistics.median(column) for column in zip(*rows))
    print(f"BENCH xlsx_first_ms={first:.0f} xlsx_again_ms={again:.0f} xlsx_restored_ms={restored:.0f}")


if __name__ == "__main__":
    main()
