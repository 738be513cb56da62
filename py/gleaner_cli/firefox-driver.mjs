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
// As a command (used by `python build.py scrape --browser firefox` and the
// Firefox parity test):
//   node firefox-driver.mjs scrape --extension PACKAGE --jobs JOBS.json [--format json|jsonl|csv|xlsx]
//       [--scraper NAME] [--user-scrapers FILE.json]
// scrapes every page of JOBS.json, in one Firefox, one after the other. A job
// is { url, file?, contentType?, pages?, pageScripts? }: with a file, the tab
// shows url with the file's bytes and nothing else reaches the network (see
// servePages); pages ({ url: { file, contentType } }) serves more saved files
// the same way, for a page that moves to another. It prints one JSON object, { launchSeconds, jobs: [...] } or
// { error }, where each job gives back { url, shownUrl, note, run,
// export: { text, base64 } | null, loadSeconds, seconds } or { url, error }.
//
// As a bridge (used by `python build.py crawl --browser firefox`, see
// gleaner_cli/firefox.py's FirefoxBridge):
//   node firefox-driver.mjs serve --extension PACKAGE [--user-scrapers FILE.json]
// launches one Firefox, prints { ready: true } (or { error }), then answers
// each line of its standard input, one JSON request, with one line of JSON:
//   { send: NAME, payload }  the extension's reply to that command, { ok, result | error }
//   { parseUrlList: TEXT }   a list read as the options page reads it (common/crawl-scope.js)
// and closes Firefox when its input ends.

import puppeteer from 'puppeteer-core';
import fs from 'node:fs';
import readline from 'node:readline';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIREFOX = process.env.GLEANER_FIREFOX || '/usr/bin/firefox-esr';
export const ADDON_ID = 'gleaner@gleaner.invalid';
// Any fixed UUID will do; it only has to be known before the install.
export const ADDON_UUID = '6c1e7a52-9f0e-4d1b-8a57-91e0ea5ee0c1';
const DONE = 'body[data-state=done], body[data-state=error], body[data-state=unreadable]';

// The readiness rule, the same as browser.py's (READY_SETTLE_MS there): a tab
// is ready to scrape once its document has loaded (DOMContentLoaded) and
// READY_SETTLE_MS have passed without a new document replacing it (a script's
// location.replace commits a moment after), and never later than
// READY_CAP_MS after the navigation began. The load event is not awaited:
// real pages keep connections open, wait for sub-resources that are refused
// or never come, or replace themselves by script (WebDriver BiDi then fails
// the navigation with "Address rejected" or a timeout), and the DOM is what a
// scraper reads.
export const READY_SETTLE_MS = 300;
export const READY_CAP_MS = 30_000;
// A still page: none of its own scripts run.
const NO_PAGE_SCRIPTS = "script-src 'none'";

export const withoutFragment = (url) => url.split('#')[0];

// Navigate page to url; resolve, once the readiness rule holds, to the URL
// the tab shows then (the page's own scripts may have moved it elsewhere).
// Only a document that never came (an unreachable site) is an error.
export async function untilReady(page, url) {
  const started = Date.now();
  let failure = null;
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: READY_CAP_MS }).catch((error) => { failure = error; });
  let shown = null;
  let loadedAt = null;
  for (;;) {
    const before = shown;
    // Fails while a new document replaces the old one: ask again.
    shown = await page.evaluate(() => [location.href, document.readyState, document.documentURI]).catch(() => shown);
    const now = Date.now();
    if (before && shown && before[0] !== shown[0]) loadedAt = null; // moved on: settle anew
    if (shown && shown[1] !== 'loading') {
      loadedAt ??= now;
      if (now - loadedAt >= READY_SETTLE_MS) break;
    } else {
      loadedAt = null;
    }
    if (now - started >= READY_CAP_MS) break;
    await sleep(50);
  }
  if (!shown || !/^(https?|file):/.test(shown[2])) {
    throw new Error(`${url} did not load${failure ? `: ${failure.message.split('\n')[0]}` : ''}`);
  }
  return shown[0];
}

export const navigatedNote = (url, shownUrl) => (withoutFragment(shownUrl) === withoutFragment(url)
  ? null : `note: ${url} navigated to ${shownUrl}; scraping what the tab shows`);

