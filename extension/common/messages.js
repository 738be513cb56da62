// Every message that crosses a context boundary is named here, and only here.
//
// Shape: { target, name, payload }. Each context ignores messages whose
// target is not its own, so the many onMessage listeners in one extension
// never answer each other's questions. Replies always have one shape:
//   { ok: true, result }  or  { ok: false, error: { type, message, user, context, ... } }
// where `user` says whether the person can act on it (a plain sentence) or
// whether it is a bug (shown with its traceback).

export const Target = Object.freeze({
  ServiceWorker: 'service-worker',
  PythonHost: 'python-host',
  Popup: 'popup',
  Options: 'options',
});

// Popup and options pages -> service worker. Content scripts may call none of
// these: the service worker refuses any sender that is not an extension page.
// Each is handled by the service-worker module that registers it
// (service-worker/command-registry.js). A result is one scraper's outcome:
// { scraper, title, ok, records, follows, error, ms } (common/scraper-result.js).
export const Command = Object.freeze({
  // { tabId } -> { page: {url, title, kind}, scrapers: [metadata], offHere: [metadata turned off for this site], lastRun }
  DescribeTab: 'DescribeTab',
  // { tabId, feedUrl? } -> { runJson } | { runJsonTicket }: the run { url, tabUrl, title, kind, feeds, startedAt,
  // results: [result], boot, historyId | historyError, timings } as JSON text, the records in it as Python wrote
  // them (read once, by the popup); in Chrome the text is taken by postMessage with the ticket
  // (common/large-values.js). With feedUrl, the feed that page links is fetched (in the page) and scraped instead.
  ScrapeTab: 'ScrapeTab',
  // { tabId?, runId?, scraper?, format, list?, columns? } -> { text | base64, filename, mediaType }
  // With runId, that run from the history is exported; else the tab's last run.
  // Without scraper, all the run's scrapers in one file. format: EXPORT_FORMATS;
  // XLSX comes as base64 (messages carry JSON), the others as text. With list
  // (the lists scraper's records only), the records of that list, and with
  // columns ([[key, name], ...]) only those keys, renamed, in that order.
  ExportRecords: 'ExportRecords',
  // { tabId } -> the tab's last run (as ScrapeTab returned it, read) or null
  GetLastRun: 'GetLastRun',
  // {} -> { ready, stages }: start Python early, before a scrape is asked for
  WarmUp: 'WarmUp',

  // Picking data (see service-worker/picker-commands.js and content/picker.js).
  // { tabId } -> {}: the tab goes into picking mode (its panel says what to do)
  StartPicker: 'StartPicker',
  // { tabId } -> { url, lists: [{ index, items, spec }] }: the lists the lists
  // scraper finds, main list first; spec as SaveListAsScraper takes it. The
  // tab then answers a ListsOutline port.
  FindLists: 'FindLists',
  // { tabId, spec: { item_selector, fields: [{ name, selector, attr }], next_selector } } -> { name }:
  // Python writes and names the plugin (gleaner.scraper_writer) from the tab as
  // it is now, and the options page's editor opens it as a new, unsaved scraper.
  SaveListAsScraper: 'SaveListAsScraper',

  // The options page: managing scrapers (see service-worker/scraper-store.js).
  // {} -> { scrapers: [{ ...metadata, builtin, enabled, offSites, lastRun, source?, packages? }], packageCache: { count, bytes } }
  // packages: a user scraper's lock, [{ name, version, filename, sha256, size, licence, ... }] (docs/packages.md)
  ListScrapers: 'ListScrapers',
  // { source } -> { ok, metadata, installed: { version, source, diff } | null } | { ok: false, error: { message, line, column } }
  ValidateScraper: 'ValidateScraper',
  // { source, originalName?, replace? } -> the saved scraper; refuses an invalid source and saves nothing.
  // A scraper that pins packages has them resolved, fetched from the package index and verified first
  // (the sender asks chrome.permissions for the index's site from the person's click).
  SaveScraper: 'SaveScraper',
  // { name } -> { entry, index, offSites }: what RestoreScraper needs to undo it
  DeleteScraper: 'DeleteScraper',
  // { entry, index, offSites } -> {}: undo a delete exactly
  RestoreScraper: 'RestoreScraper',
  // { name, enabled } -> {}
  SetScraperEnabled: 'SetScraperEnabled',
  // { name, url, off } -> {}: turn a scraper off (or back on) for the URL's site
  SetScraperOffForSite: 'SetScraperOffForSite',
  // { url } -> { url, scrapers: [{ name, title, builtin, enabled, matches, offForSite, runs }] }
  TestUrl: 'TestUrl',
  // { name, source? } -> [test case result]; with source, the editor's text is tested
  RunScraperTests: 'RunScraperTests',
  // { source, tabId? | page: { url, html | xml } } -> { result, page: { url, title } }
  TryScraper: 'TryScraper',
  // { withWheels? } -> { text, filename }: every user scraper and setting as one JSON archive
  // (each scraper's package lock with it; withWheels: the wheels' bytes too)
  ExportArchive: 'ExportArchive',
  // { text, choices?: { [name]: 'replace' | 'keep-both' | 'skip' } } -> { conflicts } | { imported, skipped }
  ImportArchive: 'ImportArchive',

  // The history of recent runs (see service-worker/run-history.js).
  // {} -> { runs: [{ id, url, tabUrl, title, kind, startedAt, size, counts: [{ scraper, title, ok, count, error }] }], limitBytes, totalBytes }
  ListRuns: 'ListRuns',
  // { runId } -> the run as ScrapeTab returned it (read), with historyId
  GetRun: 'GetRun',
  // { runId } -> {}
  DeleteRun: 'DeleteRun',
  // {} -> {}
  ClearRuns: 'ClearRuns',

  // Crawls (see service-worker/crawl.js); a crawl summary is
  // { id, state: running|paused|done|failed, message, mode, urls, urlCount, sites, scrapers, options,
  //   counters: { done, failed, queued, records, offSite, retries, pageErrors }, perScraper, createdAt, finishedAt, elapsedMs, etaMs }.
  // { mode: 'follow'|'next'|'list', urls, scrapers, nextPages?, maxPages?, delaySeconds?, timeoutSeconds?, settleMs?, anySite?, pageColumn? }
  //   -> summary. The sender asks chrome.permissions for the sites first (from the person's click).
  StartCrawl: 'StartCrawl',
  // {} -> { crawls: [summary] }, newest first
  ListCrawls: 'ListCrawls',
  // { crawlId, withTimings? } -> { crawl: summary, failed: [page], queued: [page], pageErrors: [page], timings?: [{ url, ms, loadMs }] }
  GetCrawl: 'GetCrawl',
  // { crawlId } -> summary: the page in progress finishes, then the crawl waits
  PauseCrawl: 'PauseCrawl',
  // { crawlId } -> summary
  ResumeCrawl: 'ResumeCrawl',
  // { crawlId } -> summary: done, with what was scraped kept
  StopCrawl: 'StopCrawl',
  // { crawlId } -> {}: the crawl and its records are gone
  DeleteCrawl: 'DeleteCrawl',
  // { crawlId, scraper, format: json|csv|jsonl, pageColumn? } -> { text, filename, mediaType, count }
  ExportCrawl: 'ExportCrawl',
  // (see service-worker/crawl-access.js) a StartCrawl request -> { waitId }: kept while its
  // sender asks for the sites' access; the grant's event starts it even if the sender is gone
  AwaitCrawlAccess: 'AwaitCrawlAccess',
  // { waitId } -> summary: the sender got the grant; the crawl starts (once, whoever is first)
  StartAwaitedCrawl: 'StartAwaitedCrawl',
});

