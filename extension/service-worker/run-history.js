// The history of recent runs, in IndexedDB (the service worker's in Chrome,
// the event page's in Firefox), so results outlive the service worker, the
// offscreen document, a browser restart and an extension reload.
//
// Two stores keyed by the same auto-incremented id (so newer runs have
// larger ids): `summaries` holds what the history list shows, `results`
// holds each run as JSON text. Listing never reads the records, and JSON
// text keeps every record's key order (and so the CSV columns).
//
// The size limit counts the bytes of the JSON text. Pruning keeps the newest
// runs that fit; the newest run is always kept, even alone and larger than
// the limit, so the last results a person saw are never the ones lost.

import { database, requestResult as done } from '../common/idb.js';
import { readSetting } from '../common/settings.js';
import { runJson } from '../common/scraper-result.js';

const SUMMARIES = 'summaries';
const RESULTS = 'results';
const STORES = [SUMMARIES, RESULTS];

const db = database('gleaner-history', {
  version: 1,
  upgrade(opened) {
    if (!opened.objectStoreNames.contains(SUMMARIES)) opened.createObjectStore(SUMMARIES, { keyPath: 'id', autoIncrement: true });
    if (!opened.objectStoreNames.contains(RESULTS)) opened.createObjectStore(RESULTS, { keyPath: 'id' });
  },
});

// Both stores in one transaction; resolves once it has committed (so a quota
// error rejects instead of vanishing).
const transact = (mode, work) => db.transact(STORES, mode, work);

function summaryOf(run, size) {
  return {
    url: run.url,
    tabUrl: run.tabUrl,
    title: run.title,
    kind: run.kind,
    startedAt: run.startedAt,
    size,
    counts: run.results.map((r) => ({ scraper: r.scraper, title: r.title ?? r.scraper, ok: r.ok, count: r.count, error: r.ok ? null : r.error?.message ?? 'failed' })),
  };
}

// Store a run (its results as common/scraper-result.js carries them); returns
// its id. Prunes to `limitBytes`. resultsJson: the run as JSON text, when the
// caller has it already.
export async function addRun(run, limitBytes, resultsJson = runJson(run)) {
  const size = new TextEncoder().encode(resultsJson).length;
  const id = await transact('readwrite', async ({ summaries, results }) => {
    const key = await done(summaries.add(summaryOf(run, size)));
    await done(results.put({ id: key, resultsJson }));
    return key;
  });
  await prune(limitBytes);
  return id;
}

// Summaries, newest first: { id, url, tabUrl, title, kind, startedAt, size, counts }.
export async function listRuns() {
  const all = await transact('readonly', ({ summaries }) => done(summaries.getAll()));
  return all.reverse();
}

// The run as it was stored, with its id; null when it is gone.
export async function getRun(id) {
  const stored = await transact('readonly', ({ results }) => done(results.get(id)));
  return stored ? { ...JSON.parse(stored.resultsJson), historyId: id } : null;
}

export async function newestRunFor(tabUrl) {
  const match = (await listRuns()).find((summary) => summary.tabUrl === tabUrl);
  return match ? getRun(match.id) : null;
}

export async function deleteRun(id) {
  await transact('readwrite', ({ summaries, results }) => Promise.all([done(summaries.delete(id)), done(results.delete(id))]));
}

export async function clearRuns() {
  await transact('readwrite', ({ summaries, results }) => Promise.all([done(summaries.clear()), done(results.clear())]));
}

// Delete the oldest runs until the rest fit in `limitBytes` (the newest always stays).
export async function prune(limitBytes) {
  const runs = await listRuns();
  let total = 0;
  const doomed = [];
  runs.forEach((summary, position) => {
    total += summary.size;
    if (position > 0 && total > limitBytes) doomed.push(summary.id);
  });
  if (!doomed.length) return [];
  await transact('readwrite', ({ summaries, results }) => Promise.all(doomed.flatMap((id) => [done(summaries.delete(id)), done(results.delete(id))])));
  return doomed;
}

export async function limitBytes() {
  return Math.round((await readSetting('historyLimitMB')) * 1024 * 1024);
}
