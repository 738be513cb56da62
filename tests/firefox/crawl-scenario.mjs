// Crawls end to end in headless firefox-esr, on the SHIPPED package (no host
// access of its own): the event page runs each crawl in tabs of its own
// window and keeps it in its IndexedDB. Assertions live in
// tests/test_crawl_firefox.py; this script only drives Firefox and reports
// what it showed, one entry per scenario (an error stays in its entry).
//
//   node tests/firefox/crawl-scenario.mjs '{"extension": ..., "site": ..., "profile": DIR,
//        "userScrapers": [...], "durablePages": [...], "idleTimeoutMs": N}'
//
// Two launches of one profile: the first runs the URL list, the crawl that
// follows list -> detail links, the next pages, pause/resume/stop, and
// closes the browser mid-crawl; the second finds that crawl paused and
// resumes it, then lets the event page unload mid-crawl (a low idle timeout
// and a delay between pages longer than it) and watches the crawl go on by
// itself, without a message that would wake it.
//
// Host access: Firefox's extensions.webextOptionalPermissionPrompts pref is
// off (launchFirefox's grantOptionalPermissions), so the crawl's own
// permissions.request, made from a real click in the popup or the options
// page, is granted without the prompt that BiDi cannot reach.

import { launchFirefox, sleep } from '../../py/gleaner_cli/firefox-driver.mjs';

// only: the names of the scenarios to run (all when absent), for working on one.
const { extension, site, profile, userScrapers, durablePages, idleTimeoutMs, only = null } = JSON.parse(process.argv[2]);
const SCRAPER = 'crawl-test-furniture';
const WAIT_MS = 180_000;

const send = async (page, name, payload) => {
  const reply = await page.evaluate((n, p) => chrome.runtime.sendMessage({ target: 'service-worker', name: n, payload: p }), name, payload);
  if (!reply?.ok) throw new Error(`${name}: ${reply?.error?.message ?? 'no reply'}`);
  return reply.result;
};

async function waitFor(check, what, timeoutMs = WAIT_MS) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

const crawlOf = async (page, crawlId) => (await send(page, 'GetCrawl', { crawlId })).crawl;
const untilState = (page, crawlId, states) => waitFor(async () => {
  const crawl = await crawlOf(page, crawlId);
  return states.includes(crawl.state) ? crawl : null;
}, `crawl ${crawlId} to be ${states.join(' or ')}`);
const untilDone = (page, crawlId, count) => waitFor(async () => {
  const crawl = await crawlOf(page, crawlId);
  return crawl.counters.done >= count ? crawl : null;
}, `${count} pages done`);
const exported = async (page, crawlId, scraper, format = 'json', extra = {}) => (await send(page, 'ExportCrawl', { crawlId, scraper, format, ...extra })).text;

// The options page's crawl of a pasted list, started by clicks.
async function listFromOptions(firefox, urls, delay) {
  const page = await firefox.openExtensionPage('extension/options/options.html');
  // The kept crawls are listed (the page's first refresh) before the click.
  await waitFor(() => page.$eval('#crawls-summary', (summary) => summary.textContent), 'the options page to list the crawls', 20_000);
  await page.click('#crawl-list-form summary');
  await page.waitForSelector(`input[name=crawl-scraper][value=${SCRAPER}]`);
  await page.$eval('#crawl-urls', (area, text) => { area.value = text; area.dispatchEvent(new Event('input')); }, urls.join('\n'));
  await page.click(`input[name=crawl-scraper][value=${SCRAPER}]`);
  await page.$eval('#crawl-delay', (input, value) => { input.value = value; }, String(delay));
  const rowIds = () => page.$$eval('tr[data-crawl-id]', (rows) => rows.map((row) => row.dataset.crawlId));
  const before = await rowIds();
  await page.click('#crawl-start');
  const crawlId = await waitFor(async () => (await rowIds()).find((id) => !before.includes(id)), 'the new crawl in the options page', 20_000);
  return { page, crawlId, status: await page.$eval('#crawls-status', (p) => p.textContent) };
}

// A tab on `url` and the popup "clicked" on it.
async function popupOn(firefox, url) {
  const { page: tab, tabId } = await firefox.openTab(url);
  return { tab, popup: await firefox.openPopup(tabId) };
}

