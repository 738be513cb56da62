// The service worker: the one privileged router. It captures pages, decides
// which scrapers apply (without booting Python), hands the work to the Python
// host and keeps the last results so a reopened popup shows them.

import {
  Target, Command, Event, ok, fail, fromExtensionPage, UserError, PAGE_LIMIT_CHARS,
} from '../common/messages.js';
import { urlMatches } from '../common/match-pattern.js';
import { createHostClient } from './host-client.js';
import { capturePage } from '../content/capture.js';
import * as store from './scraper-store.js';
import { checkPayload } from './payload-checks.js';
import * as history from './run-history.js';

const host = createHostClient({
  onProgress: (payload) => chrome.runtime.sendMessage({ target: Target.Popup, name: Event.HostProgress, payload }).catch(() => {}),
});

let builtinsPromise = null;

function builtinScrapers() {
  builtinsPromise ??= fetch(chrome.runtime.getURL('python/scrapers.json')).then((r) => r.json()).then((index) => index.scrapers);
  return builtinsPromise;
}

// Built-ins then the user's scrapers, each with its enabled state; user
// scrapers carry their source (built-ins' live in the Python host).
async function allScrapers(state) {
  return [
    ...(await builtinScrapers()).map((s) => ({ ...s, builtin: true, enabled: store.isEnabled(state, s.name, true) })),
    ...state.scrapers.map((s) => ({ ...s.metadata, builtin: false, enabled: s.enabled !== false, source: s.source })),
  ];
}

// Filtered by pattern here, without booting Python; switched-off scrapers
// and those turned off for this site stay out.
async function applicableScrapers(url, kind) {
  const state = await store.read();
  return (await allScrapers(state)).filter((scraper) => scraper.enabled
    && (!kind || scraper.input === kind)
    && urlMatches(url, scraper.matches, scraper.excludes)
    && !store.isOffForSite(state, scraper.name, url));
}

async function scrapersOffForSite(url) {
  const state = await store.read();
  return (await allScrapers(state)).filter((scraper) => scraper.enabled
    && urlMatches(url, scraper.matches, scraper.excludes) && store.isOffForSite(state, scraper.name, url));
}

// Check a source in Python; an invalid one becomes a UserError naming the line.
async function validOrThrow(source, previous) {
  const reply = await host.validate(source, previous);
  if (!reply.ok) {
    const where = reply.error.line ? ` (line ${reply.error.line}${reply.error.column ? `, column ${reply.error.column}` : ''})` : '';
    throw Object.assign(new UserError(`${reply.error.message}${where}; nothing was saved.`), { line: reply.error.line, column: reply.error.column });
  }
  return reply;
}

function userEntry(state, name) {
  const entry = store.findUser(state, name);
  if (!entry) throw new UserError(`There is no scraper of yours named ${name}.`);
  return entry;
}

// A free "name-2", "name-3"... for keeping both of two scrapers with one name.
function freeName(state, builtinNames, name) {
  const taken = new Set([...builtinNames, ...state.scrapers.map((s) => s.metadata.name)]);
  let n = 2;
  while (taken.has(`${name}-${n}`)) n += 1;
  return `${name}-${n}`;
}

function withName(source, name) {
  return source.replace(/^NAME\s*(:[^=]*)?=.*$/m, `NAME = ${JSON.stringify(name)}`);
}

