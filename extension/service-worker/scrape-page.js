// One scrape of one page, the one path every scrape takes: the toolbar's
// today, each page of a crawl tomorrow. Capture the tab, choose the scrapers
// that apply (unless the caller chose), run them in the Python host, and
// hand back their results and the pages they ask to follow.

import { readSetting, MAX_TIMEOUT_SECONDS } from '../common/settings.js';
import { host } from './host-client.js';
import { captureTab } from './tab-capture.js';
import { applicableScrapers } from './scraper-catalog.js';
import { clockMs } from '../common/clock.js';

// What the host is given for each scraper: its time limit is its own
// TIMEOUT, else the person's setting, never above MAX_TIMEOUT_SECONDS; with
// a callback, Python calls that entry point of the plugin instead of scrape.
async function hostScrapers(scrapers, callback) {
  const fallback = await readSetting('scraperTimeoutSeconds');
  return scrapers.map((s) => ({
    name: s.name,
    title: s.title,
    source: s.source,
    timeoutMs: Math.round(Math.min(s.timeout > 0 ? s.timeout : fallback, MAX_TIMEOUT_SECONDS) * 1000),
    ...(callback ? { callback } : {}),
    // The wheels its lock names (a scraper that pins packages): loaded for its runs only.
    ...(s.packages?.length ? { packages: s.packages.map((wheel) => wheel.sha256) } : {}),
  }));
}

// Run `scrapers` on a page already in hand (captured, or pasted in the
// options page). `data` reaches Python as the page's data (what the page
// that followed here passed on). Returns { results, boot, parsed, messages },
// messages: the time the page's message took to reach the host (toHostMs),
// the host's taking of each result from Python (takeMs) and the results'
// message back (backMs).
export async function runScrapers(page, scrapers, { callback = null, data = null } = {}) {
  const chosen = await hostScrapers(scrapers, callback);
  const sentAt = clockMs();
  const { results, boot, page: parsed, timings } = await host.run(data === null ? page : { ...page, data }, chosen);
  const messages = timings && {
    toHostMs: Math.round(timings.startedAt - sentAt),
    takeMs: timings.takeMs,
    pythonSerialiseMs: timings.pythonSerialiseMs,
    backMs: Math.round(clockMs() - timings.endedAt),
  };
  return { results, boot, parsed, messages };
}

// scrapePage({ tab, feedUrl?, scrapers?, callback?, data? })
//   -> { page, startedAt, results, follows, timings, boot, parsed }
// tab: a chrome.tabs.Tab; scrapers: the scrapers to run (catalog entries,
// { name, title, source?, timeout? }), by default those that apply to the
// captured page. page is what the tab gave (url, title, kind, feeds, ...);
// results: one scraper-result.js shape per scraper; follows: every result's
// follows, in order; timings: { captureMs, hostMs, toHostMs, takeMs, backMs },
// where a click's time goes (the benchmark reads them); parsed: the host's
// account of the page.
export async function scrapePage({ tab, feedUrl = null, scrapers = null, callback = null, data = null }) {
  const captureStarted = performance.now();
  const page = await captureTab(tab, feedUrl);
  const captureMs = Math.round(performance.now() - captureStarted);
  const chosen = scrapers ?? await applicableScrapers(page.url, page.kind);
  const startedAt = new Date().toISOString();
  const hostStarted = performance.now();
  const { results, boot, parsed, messages } = await runScrapers(page, chosen, { callback, data });
  const timings = { captureMs, hostMs: Math.round(performance.now() - hostStarted), ...messages };
  const follows = results.flatMap((result) => result.follows ?? []);
  return { page, startedAt, results, follows, timings, boot, parsed };
}
