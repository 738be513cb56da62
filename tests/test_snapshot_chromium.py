"""Python's memory snapshot and the idle release, in real headless Chromium.

Runs in the session's browser (one sync Playwright per process): it starts
from no snapshot by deleting it, and puts the keep-warm setting back after.
"""

import json
import time

CORRUPT_SNAPSHOT = """async (key) => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open('gleaner-python');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  await new Promise((resolve, reject) => {
    const transaction = db.transaction('snapshots', 'readwrite');
    transaction.objectStore('snapshots').put({ key, bytes: new Blob([new Uint8Array(4096).fill(7)]), savedAt: 0 }, 'python');
    transaction.oncomplete = resolve;
    transaction.onerror = () => reject(transaction.error);
  });
  db.close();
}"""
STORED_KEY = """() => new Promise((resolve) => {
  const request = indexedDB.open('gleaner-python');
  request.onsuccess = () => {
    const db = request.result;
    if (!db.objectStoreNames.contains('snapshots')) { db.close(); resolve(null); return; }
    const get = db.transaction('snapshots').objectStore('snapshots').get('python');
    get.onsuccess = () => { db.close(); resolve(get.result ? { key: get.result.key, size: (get.result.pages ?? get.result.bytes).size, length: get.result.length ?? null } : null); };
  };
})"""
DELETE_SNAPSHOT = """() => new Promise((resolve, reject) => {
  const request = indexedDB.deleteDatabase('gleaner-python');
  request.onsuccess = resolve;
  request.onerror = () => reject(request.error);
  request.onblocked = resolve;
})"""
OFFSCREEN_OPEN = "async () => (await chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'] })).length > 0"


def scrape(browser, page, tab_id):
    reply, run = browser.scrape_tab(page, tab_id)
    assert reply["ok"], reply
    records = {result["scraper"]: (result["ok"], result["records"]) for result in run["results"]}
    return run["boot"], records


def wait_for(condition, timeout_s=60):
    deadline = time.monotonic() + timeout_s
    while not (value := condition()):
        if time.monotonic() > deadline:
            return value
        time.sleep(0.25)
    return value


def build_key(extension_dir):
    info = json.loads((extension_dir / "python" / "build-info.json").read_text())
    return f"{info['pyodide']}:{info['bundleHash']}"


def close_offscreen(browser):
    if browser.service_worker.evaluate(OFFSCREEN_OPEN):
        browser.service_worker.evaluate("() => chrome.offscreen.closeDocument()")
    assert wait_for(lambda: not browser.service_worker.evaluate(OFFSCREEN_OPEN), 10) is True


def test_snapshot_made_restored_replaced_and_memory_released(chromium, site, extension_dir):
    browser = chromium
    page, tab_id = browser.open_tab(f"{site}/shop.html")
    options = browser.context.new_page()
    options.goto(browser.url("extension/options/options.html"))
    try:
        check_snapshot_life(browser, options, tab_id, extension_dir)
    finally:
        browser.service_worker.evaluate("() => chrome.storage.local.remove('keepWarmMinutes')")
        options.close()
        page.close()


def check_snapshot_life(browser, options, tab_id, extension_dir):
    # As after an install: no snapshot, so a full boot that leaves one of this build.
    close_offscreen(browser)
    options.evaluate(DELETE_SNAPSHOT)
    boot, first = scrape(browser, options, tab_id)
    assert boot["snapshot"] == "made" and not boot["warm"]
    assert {"links", "metadata"} <= set(first) and all(ok for ok, _ in first.values())
    stored = wait_for(lambda: options.evaluate(STORED_KEY))
    # Python's heap, its zero pages left out.
    assert stored["key"] == build_key(extension_dir) and stored["length"] > 20_000_000 and 5_000_000 < stored["size"] < stored["length"]

    # A new host (as after a browser restart) boots from it, with the same records.
    close_offscreen(browser)
    boot, again = scrape(browser, options, tab_id)
    assert boot["snapshot"] == "restored" and "runtime" not in boot
    assert again == first

    # A damaged snapshot is refused, Python boots fully, and a good one replaces it.
    options.evaluate(CORRUPT_SNAPSHOT, build_key(extension_dir))
    close_offscreen(browser)
    boot, replaced = scrape(browser, options, tab_id)
    assert boot["snapshot"] == "made" and "magic number" in boot["snapshotError"]
    assert replaced == first
    assert wait_for(lambda: ((options.evaluate(STORED_KEY) or {}).get("length") or 0) > 20_000_000)

    # Idle for the keep-warm period: the offscreen document (and Python's memory) goes.
    browser.service_worker.evaluate("() => chrome.storage.local.set({ keepWarmMinutes: 0.05 })")
    scrape(browser, options, tab_id)
    assert browser.service_worker.evaluate(OFFSCREEN_OPEN) is True
    assert wait_for(lambda: not browser.service_worker.evaluate(OFFSCREEN_OPEN), 30) is True
    boot, after_idle = scrape(browser, options, tab_id)
    assert boot["snapshot"] == "restored" and after_idle == first
