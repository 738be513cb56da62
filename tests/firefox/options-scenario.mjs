// The options page in headless firefox-esr: install a scraper from a file,
// save it, export everything, and see the scraper run from the popup.
// Assertions live in tests/test_e2e_firefox.py.
//
//   node tests/firefox/options-scenario.mjs '{"extension": ..., "site": ..., "scraperFile": ...}'

import fs from 'node:fs';
import path from 'node:path';
import { launchFirefox, popupResults, popupState, sleep } from '../../py/gleaner_cli/firefox-driver.mjs';

const { extension, site, scraperFile } = JSON.parse(process.argv[2]);
const WAIT_MS = 120_000;

const notice = (page) => page.evaluate(() => document.getElementById('notice').textContent);

async function waitForFile(folder, pattern) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const name = fs.readdirSync(folder).find((file) => pattern.test(file));
    // Firefox writes into a .part file and renames it when done.
    if (name && !fs.readdirSync(folder).some((file) => file.endsWith('.part'))) return name;
    if (Date.now() > deadline) return null;
    await sleep(100);
  }
}

const firefox = await launchFirefox({ extension });
const report = { downloadsDir: firefox.downloadsDir };
try {
  const options = await firefox.openExtensionPage('extension/options/options.html');
  await options.waitForSelector('body[data-loaded=true]', { timeout: WAIT_MS });
  const rows = () => options.evaluate(() => [...document.querySelectorAll('#scrapers tr[data-name]')].map((r) => [r.dataset.name, r.dataset.builtin]));
  report.listed = await rows();
  // Chrome only (the event page holding Python is unloaded 30 s after its last use).
  report.startWithBrowserShown = await options.evaluate(() => document.getElementById('start-with-browser-row').getClientRects().length > 0);

  await (await options.$('#install-file')).uploadFile(scraperFile);
  await options.waitForSelector('#editor-pane[data-validation=ok]', { timeout: WAIT_MS });
  await options.click('#save');
  await options.waitForFunction(() => document.getElementById('notice').textContent.startsWith('Saved'), { timeout: WAIT_MS });
  report.saved = { notice: await notice(options), listed: await rows() };
  report.stored = await options.evaluate(() => chrome.storage.local.get('scrapers'));

  await options.click('#export-all');
  await options.waitForFunction(() => document.getElementById('notice').textContent.startsWith('Exported'), { timeout: WAIT_MS });
  const archive = await waitForFile(firefox.downloadsDir, /^gleaner-scrapers-\d{4}-\d{2}-\d{2}\.json$/);
  report.exported = { notice: await notice(options), name: archive, text: archive && fs.readFileSync(path.join(firefox.downloadsDir, archive), 'utf8') };

  const { tabId } = await firefox.openTab(`${site}/shop.html?options`);
  const popup = await firefox.openPopup(tabId);
  report.popup = { state: await popupState(popup), results: await popupResults(popup) };
} catch (error) {
  report.error = `${error.message}\n${error.stack}`;
} finally {
  await firefox.close();
}
process.stdout.write(`${JSON.stringify(report)}\n`);
