// Drive the built extension in real headless firefox-esr, as the CLI, the
// Firefox tests and the Firefox benchmark do. Firefox speaks WebDriver BiDi to
// puppeteer-core; no geckodriver is involved.
//
// The Firefox twin of browser.py. Automation cannot click the toolbar button,
// so it opens popup.html?tab=<id> in a tab of its own, which the popup treats
// like a click on that tab. Three Firefox specifics:
//   - The add-on is installed from the package web-ext built for
//     dist/firefox-automation (host_permissions <all_urls>, which Firefox
//     grants at install because extensions.originControls.grantByDefault is
//     true by default; the shipped dist/firefox has no host permissions).
//   - Its moz-extension:// UUID is random per profile; the pref
//     extensions.webextensions.uuids pins it, so the tests know the URL.
//   - WebDriver BiDi refuses to navigate to moz-extension:// unless Firefox
//     runs with -remote-allow-system-access, and it reports no load events
//     for such pages, so openExtensionPage() waits for the document itself.
//
// As a command (used by `python build.py scrape --browser firefox`):
//   node firefox-driver.mjs scrape --extension PACKAGE --url URL [--format json|jsonl|csv|xlsx]
//       [--scraper NAME] [--user-scrapers FILE.json]
// prints one JSON object: { run, export: { text } | { base64 } | null, seconds } or { error }.

import puppeteer from 'puppeteer-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIREFOX = process.env.GLEANER_FIREFOX || '/usr/bin/firefox-esr';
export const ADDON_ID = 'gleaner@gleaner.invalid';
// Any fixed UUID will do; it only has to be known before the install.
export const ADDON_UUID = '6c1e7a52-9f0e-4d1b-8a57-91e0ea5ee0c1';
const DONE = 'body[data-state=done], body[data-state=error], body[data-state=unreadable]';

export const extensionUrl = (file) => `moz-extension://${ADDON_UUID}/${file}`;

// idleTimeoutMs lowers extensions.background.idle.timeout (milliseconds,
// 30000 by default, 100 at least), after which Firefox unloads an idle event page.
export async function launchFirefox({ extension, downloadsDir, idleTimeoutMs = null } = {}) {
  downloadsDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'gleaner-downloads-'));
  const prefs = {
    'extensions.webextensions.uuids': JSON.stringify({ [ADDON_ID]: ADDON_UUID }),
    // Downloads go straight to this folder, as they would for a user who
    // turned off "always ask where to save files".
    'browser.download.folderList': 2,
    'browser.download.dir': downloadsDir,
    'browser.download.useDownloadDir': true,
    'browser.download.always_ask_before_handling_new_types': false,
    'browser.download.start_downloads_in_tmp_dir': false,
    'browser.download.alwaysOpenPanel': false,
    // Offline machine: no update checks, telemetry or remote settings.
    'app.update.enabled': false,
    'datareporting.policy.dataSubmissionEnabled': false,
    'toolkit.telemetry.enabled': false,
  };
  if (idleTimeoutMs !== null) prefs['extensions.background.idle.timeout'] = idleTimeoutMs;
  // GLEANER_FIREFOX_DEBUG=1: the browser's and the extension's console on stderr.
  const debug = !!process.env.GLEANER_FIREFOX_DEBUG;
  if (debug) Object.assign(prefs, { 'devtools.console.stdout.chrome': true, 'devtools.console.stdout.content': true, 'extensions.logging.enabled': true });
  const addonDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gleaner-addon-'));
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    args: ['-remote-allow-system-access'],
    extraPrefsFirefox: prefs,
    dumpio: debug,
  });
  try {
    // Firefox reads a temporary add-on's files from its package for as long
    // as it runs: a private copy keeps a rebuild of dist/ (another build,
    // another test run) from pulling files out from under it.
    const copy = path.join(addonDir, path.basename(extension));
    fs.copyFileSync(extension, copy);
    await browser.installExtension(copy);
  } catch (error) {
    await browser.close();
    fs.rmSync(addonDir, { recursive: true, force: true });
    throw error;
  }
  return new ExtensionFirefox(browser, downloadsDir, addonDir);
}

export class ExtensionFirefox {
  constructor(browser, downloadsDir, addonDir) {
    this.browser = browser;
    this.downloadsDir = downloadsDir;
    this.addonDir = addonDir;
    this.control = null;
  }

