// Where a finished toolbar run is kept: as the tab's last run (session
// storage, so a reopened popup shows it), in the history, and as each
// scraper's last outcome (shown in the options page).

import * as history from './run-history.js';
import * as store from './scraper-store.js';
import { runJson, withFields } from '../common/scraper-result.js';

const lastRunKey = (tabId) => `lastRun:${tabId}`;
// Runs too large for session storage, as JSON text, for this service worker's life.
const memoryRuns = new Map();

// Stored as JSON text: chrome.storage keeps objects as maps sorted by key,
// which would reorder every record's fields (and so the CSV columns).
async function saveLastRun(tabId, text) {
  try {
    // More characters than the quota has bytes cannot fit: not worth a try.
    if (text.length > (chrome.storage.session.QUOTA_BYTES ?? Infinity)) throw new Error('over the quota');
    await chrome.storage.session.set({ [lastRunKey(tabId)]: text });
    memoryRuns.delete(tabId);
  } catch {
    // Too large for session storage: keep it for this service worker's life
    // only, and not behind an earlier run of the tab that session storage holds.
    memoryRuns.set(tabId, text);
    await chrome.storage.session.remove(lastRunKey(tabId));
  }
}

async function lastRun(tabId) {
  const stored = (await chrome.storage.session.get(lastRunKey(tabId)))[lastRunKey(tabId)] ?? memoryRuns.get(tabId);
  return stored ? JSON.parse(stored) : null;
}

// The tab's last run for the page it shows: from session storage, else (after
// a browser restart clears it) the newest run of that URL in the history.
export async function lastRunForPage(tabId, url) {
  const run = await lastRun(tabId);
  if (run && run.tabUrl === url) return run;
  try {
    return await history.newestRunFor(url);
  } catch {
    return null; // an unreadable history only means no earlier results to show
  }
}

// A failure to keep the run in the history never costs the scrape its records:
// the run's text carries historyError, which the popup shows.
async function addToHistory(run, text) {
  try {
    return { historyId: await history.addRun(run, await history.limitBytes(), text) };
  } catch (error) {
    return { historyError: `History could not be saved (${error?.message || error}).` };
  }
}

// Keep `run` (as ScrapeTab makes it, its results as common/scraper-result.js
// carries them) everywhere it is looked for later. Returns the run's JSON
// text as it was kept (with historyId or historyError) and where the time went.
export async function keepRun(tabId, run) {
  const lastRuns = store.update((state) => {
    for (const result of run.results) {
      state.lastRuns[result.scraper] = { at: run.startedAt, url: run.url, ok: result.ok, count: result.count, error: result.ok ? null : result.error.message };
    }
  });
  // Written once, for the history, the tab's last run and the popup: the
  // records' text as Python wrote it, spliced in, never parsed here.
  let started = performance.now();
  let text = runJson(run);
  const serialiseMs = performance.now() - started;
  started = performance.now();
  text = withFields(text, await addToHistory(run, text));
  const historyMs = performance.now() - started;
  started = performance.now();
  await Promise.all([saveLastRun(tabId, text), lastRuns]);
  const timings = { serialiseMs: Math.round(serialiseMs), historyMs: Math.round(historyMs), sessionMs: Math.round(performance.now() - started) };
  return { text, timings };
}
