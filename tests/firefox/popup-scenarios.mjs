// The scenarios of tests/test_e2e_chromium.py, run in headless firefox-esr.
// This script only drives Firefox and reports what it saw; the assertions
// live in tests/test_e2e_firefox.py, which runs it:
//
//   node tests/firefox/popup-scenarios.mjs '{"extension": ..., "site": ..., "brokenScrapers": [...]}'
//
// prints one JSON object, one key per scenario.

import fs from 'node:fs';
import path from 'node:path';
import { launchFirefox, popupResults, popupState, sleep } from '../../py/gleaner_cli/firefox-driver.mjs';

const { extension, site, brokenScrapers } = JSON.parse(process.argv[2]);

// Click an export button and return the file chrome.downloads wrote.
async function download(firefox, popup, scraper, format) {
  const known = await firefox.evaluate(async () => (await chrome.downloads.search({})).map((d) => d.id));
  await popup.click(`section[data-scraper='${scraper}'] button[data-format='${format}'][data-copy='false']`);
  const deadline = Date.now() + 20_000;
  let item;
  for (;;) {
    [item] = await firefox.evaluate(async (ids) => (await chrome.downloads.search({})).filter((d) => !ids.includes(d.id)), known);
    if ((item && item.state !== 'in_progress') || Date.now() > deadline) break;
    await sleep(100);
  }
  if (!item) return { state: 'missing' };
  return {
    state: item.state,
    folder: path.dirname(item.filename),
    name: path.basename(item.filename),
    base64: item.state === 'complete' ? fs.readFileSync(item.filename).toString('base64') : null,
    status: (await popupState(popup))[1],
  };
}

const firefox = await launchFirefox({ extension });
const report = { downloadsDir: firefox.downloadsDir };
try {
  // Exact records, then JSON, CSV and XLSX exports through chrome.downloads.
  {
    const { tabId } = await firefox.openTab(`${site}/shop.html`);
    const popup = await firefox.openPopup(tabId);
    report.shop = {
      state: await popupState(popup),
      results: await popupResults(popup),
      today: await popup.evaluate(() => new Date().toISOString().slice(0, 10)),
      json: await download(firefox, popup, 'links', 'json'),
      csv: await download(firefox, popup, 'links', 'csv'),
      xlsx: await download(firefox, popup, 'links', 'xlsx'),
    };
  }
  // A reopened popup shows the last results without running again.
  {
    const { tabId } = await firefox.openTab(`${site}/shop.html?again`);
    const popup = await firefox.openPopup(tabId);
    const first = await popupResults(popup);
    const firstRun = (await firefox.send(popup, 'GetLastRun', { tabId })).result;
    await popup.close();
    const reopened = await firefox.openPopup(tabId);
    report.reopened = {
      first,
      again: await popupResults(reopened),
      sameRun: (await firefox.send(reopened, 'GetLastRun', { tabId })).result.startedAt === firstRun.startedAt,
    };
  }
  // A failing plugin shows its traceback; the other scrapers still show.
  {
    await firefox.setUserScrapers(brokenScrapers);
    const { tabId } = await firefox.openTab(`${site}/shop.html?broken`);
    const popup = await firefox.openPopup(tabId);
    report.broken = { results: await popupResults(popup) };
    await firefox.setUserScrapers([]);
  }
  // A browser page gets a plain sentence.
  {
    const tabId = await firefox.evaluate(async () => (await chrome.tabs.create({ url: 'about:blank' })).id);
    const popup = await firefox.openPopup(tabId);
    report.browserPage = { state: await popupState(popup) };
  }
} catch (error) {
  report.error = `${error.message}\n${error.stack}`;
} finally {
  await firefox.close();
}
process.stdout.write(`${JSON.stringify(report)}\n`);
