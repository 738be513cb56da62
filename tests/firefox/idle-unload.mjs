// Firefox unloads an idle event page (extensions.background.idle.timeout,
// 30 s by default), and Python's memory with it. This scenario lowers the
// timeout so the test takes seconds, lets the page unload, and checks that
// the user loses nothing: last results, settings and scrapers are still
// there, and the next scrape boots Python again with the same progress shown.
// Assertions live in tests/test_e2e_firefox.py.
//
//   node tests/firefox/idle-unload.mjs '{"extension": ..., "site": ..., "userScrapers": [...], "idleTimeoutMs": 3000}'

import { launchFirefox, popupResults, popupState, sleep } from '../../py/gleaner_cli/firefox-driver.mjs';

const { extension, site, userScrapers, idleTimeoutMs } = JSON.parse(process.argv[2]);

async function waitUntilUnloaded(firefox, timeoutMs) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (!(await firefox.backgroundAlive())) return (Date.now() - started) / 1000;
    await sleep(250);
  }
  return null;
}

// From now on, every status line the popup shows, kept in the popup as it
// changes: a stage of a boot from the snapshot can last a few milliseconds,
// shorter than a poll over WebDriver BiDi takes.
function recordStatus(popup) {
  return popup.evaluate(() => {
    const status = document.getElementById('status');
    const shown = [];
    const note = () => { if (shown.at(-1) !== status.textContent) shown.push(status.textContent); };
    note();
    new MutationObserver(note).observe(status, { childList: true, characterData: true, subtree: true });
    window.statusShown = shown;
  });
}

// Wait until the popup is done; every distinct status line it showed since recordStatus.
async function watchStatus(popup, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [state, status] = await popupState(popup);
    if ((state && state !== 'running') || Date.now() > deadline) {
      const seen = [];
      for (const line of await popup.evaluate(() => window.statusShown)) {
        const label = line.replace(/\d+\.\d s$/, '…s');
        if (seen.at(-1) !== label) seen.push(label);
      }
      return { state, status, seen };
    }
    await sleep(50);
  }
}

const firefox = await launchFirefox({ extension, idleTimeoutMs });
const report = {};
try {
  await firefox.setUserScrapers(userScrapers);
  await firefox.evaluate(() => chrome.storage.local.set({ settings: { builtins: { tables: { enabled: false } }, offSites: {} } }));
  const { tabId } = await firefox.openTab(`${site}/shop.html?idle`);
  // The install started Python; once that boot is done the idle page
  // unloads, so the first click below boots Python again, whatever the
  // machine's speed.
  report.unloadedBeforeFirstSeconds = await waitUntilUnloaded(firefox, idleTimeoutMs + 60_000);

  let popup = await firefox.openPopup(tabId, { wait: false });
  await recordStatus(popup);
  report.first = await watchStatus(popup);
  report.first.results = await popupResults(popup);
  report.first.run = (await firefox.send(popup, 'GetLastRun', { tabId })).result;
  await popup.close();

  // Nothing of ours may keep the event page alive: the control page only
  // asks runtime.getContexts, which does not wake it.
  report.unloadedAfterSeconds = await waitUntilUnloaded(firefox, idleTimeoutMs + 60_000);

  // Reopened: the last results come from storage.session, Python stays down.
  popup = await firefox.openPopup(tabId);
  report.reopened = { state: await popupState(popup), results: await popupResults(popup) };
  report.reopened.lastRun = (await firefox.send(popup, 'GetLastRun', { tabId })).result;

  // Scrape again: Python boots anew, with the progress the first run showed.
  await recordStatus(popup);
  await popup.click('#scrape');
  await popup.waitForFunction(() => document.body.dataset.state === 'running', { timeout: 10_000 });
  report.again = await watchStatus(popup);
  report.again.results = await popupResults(popup);
  report.again.run = (await firefox.send(popup, 'GetLastRun', { tabId })).result;
  report.stored = await firefox.evaluate(() => chrome.storage.local.get(['scrapers', 'settings']));
} catch (error) {
  report.error = `${error.message}\n${error.stack}`;
} finally {
  await firefox.close();
}
process.stdout.write(`${JSON.stringify(report)}\n`);