// Content scripts -> service worker: the only commands a script in a web
// page's tab may send, refused from anywhere else, as Command is refused
// from content scripts. Content scripts are classic scripts and cannot
// import this module: the service worker hands them these names when it
// injects them.
export const ContentCommand = Object.freeze({
  // { spec } -> { name }: the picker panel's "Save as scraper", from a tab
  // where Gleaner started picking; as SaveListAsScraper for the sender's tab.
  SavePickedScraper: 'SavePickedScraper',
});

// Long-lived connections (chrome.tabs.connect) by name.
export const Port = Object.freeze({
  // Popup (Lists view) -> the picker script in the tab: each message
  // { selector, label } outlines a list's items, { selector: null } clears;
  // the port closing (the popup closed) clears too.
  ListsOutline: 'ListsOutline',
});

// Service worker -> Python host (offscreen document in Chrome, event page in Firefox).
export const HostCommand = Object.freeze({
  // {} -> { python, packages, builtins }
  Describe: 'HostDescribe',
  // { page: { ...captured, id?, data? }, scrapers: [{ name, title, source?, timeoutMs, callback? }] }
  //   -> { results: [result, its records as JSON text: recordsJson and count], boot, page, timings }
  // data: what the page that followed here passed on (a crawl); callback: the
  // plugin's entry point to call instead of scrape (a crawl). Runs take turns
  // (first come, first run), and each names its page by id (the host gives
  // one when the page has none), so Python refuses a run for another page.
  Run: 'HostRun',
  // { transfer, index, count, text }: one part of a large Run payload's page,
  // as JSON text. Chrome caps one extension message at 64 MiB of JSON, so
  // the page crosses in parts and Run then carries { pageTransfer } instead
  // of { page } (see PAGE_PART_CHARS).
  PutPagePart: 'HostPutPagePart',
  // { records | results, format, options } -> { text | base64, mediaType, extension }
  // (gleaner.exporters; results: several scrapers' in one file)
  Export: 'HostExport',
  // { source, previous? } -> { ok, metadata, diff? } | { ok: false, error: { message, line, column } }
  Validate: 'HostValidate',
  // { name, source?, packages? } -> [{ name, ok, problems: [text], error, records }]: the scraper's own TESTS
  RunTests: 'HostRunTests',
  // { page } -> { ok, lists: [{ index, items, spec }] } | { ok: false, error }: the lists on the
  // page (gleaner.lists), main list first. Like Run, the page may come in parts.
  ListSpecs: 'HostListSpecs',
  // { page, spec } -> { ok, name, source } | { ok: false, error }: a plugin file for the
  // picked list (gleaner.scraper_writer), its TESTS made from this page; a spec
  // without name or title gets them from its url.
  WriteScraper: 'HostWriteScraper',
  // { start: { requires, indexUrl, limitBytes, pyodideShips } } | { state, responses }
  //   -> { ok, state, requests } | { ok, lock } | { ok: false, error }: one step of resolving a
  // scraper's pinned packages (gleaner.packages); the service worker fetches what it asks for.
  ResolvePackages: 'HostResolvePackages',
});