// The crawl the popup shows once its click started one.
async function crawlStartedFrom(popup, click) {
  const shownBefore = await popup.$eval('.crawl-line', (line) => line.dataset.crawlId).catch(() => null);
  await popup.click(click);
  return waitFor(async () => {
    const shown = await popup.$eval('.crawl-line', (line) => line.dataset.crawlId).catch(() => null);
    return shown && shown !== shownBefore ? shown : null;
  }, 'the popup to show the new crawl', 60_000);
}

// The crawl as its IndexedDB row, read from an extension page without a
// message (a message would wake the event page this watches).
const storedCrawl = (page, crawlId) => page.evaluate((id) => new Promise((resolve, reject) => {
  const open = indexedDB.open('gleaner-crawls');
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const get = open.result.transaction('crawls').objectStore('crawls').get(id);
    get.onsuccess = () => { open.result.close(); resolve(get.result ?? null); };
    get.onerror = () => reject(get.error);
  };
}), crawlId);

const scenarios = {
  async list(firefox) {
    const urls = [
      `${site}/p1.html`,
      `${site}/p2.html#reviews`, // the same page as p2.html: one visit
      `${site}/p4.html`, // 404: recorded, retried once
      `${site}/p5.html`, // its price is written by the page's script
      `${site}/slow/p3.html`,
      `${site}/broken.html`, // the scraper fails here: this page's error only
      `${site}/p2.html`,
    ];
    const personWindow = await firefox.evaluate(async () => (await chrome.windows.getLastFocused()).id);
    const { page, crawlId, status } = await listFromOptions(firefox, urls, 0);
    // While a page loads in the crawl's tab: its window, and which window has the focus.
    const focus = await waitFor(() => firefox.evaluate(async (person) => {
      const [tab] = (await chrome.tabs.query({ url: '*://127.0.0.1/*' })).filter((t) => t.windowId !== person);
      if (!tab) return null;
      const window = await chrome.windows.get(tab.windowId);
      return { windowId: window.id, focused: window.focused, tabActive: tab.active, lastFocused: (await chrome.windows.getLastFocused()).id };
    }, personWindow), 'a crawl tab', 60_000);
    const crawl = await untilState(page, crawlId, ['done', 'failed']);
    const result = {
      personWindow,
      focus,
      status,
      crawl,
      json: await exported(page, crawlId, SCRAPER),
      csv: await exported(page, crawlId, SCRAPER, 'csv', { pageColumn: true }),
      details: await send(page, 'GetCrawl', { crawlId }),
    };
    await page.close();
    return result;
  },

  async follow(firefox) {
    const { tab, popup } = await popupOn(firefox, `${site}/products-1.html`);
    const button = 'button[data-crawl-scraper=crawl-test-furniture-crawl]';
    const label = await popup.$eval(button, (b) => b.textContent);
    const crawlId = await crawlStartedFrom(popup, button);
    await popup.close();
    await tab.close();
    const page = await firefox.controlPage();
    const crawl = await untilState(page, crawlId, ['done', 'failed']);
    return { label, crawl, json: await exported(page, crawlId, 'crawl-test-furniture-crawl') };
  },

  async next(firefox) {
    const { tab, popup } = await popupOn(firefox, `${site}/products-1.html`);
    await popup.$eval('#crawl-next-count', (input) => { input.value = '5'; });
    const crawlId = await crawlStartedFrom(popup, '#crawl-next');
    await popup.waitForSelector(`.crawl-line[data-crawl-id='${crawlId}'][data-state=done]`, { timeout: 120_000 });
    const counts = await popup.$eval('.crawl-counts', (span) => span.textContent);
    const crawl = await crawlOf(popup, crawlId);
    const links = await exported(popup, crawlId, 'links');
    await popup.close();
    await tab.close();
    return { crawl, counts, links };
  },

  async pauseResumeStop(firefox) {
    const urls = durablePages.map((name) => `${site}/${name}`);
    const page = await firefox.openExtensionPage('extension/options/options.html');
    const { id: crawlId } = await send(page, 'StartCrawl', { mode: 'list', urls, scrapers: [SCRAPER], maxPages: urls.length, delaySeconds: 1 });
    await untilDone(page, crawlId, 1);
    await page.waitForSelector(`tr[data-crawl-id='${crawlId}'] button[data-action=pause]`);
    await page.click(`tr[data-crawl-id='${crawlId}'] button[data-action=pause]`);
    const paused = await untilState(page, crawlId, ['paused']);
    await sleep(2500); // the page in progress may end; nothing starts after it
    const settled = await crawlOf(page, crawlId);
    await sleep(1500);
    const stillSettled = await crawlOf(page, crawlId);
    await page.waitForSelector(`tr[data-crawl-id='${crawlId}'] button[data-action=resume]`);
    await page.click(`tr[data-crawl-id='${crawlId}'] button[data-action=resume]`);
    await untilDone(page, crawlId, settled.counters.done + 1);
    await page.waitForSelector(`tr[data-crawl-id='${crawlId}'] button[data-action=stop]`);
    await page.click(`tr[data-crawl-id='${crawlId}'] button[data-action=stop]`);
    const stopped = await untilState(page, crawlId, ['done']);
    await sleep(1500); // a page in progress at the stop still lands whole
    const final = await crawlOf(page, crawlId);
    const json = await exported(page, crawlId, SCRAPER);
    await page.close();
    return { paused, settled, stillSettled, stopped, final, json };
  },

  // First half: the browser closes with the crawl under way.
  async restartBefore(firefox) {
    const urls = durablePages.map((name) => `${site}/${name}`);
    const page = await firefox.controlPage();
    const { id: crawlId } = await send(page, 'StartCrawl', { mode: 'list', urls, scrapers: [SCRAPER], maxPages: urls.length, delaySeconds: 1 });
    const before = await untilDone(page, crawlId, 2);
    return { crawlId, before };
  },
};

