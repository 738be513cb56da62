// Crawls: many pages from one click, in real tabs, politely, and durably.
//
// A crawl is a durable object (crawl-store.js): what started it, a queue and
// a seen-set of canonical URLs, its records, counters and a state (running,
// paused, done, failed). This module is its scheduler: it takes the next
// queued page, waits its turn on the site (one tab at a time per site, a
// delay between loads), loads it in the crawl's own background window
// (crawl-tabs.js), scrapes it with the one scrape path (scrape-page.js),
// and commits the page's records, its follows and its done mark together.
//
// Three ways to start, one engine:
//   follow  a scraper that crawls: each page's page.follow() requests are queued
//   next    any scrapers, plus the next page the pagination built-in finds, N times
//   list    the given URLs, no following
//
// Nothing runs without the person: the crawl lives in the service worker (the
// event page in Firefox), so closing the popup changes nothing; a service
// worker that stops mid-crawl picks the crawl up again when it wakes (an
// alarm wakes it), and after a browser restart or an extension reload the
// crawl comes back paused, with Resume.

import { Command, Event, Target, UserError } from '../common/messages.js';
import { readSetting } from '../common/settings.js';
import { registerCommands } from './command-registry.js';
import * as badge from './badge.js';
import { host } from './host-client.js';
import { scrapePage } from './scrape-page.js';
import { readResult } from '../common/scraper-result.js';
import { allScrapers } from './scraper-catalog.js';
import * as scraperStore from './scraper-store.js';
import * as store from './crawl-store.js';
import { canonicalUrl, inScope, originPatterns, siteOf } from '../common/crawl-scope.js';
import { crawlWindow, closeWindow, openAndSettle, closeTab, sleep, TabClosed } from './crawl-tabs.js';

// The built-in whose first `next` record is the next page for "next N pages".
export const PAGINATION_SCRAPER = 'pagination';

// Polite defaults and their bounds (docs/crawling.md).
export const CRAWL_LIMITS = Object.freeze({
  maxPages: { default: 50, min: 1, max: 10_000 },
  delaySeconds: { default: 1, min: 0, max: 600 },
  timeoutSeconds: { default: 30, min: 1, max: 300 },
  settleMs: { default: 100, min: 0, max: 10_000 },
});
// A page whose tab the person closed is tried again, up to this many times.
const CLOSED_RETRIES = 3;
// Failures other than a closed tab: the first is retried, the second stands.
const ATTEMPTS = 2;
const WAKE_ALARM = 'gleaner-crawl-wake';
const ALIVE_KEY = 'crawlsAlive';

const running = new Set(); // crawl ids with a loop in this service worker's life
const siteTurns = new Map(); // site -> the promise of the page in flight there
const lastLoadAt = new Map(); // site -> when its last page load started (ms)

function bounded(name, value) {
  const { default: fallback, min, max } = CRAWL_LIMITS[name];
  if (value === undefined || value === null) return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number < min || number > max) {
    throw new UserError(`${name} must be a number from ${min} to ${max.toLocaleString('en')}, not ${JSON.stringify(value)}.`);
  }
  return number;
}

// --- starting --------------------------------------------------------------

