"""Plugins cannot send data anywhere, and web pages and content scripts cannot command the extension.

Real headless Chromium, the built extension. The sink is a recording server
on 127.0.0.1 (tests/hostile/recorder.py) that stands for the internet.
"""

import json
import time

import pytest

from conftest import ROOT
from gleaner.plugins import load_plugin
from gleaner_cli.browser import popup_results
from hostile.recorder import recording_server

HOSTILE = ROOT / "tests" / "hostile"

# Every route tests/hostile/exfiltrate.py tries, in its order.
SYNC_ROUTES = (
    "fetch", "fetch-no-cors-keepalive-post", "xhr-sync", "xhr-async", "websocket", "eventsource", "sendBeacon",
    "importScripts", "eval-dynamic-import", "Function-constructor", "pyodide-run_js", "nested-worker", "blob-worker",
    "FontFace", "WebTransport", "pyfetch", "pyodide-open_url", "loadPackage", "micropip", "urllib", "socket",
    "chrome.runtime.sendMessage", "browser.runtime", "navigator.serviceWorker", "BroadcastChannel", "indexedDB",
    "caches", "navigator.storage-OPFS",
)
# Routes the browser refuses on the spot, and the words of its refusal.
REFUSED = {
    "xhr-sync": "NetworkError",
    "pyodide-open_url": "NetworkError",
    "importScripts": "Module scripts don't support importScripts()",
    "eval-dynamic-import": "violates the following Content Security Policy directive",
    "Function-constructor": "violates the following Content Security Policy directive",
    "pyodide-run_js": "violates the following Content Security Policy directive",
    # Removed from the worker before any plugin runs (extension/offscreen/worker-seal.js).
    "nested-worker": "AttributeError: Worker",
    "blob-worker": "AttributeError: Worker",
    "BroadcastChannel": "AttributeError: BroadcastChannel",
    "indexedDB": "AttributeError: indexedDB",
    "caches": "AttributeError: caches",
    # Dedicated workers have no extension APIs: no way to message the service worker.
    "chrome.runtime.sendMessage": "AttributeError: chrome",
    "browser.runtime": "AttributeError: browser",
    "micropip": "No module named 'micropip'",
    "urllib": "URLError",
}
# Routes that start and fail later (their outcome arrives with the next run).
ASYNC_ROUTES = {
    "fetch", "fetch-no-cors-keepalive-post", "xhr-async", "websocket", "eventsource", "FontFace", "WebTransport",
    "pyfetch", "loadPackage",
}


def install(chromium, *names):
    scrapers = []
    for name in names:
        source = (HOSTILE / f"{name}.py").read_text()
        scrapers.append({"source": source, "metadata": load_plugin(source, f"{name}.py").metadata(), "enabled": True})
    chromium.set_user_scrapers(scrapers)


def scrape_again(popup):
    popup.click("#scrape")
    popup.wait_for_selector("body[data-state=running]", state="attached", timeout=5_000)
    popup.wait_for_selector("body[data-state=done], body[data-state=error]", timeout=120_000)


def last_run(chromium, popup, tab_id):
    assert popup.evaluate("document.body.dataset.state") == "done", popup.inner_text("#status")
    reply = chromium.send(popup, "GetLastRun", {"tabId": tab_id})
    assert reply["ok"], reply
    return {r["scraper"]: r for r in reply["result"]["results"]}


@pytest.fixture
def sink():
    with recording_server() as server:
        yield server


def test_a_plugin_reaches_nothing_outside_the_extension(chromium, site, sink):
    install(chromium, "exfiltrate")
    try:
        page, tab_id = chromium.open_tab(f"{site}/shop.html?sink={sink.url}")
        popup = chromium.open_popup(tab_id)
        first = last_run(chromium, popup, tab_id)
        # Let every promise, socket and font load the plugin started settle, then run again to collect them.
        time.sleep(3)
        scrape_again(popup)
        second = last_run(chromium, popup, tab_id)
    finally:
        chromium.set_user_scrapers([])
    # The proof: not one connection reached the sink, by any route, in either run.
    assert sink.connections == [] and sink.requests == []
    # The scrape itself went on: the plugin and the built-ins all answered.
    assert first["exfiltrate"]["ok"], first["exfiltrate"]["error"]
    assert first["links"]["ok"] and len(first["links"]["records"]) == 4
    tried = {r["route"]: r for r in first["exfiltrate"]["records"]}
    assert set(tried) == set(SYNC_ROUTES), json.dumps(tried, indent=1)
    # What the browser itself refused, synchronously, with its reason.
    for route, reason in REFUSED.items():
        assert tried[route]["status"] in ("blocked", "unavailable") and reason in tried[route]["outcome"], tried[route]
    # What was only started (a promise, a socket) failed once it settled.
    settled = {r["route"]: r for r in second["exfiltrate"]["records"] if r["phase"] == "async"}
    assert set(settled) == ASYNC_ROUTES, json.dumps(settled, indent=1)
    for route, record in settled.items():
        # pyodide.loadPackage reports a failed download on the console and resolves anyway.
        assert record["status"] == ("resolved" if route == "loadPackage" else "rejected"), record
    assert "Content Security Policy" in settled["WebTransport"]["outcome"]
    # The sink is reachable from this browser, so silence above means the routes were shut.
    page.goto(f"{sink.url}/control")
    assert "/control" in [r["path"] for r in sink.requests]