// Second launch: the crawl the first one left.
async function restartAfter(firefox, crawlId) {
  const page = await firefox.openExtensionPage('extension/options/options.html');
  const paused = await untilState(page, crawlId, ['paused']);
  await page.waitForSelector(`tr[data-crawl-id='${crawlId}'] button[data-action=resume]`);
  await page.click(`tr[data-crawl-id='${crawlId}'] button[data-action=resume]`);
  const crawl = await untilState(page, crawlId, ['done', 'failed']);
  const json = await exported(page, crawlId, SCRAPER);
  await page.close();
  return { paused, crawl, json };
}

// The event page unloads in the delay between two pages (longer than the
// idle timeout) and the crawl goes on by itself: its wake alarm brings the
// event page back. Watched through IndexedDB and runtime.getContexts, which
// wake nothing.
async function eventPageUnload(firefox) {
  const urls = ['p1.html', 'p2.html', 'p5.html'].map((name) => `${site}/${name}`);
  const { page, crawlId } = await listFromOptions(firefox, urls, Math.ceil((idleTimeoutMs * 2) / 1000));
  const unloads = [];
  let alive = true;
  const crawl = await waitFor(async () => {
    const now = await firefox.backgroundAlive();
    const row = await storedCrawl(page, crawlId);
    if (alive && !now) unloads.push({ done: row.counters.done, queued: row.counters.queued, state: row.state });
    alive = now;
    return row.state !== 'running' ? row : null;
  }, 'the crawl to finish after the event page unloaded', 240_000);
  return { crawlId, unloads, crawl, json: await exported(page, crawlId, SCRAPER) };
}

const report = {};
async function run(name, work) {
  if (only && !only.includes(name)) return;
  try {
    report[name] = await work();
  } catch (error) {
    report[name] = { error: `${error.message}\n${error.stack}` };
  }
}

try {
  let firefox = await launchFirefox({ extension, profileDir: profile, grantOptionalPermissions: true });
  try {
    await firefox.setUserScrapers(userScrapers);
    for (const [name, scenario] of Object.entries(scenarios)) await run(name, () => scenario(firefox));
  } finally {
    await firefox.close();
  }
  firefox = await launchFirefox({ extension, profileDir: profile, grantOptionalPermissions: true, idleTimeoutMs });
  try {
    if (report.restartBefore?.crawlId) await run('restartAfter', () => restartAfter(firefox, report.restartBefore.crawlId));
    await run('eventPageUnload', () => eventPageUnload(firefox));
  } finally {
    await firefox.close();
  }
} catch (error) {
  report.error = `${error.message}\n${error.stack}`;
}
process.stdout.write(`${JSON.stringify(report)}\n`);
