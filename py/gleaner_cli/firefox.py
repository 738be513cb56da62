"""Scrape pages in headless firefox-esr through the Node driver (firefox-driver.mjs), in one launch.

The CLI sends one page; the Firefox corpus test and bench/firefox_corpus.py
send the whole corpus, so Firefox starts once (it takes 10 s or more).
"""

import json
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIREFOX_DRIVER = Path(__file__).resolve().parent / "firefox-driver.mjs"


class FirefoxError(Exception):
    """The driver could not run at all (no package, no Firefox, a crash): one sentence."""


def automation_package(root=ROOT):
    """The web-ext package of dist/firefox-automation that the driver installs."""
    version = json.loads((root / "manifest.json").read_text())["version"]
    return root / "dist" / "automation" / f"gleaner-firefox-automation-{version}.zip"


def run_jobs(jobs, *, package=None, scrapers=(), fmt="json", user_scrapers=None, timeout=None, install=False, index_url=None):
    """Each job ({url, file?, contentType?, pages?, pageScripts?}, see the driver) scraped in turn.

    With ``install``, the user scrapers are installed as the options page
    does (their pinned packages fetched from ``index_url``), not written to storage.

    Returns the driver's reply: {launchSeconds, jobs: [one answer per job]}.
    """
    package = package or automation_package()
    if not package.exists():
        raise FirefoxError("the Firefox package is not built: run 'python build.py' first")
    with tempfile.TemporaryDirectory(prefix="gleaner-firefox-") as scratch:
        command = ["node", str(FIREFOX_DRIVER), "scrape", "--extension", str(package), "--format", fmt]
        for name in scrapers:
            command += ["--scraper", name]
        if user_scrapers:
            path = Path(scratch) / "user-scrapers.json"
            path.write_text(json.dumps(user_scrapers))
            command += ["--install-scrapers" if install else "--user-scrapers", str(path)]
        if index_url:
            command += ["--index-url", index_url]
        path = Path(scratch) / "jobs.json"
        path.write_text(json.dumps(jobs))
        completed = subprocess.run(command + ["--jobs", str(path)], capture_output=True, text=True, cwd=ROOT, timeout=timeout)
    lines = completed.stdout.strip().splitlines()
    if not lines:
        raise FirefoxError(f"the Firefox driver failed: {completed.stderr.strip().splitlines()[-1:] or 'no output'}")
    reply = json.loads(lines[-1])
    if "error" in reply:
        raise FirefoxError(reply["error"])
    return reply