export async function startCrawl({ mode, urls, scrapers, nextPages = null, maxPages = null, delaySeconds = null, timeoutSeconds = null, settleMs = null, anySite = false, pageColumn = null }) {
  const starts = [];
  for (const url of urls) {
    const canonical = canonicalUrl(url);
    if (!canonical) throw new UserError(`${url} is not a web page address (http or https); the crawl did not start.`);
    if (!starts.includes(canonical)) starts.push(canonical);
  }
  if (!starts.length) throw new UserError('There is no page to crawl: give at least one http(s) address.');
  if (!scrapers.length) throw new UserError('Choose at least one scraper for the crawl.');
  const known = new Map((await allScrapers(await scraperStore.read())).map((s) => [s.name, s]));
  for (const name of scrapers) {
    if (!known.has(name)) throw new UserError(`There is no scraper named ${name}; the crawl did not start.`);
  }
  if (mode === 'follow' && (scrapers.length !== 1 || !known.get(scrapers[0]).crawls)) {
    throw new UserError(`${scrapers.join(', ')} does not follow links to other pages; use "Also scrape the next N pages" instead.`);
  }
  if (mode === 'next' && !known.has(PAGINATION_SCRAPER)) throw new UserError('The pagination built-in is missing from this build, so the next page cannot be found.');
  const pages = mode === 'next' ? bounded('maxPages', (nextPages ?? 0) + 1) : bounded('maxPages', maxPages);
  const sites = [...new Set(starts.map(siteOf))];
  const patterns = sites.flatMap(originPatterns);
  // Asked for by the popup or the options page, from the person's click:
  // a service worker cannot ask.
  if (!(await chrome.permissions.contains({ origins: patterns }))) {
    throw new UserError(`Gleaner may not read pages of ${sites.join(', ')}, so the crawl did not start. Start it again and allow access when the browser asks.`);
  }
  const start = {
    mode,
    urls: starts,
    scrapers,
    options: {
      maxPages: pages,
      delayMs: Math.round(bounded('delaySeconds', delaySeconds) * 1000),
      timeoutMs: Math.round(bounded('timeoutSeconds', timeoutSeconds) * 1000),
      settleMs: Math.round(bounded('settleMs', settleMs)),
      anySite: !!anySite,
      pageColumn: pageColumn ?? mode === 'next',
    },
  };
  const crawl = await store.createCrawl({
    id: `crawl-${Date.now().toString(36)}-${crypto.randomUUID().slice(0, 8)}`,
    start,
    sites,
    startPages: starts.map((url) => ({ url })),
  });
  runLoop(crawl.id);
  return summary(crawl);
}

// --- the loop --------------------------------------------------------------

async function runLoop(id) {
  if (running.has(id)) return;
  running.add(id);
  let windowId = null;
  let crawl = null;
  try {
    crawl = await store.updateCrawl(id, (c) => {
      c.state = 'running';
      c.message = '';
      c.runningSince = Date.now();
    });
    await setAlive(id, true);
    await ensureWakeAlarm();
    // A window left by this crawl's previous life (the service worker
    // stopped with a page open) goes: its page was never committed and
    // is still first in the queue.
    await closeWindow(crawl.windowId);
    windowId = await crawlWindow(null);
    crawl = await store.updateCrawl(id, (c) => { c.windowId = windowId; });
    broadcast(crawl);
    for (;;) {
      crawl = await store.getCrawl(id);
      if (!crawl || crawl.state !== 'running') break;
      const { counters, start: { options } } = crawl;
      const page = await store.nextQueuedPage(id);
      if (!page) {
        crawl = await finish(id, 'done', 'Done: no pages left to visit.');
        break;
      }
      if (counters.done + counters.failed >= options.maxPages) {
        const left = counters.queued;
        crawl = await finish(id, 'done', `Stopped at its page limit of ${options.maxPages} ${options.maxPages === 1 ? 'page' : 'pages'}; ${left} more ${left === 1 ? 'page was' : 'pages were'} found and not visited.`);
        break;
      }
      windowId = await crawlWindow(windowId);
      const outcome = await visit(crawl, page, windowId);
      crawl = await store.commitPage(id, page.url, outcome);
      broadcast(crawl);
    }
  } catch (error) {
    crawl = await finish(id, 'failed', `The crawl stopped on an error: ${error?.message || error}`).catch(() => crawl);
  } finally {
    running.delete(id);
    await closeWindow(windowId);
    if (crawl?.state !== 'running') await setAlive(id, false);
    if (crawl) broadcast(crawl);
    await updateBadge();
  }
}

function elapsedOf(crawl) {
  return crawl.elapsedMs + (crawl.runningSince ? Date.now() - crawl.runningSince : 0);
}

async function finish(id, state, message) {
  return store.updateCrawl(id, (c) => {
    c.elapsedMs = elapsedOf(c);
    c.runningSince = null;
    c.state = state;
    c.message = message;
    c.finishedAt = new Date().toISOString();
  });
}

