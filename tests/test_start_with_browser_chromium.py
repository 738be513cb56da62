"""Start Python when the browser starts, end to end in real Chromium.

Gleaner is installed the way a browser keeps an extension (by policy, see
tests/installed_extension.py: --load-extension never gets runtime.onStartup).
One profile: its first launch installs Gleaner (whose install-time boot
stores the memory snapshot); then, for each value of the setting, ticked or
unticked in the options page as a person does, the browser is restarted and
a tab scraped from the popup. On: Python's boot began at the browser's
start, before any click, and the first click finds it booted. Off: no
offscreen document appears before the click, and the click boots Python.
"""

import concurrent.futures
import time
from datetime import datetime, timezone

import pytest

from installed_extension import PolicyInstall, unavailable

UNAVAILABLE = unavailable()
pytestmark = pytest.mark.skipif(UNAVAILABLE is not None, reason=UNAVAILABLE or "")

PLAYWRIGHT_THREAD = concurrent.futures.ThreadPoolExecutor(max_workers=1)
OFFSCREEN_OPEN = "async () => (await chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'] })).length > 0"
SNAPSHOT_STORED = """() => new Promise((resolve) => {
  const request = indexedDB.open('gleaner-python');
  request.onsuccess = () => {
    const db = request.result;
    if (!db.objectStoreNames.contains('snapshots')) { db.close(); resolve(false); return; }
    const get = db.transaction('snapshots').objectStore('snapshots').get('python');
    get.onsuccess = () => { db.close(); resolve(!!get.result); };
  };
})"""
# A person's first click comes some seconds after the browser opened; a boot
# from the snapshot takes 1-3 s on this loaded machine. Long enough that the
# click finds the boot over, without which "warm" could not be asked.
FIRST_CLICK_AFTER_S = 15
# With the setting off, nothing may start Python in this long after the start.
NOTHING_STARTS_WITHIN_S = 10


def wait_for(condition, timeout_s):
    deadline = time.monotonic() + timeout_s
    while not (value := condition()):
        if time.monotonic() > deadline:
            return value
        time.sleep(0.25)
    return value


@pytest.fixture(scope="module")
def install(extension_dir):
    with PolicyInstall(extension_dir) as install:
        yield install


@pytest.fixture(scope="module")
def profile(install, tmp_path_factory):
    """A profile where Gleaner was installed by policy, its install-time boot over and the snapshot stored."""
    folder = tmp_path_factory.mktemp("installed-profile")

    def first_launch():
        with install.browser(folder) as browser:
            assert browser.service_worker.evaluate("async () => (await chrome.management.getSelf()).installType") == "admin"
            assert wait_for(lambda: browser.service_worker.evaluate(SNAPSHOT_STORED), 120), "the install-time boot stored no snapshot"

    PLAYWRIGHT_THREAD.submit(first_launch).result()
    return folder


def set_in_the_options_page(browser, on):
    options = browser.context.new_page()
    options.goto(browser.url("extension/options/options.html"))
    box = options.locator("#start-with-browser")
    assert box.is_visible()
    box.set_checked(on)
    stored = lambda: options.evaluate("async () => (await chrome.storage.local.get('startPythonWithBrowser')).startPythonWithBrowser")  # noqa: E731
    assert wait_for(lambda: stored() is on, 10) is True
    options.close()


def first_click(browser, site):
    """Open the popup on a tab (the automation's click) and return (when it was clicked, the run).

    A URL never scraped in this profile: for one scraped before, the popup shows that run.
    """
    _, tab_id = browser.open_tab(f"{site}/shop.html?first-click={time.time_ns()}")
    clicked_at = datetime.now(timezone.utc)
    popup = browser.open_popup(tab_id)
    assert popup.evaluate("() => document.body.dataset.state") == "done"
    reply = browser.send(popup, "GetLastRun", {"tabId": tab_id})
    assert reply["ok"], reply
    run = reply["result"]
    assert all(result["ok"] for result in run["results"]) and any(result["records"] for result in run["results"])
    return clicked_at, run


def boot_started(run):
    return datetime.fromisoformat(run["boot"]["startedAt"].replace("Z", "+00:00"))


def test_with_the_setting_on_python_is_booted_before_the_first_click(install, profile, site):
    with install.browser(profile) as browser:
        set_in_the_options_page(browser, True)
    with install.browser(profile) as browser:
        assert wait_for(lambda: browser.service_worker.evaluate(OFFSCREEN_OPEN), 60) is True, "no offscreen document after the browser's start"
        time.sleep(FIRST_CLICK_AFTER_S)
        clicked_at, run = first_click(browser, site)
    boot = run["boot"]
    assert boot_started(run) < clicked_at, boot
    assert boot["snapshot"] == "restored" and boot["warm"] is True, boot


def test_with_the_setting_off_nothing_starts_until_the_click(install, profile, site):
    with install.browser(profile) as browser:
        set_in_the_options_page(browser, False)
    with install.browser(profile) as browser:
        time.sleep(NOTHING_STARTS_WITHIN_S)
        assert browser.service_worker.evaluate(OFFSCREEN_OPEN) is False
        clicked_at, run = first_click(browser, site)
    boot = run["boot"]
    assert boot_started(run) >= clicked_at, boot
    assert boot["snapshot"] == "restored" and boot["warm"] is False, boot