// The formats gleaner.exporters registers (tsv: what "Copy as table" copies).
export const EXPORT_FORMATS = Object.freeze(['json', 'jsonl', 'csv', 'tsv', 'xlsx']);

// The largest page Gleaner reads, in characters of HTML (or XML). Parsing
// costs ~16x the page in Python's memory and ~0.6 s per MB; a larger page is
// refused with its size, never half-read.
export const PAGE_LIMIT_CHARS = 32 * 1024 * 1024;
// One part of a page in transit to the offscreen host: 8 Mi characters of
// JSON stay under Chrome's 64 MiB message cap even if every one is escaped
// as \uXXXX.
export const PAGE_PART_CHARS = 8 * 1024 * 1024;

// Broadcasts nobody replies to.
export const Event = Object.freeze({
  // { stage, elapsedMs, done } while Python boots; { scraper, done } while it runs
  HostProgress: 'HostProgress',
  // a crawl summary (see StartCrawl), after each page and each change of state
  CrawlProgress: 'CrawlProgress',
});

// Python host <-> its module Worker (postMessage, not chrome.runtime).
// Each op names a method of gleaner.host.Host or a boot step.
export const WorkerOp = Object.freeze({
  Boot: 'boot',
  Describe: 'describe',
  SetPage: 'setPage',
  RunScraper: 'runScraper',
  ReleasePage: 'releasePage',
  Export: 'export',
  Validate: 'validate',
  RunTests: 'runTests',
  ListSpecs: 'listSpecs',
  WriteScraper: 'writeScraper',
  ResolvePackages: 'resolvePackages',
  // { wheels: [{ sha256, bytes }] }: unpack each under /packages/<sha256>/ (a plugin's packages, before its run)
  LoadWheels: 'loadWheels',
});

export function ok(result) {
  return { ok: true, result };
}

export function fail(error, context) {
  const plain = error && typeof error === 'object' && 'message' in error
    ? { type: error.type || error.name || 'Error', message: error.message, user: !!error.user, traceback: error.traceback || null }
    : { type: 'Error', message: String(error), user: false, traceback: null };
  return { ok: false, error: { ...plain, context: plain.context || context } };
}

// An error meant for the person using the extension: shown as a sentence.
export class UserError extends Error {
  constructor(message) {
    super(message);
    this.name = 'UserError';
    this.user = true;
  }
}

// Throws the reply's error (tagged with the context it came from) or returns its result.
export function unwrap(reply, context) {
  if (!reply) {
    throw Object.assign(new Error(`${context} did not answer`), { context });
  }
  if (!reply.ok) {
    throw Object.assign(new Error(reply.error.message), reply.error, { name: reply.error.type });
  }
  return reply.result;
}

// Send a message to another context and get its result (or throw its error).
export async function request(target, name, payload = {}) {
  const reply = await chrome.runtime.sendMessage({ target, name, payload });
  return unwrap(reply, target);
}

export const SERVICE_WORKER_PATH = 'extension/service-worker/service-worker.js';

// True for our own pages and service worker; false for content scripts
// (whose sender.url is the web page's) and for anything from outside.
export function fromExtensionPage(sender) {
  return sender.id === chrome.runtime.id && typeof sender.url === 'string' && sender.url.startsWith(chrome.runtime.getURL(''));
}

// True for a script Gleaner injected into a web page's top frame: our
// extension's, from a tab, whose URL is the page's, not ours.
export function fromContentScript(sender) {
  return sender.id === chrome.runtime.id && !!sender.tab && sender.frameId === 0 && typeof sender.url === 'string' && !sender.url.startsWith(chrome.runtime.getURL(''));
}

export function fromServiceWorker(sender) {
  return sender.id === chrome.runtime.id && sender.url === chrome.runtime.getURL(SERVICE_WORKER_PATH);
}