// Wait for this site's turn: one page in flight per site, and `delayMs`
// between the starts of two loads there, across all crawls.
async function siteTurn(site, delayMs, work) {
  const before = siteTurns.get(site) ?? Promise.resolve();
  let release;
  const mine = new Promise((resolve) => { release = resolve; });
  const turn = before.then(() => mine);
  siteTurns.set(site, turn);
  await before;
  try {
    const wait = (lastLoadAt.get(site) ?? 0) + delayMs - Date.now();
    if (wait > 0) await sleep(wait);
    lastLoadAt.set(site, Date.now());
    return await work();
  } finally {
    release();
    if (siteTurns.get(site) === turn) siteTurns.delete(site);
  }
}

// Load, scrape and close one page; returns its outcome for commitPage.
// Nothing here throws for the page's sake: every fault is the page's outcome.
async function visit(crawl, page, windowId) {
  const { start: { mode, scrapers: chosen, options } } = crawl;
  const startedAt = Date.now();
  let site;
  try {
    site = siteOf(page.url);
  } catch {
    return { status: store.PageStatus.Failed, error: 'not a web address' };
  }
  return siteTurn(site, options.delayMs, async () => {
    let tab = null;
    try {
      const loaded = await openAndSettle(windowId, page.url, { timeoutMs: options.timeoutMs, settleMs: options.settleMs });
      tab = loaded.tab;
      if (loaded.status >= 400) throw Object.assign(new Error(`HTTP ${loaded.status}`), { retriable: true });
      const scrapers = await crawlScrapers(mode, chosen);
      const callback = mode === 'follow' ? page.callback : null;
      const { results } = await scrapePage({ tab, scrapers, callback, data: page.data });
      return pageOutcome(crawl, page, results.map(readResult), {
        ms: Date.now() - startedAt,
        loadMs: loaded.loadMs,
        note: loaded.timedOut ? `read at its ${options.timeoutMs / 1000} s timeout, still loading` : null,
      });
    } catch (error) {
      return failure(page, error);
    } finally {
      if (tab) await closeTab(tab.id);
    }
  });
}

function failure(page, error) {
  const reason = error instanceof TabClosed ? 'its tab was closed' : String(error?.message || error);
  if (error instanceof TabClosed && page.closedRetries < CLOSED_RETRIES) {
    return { status: store.PageStatus.Queued, retry: 'closed', error: reason };
  }
  if (page.attempts + 1 < ATTEMPTS) return { status: store.PageStatus.Queued, retry: 'attempt', error: reason };
  return { status: store.PageStatus.Failed, error: reason };
}

// The scrapers a page of this crawl runs, as the catalog has them now (an
// edit made mid-crawl applies from the next page on).
async function crawlScrapers(mode, chosen) {
  const catalog = new Map((await allScrapers(await scraperStore.read())).map((s) => [s.name, s]));
  const names = mode === 'next' && !chosen.includes(PAGINATION_SCRAPER) ? [...chosen, PAGINATION_SCRAPER] : chosen;
  const missing = names.filter((name) => !catalog.has(name));
  if (missing.length) throw new Error(`the scraper ${missing.join(', ')} is no longer installed`);
  return names.map((name) => catalog.get(name));
}

// Records to keep, pages to queue (in scope, canonical, once each) and the
// page's scraper errors.
function pageOutcome(crawl, page, results, extra) {
  const { start: { mode, scrapers: chosen }, sites, start: { options } } = crawl;
  const records = [];
  const errors = [];
  for (const result of results) {
    if (!result.ok) errors.push({ scraper: result.scraper, message: result.error?.message ?? 'failed' });
    if (!chosen.includes(result.scraper)) continue;
    for (const record of result.records) records.push({ scraper: result.scraper, record });
  }
  let requested = [];
  if (mode === 'follow') {
    requested = results.filter((r) => r.scraper === chosen[0]).flatMap((r) => r.follows ?? []);
  } else if (mode === 'next') {
    const pagination = results.find((r) => r.scraper === PAGINATION_SCRAPER);
    const next = pagination?.records.find((record) => record.kind === 'next');
    if (next) requested = [{ url: next.url, callback: null, data: null }];
  }
  const follows = [];
  const seen = new Set();
  let offSite = 0;
  for (const follow of requested) {
    const url = canonicalUrl(follow.url, page.url);
    if (!url || seen.has(url)) continue;
    seen.add(url);
    if (!inScope(url, sites, options.anySite)) {
      offSite += 1;
      continue;
    }
    follows.push({ url, callback: follow.callback ?? null, data: follow.data ?? null });
  }
  return { status: store.PageStatus.Done, records, follows, offSite, errors, ...extra };
}

