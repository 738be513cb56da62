// One scrape of one page, the one path every scrape takes: the toolbar's
// today, each page of a crawl tomorrow. Capture the tab, choose the scrapers
// that apply (unless the caller chose), run them in the Python host, and
// hand back their results and the pages they ask to follow.

import { readSetting, MAX_TIMEOUT_SECONDS } from '../common/settings.js';
import { host } from './host-client.js';
import { captureTab } from './tab-capture.js';
import { applicableScrapers } from './scraper-catalog.js';

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
// that followed here passed on). Returns { results, boot, parsed }.
export async function runScrapers(page, scrapers, { callback = null, data = null } = {}) {
  const { results, boot, page: parsed } = await host.run(data === null ? page : { ...page, data }, await hostScrapers(scrapers, callback));
  return { results, boot, parsed };
}

// scrapePage({ tab, feedUrl?, scrapers?, callback?, data? })
//   -> { page, startedAt, results, follows, timings, boot, parsed }
// tab: a chrome.tabs.Tab; scrapers: the scrapers to run (catalog entries,
// { name, title, source?, timeout? }), by default those that apply to the
// captured page. page is what the tab gave (url, title, kind, feeds, ...);
// results: one scraper-result.js shape per scraper; follows: every result's
// follows, in order; timings: { captureMs, hostMs }, where a click's time
// goes (the benchmark reads them); parsed: the host's account of the page.
export async function scrapePage({ tab, feedUrl = null, scrapers = null, callback = null, data = null }) {
  const captureStarted = performance.now();
  const page = await captureTab(tab, feedUrl);
  const captureMs = Math.round(performance.now() - captureStarted);
  const chosen = scrapers ?? await applicableScrapers(page.url, page.kind);
  const startedAt = new Date().toISOString();
  const hostStarted = performance.now();
  const { results, boot, parsed } = await runScrapers(page, chosen, { callback, data });
  const timings = { captureMs, hostMs: Math.round(performance.now() - hostStarted) };
  const follows = results.flatMap((result) => result.follows ?? []);
  return { page, startedAt, results, follows, timings, boot, parsed };
}