function siteOf(url) {
  try {
    const { hostname } = new URL(url);
    if (hostname) return hostname;
  } catch {
    // fall through
  }
  throw new UserError(`${url} is not a web address with a site name.`);
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

async function capture(tab, feedUrl = null) {
  const reason = unreadableReason(tab.url);
  if (reason) throw new UserError(reason);
  let injection;
  try {
    [injection] = await chrome.scripting.executeScript({ target: { tabId: tab.id }, func: capturePage, args: [feedUrl, PAGE_LIMIT_CHARS] });
  } catch (error) {
    throw explainCaptureError(error, tab.url);
  }
  if (!injection?.result) throw new UserError('The page did not answer; it may still be loading. Try again in a moment.');
  const { tooLarge } = injection.result;
  if (tooLarge) {
    const mb = (chars) => `${(chars / 1_048_576).toFixed(1)} MB`;
    throw new UserError(`This page is too large to scrape: it is ${mb(tooLarge.chars)}, and Gleaner reads pages of at most ${mb(tooLarge.limitChars)}.`);
  }
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

// The tab's last run for the page it shows: from session storage, else (after
// a browser restart clears it) the newest run of that URL in the history.
async function lastRunForPage(tabId, url) {
  const run = await lastRun(tabId);
  if (run && run.tabUrl === url) return run;
  try {
    return await history.newestRunFor(url);
  } catch {
    return null; // an unreadable history only means no earlier results to show
  }
}

// A failure to keep the run in the history never costs the scrape its records:
// the run carries historyError, which the popup shows.
async function addToHistory(run) {
  try {
    run.historyId = await history.addRun(run, await history.limitBytes());
  } catch (error) {
    run.historyError = `History could not be saved (${error?.message || error}).`;
  }
}

// A smaller limit set in the options applies at once, not at the next scrape.
chrome.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && changes[history.LIMIT_SETTING]) history.limitBytes().then(history.prune).catch(() => {});
});

function summarize(scraper) {
  const { source, ...metadata } = scraper;
  return metadata;
}

// Each scraper's time limit: its own TIMEOUT, else the person's setting
// (options page), else 10 s; never above MAX_TIMEOUT_SECONDS, so a plugin
// cannot ask for all the time in the world.
export const DEFAULT_TIMEOUT_SECONDS = 10;
export const MAX_TIMEOUT_SECONDS = 300;

async function withTimeouts(scrapers) {
  const { scraperTimeoutSeconds } = await chrome.storage.local.get('scraperTimeoutSeconds');
  const fallback = Number(scraperTimeoutSeconds) > 0 ? Number(scraperTimeoutSeconds) : DEFAULT_TIMEOUT_SECONDS;
  return scrapers.map((s) => ({
    name: s.name,
    title: s.title,
    source: s.source,
    timeoutMs: Math.round(Math.min(s.timeout > 0 ? s.timeout : fallback, MAX_TIMEOUT_SECONDS) * 1000),
  }));
}

