// Packages a scraper pins, in headless firefox-esr: set the package index on
// the options page, install a scraper that pins price-parser, scrape a shop
// page with it, then a compiled package and a tampered wheel, refused.
// Assertions live in tests/test_packages_firefox.py.
//
//   node tests/firefox/packages-scenario.mjs '{"extension", "site", "index", "plugin", "compiled", "tampered"}'

import { launchFirefox, popupState } from '../../py/gleaner_cli/firefox-driver.mjs';

const { extension, site, index, plugin, compiled, tampered } = JSON.parse(process.argv[2]);
const WAIT_MS = 120_000;

const notice = (page) => page.evaluate(() => document.getElementById('notice').textContent);

async function setIndex(options, url) {
  await options.evaluate((value) => {
    const input = document.getElementById('package-index');
    input.value = value;
    input.dispatchEvent(new Event('change'));
  }, url);
  await options.waitForFunction(async (value) => (await chrome.storage.local.get('packageIndexUrl')).packageIndexUrl === value, { timeout: WAIT_MS }, url);
}

// Install a file as a person does (Install .py file, then Save) and return the notice it ends with.
async function install(options, file, expected) {
  await (await options.$('#install-file')).uploadFile(file);
  await options.waitForSelector('#editor-pane[data-validation=ok]', { timeout: WAIT_MS });
  await options.click('#save');
  await options.waitForFunction((start) => document.getElementById('notice').textContent.startsWith(start), { timeout: WAIT_MS }, expected);
  return notice(options);
}

const firefox = await launchFirefox({ extension });
const report = {};
try {
  const options = await firefox.openExtensionPage('extension/options/options.html');
  // Installing the next file over an unsaved (refused) one asks first.
  options.on('dialog', (dialog) => dialog.accept());
  await options.waitForSelector('body[data-loaded=true]', { timeout: WAIT_MS });
  await setIndex(options, `${index}/simple/`);
  report.saved = await install(options, plugin, 'Saved');
  report.packages = await options.evaluate(() => document.querySelector('tr[data-name=shop-prices] .packages')?.textContent ?? null);
  report.cache = await options.evaluate(() => document.getElementById('package-cache').textContent);

  const { tabId } = await firefox.openTab(`${site}/price-shop.html`);
  const popup = await firefox.openPopup(tabId);
  report.popupState = await popupState(popup);
  report.run = (await firefox.send(popup, 'GetLastRun', { tabId })).result;

  report.compiled = await install(options, compiled, 'markupsafe');
  await setIndex(options, `${index}/tampered/simple/`);
  report.tampered = await install(options, tampered, 'price_parser');
  report.afterRefusals = (await firefox.send(options, 'ListScrapers', {})).result;
  report.deleted = (await firefox.send(options, 'DeleteScraper', { name: 'shop-prices' })).ok;
  report.afterDelete = (await firefox.send(options, 'ListScrapers', {})).result.packageCache;
} catch (error) {
  report.error = `${error.message}\n${error.stack}`;
} finally {
  await firefox.close();
}
process.stdout.write(`${JSON.stringify(report)}\n`);
