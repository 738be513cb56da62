"""The extension's own memory around a 20 MB page: does a very large page leave Python's worker big?

Run from the repository root after ``python build.py``::

    python bench/memory_after_huge.py

One headless Chromium with the built extension (dist/chrome-automation) and
a keep-warm period of one minute. It scrapes bench/perf.py's synthetic 20 MB
table page (130k rows) with the ScrapeTab command, as the popup sends it,
from an extension page it then closes, and reads the PSS of the extension's
process alone (the service worker, the offscreen document and Python's
Worker; bench/crawl.py's process kinds): before the scrape (Python booted
by the install), 20 s after it (the host replaces the worker after pages
over 8 MB), and after the keep-warm period (the offscreen document closed).
Tabs' renderers, which hold the pages themselves, are not counted; nor is a
popup, which holds the run it shows.

The last line is machine-readable (MB)::

    MEMORY_AFTER_20M before_mb=... after_mb=... idle_mb=... records=...
"""

import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "py"))

from gleaner_cli.browser import ExtensionBrowser, serve_directory  # noqa: E402
from perf import pss_mb, synthetic_page  # noqa: E402

BUILT = ROOT / "dist" / "chrome-automation"
KEEP_WARM_MINUTES = 1


def main():
    if not (BUILT / "python" / "build-info.json").exists():
        raise SystemExit(f"{BUILT} is missing or stale: run 'python build.py' first")
    work = Path(tempfile.mkdtemp(prefix="gleaner-memory-"))
    try:
        synthetic_page(work / "site" / "table-20m.html", 20_000_000)
        extension, profile = work / "extension", work / "profile"
        shutil.copytree(BUILT, extension)  # the browser writes beside it: keep dist/ clean
        with serve_directory(work / "site") as base, ExtensionBrowser(extension, profile_dir=profile) as browser:
            browser.service_worker.evaluate(f"() => chrome.storage.local.set({{ keepWarmMinutes: {KEEP_WARM_MINUTES} }})")
            time.sleep(20)  # the install's boot and its snapshot
            before = pss_mb(profile, "extension")
            tab_page, tab_id = browser.open_tab(f"{base}/table-20m.html")
            page = browser.context.new_page()
            page.goto(browser.url("extension/options/options.html"))
            reply, run = browser.scrape_tab(page, tab_id)
            if not reply["ok"]:
                raise SystemExit(f"the scrape failed: {reply}")
            records = sum(len(result.get("records", [])) for result in run["results"])
            page.close()
            tab_page.close()
            time.sleep(20)
            after = pss_mb(profile, "extension")
            time.sleep(KEEP_WARM_MINUTES * 60 + 10)
            idle = pss_mb(profile, "extension")
        print(f"the extension's process (PSS, MB): before the scrape {before:.0f}, 20 s after the 20 MB page {after:.0f}, "
              f"after the keep-warm period {idle:.0f}; {records} records")
        print(f"MEMORY_AFTER_20M before_mb={before:.0f} after_mb={after:.0f} idle_mb={idle:.0f} records={records}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
