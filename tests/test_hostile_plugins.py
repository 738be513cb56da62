"""Broken and hostile plugins never break the extension (real headless Chromium).

Every plugin in tests/hostile/ below runs in one scrape next to the built-ins:
each fails with its own clear error, the others' records are kept, and the
next scrape works. Time limits are 2 s here to keep the test short.
"""

import subprocess
import sys
import time

from conftest import ROOT
from gleaner.plugins import load_plugin
from gleaner_cli.browser import popup_results

HOSTILE = ROOT / "tests" / "hostile"
BROKEN = ("runaway", "stubborn", "memory_hog", "deep_recursion", "chatterbox", "unserializable", "flood", "hijacker")


def install(chromium, *files):
    scrapers = []
    for file in files:
        source = (HOSTILE / f"{file}.py").read_text()
        scrapers.append({"source": source, "metadata": load_plugin(source, f"{file}.py").metadata(), "enabled": True})
    chromium.set_user_scrapers(scrapers)


def run_results(chromium, popup, tab_id):
    assert popup.evaluate("document.body.dataset.state") == "done", popup.inner_text("#status")
    reply = chromium.send(popup, "GetLastRun", {"tabId": tab_id})
    return {r["scraper"]: r for r in reply["result"]["results"]}


def test_broken_plugins_fail_alone_and_the_next_scrape_works(chromium, site):
    install(chromium, *BROKEN)
    try:
        _, tab_id = chromium.open_tab(f"{site}/shop.html?hostile")
        started = time.monotonic()
        popup = chromium.open_popup(tab_id, timeout_ms=240_000)
        seconds = time.monotonic() - started
        results = run_results(chromium, popup, tab_id)
        shown = {r["scraper"]: r for r in popup_results(popup)}
        print(f"hostile run: {seconds:.1f} s", {name: r.get("ms") for name, r in results.items()})
    finally:
        chromium.set_user_scrapers([])

    # Runaway code: stopped at its 2 s limit by KeyboardInterrupt, its records so far kept.
    runaway = results["runaway"]
    assert not runaway["ok"] and runaway["error"]["type"] == "Timeout"
    assert runaway["error"]["message"].startswith("runaway was stopped after 2 s, its time limit")
    assert "The 2 records it gave before that are kept." in runaway["error"]["message"]
    assert runaway["records"] == [{"n": 1}, {"n": 2}]
    # The popup says which plugin was stopped and why.
    assert shown["runaway"]["error"].startswith("runaway was stopped after 2 s, its time limit: it ran too long")

    # Swallowing the KeyboardInterrupt does not help: the worker is replaced.
    stubborn = results["stubborn"]
    assert stubborn["error"]["type"] == "Timeout" and stubborn["error"]["message"].endswith("Python was restarted.")

    memory = results["memory-hog"]
    assert not memory["ok"] and memory["error"]["type"] == "MemoryError"

    recursion = results["deep-recursion"]
    assert not recursion["ok"] and recursion["error"]["type"] == "RecursionError"
    assert "line 9, in down" in recursion["error"]["traceback"]

    assert results["chatterbox"]["ok"] and results["chatterbox"]["records"] == [{"printed_mb": 32}]

    unserializable = results["unserializable"]
    assert unserializable["error"]["type"] == "UnsupportedOutput"
    assert "record 1.link is a bs4.element.Tag" in unserializable["error"]["message"]
    assert unserializable["records"] == [{"fine": True}]

    flood = results["flood"]
    assert flood["error"]["type"] == "OutputTooLarge"
    assert flood["error"]["message"] == "flood produced more than 16 MB of records; the first 15 are kept"
    assert [r["n"] for r in flood["records"]] == list(range(1, 16))

    # Its forged replies lack the worker's reply token and are ignored (its own
    # call included: its real result arrives); the channel and the worker survive it.
    hijacker = results["hijacker"]
    assert hijacker["ok"], hijacker["error"]
    attempts = {r.get("attempt"): r.get("outcome") for r in hijacker["records"]}
    assert set(attempts) == {"close", "onmessage", "postMessage"} and attempts["close"] != "done"

    # Nobody else lost a record: the built-ins ran with the real page.
    assert results["links"]["ok"] and [r["text"] for r in results["links"]["records"]] == ["Über uns", 'Extern, mit "Zitat"', "=formula", "Live DOM"]
    assert results["metadata"]["ok"]

    # And the extension keeps working: the next scrape of another page is sound.
    _, tab_id = chromium.open_tab(f"{site}/shop.html?after-hostile")
    popup = chromium.open_popup(tab_id)
    after = run_results(chromium, popup, tab_id)
    assert set(after) >= {"links", "metadata"} and all(r["ok"] for r in after.values())
    assert len(after["links"]["records"]) == 4


def test_global_time_limit_applies_to_plugins_without_their_own(chromium, site):
    source = (HOSTILE / "runaway.py").read_text().replace("TIMEOUT = 2\n", "")
    chromium.set_user_scrapers([{"source": source, "metadata": load_plugin(source, "runaway.py").metadata(), "enabled": True}])
    chromium.service_worker.evaluate("() => chrome.storage.local.set({ scraperTimeoutSeconds: 1 })")
    try:
        _, tab_id = chromium.open_tab(f"{site}/shop.html?global-timeout")
        popup = chromium.open_popup(tab_id)
        results = run_results(chromium, popup, tab_id)
    finally:
        chromium.set_user_scrapers([])
        chromium.service_worker.evaluate("() => chrome.storage.local.remove('scraperTimeoutSeconds')")
    assert results["runaway"]["error"]["message"].startswith("runaway was stopped after 1 s, its time limit")
    assert results["links"]["ok"]


def test_cli_names_the_stopped_plugin_and_still_writes_the_others(tmp_path, extension_dir):
    out = tmp_path / "out.json"
    done = subprocess.run(
        [sys.executable, "build.py", "scrape", "tests/pages/shop.html", "--url", "http://127.0.0.1/shop.html",
         "--plugin", "tests/hostile/runaway.py", "-o", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 1, done.stderr
    assert "scraper runaway failed: Timeout: runaway was stopped after 2 s, its time limit" in done.stderr
    import json

    written = json.loads(out.read_text())
    assert written["runaway"] == {"error": written["runaway"]["error"]} and written["runaway"]["error"]["type"] == "Timeout"
    assert len(written["links"]) == 4


def test_native_cli_stops_and_contains_plugins_the_same_way(tmp_path):
    import json

    out = tmp_path / "out.json"
    plugins = [arg for name in ("runaway", "stubborn", "memory_hog", "deep_recursion", "flood") for arg in ("--plugin", f"tests/hostile/{name}.py")]
    done = subprocess.run(
        [sys.executable, "build.py", "scrape", "tests/pages/shop.html", "--native", *plugins, "-o", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert "scraper runaway failed: Timeout: runaway was stopped after 2 s, its time limit: it ran too long (an endless loop?). The 2 records it gave before that are kept." in done.stderr
    assert "scraper stubborn failed: Timeout: stubborn was stopped after 2 s, its time limit: it ran too long (an endless loop?). Its process was ended." in done.stderr
    written = json.loads(out.read_text())
    assert written["memory-hog"]["error"]["type"] == "MemoryError"
    assert written["deep-recursion"]["error"]["type"] == "RecursionError"
    assert written["flood"]["error"]["message"] == "flood produced more than 16 MB of records; the first 15 are kept"
    assert [r["text"] for r in written["links"]] == ["Über uns", 'Extern, mit "Zitat"', "=formula"]
