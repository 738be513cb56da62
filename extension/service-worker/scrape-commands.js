// The popup's commands: what a tab offers, scraping it, its last results,
// and the options page's "Try it" (a scraper run once, not kept).

import { Command, UserError } from '../common/messages.js';
import { registerCommands } from './command-registry.js';
import { host } from './host-client.js';
import { applicableScrapers, scrapersOffForSite, summarize, validOrThrow } from './scraper-catalog.js';
import { captureTab, unreadableReason } from './tab-capture.js';
import { scrapePage, runScrapers } from './scrape-page.js';
import { keepRun, lastRunForPage } from './last-run.js';
import { packagesForTrial } from './package-installer.js';
import * as store from './scraper-store.js';
import { clockMs } from '../common/clock.js';
import { canOffer, offer } from '../common/large-values.js';
import { readResult, withFields } from '../common/scraper-result.js';

registerCommands('scrape-commands', {
  async [Command.DescribeTab]({ tabId }) {
    const tab = await chrome.tabs.get(tabId);
    const run = await lastRunForPage(tabId, tab.url);
    return {
      page: { url: tab.url, title: tab.title },
      unreadable: unreadableReason(tab.url),
      scrapers: (await applicableScrapers(tab.url)).map(summarize),
      offHere: (await scrapersOffForSite(tab.url)).map(summarize),
      lastRun: run && run.tabUrl === tab.url ? run : null,
    };
  },

  async [Command.ScrapeTab]({ tabId, feedUrl = null }) {
    const tab = await chrome.tabs.get(tabId);
    const { page, startedAt, results, boot, parsed, timings } = await scrapePage({ tab, feedUrl });
    const run = { url: page.url, tabUrl: tab.url, title: page.title, kind: page.kind, feeds: page.feeds, startedAt, results, boot, parsed, timings };
    const storeStarted = performance.now();
    const { text, timings: kept } = await keepRun(tabId, run);
    // After the run is kept, so only the popup's copy has them (the
    // benchmark reads them there); repliedAt on the clock the popup shares.
    const runJson = withFields(text, { timings: { ...timings, storeMs: Math.round(performance.now() - storeStarted), kept, repliedAt: clockMs() } });
    // The popup takes the text by postMessage where it can (common/large-values.js).
    return canOffer() ? { runJsonTicket: offer(runJson) } : { runJson };
  },

  async [Command.GetLastRun]({ tabId }) {
    return lastRunForPage(tabId, (await chrome.tabs.get(tabId)).url);
  },

  async [Command.WarmUp]() {
    return host.describe();
  },

  async [Command.TryScraper]({ source, tabId = null, page = null }) {
    const { metadata } = await validOrThrow(source);
    let input = page && { url: page.url || 'https://example.org/', title: page.title || '', kind: page.xml !== undefined ? 'feed' : 'html', html: page.html, xml: page.xml };
    if (tabId !== null) input = await captureTab(await chrome.tabs.get(tabId));
    if (!input) throw new UserError('Choose a tab, or paste or upload a page, to try the scraper on.');
    if (input.kind !== metadata.input) {
      throw new UserError(`This scraper reads ${metadata.input === 'feed' ? 'feeds' : 'HTML pages'}, and that is ${input.kind === 'feed' ? 'a feed' : 'an HTML page'}.`);
    }
    const packages = packagesForTrial(await store.read(), metadata);
    const { results } = await runScrapers(input, [{ ...metadata, source, packages }]);
    return { result: readResult(results[0]), page: { url: input.url, title: input.title } };
  },
});
