"""Plugins cannot send data anywhere, and web pages and content scripts cannot command the extension.

Real headless Chromium, the built extension. The sink is a recording server
on 127.0.0.1 (tests/hostile/recorder.py) that stands for the internet.
"""

import json
import time

import pytest

from conftest import ROOT
from gleaner.plugins import load_plugin
from hostile.recorder import recording_server

HOSTILE = ROOT / "tests" / "hostile"

# Every route tests/hostile/exfiltrate.py tries, in its order.
SYNC_ROUTES = (
    "fetch", "fetch-no-cors-keepalive-post", "xhr-sync", "xhr-async", "xhr-mozSystem", "websocket", "eventsource", "sendBeacon",
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
    # Not in workers (sendBeacon is Window-only, storage is sealed); reached
    # from Python the worker's navigator sometimes fails as a whole instead.
    "sendBeacon": ("AttributeError: sendBeacon", "Illegal invocation"),
    "navigator.serviceWorker": ("AttributeError: serviceWorker", "Illegal invocation"),
    "navigator.storage-OPFS": ("AttributeError: storage", "Illegal invocation"),
    "micropip": "No module named 'micropip'",
    "urllib": "URLError",
}
# Routes that start and fail later (their outcome arrives with the next run).
ASYNC_ROUTES = {
    "fetch", "fetch-no-cors-keepalive-post", "xhr-async", "xhr-mozSystem", "websocket", "eventsource", "FontFace",
    "WebTransport", "pyfetch", "loadPackage",
}


def install(chromium, *names):
    scrapers = []
    for name in names:
        source = (HOSTILE / f"{name}.py").read_text()
        scrapers.append({"source": source, "metadata": load_plugin(source, f"{name}.py").metadata(), "enabled": True})
    chromium.set_user_scrapers(scrapers)


def scrape_again(popup):
    # A warm run can start and end between two polls, so "running" may never
    # be seen: the old state is overwritten first, and only the new run's end
    # can set done (or error) again.
    popup.evaluate("document.body.dataset.state = 'before-scrape-again'")
    popup.click("#scrape")
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
    for route, reasons in REFUSED.items():
        reasons = (reasons,) if isinstance(reasons, str) else reasons
        assert tried[route]["status"] in ("blocked", "unavailable"), tried[route]
        assert any(reason in tried[route]["outcome"] for reason in reasons), tried[route]
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


def test_content_scripts_and_web_pages_cannot_command_the_extension(chromium, site):
    page, tab_id = chromium.open_tab(f"{site}/shop.html?messages")
    popup = chromium.open_popup(tab_id)  # a run exists, and so does the offscreen host
    # A web page: no extension API at all (the manifest has no externally_connectable).
    assert page.evaluate("typeof chrome === 'undefined' || typeof chrome.runtime?.sendMessage") in (True, "undefined")
    # A content script (our own capture runs as one): every privileged command is refused.
    replies = chromium.service_worker.evaluate(
        """async (tabId) => (await chrome.scripting.executeScript({
            target: { tabId }, world: 'ISOLATED',
            func: async (tabId) => {
                const ask = (message) => chrome.runtime.sendMessage(message).then((reply) => reply ?? 'no reply', (error) => `error: ${error.message}`);
                return {
                    exportRecords: await ask({ target: 'service-worker', name: 'ExportRecords', payload: { tabId, scraper: 'links', format: 'json' } }),
                    getLastRun: await ask({ target: 'service-worker', name: 'GetLastRun', payload: { tabId } }),
                    saveScraper: await ask({ target: 'service-worker', name: 'SaveScraper', payload: { source: 'x' } }),
                    // The one command a content script may send, from a tab where Gleaner started no picking.
                    savePicked: await ask({ target: 'service-worker', name: 'SavePickedScraper', payload: { spec: { item_selector: 'li', fields: [{ name: 'a', selector: '', attr: 'text' }], next_selector: null } } }),
                    pythonHost: await ask({ target: 'python-host', name: 'HostRun', payload: { page: {}, scrapers: [] } }),
                };
            },
            args: [tabId],
        }))[0].result""",
        tab_id,
    )
    def refused(message):
        return {"ok": False, "error": {"type": "Error", "message": message, "user": False, "traceback": None, "context": "service worker"}}

    assert replies["exportRecords"] == refused("refused: a script in a page may not send ExportRecords")
    assert replies["getLastRun"] == refused("refused: a script in a page may not send GetLastRun")
    assert replies["saveScraper"] == refused("refused: a script in a page may not send SaveScraper")
    assert replies["savePicked"] == refused("refused: Gleaner did not start picking in this tab")
    # The Python host answers only the service worker: a content script gets no reply at all.
    assert isinstance(replies["pythonHost"], str) and (replies["pythonHost"] == "no reply" or replies["pythonHost"].startswith("error: ")), replies
    assert popup.evaluate("document.body.dataset.state") == "done"