// Answer the page's requests for these URLs with these files, as if their
// sites had sent them, and refuse every other web request (the twin of
// browser.py's serve_pages): a saved page shown at the address it came from,
// its scripts, images and fonts refused at once, nothing fetched from the
// network. pages maps a URL without fragment to { file, contentType,
// pageScripts }; pageScripts: false keeps that page still (a CSP forbids its
// own scripts; Gleaner's capture, an extension script, still runs). The map
// is read at each request: a caller may change it between navigations, and
// while it is empty the tab is online again. Request interception over
// WebDriver BiDi: it also answers the capture's own re-read of the page.
export async function servePages(page, pages) {
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    const url = withoutFragment(request.url());
    const saved = pages.get(url);
    let answered;
    if (saved) {
      const headers = { 'cache-control': 'no-store', ...(saved.pageScripts === false ? { 'content-security-policy': NO_PAGE_SCRIPTS } : {}) };
      answered = request.respond({ status: 200, contentType: saved.contentType, headers, body: fs.readFileSync(saved.file) });
    } else if (pages.size && /^https?:/.test(url)) {
      answered = request.abort('blockedbyclient');
    } else {
      answered = request.continue();
    }
    // A request its page gave up meanwhile (a navigation, a closed tab) has nothing left to answer.
    answered.catch(() => {});
  });
}

export const extensionUrl = (file) => `moz-extension://${ADDON_UUID}/${file}`;

