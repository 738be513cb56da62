// Crawls as durable objects, in IndexedDB (the service worker's in Chrome,
// the event page's in Firefox), so a crawl outlives the service worker, an
// extension reload and a browser restart.
//
// Three stores:
//   crawls   one row per crawl: what started it, its state, its counters
//   pages    one row per page the crawl has seen, keyed [crawlId, url]
//            (canonical URL): the seen-set and the queue in one. status is
//            queued, done or failed; `queue` orders the queued ones.
//   records  the records, one row each, as JSON text (which keeps every
//            record's key order, and so the CSV columns), in the order
//            they were scraped.
//
// A page's outcome lands in ONE transaction (commitPage): its records, the
// pages it found and its done (or failed) mark, with the crawl's counters.
// A stop at any moment leaves all of a page or none of it, so a page is never
// counted twice and a record never doubled or lost.

import { database, requestResult } from '../common/idb.js';

const CRAWLS = 'crawls';
const PAGES = 'pages';
const RECORDS = 'records';
const ALL = [CRAWLS, PAGES, RECORDS];

const db = database('gleaner-crawls', {
  version: 1,
  stores: ALL,
  upgrade(idb) {
    idb.createObjectStore(CRAWLS, { keyPath: 'id' });
    const pages = idb.createObjectStore(PAGES, { keyPath: ['crawlId', 'url'] });
    pages.createIndex('queue', ['crawlId', 'status', 'seq']);
    const records = idb.createObjectStore(RECORDS, { autoIncrement: true });
    records.createIndex('byScraper', ['crawlId', 'scraper']);
    records.createIndex('byCrawl', 'crawlId');
  },
});

export const PageStatus = Object.freeze({ Queued: 'queued', Done: 'done', Failed: 'failed' });

const newCounters = () => ({ done: 0, failed: 0, queued: 0, records: 0, offSite: 0, retries: 0, pageErrors: 0 });

// A new crawl with its start pages queued; returns the crawl row.
export async function createCrawl({ id, start, sites, startPages }) {
  const crawl = {
    id,
    createdAt: new Date().toISOString(),
    start,
    sites,
    state: 'running',
    message: '',
    counters: newCounters(),
    perScraper: {},
    elapsedMs: 0,
    runningSince: null,
    nextSeq: 0,
  };
  await db.transact(ALL, 'readwrite', async (stores) => {
    for (const page of startPages) {
      const known = await requestResult(stores[PAGES].get([id, page.url]));
      if (known) continue; // the same URL twice in a list is one page
      stores[PAGES].put(queuedPage(crawl, page));
      crawl.counters.queued += 1;
    }
    stores[CRAWLS].put(crawl);
  });
  return crawl;
}

function queuedPage(crawl, { url, callback = null, data = null, from = null }) {
  const seq = crawl.nextSeq;
  crawl.nextSeq += 1;
  return { crawlId: crawl.id, url, seq, status: PageStatus.Queued, attempts: 0, closedRetries: 0, callback, data, from, error: null, errors: [], records: 0 };
}

export async function getCrawl(id) {
  return db.transact([CRAWLS], 'readonly', (stores) => requestResult(stores[CRAWLS].get(id)));
}

export async function listCrawls() {
  const crawls = await db.transact([CRAWLS], 'readonly', (stores) => requestResult(stores[CRAWLS].getAll()));
  return crawls.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
}

// Change a crawl's row in one transaction: `change(crawl)` edits it in place.
export async function updateCrawl(id, change) {
  return db.transact([CRAWLS], 'readwrite', async (stores) => {
    const crawl = await requestResult(stores[CRAWLS].get(id));
    if (!crawl) throw new Error(`there is no crawl ${id}`);
    change(crawl);
    stores[CRAWLS].put(crawl);
    return crawl;
  });
}

// The next page to visit: the queued page with the lowest sequence number.
export async function nextQueuedPage(crawlId) {
  return db.transact([PAGES], 'readonly', async (stores) => {
    const range = IDBKeyRange.bound([crawlId, PageStatus.Queued, -Infinity], [crawlId, PageStatus.Queued, Infinity]);
    const cursor = await requestResult(stores[PAGES].index('queue').openCursor(range));
    return cursor?.value ?? null;
  });
}