const commands = {
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
    const captureStarted = performance.now();
    const page = await capture(tab, feedUrl);
    if (page.error) throw new UserError(page.error);
    const captureMs = Math.round(performance.now() - captureStarted);
    const scrapers = await applicableScrapers(page.url, page.kind);
    const startedAt = new Date().toISOString();
    const hostStarted = performance.now();
    const { results, boot, page: parsed } = await host.run(page, await withTimeouts(scrapers));
    // Where a click's time goes (the benchmark reads them): the capture, and
    // the Python host's whole run (boot, page transfer, tree, scrapers).
    const timings = { captureMs, hostMs: Math.round(performance.now() - hostStarted) };
    const run = { url: page.url, tabUrl: tab.url, title: page.title, kind: page.kind, feeds: page.feeds, startedAt, results, boot, parsed, timings };
    const lastRuns = store.update((state) => {
      for (const result of results) {
        state.lastRuns[result.scraper] = { at: startedAt, url: page.url, ok: result.ok, count: result.records.length, error: result.ok ? null : result.error.message };
      }
    });
    await addToHistory(run);
    await Promise.all([saveLastRun(tabId, run), lastRuns]);
    return run;
  },

  // Without a scraper, every scraper of the run goes into one file (XLSX:
  // a sheet each). A binary format comes back as base64 (see HostCommand.Export).
  async [Command.ExportRecords]({ tabId = null, runId = null, scraper = null, format }) {
    let run = null;
    if (runId !== null) run = await history.getRun(runId);
    else if (tabId !== null) run = await lastRunForPage(tabId, (await chrome.tabs.get(tabId)).url);
    const result = scraper === null ? null : run?.results.find((r) => r.scraper === scraper);
    if (!run || (scraper !== null && !result) || !run.results.some((r) => r.records.length)) {
      throw new UserError('There are no records to export; scrape the page first.');
    }
    const exported = await host.exportRecords({
      ...(result ? { records: result.records } : { results: run.results }),
      format,
      options: await exportOptions(format, scraper),
    });
    const { mediaType, extension, ...content } = exported;
    return { ...content, filename: exportFilename(run.url, scraper ?? 'all', extension, run.startedAt), mediaType };
  },

  async [Command.ListRuns]() {
    const runs = await history.listRuns();
    return { runs, limitBytes: await history.limitBytes(), totalBytes: runs.reduce((sum, run) => sum + run.size, 0) };
  },

  async [Command.GetRun]({ runId }) {
    const run = await history.getRun(runId);
    if (!run) throw new UserError('That run is no longer in the history.');
    return run;
  },

  async [Command.DeleteRun]({ runId }) {
    await history.deleteRun(runId);
    return {};
  },

  async [Command.ClearRuns]() {
    await history.clearRuns();
    return {};
  },

  async [Command.GetLastRun]({ tabId }) {
    return lastRunForPage(tabId, (await chrome.tabs.get(tabId)).url);
  },

  async [Command.WarmUp]() {
    return host.describe();
  },

  async [Command.ListScrapers]() {
    const state = await store.read();
    const scrapers = (await allScrapers(state)).map((scraper) => {
      const entry = scraper.builtin ? null : store.findUser(state, scraper.name);
      return {
        ...scraper,
        offSites: state.settings.offSites[scraper.name] ?? [],
        lastRun: state.lastRuns[scraper.name] ?? null,
        installedAt: entry?.installedAt ?? null,
        updatedAt: entry?.updatedAt ?? null,
      };
    });
    return { scrapers };
  },

  async [Command.ValidateScraper]({ source }) {
    const state = await store.read();
    const first = await host.validate(source);
    if (!first.ok) return first;
    const installed = store.findUser(state, first.metadata.name);
    if (!installed) return { ...first, installed: null };
    const { diff } = await host.validate(source, installed.source);
    return { ...first, installed: { version: installed.metadata.version, source: installed.source, diff, newer: store.compareVersions(first.metadata.version, installed.metadata.version) } };
  },

  async [Command.SaveScraper]({ source, originalName = null, replace = false }) {
    const { metadata } = await validOrThrow(source);
    const now = new Date().toISOString();
    return store.update((state) => {
      const clash = store.findUser(state, metadata.name);
      if (clash && metadata.name !== originalName && !replace) {
        throw new UserError(`A scraper named ${metadata.name} is already installed (version ${clash.metadata.version}); replace it or change NAME.`);
      }
      const original = originalName ? store.findUser(state, originalName) : null;
      const previous = original ?? clash;
      const entry = {
        source,
        metadata,
        enabled: previous ? previous.enabled !== false : true,
        installedAt: previous?.installedAt ?? now,
        updatedAt: now,
      };
      const index = previous ? state.scrapers.indexOf(previous) : state.scrapers.length;
      state.scrapers = state.scrapers.filter((s) => s !== original && s !== clash);
      state.scrapers.splice(Math.min(index, state.scrapers.length), 0, entry);
      if (original && original.metadata.name !== metadata.name && state.settings.offSites[original.metadata.name]) {
        state.settings.offSites[metadata.name] = state.settings.offSites[original.metadata.name];
        delete state.settings.offSites[original.metadata.name];
      }
      return { ...metadata, enabled: entry.enabled };
    });
  },

  async [Command.DeleteScraper]({ name }) {
    return store.update((state) => {
      const entry = userEntry(state, name);
      const index = state.scrapers.indexOf(entry);
      const offSites = state.settings.offSites[name] ?? null;
      state.scrapers.splice(index, 1);
      delete state.settings.offSites[name];
      delete state.lastRuns[name];
      return { entry, index, offSites };
    });
  },

  async [Command.RestoreScraper]({ entry, index, offSites }) {
    await validOrThrow(entry.source);
    return store.update((state) => {
      if (store.findUser(state, entry.metadata.name)) throw new UserError(`A scraper named ${entry.metadata.name} exists again; it was not restored.`);
      state.scrapers.splice(Math.min(index, state.scrapers.length), 0, entry);
      if (offSites) state.settings.offSites[entry.metadata.name] = offSites;
      return {};
    });
  },

  async [Command.SetScraperEnabled]({ name, enabled }) {
    const builtin = (await builtinScrapers()).some((s) => s.name === name);
    return store.update((state) => {
      if (builtin) state.settings.builtins[name] = { enabled: !!enabled };
      else userEntry(state, name).enabled = !!enabled;
      return {};
    });
  },

  async [Command.SetScraperOffForSite]({ name, url, off }) {
    const site = siteOf(url);
    return store.update((state) => {
      const sites = new Set(state.settings.offSites[name] ?? []);
      if (off) sites.add(site);
      else sites.delete(site);
      if (sites.size) state.settings.offSites[name] = [...sites].sort();
      else delete state.settings.offSites[name];
      return { name, site, off: !!off };
    });
  },

  async [Command.TestUrl]({ url }) {
    try {
      new URL(url);
    } catch {
      throw new UserError(`${url || 'That'} is not a complete web address (try https://example.org/page).`);
    }
    const state = await store.read();
    const scrapers = (await allScrapers(state)).map((scraper) => {
      const matches = urlMatches(url, scraper.matches, scraper.excludes);
      const offForSite = store.isOffForSite(state, scraper.name, url);
      return { name: scraper.name, title: scraper.title, builtin: scraper.builtin, enabled: scraper.enabled, matches, offForSite, runs: matches && scraper.enabled && !offForSite };
    });
    return { url, scrapers };
  },

  async [Command.RunScraperTests]({ name, source = null }) {
    if (source === null) {
      const state = await store.read();
      source = store.findUser(state, name)?.source ?? null;
    } else {
      name = (await validOrThrow(source)).metadata.name;
    }
    return host.runTests(name, source ?? undefined);
  },

  async [Command.TryScraper]({ source, tabId = null, page = null }) {
    const { metadata } = await validOrThrow(source);
    let input = page && { url: page.url || 'https://example.org/', title: page.title || '', kind: page.xml !== undefined ? 'feed' : 'html', html: page.html, xml: page.xml };
    if (tabId !== null) input = await capture(await chrome.tabs.get(tabId));
    if (!input) throw new UserError('Choose a tab, or paste or upload a page, to try the scraper on.');
    if (input.kind !== metadata.input) {
      throw new UserError(`This scraper reads ${metadata.input === 'feed' ? 'feeds' : 'HTML pages'}, and that is ${input.kind === 'feed' ? 'a feed' : 'an HTML page'}.`);
    }
    const { results } = await host.run(input, await withTimeouts([{ ...metadata, source }]));
    return { result: results[0], page: { url: input.url, title: input.title } };
  },

  async [Command.ExportArchive]() {
    const state = await store.read();
    const text = store.archiveText(state, (await builtinScrapers()).map((s) => s.name));
    return { text, filename: `gleaner-scrapers-${new Date().toISOString().slice(0, 10)}.json` };
  },

  async [Command.ImportArchive]({ text, choices = null }) {
    const archive = store.parseArchive(text);
    const builtinNames = (await builtinScrapers()).map((s) => s.name);
    // Every scraper is checked before anything is written: all or nothing.
    const checked = [];
    for (const item of archive.scrapers) {
      const reply = await host.validate(item.source);
      if (!reply.ok) throw new UserError(`${item.name || 'A scraper'} in the archive is invalid: ${reply.error.message}${reply.error.line ? ` (line ${reply.error.line})` : ''}. Nothing was imported.`);
      checked.push({ item, metadata: reply.metadata });
    }
    const current = await store.read();
    const conflicts = checked.filter(({ metadata }) => store.findUser(current, metadata.name)).map(({ metadata, item }) => {
      const installed = store.findUser(current, metadata.name);
      return { name: metadata.name, installed: installed.metadata.version, incoming: metadata.version, newer: store.compareVersions(metadata.version, installed.metadata.version) > 0, same: installed.source === item.source };
    });
    if (conflicts.some((c) => !choices?.[c.name])) return { conflicts };
    const renamed = new Map();
    for (const { item, metadata } of checked) {
      if (choices?.[metadata.name] === 'keep-both') {
        const name = freeName(current, builtinNames, metadata.name);
        const reply = await validOrThrow(withName(item.source, name));
        renamed.set(item, { source: withName(item.source, name), metadata: reply.metadata });
      }
    }
    return store.update((state) => {
      const imported = [];
      const skipped = [];
      for (const { item, metadata: checkedMetadata } of checked) {
        const choice = choices?.[checkedMetadata.name];
        if (choice === 'skip' && store.findUser(state, checkedMetadata.name)) {
          skipped.push(checkedMetadata.name);
          continue;
        }
        const { source, metadata } = renamed.get(item) ?? { source: item.source, metadata: checkedMetadata };
        const entry = { source, metadata, enabled: item.enabled !== false, installedAt: item.installedAt ?? null, updatedAt: item.updatedAt ?? null };
        const existing = store.findUser(state, metadata.name);
        if (existing) state.scrapers[state.scrapers.indexOf(existing)] = entry;
        else state.scrapers.push(entry);
        if (item.offSites?.length) state.settings.offSites[metadata.name] = [...item.offSites];
        else delete state.settings.offSites[metadata.name];
        imported.push(metadata.name);
      }
      for (const [name, settings] of Object.entries(archive.builtins ?? {})) {
        if (!builtinNames.includes(name)) continue;
        if (settings.enabled === false) state.settings.builtins[name] = { enabled: false };
        else delete state.settings.builtins[name];
        if (settings.offSites?.length) state.settings.offSites[name] = [...settings.offSites];
        else delete state.settings.offSites[name];
      }
      return { imported, skipped };
    });
  },
};