// --- surviving restarts ----------------------------------------------------

// Crawls the service worker was running when it last stopped. Session
// storage outlives a stopped service worker but not a browser restart or an
// extension reload, which is how the two are told apart.
async function aliveIds() {
  const { [ALIVE_KEY]: ids = [] } = await chrome.storage.session.get(ALIVE_KEY);
  return ids;
}

async function setAlive(id, alive) {
  const ids = new Set(await aliveIds());
  if (alive) ids.add(id);
  else ids.delete(id);
  await chrome.storage.session.set({ [ALIVE_KEY]: [...ids] });
}

async function ensureWakeAlarm() {
  if (!(await chrome.alarms.get(WAKE_ALARM))) chrome.alarms.create(WAKE_ALARM, { periodInMinutes: 0.5 });
}

// On every start of the service worker (and at each wake alarm): a crawl
// marked running with no loop here either lost its service worker (it goes
// on) or its browser or extension (it waits, paused, for Resume).
async function recover() {
  const alive = new Set(await aliveIds());
  let anyRunning = false;
  for (const crawl of await store.listCrawls()) {
    if (crawl.state !== 'running' || running.has(crawl.id)) {
      anyRunning ||= crawl.state === 'running';
      continue;
    }
    if (alive.has(crawl.id)) {
      anyRunning = true;
      // The time the service worker was gone is not the crawl's running
      // time: it counts up to the last committed page (runLoop restarts the clock).
      await store.updateCrawl(crawl.id, (c) => { c.runningSince = null; });
      runLoop(crawl.id);
    } else {
      await closeWindow(crawl.windowId);
      await store.updateCrawl(crawl.id, (c) => {
        c.runningSince = null;
        c.windowId = null;
        c.state = 'paused';
        c.message = 'Paused: the browser or Gleaner restarted during the crawl. Resume goes on where it stopped; nothing scraped was lost.';
      });
    }
  }
  if (!anyRunning) await chrome.alarms.clear(WAKE_ALARM);
  await updateBadge();
}

chrome.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === WAKE_ALARM) recover().catch((error) => console.warn('Gleaner: crawls could not be recovered', error));
});
recover().catch((error) => console.warn('Gleaner: crawls could not be recovered', error));

// --- progress --------------------------------------------------------------

function summary(crawl) {
  const { counters, start: { options } } = crawl;
  const elapsedMs = elapsedOf(crawl);
  const processed = counters.done + counters.failed;
  const left = Math.min(counters.queued, Math.max(0, options.maxPages - processed));
  return {
    id: crawl.id,
    state: crawl.state,
    message: crawl.message,
    mode: crawl.start.mode,
    urls: crawl.start.urls.slice(0, 3),
    urlCount: crawl.start.urls.length,
    sites: crawl.sites,
    scrapers: crawl.start.scrapers,
    options,
    counters,
    perScraper: crawl.perScraper,
    createdAt: crawl.createdAt,
    finishedAt: crawl.finishedAt ?? null,
    elapsedMs,
    etaMs: crawl.state === 'running' && processed ? Math.round((elapsedMs / processed) * left) : null,
  };
}

function broadcast(crawl) {
  const payload = summary(crawl);
  for (const target of [Target.Popup, Target.Options]) {
    chrome.runtime.sendMessage({ target, name: Event.CrawlProgress, payload }).catch(() => {});
  }
  updateBadge(crawl).catch(() => {});
}

// The toolbar badge, on every tab: pages visited by the running crawl,
// cleared when none runs.
async function updateBadge(latest = null) {
  const crawls = latest?.state === 'running' ? [latest] : (await store.listCrawls()).filter((c) => c.state === 'running');
  if (!crawls.length) {
    await badge.clear();
    return;
  }
  const { done, failed } = crawls[0].counters;
  await badge.showProgress(String(done + failed));
}

// --- exports ---------------------------------------------------------------

