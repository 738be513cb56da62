// Hostile plugins in headless firefox-esr: each page names a recording
// server in its URL (tests/hostile/exfiltrate.py, and the same plugin pinning
// a package, read it from there), is scraped, then scraped again once what the
// first run only started has settled. A normal tab then visits the server, so
// the test knows it was listening. The server, its count of connections and
// the assertions live in tests/test_security_firefox.py.
//
//   node tests/firefox/exfiltrate-scenario.mjs '{"extension", "pages": [url, ...], "scrapers": [...], "indexUrl", "control", "settleMs"}'

import { launchFirefox, popupState, sleep } from '../../py/gleaner_cli/firefox-driver.mjs';

const { extension, pages, scrapers, indexUrl, control, settleMs } = JSON.parse(process.argv[2]);
const WAIT_MS = 120_000;

async function lastRun(firefox, popup, tabId) {
  return { state: await popupState(popup), run: (await firefox.send(popup, 'GetLastRun', { tabId })).result };
}

const firefox = await launchFirefox({ extension });
const report = { runs: [] };
try {
  // Saved as the options page's Save does: pinned packages come from the (local) index first.
  await firefox.installScrapers(scrapers, indexUrl);
  for (const url of pages) {
    const { tabId } = await firefox.openTab(url);
    const popup = await firefox.openPopup(tabId);
    const first = await lastRun(firefox, popup, tabId);
    await sleep(settleMs);
    // A warm run can start and end between two polls: clear the state first.
    await popup.evaluate(() => { document.body.dataset.state = 'before-scrape-again'; });
    await popup.click('#scrape');
    await popup.waitForSelector('body[data-state=done], body[data-state=error]', { timeout: WAIT_MS });
    report.runs.push({ url, first, second: await lastRun(firefox, popup, tabId) });
    await popup.close();
  }
  // Every connection the server saw before this moment came from the plugins' runs.
  report.controlAt = Date.now() / 1000;
  const { page } = await firefox.openTab(control);
  report.control = await page.evaluate(() => document.body.textContent);
} catch (error) {
  report.error = `${error.message}\n${error.stack}`;
} finally {
  await firefox.close();
}
process.stdout.write(`${JSON.stringify(report)}\n`);
