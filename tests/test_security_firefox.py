"""Plugins cannot send data anywhere in Firefox either: tests/test_security_e2e.py's hostile plugin, in real
headless firefox-esr, where the event page hosts Python in a module Worker (see docs/security.md).

The sink is a recording server on 127.0.0.1 (tests/hostile/recorder.py) that counts TCP connections. The
scenario, tests/firefox/exfiltrate-scenario.mjs, installs the plugin twice (once as it is, once pinning
price-parser, installed from the local package index of real wheels, tests/package_index.py), scrapes a page
naming the sink, scrapes again once what the first run started has settled, and only then opens the sink in a
normal tab: no connection may come before that visit, and the visit itself must arrive. The automation package
used here holds host access to every site (<all_urls>), the most a user could grant: the routes are shut even so.
"""

import json

import pytest

from conftest import ROOT
from gleaner.plugins import load_plugin
from hostile.recorder import recording_server
from package_index import serve_index
from test_e2e_firefox import run_scenario
from test_security_e2e import SYNC_ROUTES

HOSTILE = ROOT / "tests" / "hostile" / "exfiltrate.py"
# The same plugin, pinning a package: installing it fetches wheels, running it must fetch nothing.
WITH_PACKAGES = HOSTILE.read_text().replace(
    'NAME = "exfiltrate"', 'NAME = "exfiltrate-with-packages"\nREQUIRES = ["price-parser==0.5.1"]\n\nimport price_parser  # noqa: E402,F401'
)


def scraper(source, filename):
    return {"source": source, "metadata": load_plugin(source, filename).metadata(), "enabled": True}


@pytest.fixture(scope="module")
def report(extension_dir, site):
    from gleaner_cli.firefox import automation_package

    with serve_index() as (index, index_requests), recording_server() as sink:
        reply = run_scenario("exfiltrate-scenario.mjs", {
            "extension": str(automation_package()),
            "pages": [f"{site}/shop.html?sink={sink.url}"],
            "scrapers": [scraper(HOSTILE.read_text(), "exfiltrate.py"), scraper(WITH_PACKAGES, "exfiltrate-with-packages.py")],
            "indexUrl": f"{index}/simple/",
            "control": f"{sink.url}/control",
            "settleMs": 3000,
        })
        return reply, list(zip(sink.connected_at, sink.connections)), list(sink.requests), [path for path, _ in index_requests]


# Routes Firefox refuses on the spot, and the words of its refusal.
REFUSED = {
    "xhr-sync": "NetworkError",
    "pyodide-open_url": "NetworkError",
    # Firefox refuses a WebSocket to another origin when it is made, not later as Chromium does.
    "websocket": "NS_ERROR_CONTENT_BLOCKED",
    "importScripts": "Using `ImportScripts` inside a Module Worker is disallowed",
    "eval-dynamic-import": "call to eval() blocked by CSP",
    "Function-constructor": "call to Function() blocked by CSP",
    "pyodide-run_js": "call to eval() blocked by CSP",
    # Removed from the worker before any plugin runs (extension/offscreen/worker-seal.js).
    "nested-worker": "AttributeError: Worker",
    "blob-worker": "AttributeError: Worker",
    "BroadcastChannel": "AttributeError: BroadcastChannel",
    "indexedDB": "AttributeError: indexedDB",
    "caches": "AttributeError: caches",
    "navigator.storage-OPFS": "AttributeError: storage",
    # Dedicated workers have no extension APIs, and a worker's navigator has neither of these.
    "chrome.runtime.sendMessage": "AttributeError: chrome",
    "browser.runtime": "AttributeError: browser",
    "sendBeacon": "AttributeError: sendBeacon",
    "navigator.serviceWorker": "AttributeError: serviceWorker",
    "micropip": "No module named 'micropip'",
    # Pyodide's sockets go over a WebSocket, which the policy refuses.
    "urllib": "Host is unreachable",
    "socket": "Host is unreachable",
}
# Routes that start and fail later (their outcome arrives with the next run).
ASYNC_ROUTES = {
    "fetch", "fetch-no-cors-keepalive-post", "xhr-async", "xhr-mozSystem", "eventsource", "FontFace", "WebTransport",
    "pyfetch", "loadPackage",
}
WHEELS = ["/files/price_parser-0.5.1-py3-none-any.whl", "/files/attrs-26.1.0-py3-none-any.whl"]


def test_no_plugin_reaches_the_sink_in_firefox(report):
    reply, connections, requests, _ = report
    # The proof: not one connection reached the sink before the control visit, by any route, in any run.
    assert [when for when, _ in connections if when < reply["controlAt"]] == []
    # The sink answers this browser: the silence above is the extension's doing.
    assert reply["control"] == "ok"
    assert "/control" in [r["path"] for r in requests]


@pytest.mark.parametrize("plugin", ["exfiltrate", "exfiltrate-with-packages"])
def test_every_route_is_refused_and_the_scrape_goes_on(report, plugin):
    reply, *_ = report
    [run] = reply["runs"]
    first, second = ({r["scraper"]: r for r in run[key]["run"]["results"]} for key in ("first", "second"))
    assert run["first"]["state"][0] == run["second"]["state"][0] == "done"
    # The plugin and the built-ins all answered.
    assert first[plugin]["ok"], first[plugin]["error"]
    assert second[plugin]["ok"], second[plugin]["error"]
    assert first["links"]["ok"] and len(first["links"]["records"]) == 4
    tried = {r["route"]: r for r in first[plugin]["records"]}
    assert set(tried) == set(SYNC_ROUTES), json.dumps(tried, indent=1)
    for route, reason in REFUSED.items():
        assert tried[route]["status"] in ("blocked", "unavailable"), tried[route]
        assert reason in tried[route]["outcome"], tried[route]
    assert {route for route, r in tried.items() if r["status"] == "started"} == ASYNC_ROUTES
    # What was only started (a promise, a socket) failed once it settled.
    settled = {r["route"]: r for r in second[plugin]["records"] if r["phase"] == "async"}
    assert set(settled) == ASYNC_ROUTES, json.dumps(settled, indent=1)
    for route, record in settled.items():
        # pyodide.loadPackage reports a failed download on the console and resolves anyway.
        assert record["status"] == ("resolved" if route == "loadPackage" else "rejected"), record
    assert "NetworkError" in settled["fetch"]["outcome"] and "NetworkError" in settled["pyfetch"]["outcome"]


def test_the_package_index_was_reached_at_the_install_only(report):
    *_, fetched = report
    # Each wheel once, when the scraper was saved; the runs fetched nothing from the index either.
    assert [path for path in fetched if path.startswith("/files/")] == WHEELS