async function exportCrawl({ crawlId, scraper, format, pageColumn = null }) {
  const crawl = await store.getCrawl(crawlId);
  if (!crawl) throw new UserError('That crawl is no longer kept.');
  if (!crawl.start.scrapers.includes(scraper)) throw new UserError(`${scraper} did not run in this crawl.`);
  const withPage = pageColumn ?? crawl.start.options.pageColumn;
  const rows = await store.scraperRecords(crawlId, scraper);
  const records = rows.map(({ page, record }) => (withPage ? { ...record, _page: page } : record));
  const options = format === 'csv' ? { neutralize_formulas: await readSetting('csvNeutralizeFormulas') } : {};
  const { mediaType, extension, ...content } = await host.exportRecords({ records, format, options });
  const safe = (value) => value.replace(/[^A-Za-z0-9._-]+/g, '_');
  return {
    ...content,
    count: records.length,
    filename: `${safe(crawl.sites[0].replace(/^www\./, ''))}-${safe(scraper)}-crawl-${crawl.createdAt.slice(0, 10)}.${extension}`,
    mediaType,
  };
}

// --- commands --------------------------------------------------------------

async function crawlOrThrow(crawlId) {
  const crawl = await store.getCrawl(crawlId);
  if (!crawl) throw new UserError('That crawl is no longer kept.');
  return crawl;
}

registerCommands('crawl', {
  [Command.StartCrawl]: startCrawl,

  async [Command.ListCrawls]() {
    return { crawls: (await store.listCrawls()).map(summary) };
  },

  async [Command.GetCrawl]({ crawlId, withTimings = false }) {
    const crawl = await crawlOrThrow(crawlId);
    const [failed, queued, done] = await Promise.all([
      store.listPages(crawlId, { status: store.PageStatus.Failed }),
      store.listPages(crawlId, { status: store.PageStatus.Queued, limit: 20 }),
      store.listPages(crawlId, { status: store.PageStatus.Done, limit: 10_000 }),
    ]);
    const pick = ({ url, error, errors, records, attempts, note }) => ({ url, error, errors, records, attempts, note });
    return {
      crawl: summary(crawl),
      failed: failed.map(pick),
      queued: queued.map(pick),
      pageErrors: done.filter((p) => p.errors.length || p.note).map(pick),
      ...(withTimings ? { timings: done.map(({ url, ms, loadMs }) => ({ url, ms, loadMs })) } : {}),
    };
  },

  async [Command.PauseCrawl]({ crawlId }) {
    const crawl = await crawlOrThrow(crawlId);
    if (crawl.state !== 'running') throw new UserError('That crawl is not running.');
    const paused = await store.updateCrawl(crawlId, (c) => {
      c.elapsedMs = elapsedOf(c);
      c.runningSince = null;
      c.state = 'paused';
      c.message = 'Paused by you: the page in progress finishes, then the crawl waits for Resume.';
    });
    broadcast(paused);
    return summary(paused);
  },

  async [Command.ResumeCrawl]({ crawlId }) {
    const crawl = await crawlOrThrow(crawlId);
    if (crawl.state !== 'paused') throw new UserError(`That crawl is ${crawl.state}, not paused.`);
    if (!(await chrome.permissions.contains({ origins: crawl.sites.flatMap(originPatterns) }))) {
      throw new UserError(`Gleaner may no longer read pages of ${crawl.sites.join(', ')}; allow access again to resume.`);
    }
    // The loop of its previous run may still be ending its page: it stops at
    // its next look at the state, and this one waits for it.
    while (running.has(crawlId)) await sleep(100);
    runLoop(crawlId);
    return summary({ ...crawl, state: 'running' });
  },

  async [Command.StopCrawl]({ crawlId }) {
    const crawl = await crawlOrThrow(crawlId);
    if (crawl.state === 'done' || crawl.state === 'failed') return summary(crawl);
    const { counters } = crawl;
    const stopped = await finish(crawlId, 'done', `Stopped by you after ${counters.done + counters.failed} pages; ${counters.queued} found were not visited.`);
    broadcast(stopped);
    return summary(stopped);
  },

  async [Command.DeleteCrawl]({ crawlId }) {
    const crawl = await crawlOrThrow(crawlId);
    if (crawl.state === 'running') throw new UserError('Stop the crawl before deleting it.');
    await store.deleteCrawl(crawlId);
    return {};
  },

  [Command.ExportCrawl]: exportCrawl,
});
