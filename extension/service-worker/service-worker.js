// The service worker: the one privileged router. It captures pages, decides
// which scrapers apply (without booting Python), hands the work to the Python
// host and keeps the last results so a reopened popup shows them.

import {
  Target, Command, Event, ok, fail, fromExtensionPage, UserError,
} from '../common/messages.js';
import { urlMatches } from '../common/match-pattern.js';
import { createHostClient } from './host-client.js';

const host = createHostClient({
  onProgress: (payload) => chrome.runtime.sendMessage({ target: Target.Popup, name: Event.HostProgress, payload }).catch(() => {}),
});

let builtinsPromise = null;

function builtinScrapers() {
  builtinsPromise ??= fetch(chrome.runtime.getURL('python/scrapers.json')).then((r) => r.json()).then((index) => index.scrapers);
  return builtinsPromise;
}

async function userScrapers() {
  const { scrapers = [] } = await chrome.storage.local.get('scrapers');
  return scrapers.filter((scraper) => scraper.enabled !== false);
}

async function applicableScrapers(url, kind) {
  const all = [...(await builtinScrapers()), ...(await userScrapers()).map((s) => ({ ...s.metadata, source: s.source }))];
  return all.filter((scraper) => (!kind || scraper.input === kind) && urlMatches(url, scraper.matches, scraper.excludes));
}

// Pages no extension may script, said in words a person understands.
function unreadableReason(url) {
  // Without access, Chrome hides a tab's URL; browser pages look the same way.
  if (!url) return 'Gleaner cannot read this tab: it shows a browser page, or one Gleaner was not given access to. Open a web page or feed and click the Gleaner button there.';
  if (/^(chrome|edge|brave|opera|vivaldi|about|chrome-extension|moz-extension|devtools|view-source|chrome-search|chrome-untrusted):/i.test(url)) {
    return 'This is a browser page; extensions cannot read it. Open a web page or feed and try again.';
  }
  if (/^https:\/\/(chrome\.google\.com\/webstore|chromewebstore\.google\.com|addons\.mozilla\.org)/i.test(url)) {
    return 'The browser\'s extension store does not let extensions read its pages.';
  }
  return null;
}

function explainCaptureError(error, url) {
  const text = String(error?.message || error);
  if (/pdf|cannot be scripted|extensions gallery/i.test(text)) {
    return new UserError('Gleaner cannot read this kind of page (a PDF or a page the browser protects).');
  }
  if (/Cannot access|permission|host permission|activeTab/i.test(text)) {
    return new UserError(`Gleaner has no access to ${new URL(url).host || 'this page'} yet: click the Gleaner button on the page itself to grant it for this tab.`);
  }
  if (/file:/.test(url)) {
    return new UserError('To scrape local files, allow "Access file URLs" for Gleaner on the browser\'s extensions page.');
  }
  return Object.assign(new Error(`could not capture the page: ${text}`), { context: 'service worker' });
}

async function capture(tab) {
  const reason = unreadableReason(tab.url);
  if (reason) throw new UserError(reason);
  let injection;
  try {
    [injection] = await chrome.scripting.executeScript({ target: { tabId: tab.id }, files: ['extension/content/capture.js'] });
  } catch (error) {
    throw explainCaptureError(error, tab.url);
  }
  if (!injection?.result) throw new UserError('The page did not answer; it may still be loading. Try again in a moment.');
  return injection.result;
}

const lastRunKey = (tabId) => `lastRun:${tabId}`;

// Stored as JSON text: chrome.storage keeps objects as maps sorted by key,
// which would reorder every record's fields (and so the CSV columns).
async function saveLastRun(tabId, run) {
  try {
    await chrome.storage.session.set({ [lastRunKey(tabId)]: JSON.stringify(run) });
  } catch {
    // Too large for session storage: keep it for this service worker's life only.
    memoryRuns.set(tabId, run);
  }
}

const memoryRuns = new Map();

async function lastRun(tabId) {
  const stored = (await chrome.storage.session.get(lastRunKey(tabId)))[lastRunKey(tabId)];
  return stored ? JSON.parse(stored) : memoryRuns.get(tabId) ?? null;
}

function summarize(scraper) {
  const { source, ...metadata } = scraper;
  return metadata;
}

const commands = {
  async [Command.DescribeTab]({ tabId }) {
    const tab = await chrome.tabs.get(tabId);
    const run = await lastRun(tabId);
    return {
      page: { url: tab.url, title: tab.title },
      unreadable: unreadableReason(tab.url),
      scrapers: (await applicableScrapers(tab.url)).map(summarize),
      lastRun: run && run.url === tab.url ? run : null,
    };
  },

  async [Command.ScrapeTab]({ tabId }) {
    const tab = await chrome.tabs.get(tabId);
    const page = await capture(tab);
    const scrapers = await applicableScrapers(page.url, page.kind);
    const startedAt = new Date().toISOString();
    const { results, boot } = await host.run(page, scrapers.map((s) => ({ name: s.name, title: s.title, source: s.source, timeoutMs: s.timeout ? s.timeout * 1000 : undefined })));
    const run = { url: page.url, title: page.title, kind: page.kind, feeds: page.feeds, startedAt, results, boot };
    await saveLastRun(tabId, run);
    return run;
  },

  async [Command.ExportRecords]({ tabId, scraper, format }) {
    const run = await lastRun(tabId);
    const result = run?.results.find((r) => r.scraper === scraper);
    if (!result) throw new UserError('There are no records to export; scrape the page first.');
    const { text } = await host.exportRecords(result.records, format, {});
    return { text, filename: exportFilename(run.url, scraper, format, run.startedAt), mediaType: format === 'csv' ? 'text/csv' : 'application/json' };
  },

  async [Command.GetLastRun]({ tabId }) {
    return lastRun(tabId);
  },

  async [Command.WarmUp]() {
    return host.describe();
  },
};

// site + scraper + date, safe on every file system: example.com-links-2026-11-26.json
export function exportFilename(url, scraper, format, isoDate) {
  let site = 'page';
  try {
    site = new URL(url).hostname.replace(/^www\./, '') || 'page';
  } catch {
    // keep 'page'
  }
  const safe = (text) => text.replace(/[^A-Za-z0-9._-]+/g, '_');
  return `${safe(site)}-${safe(scraper)}-${isoDate.slice(0, 10)}.${format}`;
}

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (message?.target !== Target.ServiceWorker) return false;
  if (!fromExtensionPage(sender)) {
    sendResponse(fail(new Error('refused: only Gleaner\'s own pages may send commands'), 'service worker'));
    return false;
  }
  const command = commands[message.name];
  if (!command) {
    sendResponse(fail(new Error(`unknown command ${message.name}`), 'service worker'));
    return false;
  }
  command(message.payload ?? {}).then(ok, (error) => fail(error, error.context || 'service worker')).then(sendResponse);
  return true;
});