// A page's outcome, all at once. outcome:
//   { status: 'done', records: [{ scraper, record }], follows: [{ url, callback, data }],
//     offSite: n, errors: [{ scraper, message }], ms }
//   { status: 'failed', error } (given up), or { status: 'queued', error, retry: 'attempt' | 'closed' } (to try again)
// Follows already in the seen-set are dropped here, inside the transaction,
// and the crawl's running time so far is kept with the outcome.
export async function commitPage(crawlId, url, outcome) {
  return db.transact(ALL, 'readwrite', async (stores) => {
    const crawl = await requestResult(stores[CRAWLS].get(crawlId));
    const page = await requestResult(stores[PAGES].get([crawlId, url]));
    // Committed already (a second runner would be a bug): nothing twice.
    if (!crawl || !page || page.status !== PageStatus.Queued) return crawl;
    const { counters } = crawl;
    if (outcome.status === PageStatus.Queued) {
      if (outcome.retry === 'closed') page.closedRetries += 1;
      else page.attempts += 1;
      page.error = outcome.error;
      page.seq = crawl.nextSeq; // to the back of the queue
      crawl.nextSeq += 1;
      counters.retries += 1;
    } else if (outcome.status === PageStatus.Failed) {
      page.status = PageStatus.Failed;
      page.attempts += 1;
      page.error = outcome.error;
      counters.queued -= 1;
      counters.failed += 1;
    } else {
      page.status = PageStatus.Done;
      page.records = outcome.records.length;
      page.errors = outcome.errors ?? [];
      page.ms = outcome.ms ?? null;
      page.loadMs = outcome.loadMs ?? null;
      page.note = outcome.note ?? null;
      counters.queued -= 1;
      counters.done += 1;
      counters.records += outcome.records.length;
      counters.offSite += outcome.offSite ?? 0;
      if (page.errors.length) counters.pageErrors += 1;
      for (const { scraper, record } of outcome.records) {
        stores[RECORDS].add({ crawlId, scraper, page: url, json: JSON.stringify(record) });
        crawl.perScraper[scraper] = (crawl.perScraper[scraper] ?? 0) + 1;
      }
      for (const follow of outcome.follows ?? []) {
        const known = await requestResult(stores[PAGES].get([crawlId, follow.url]));
        if (known) continue;
        stores[PAGES].put(queuedPage(crawl, { ...follow, from: url }));
        counters.queued += 1;
      }
    }
    if (crawl.runningSince) {
      const now = Date.now();
      crawl.elapsedMs += now - crawl.runningSince;
      crawl.runningSince = now;
    }
    stores[PAGES].put(page);
    stores[CRAWLS].put(crawl);
    return crawl;
  });
}

// Pages with their outcome, in the order they were found (for the
// options page: per-page errors, what is left).
export async function listPages(crawlId, { status = null, limit = 200 } = {}) {
  return db.transact([PAGES], 'readonly', async (stores) => {
    const all = await requestResult(stores[PAGES].getAll(IDBKeyRange.bound([crawlId, ''], [crawlId, '\uffff'])));
    return all.filter((page) => !status || page.status === status).sort((a, b) => a.seq - b.seq).slice(0, limit);
  });
}

// One scraper's records for the whole crawl, in the order they were
// scraped, each with the page it came from: [{ page, record }].
export async function scraperRecords(crawlId, scraper) {
  const rows = await db.transact([RECORDS], 'readonly', (stores) => requestResult(stores[RECORDS].index('byScraper').getAll([crawlId, scraper])));
  return rows.map((row) => ({ page: row.page, record: JSON.parse(row.json) }));
}

export async function deleteCrawl(crawlId) {
  await db.transact(ALL, 'readwrite', async (stores) => {
    stores[CRAWLS].delete(crawlId);
    stores[PAGES].delete(IDBKeyRange.bound([crawlId, ''], [crawlId, '\uffff']));
    const keys = await requestResult(stores[RECORDS].index('byCrawl').getAllKeys(crawlId));
    for (const key of keys) stores[RECORDS].delete(key);
  });
}