// idleTimeoutMs lowers extensions.background.idle.timeout (milliseconds,
// 30000 by default, 100 at least), after which Firefox unloads an idle event page.
//
// profileDir: a profile of the caller's that outlives this browser, for a
// restart (close, then launch again with it). The add-on is a temporary
// one, installed anew at every launch (as Chromium's --load-extension is),
// and Firefox removes a temporary add-on's data with it unless told to keep
// it: the keep prefs make the relaunched add-on find its storage (and the
// pinned UUID its origin) as a permanently installed one would.
//
// grantOptionalPermissions: permissions.request, still called from a click
// (Firefox refuses it otherwise), grants without showing its prompt, which
// WebDriver BiDi cannot reach (Firefox's extensions.webextOptionalPermissionPrompts,
// its own switch for automated tests). The shipped package, with no host
// access of its own, then gets a site exactly as a person who clicks Allow.
export async function launchFirefox({ extension, downloadsDir, idleTimeoutMs = null, profileDir = null, grantOptionalPermissions = false } = {}) {
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
  if (profileDir) {
    Object.assign(prefs, { 'extensions.webextensions.keepStorageOnUninstall': true, 'extensions.webextensions.keepUuidOnUninstall': true });
  }
  if (grantOptionalPermissions) prefs['extensions.webextOptionalPermissionPrompts'] = false;
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
    ...(profileDir ? { userDataDir: profileDir } : {}),
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
    return this.showExtensionPage(await this.browser.newPage(), file, { timeoutMs });
  }

  // Navigate a tab to an extension page and return it once that has loaded.
  async showExtensionPage(page, file, { timeoutMs = 30_000 } = {}) {
    const url = extensionUrl(file);
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

  // Open a web page in a new tab, once it is ready (see READY_SETTLE_MS), and
  // return { page, tabId, shownUrl }. With pages (see servePages) the tab is
  // offline and shows those saved files.
  async openTab(url, { pages = null } = {}) {
    const page = await this.browser.newPage();
    try {
      if (pages) await servePages(page, pages);
      return { page, ...await this.showInTab(page, url) };
    } catch (error) {
      await page.close().catch(() => {});
      throw error;
    }
  }

  // Navigate an open tab to url; { tabId, shownUrl } once it is ready.
  async showInTab(page, url) {
    const shownUrl = await untilReady(page, url);
    const tabId = await this.evaluate(async (href) => (await chrome.tabs.query({})).find((t) => t.url === href)?.id ?? null, shownUrl);
    if (tabId === null) throw new Error(`no tab shows ${shownUrl}`);
    return { tabId, shownUrl };
  }

  // The automation stand-in for a toolbar click on the tab. With reuse (a
  // popup opened before), that page shows the new popup instead of a new tab:
  // a click again, at a fraction of a new tab's cost in Firefox.
  async openPopup(tabId, { wait = true, timeoutMs = 120_000, reuse = null } = {}) {
    const file = `extension/popup/popup.html?tab=${tabId}`;
    // A query of its own makes it a new document even for the same tab.
    const popup = reuse ? await this.showExtensionPage(reuse, `${file}&click=${Date.now()}`) : await this.openExtensionPage(file);
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

  // A right-click on the element, then the extension's menu item chosen in
  // Firefox's own context menu: the real menus.onClicked, with the info
  // Firefox gives (targetElementId among it), reaches the event page. The
  // menu is browser UI, out of reach of page scripts: it is driven from the
  // browser window's privileged scope, which WebDriver BiDi opens only with
  // -remote-allow-system-access, as Firefox's own tests choose items
  // (XULPopupElement.activateItem). Returns the labels the menu offered.
  async chooseMenuItem(page, selector, menuItemId, { timeoutMs = 10_000 } = {}) {
    const { result } = await this.browser.connection.send('browsingContext.getTree', { 'moz:scope': 'chrome' });
    const target = { context: result.contexts[0].context };
    const inBrowserWindow = async (fn, ...args) => {
      const reply = await this.browser.connection.send('script.callFunction', {
        functionDeclaration: fn.toString(), arguments: args.map((value) => ({ type: 'string', value })), target, awaitPromise: true,
      });
      if (reply.result.type === 'exception') throw new Error(`browser window: ${reply.result.exceptionDetails.text}`);
      return JSON.parse(reply.result.result.value);
    };
    await page.click(selector, { button: 'right' });
    const elementId = `${ADDON_ID.replace(/[^a-z0-9_-]/gi, '_')}-menuitem-_${menuItemId}`;
    return inBrowserWindow(async (id, timeout) => {
      const wait = async (done, what) => {
        for (const until = Date.now() + Number(timeout); !done(); await new Promise((r) => { setTimeout(r, 50); })) {
          if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
        }
      };
      const menu = document.getElementById('contentAreaContextMenu');
      await wait(() => menu.state === 'open' && document.getElementById(id), `${id} in the context menu`);
      const item = document.getElementById(id);
      const popup = item.closest('menupopup');
      const labels = [...popup.children].map((element) => element.getAttribute('label'));
      // Firefox groups an extension's items under its name when it has several.
      if (popup !== menu) {
        popup.parentElement.openMenu(true);
        await wait(() => popup.state === 'open', 'the extension\'s submenu');
      }
      popup.activateItem(item);
      await wait(() => menu.state === 'closed', 'the context menu to close');
      return JSON.stringify(labels);
    }, elementId, String(timeoutMs));
  }

  // Install scrapers as the options page's Save does: their pinned packages
  // are fetched from the package index (indexUrl, when given, becomes the setting).
  async installScrapers(scrapers, indexUrl = null) {
    const page = await this.controlPage();
    if (indexUrl) await this.evaluate((url) => chrome.storage.local.set({ packageIndexUrl: url }), indexUrl);
    for (const { source, metadata } of scrapers) {
      const reply = await this.send(page, 'SaveScraper', { source });
      if (!reply.ok) throw new Error(`${metadata.name}: ${reply.error.message}`);
    }
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

// The jobs of the scrape command (see the top of this file), one after the
// other in one tab, each clicked in one popup page: the tab and the popup are
// made once, as they cost a second or more each in Firefox.
async function scrapeJobs(firefox, jobs, { scraper, format }) {
  const saved = new Map();
  const tab = await firefox.browser.newPage();
  await servePages(tab, saved);
  let popup = null;
  const results = [];
  try {
    for (const job of jobs) {
      saved.clear();
      const files = { ...(job.file ? { [job.url]: { file: job.file, contentType: job.contentType } } : {}), ...job.pages };
      for (const [url, { file, contentType }] of Object.entries(files)) {
        saved.set(withoutFragment(url), { file, contentType: contentType || 'text/html', pageScripts: job.pageScripts ?? true });
      }
      try {
        results.push(await scrapeJob(firefox, job, tab, popup, { scraper, format }));
      } catch (error) {
        // One page's failure is that page's only.
        results.push({ url: job.url, error: `Firefox automation failed: ${error.message}` });
      }
      popup = results.at(-1).popup ?? popup;
      delete results.at(-1).popup;
    }
  } finally {
    await popup?.close().catch(() => {});
    await tab.close().catch(() => {});
  }
  return results;
}

async function scrapeJob(firefox, job, tab, reuse, { scraper, format }) {
  const started = performance.now();
  const { tabId, shownUrl } = await firefox.showInTab(tab, job.url);
  const loaded = performance.now();
  const popup = await firefox.openPopup(tabId, { reuse });
  const [state, status] = await popupState(popup);
  if (state !== 'done') return { url: job.url, error: status, popup };
  const run = (await firefox.send(popup, 'GetLastRun', { tabId })).result;
  const seconds = (performance.now() - loaded) / 1000;
  let exported = null;
  const [only] = scraper;
  // The popup's exports: one scraper's file, or every scraper's workbook (All as XLSX).
  const workbook = scraper.length === 0 && format === 'xlsx' && run.results.some((r) => r.records.length);
  if ((scraper.length === 1 && run.results.some((r) => r.scraper === only && r.ok)) || workbook) {
    const reply = await firefox.send(popup, 'ExportRecords', { tabId, scraper: workbook ? null : only, format: format || 'json' });
    if (!reply.ok) return { url: job.url, error: reply.error.message, popup };
    exported = { text: reply.result.text, base64: reply.result.base64 };
  }
  const loadSeconds = (loaded - started) / 1000;
  return { url: job.url, shownUrl, note: navigatedNote(job.url, shownUrl), run, export: exported, loadSeconds, seconds, popup };
}

async function scrapeCommand(args) {
  const jobs = args.jobs ? JSON.parse(fs.readFileSync(args.jobs, 'utf8')) : [{ url: args.url }];
  const launched = performance.now();
  const firefox = await launchFirefox({ extension: args.extension });
  try {
    const launchSeconds = (performance.now() - launched) / 1000;
    if (args.userScrapers) await firefox.setUserScrapers(JSON.parse(fs.readFileSync(args.userScrapers, 'utf8')));
    if (args.installScrapers) await firefox.installScrapers(JSON.parse(fs.readFileSync(args.installScrapers, 'utf8')), args.indexUrl);
    return { launchSeconds, jobs: await scrapeJobs(firefox, jobs, args) };
  } finally {
    await firefox.close();
  }
}

// The bridge's loop (see the top of this file): requests in, replies out, one line each.
async function serveCommand(args) {
  let firefox;
  try {
    firefox = await launchFirefox({ extension: args.extension });
    if (args.userScrapers) await firefox.setUserScrapers(JSON.parse(fs.readFileSync(args.userScrapers, 'utf8')));
  } catch (error) {
    await firefox?.close();
    throw error;
  }
  const reply = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);
  try {
    const page = await firefox.controlPage();
    reply({ ready: true });
    for await (const line of readline.createInterface({ input: process.stdin })) {
      if (!line.trim()) continue;
      const request = JSON.parse(line);
      try {
        if ('send' in request) reply(await firefox.send(page, request.send, request.payload ?? {}));
        else if ('parseUrlList' in request) reply(await page.evaluate(async (text) => (await import('/extension/common/crawl-scope.js')).parseUrlList(text), request.parseUrlList));
        else reply({ error: `unknown request ${Object.keys(request).join(', ')}` });
      } catch (error) {
        reply({ error: `Firefox automation failed: ${error.message}` });
      }
    }
  } finally {
    await firefox.close();
  }
}

const COMMANDS = {
  scrape: (args) => scrapeCommand(args).then((result) => { process.stdout.write(`${JSON.stringify(result)}\n`); }),
  serve: serveCommand,
};

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [command, ...rest] = process.argv.slice(2);
  if (!COMMANDS[command]) {
    console.error('usage: node firefox-driver.mjs scrape --extension PACKAGE (--jobs FILE.json | --url URL) [--scraper NAME] [--format json|jsonl|csv|xlsx] [--user-scrapers FILE | --install-scrapers FILE [--index-url URL]]');
    console.error('       node firefox-driver.mjs serve --extension PACKAGE [--user-scrapers FILE]');
    process.exit(2);
  }
  COMMANDS[command](parseArgs(rest)).catch((error) => {
    process.stdout.write(`${JSON.stringify({ error: `Firefox automation failed: ${error.message}` })}\n`);
    process.exitCode = 1;
  });
}