  // An extension page in a tab of its own, once its document has loaded.
  async openExtensionPage(file, { timeoutMs = 30_000 } = {}) {
    const url = extensionUrl(file);
    const page = await this.browser.newPage();
    // BiDi sends no load event for moz-extension:// documents: the
    // navigation itself happens, its promise just never settles.
    page.goto(url, { timeout: 0 }).catch(() => {});
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await page.evaluate(() => [location.href, document.readyState]).catch((error) => [error.message]);
      if (state[0] === url && state[1] === 'complete') return page;
      if (Date.now() > deadline) throw new Error(`${url} did not load (last seen: ${state.join(', ')})`);
      await sleep(100);
    }
  }

  // A quiet extension page to call extension APIs from (tabs, storage,
  // downloads), standing in for Playwright's service-worker handle in Chrome.
  async controlPage() {
    this.control ??= await this.openExtensionPage('extension/options/options.html');
    return this.control;
  }

  async evaluate(fn, ...args) {
    return (await this.controlPage()).evaluate(fn, ...args);
  }

  // Open a web page and return { page, tabId }.
  async openTab(url) {
    const page = await this.browser.newPage();
    await page.goto(url, { waitUntil: 'load' });
    const tabId = await this.evaluate(async (href) => (await chrome.tabs.query({})).find((t) => t.url === href)?.id ?? null, page.url());
    if (tabId === null) throw new Error(`no tab shows ${page.url()}`);
    return { page, tabId };
  }

  // The automation stand-in for a toolbar click on the tab.
  async openPopup(tabId, { wait = true, timeoutMs = 120_000 } = {}) {
    const popup = await this.openExtensionPage(`extension/popup/popup.html?tab=${tabId}`);
    if (wait) await popup.waitForSelector(DONE, { timeout: timeoutMs });
    return popup;
  }

  // Send a command to the background (event page) from an extension page and return its reply.
  async send(page, name, payload) {
    return page.evaluate((n, p) => chrome.runtime.sendMessage({ target: 'service-worker', name: n, payload: p }), name, payload);
  }

  async setUserScrapers(scrapers) {
    await this.evaluate((list) => chrome.storage.local.set({ scrapers: list }), scrapers);
  }

  // Is the event page alive right now? runtime.getContexts does not wake it.
  async backgroundAlive() {
    return this.evaluate(async () => (await chrome.runtime.getContexts({ contextTypes: ['BACKGROUND'] })).length > 0);
  }

  async close() {
    await this.browser.close();
    fs.rmSync(this.addonDir, { recursive: true, force: true });
  }
}

// What the popup shows, read from its DOM (the same shape as browser.py's popup_results).
export async function popupResults(popup) {
  return popup.evaluate(() => [...document.querySelectorAll('section.scraper')].map((section) => ({
    scraper: section.dataset.scraper,
    ok: section.dataset.ok === 'true',
    count: section.querySelector('.count').textContent,
    columns: [...section.querySelectorAll('th')].map((th) => th.textContent),
    rows: [...section.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((td) => td.textContent)),
    error: section.querySelector('.error-box')?.textContent ?? null,
  })));
}

export const popupState = (popup) => popup.evaluate(() => [document.body.dataset.state, document.getElementById('status').textContent]);

export function sleep(ms) {
  return new Promise((resolve) => { setTimeout(resolve, ms); });
}

function parseArgs(argv) {
  const args = { scraper: [] };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '').replace(/-(.)/g, (_, c) => c.toUpperCase());
    if (key === 'scraper') args.scraper.push(argv[i + 1]);
    else args[key] = argv[i + 1];
  }
  return args;
}

async function scrapeCommand(args) {
  const firefox = await launchFirefox({ extension: args.extension });
  try {
    if (args.userScrapers) await firefox.setUserScrapers(JSON.parse(fs.readFileSync(args.userScrapers, 'utf8')));
    const { tabId } = await firefox.openTab(args.url);
    const started = performance.now();
    const popup = await firefox.openPopup(tabId);
    const [state, status] = await popupState(popup);
    if (state !== 'done') return { error: status };
    const run = (await firefox.send(popup, 'GetLastRun', { tabId })).result;
    const seconds = (performance.now() - started) / 1000;
    let exported = null;
    const [only] = args.scraper;
    if (args.scraper.length === 1 && run.results.some((r) => r.scraper === only && r.ok)) {
      const reply = await firefox.send(popup, 'ExportRecords', { tabId, scraper: only, format: args.format || 'json' });
      if (!reply.ok) return { error: reply.error.message };
      exported = { text: reply.result.text, base64: reply.result.base64 };
    }
    return { run, export: exported, seconds };
  } finally {
    await firefox.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [command, ...rest] = process.argv.slice(2);
  if (command !== 'scrape') {
    console.error('usage: node firefox-driver.mjs scrape --extension PACKAGE --url URL [--scraper NAME] [--format json|jsonl|csv|xlsx] [--user-scrapers FILE]');
    process.exit(2);
  }
  scrapeCommand(parseArgs(rest)).then(
    (result) => { process.stdout.write(`${JSON.stringify(result)}\n`); },
    (error) => { process.stdout.write(`${JSON.stringify({ error: `Firefox automation failed: ${error.message}` })}\n`); process.exitCode = 1; },
  );
}