@pytest.mark.parametrize(
    ("name", "payload", "message"),
    [
        ("ExportRecords", {"tabId": 1, "scraper": "links", "format": "exe"}, 'refused ExportRecords: format must be "json" or "jsonl" or "csv" or "tsv" or "xlsx"'),
        ("DescribeTab", {"tabId": "1; drop"}, "refused DescribeTab: tabId must be a tab id (a whole number)"),
        ("ScrapeTab", {"tabId": 1, "evil": True}, 'refused ScrapeTab: unexpected field "evil"'),
        ("SaveScraper", {"source": ["not", "text"]}, "refused SaveScraper: source must be text of at most 1048576 characters"),
        ("SetScraperEnabled", {"name": "links", "enabled": "yes"}, "refused SetScraperEnabled: enabled must be true or false"),
        ("GetLastRun", [1], "refused GetLastRun: its payload must be an object"),
        ("constructor", {}, "unknown command constructor"),
        ("__proto__", {}, "unknown command __proto__"),
    ],
)
def test_the_service_worker_checks_every_payload(chromium, name, payload, message):
    page = chromium.context.new_page()
    page.goto(chromium.url("extension/popup/popup.html?tab=0"))
    reply = chromium.send(page, name, payload)
    page.close()
    assert reply["ok"] is False and reply["error"]["message"] == message


def test_every_command_declares_its_payload_shape():
    import subprocess

    script = (
        "Promise.all([import('./extension/common/messages.js'), import('./extension/service-worker/payload-checks.js')])"
        ".then(([m, p]) => console.log(JSON.stringify({ commands: [...Object.values(m.Command), ...Object.values(m.ContentCommand)], shapes: Object.keys(p.SHAPES) })))"
    )
    out = json.loads(subprocess.run(["node", "--input-type=module", "-e", script], cwd=ROOT, capture_output=True, text=True, check=True).stdout)
    assert sorted(out["commands"]) == sorted(out["shapes"])


def test_manifest_locks_extension_pages_to_their_own_origin():
    manifest = json.loads((ROOT / "manifest.json").read_text())
    csp = dict(part.strip().split(" ", 1) for part in manifest["content_security_policy"]["extension_pages"].split(";") if part.strip())
    # default-src 'self' is what shuts fetch, sockets, fonts and workers to other origins; connect-src alone would not.
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self' 'wasm-unsafe-eval'"
    assert "unsafe-eval" not in csp["script-src"].replace("wasm-unsafe-eval", "")
    assert "externally_connectable" not in manifest
    assert "content_scripts" not in manifest


def test_csv_formulas_are_neutralised_unless_the_setting_is_off(chromium, site):
    _, tab_id = chromium.open_tab(f"{site}/shop.html?csv-setting")
    popup = chromium.open_popup(tab_id)

    def exported():
        reply = chromium.send(popup, "ExportRecords", {"tabId": tab_id, "scraper": "links", "format": "csv"})
        assert reply["ok"], reply
        return reply["result"]["text"].split("\r\n")[3]

    assert exported() == f"{site}/=cmd|' /C calc'!A0,'=formula,"
    chromium.service_worker.evaluate("() => chrome.storage.local.set({ csvNeutralizeFormulas: false })")
    try:
        assert exported() == f"{site}/=cmd|' /C calc'!A0,=formula,"
    finally:
        chromium.service_worker.evaluate("() => chrome.storage.local.remove('csvNeutralizeFormulas')")
    assert exported() == f"{site}/=cmd|' /C calc'!A0,'=formula,"
    # JSON is never altered.
    reply = chromium.send(popup, "ExportRecords", {"tabId": tab_id, "scraper": "links", "format": "json"})
    assert json.loads(reply["result"]["text"])[2]["text"] == "=formula"


def test_the_options_page_turns_the_csv_setting_off_and_sets_the_time_limit(chromium):
    page = chromium.context.new_page()
    page.goto(chromium.url("extension/options/options.html"))
    page.wait_for_function("document.getElementById('scraper-timeout').value !== ''")
    assert page.is_checked("#csv-neutralize") and page.input_value("#scraper-timeout") == "10"
    try:
        page.uncheck("#csv-neutralize")
        page.fill("#scraper-timeout", "4")
        page.dispatch_event("#scraper-timeout", "change")
        deadline = time.monotonic() + 10
        while True:
            stored = chromium.service_worker.evaluate("() => chrome.storage.local.get(['csvNeutralizeFormulas', 'scraperTimeoutSeconds'])")
            if len(stored) == 2 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert stored == {"csvNeutralizeFormulas": False, "scraperTimeoutSeconds": 4}
    finally:
        chromium.service_worker.evaluate("() => chrome.storage.local.remove(['csvNeutralizeFormulas', 'scraperTimeoutSeconds'])")
        page.close()
