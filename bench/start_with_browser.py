"""Does "Start Python when the browser starts" pay? The first click after a browser start, with the setting off and on.

Gleaner is installed in one Chromium profile by policy, as a person's
browser keeps an extension (tests/installed_extension.py: runtime.onStartup,
which the setting listens to, never fires for --load-extension); its first
launch boots Python and stores the memory snapshot. Then the browser is
restarted again and again, the setting off and on in turn (alternating which
goes first), and each time a page never scraped is clicked (the popup timed
from its navigation to the records drawn, as bench/perf.py's "cold later"),
either as soon as the tab is ready ("at once") or some seconds after the
browser started (``--click-after``, a person's first click). Before the
later click the bench reads the memory of the extension's renderer process
(PSS; the offscreen document and Python's worker live there): ``held_mb``
is its median with the setting on less its median off, what the setting
holds while nobody clicks.

Uses dist/chrome-automation (run ``python build.py`` first). Needs root (a
private mount namespace for the policy; nothing on the machine changes).
From the repository root::

    python bench/start_with_browser.py --restarts 5

Prints every click, then one line (medians and worst over the restarts, ms;
memory in MB):

    START_AT_BROWSER_START click_off_ms=... click_on_ms=... click_off_worst_ms=... click_on_worst_ms=...
        at_once_off_ms=... at_once_on_ms=... at_once_off_worst_ms=... at_once_on_worst_ms=... held_mb=... boot_at_start_ms=... restarts=...

(``boot_at_start_ms``: the median boot, from the snapshot, that the setting
adds to the browser's start.)
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "tests")]
import perf  # noqa: E402
from installed_extension import PolicyInstall, unavailable  # noqa: E402

SET_SETTING = "(on) => chrome.storage.local.set({ startPythonWithBrowser: on })"


def extension_process_mb(profile):
    """PSS of the extension's renderer processes: its service worker, and the offscreen document with Python's worker when there is one.

    The whole browser's PSS moves by ±100 MB from one start to the next
    (spare renderers, caches); this is what the setting adds to.
    """
    total_kb = 0
    for pid in perf.browser_processes(profile):
        try:
            if b"--extension-process" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                continue
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
        except OSError:
            continue
        total_kb += sum(int(line.split()[1]) for line in rollup if line.startswith("Pss:"))
    return total_kb / 1024


def launches(restarts, click_after_s):
    """(setting, seconds before the click) per browser start: off and on in turn, each first every other restart."""
    plan = []
    for i in range(restarts):
        for on in (False, True) if i % 2 == 0 else (True, False):
            plan += [(on, 0), (on, click_after_s)]
    return plan


def measure(install, profile, base, plan, log):
    rows = []
    with install.browser(profile) as browser:
        log("first launch: installing by policy, Python's install-time boot and its snapshot")
        if not perf.wait_for_snapshot(browser.service_worker, 120):
            raise SystemExit("the install-time boot stored no memory snapshot")
        browser.service_worker.evaluate(SET_SETTING, plan[0][0])
    for index, (on, wait_s) in enumerate(plan):
        with install.browser(profile) as browser:
            started = time.monotonic()
            _, tab_id = browser.open_tab(f"{perf.page_url(base, 'small')}?start={index}")
            held = None
            if wait_s:
                time.sleep(max(0, wait_s - (time.monotonic() - started)))
                held = extension_process_mb(profile)
            clicked_at = datetime.now(timezone.utc)
            popup, ms = perf.click(browser, tab_id)
            boot = perf.last_run(browser, popup, tab_id)["boot"]
            before_click = datetime.fromisoformat(boot["startedAt"].replace("Z", "+00:00")) < clicked_at
            rows.append({"on": on, "wait_s": wait_s, "ms": ms, "held_mb": held, "warm": boot["warm"], "boot_ms": boot["totalMs"], "before_click": before_click})
            log(f"  setting {'on ' if on else 'off'}  click {'at once' if not wait_s else f'after {wait_s} s':<11} {ms:6.0f} ms  "
                f"Python {'booted before the click' if boot['warm'] else 'booting, started before the click' if before_click else 'started by the click'}"
                f" (boot {boot['totalMs']} ms){'' if held is None else f'  extension process {held:.0f} MB before the click'}")
            if index + 1 < len(plan):
                browser.service_worker.evaluate(SET_SETTING, plan[index + 1][0])
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--restarts", type=int, default=5, help="browser starts per setting and per click time")
    parser.add_argument("--click-after", type=float, default=10, help="seconds from the browser's start to the later click")
    args = parser.parse_args(argv)
    if args.click_after <= 0:
        parser.error("--click-after must be above 0 (the clicks at once are always measured)")
    if reason := unavailable():
        raise SystemExit(f"cannot install Gleaner by policy here: {reason}")
    log = lambda text: print(text, flush=True)  # noqa: E731
    log(f"load average at the start: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
    folder = perf.PAGES["small"].parent
    with perf.serve_directory(folder) as served, PolicyInstall(perf.BUILT) as install, tempfile.TemporaryDirectory(prefix="gleaner-bench-") as profile:
        rows = measure(install, profile, {folder: served}, launches(args.restarts, args.click_after), log)
    log(f"load average at the end: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")

    def clicks(on, later):
        return [row["ms"] for row in rows if row["on"] == on and bool(row["wait_s"]) == later]

    def held(on):
        return statistics.median(row["held_mb"] for row in rows if row["on"] == on and row["held_mb"] is not None)

    fields = {
        "click_off_ms": statistics.median(clicks(False, True)), "click_on_ms": statistics.median(clicks(True, True)),
        "click_off_worst_ms": max(clicks(False, True)), "click_on_worst_ms": max(clicks(True, True)),
        "at_once_off_ms": statistics.median(clicks(False, False)), "at_once_on_ms": statistics.median(clicks(True, False)),
        "at_once_off_worst_ms": max(clicks(False, False)), "at_once_on_worst_ms": max(clicks(True, False)),
        "held_mb": held(True) - held(False),
        "boot_at_start_ms": statistics.median(row["boot_ms"] for row in rows if row["on"]), "restarts": args.restarts,
    }
    print("START_AT_BROWSER_START " + " ".join(f"{key}={value:.0f}" for key, value in fields.items()))


if __name__ == "__main__":
    try:
        main()
    finally:
        perf.shutil.rmtree(perf.WORK, ignore_errors=True)