// Formula neutralisation is on unless the person turned it off (options
// page); it applies to every format a spreadsheet opens.
async function exportOptions(format, scraper) {
  const options = {};
  if (['csv', 'tsv', 'xlsx'].includes(format)) {
    const { csvNeutralizeFormulas = true } = await chrome.storage.local.get('csvNeutralizeFormulas');
    options.neutralize_formulas = csvNeutralizeFormulas !== false;
  }
  if (format === 'xlsx' && scraper) options.sheet_name = scraper;
  return options;
}

// site + scraper + date, safe on every file system: example.com-links-2026-11-26.json
export function exportFilename(url, scraper, extension, isoDate) {
  let site = 'page';
  try {
    site = new URL(url).hostname.replace(/^www\./, '') || 'page';
  } catch {
    // keep 'page'
  }
  const safe = (text) => text.replace(/[^A-Za-z0-9._-]+/g, '_');
  return `${safe(site)}-${safe(scraper)}-${isoDate.slice(0, 10)}.${extension}`;
}

// Python's first boot after an install or an update is the slow one (it
// makes the memory snapshot that every later start restores). Done now, it
// is usually over before the first click, which then finds Python warm, or
// shares the boot in progress. Python is let go after the keep-warm period,
// as after any use.
chrome.runtime.onInstalled.addListener(({ reason }) => {
  if (reason !== 'install' && reason !== 'update') return;
  host.describe().catch((error) => console.warn('Gleaner: Python could not start after the install', error));
});

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (message?.target !== Target.ServiceWorker) return false;
  if (!fromExtensionPage(sender)) {
    sendResponse(fail(new Error('refused: only Gleaner\'s own pages may send commands'), 'service worker'));
    return false;
  }
  // Own properties only: a name such as "constructor" must not reach Object's.
  const command = Object.hasOwn(commands, message.name) ? commands[message.name] : null;
  if (!command) {
    sendResponse(fail(new Error(`unknown command ${message.name}`), 'service worker'));
    return false;
  }
  let payload;
  try {
    payload = checkPayload(message.name, message.payload);
  } catch (error) {
    sendResponse(fail(error, 'service worker'));
    return false;
  }
  command(payload).then(ok, (error) => fail(error, error.context || 'service worker')).then(sendResponse);
  return true;
});
