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


class FirefoxBridge:
    """One headless Firefox with the extension, kept for a conversation
    (the driver's ``serve`` command): extension commands and URL lists in,
    replies out, one JSON line each way. ``python build.py crawl --browser
    firefox`` talks to the event page through it, as the Chromium crawl talks
    through Playwright."""

    def __init__(self, *, package=None, user_scrapers=None):
        self.package = package or automation_package()
        self.user_scrapers = user_scrapers
        self._scratch = None
        self._process = None

    def __enter__(self):
        if not self.package.exists():
            raise FirefoxError("the Firefox package is not built: run 'python build.py' first")
        self._scratch = tempfile.TemporaryDirectory(prefix="gleaner-firefox-")
        scratch = Path(self._scratch.name)
        command = ["node", str(FIREFOX_DRIVER), "serve", "--extension", str(self.package)]
        if self.user_scrapers:
            (scratch / "user-scrapers.json").write_text(json.dumps(self.user_scrapers))
            command += ["--user-scrapers", str(scratch / "user-scrapers.json")]
        # The driver's own messages go to a file: a pipe nobody reads could fill and stall it.
        self._log = open(scratch / "driver.log", "w+")  # noqa: SIM115 (closed in __exit__)
        self._process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, text=True, cwd=ROOT)
        try:
            self._read()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        if self._process:
            self._process.stdin.close()
            try:
                self._process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
        self._log.close()
        self._scratch.cleanup()

    def _read(self):
        line = self._process.stdout.readline()
        if not line:
            self._log.seek(0)
            last = self._log.read().strip().splitlines()[-1:]
            raise FirefoxError(f"the Firefox driver stopped: {last[0] if last else 'no output'}")
        reply = json.loads(line)
        if isinstance(reply, dict) and "error" in reply and "ok" not in reply:
            raise FirefoxError(reply["error"])
        return reply

    def request(self, request):
        self._process.stdin.write(json.dumps(request) + "\n")
        self._process.stdin.flush()
        return self._read()

    def send(self, name, payload):
        """The extension's reply to a command: {ok, result | error}."""
        return self.request({"send": name, "payload": payload})

    def parse_url_list(self, text):
        return self.request({"parseUrlList": text})
