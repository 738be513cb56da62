// Where a finished toolbar run is kept: as the tab's last run (session
// storage, so a reopened popup shows it), in the history, and as each
// scraper's last outcome (shown in the options page).

import * as history from './run-history.js';
import * as store from './scraper-store.js';

const lastRunKey = (tabId) => `lastRun:${tabId}`;
const memoryRuns = new Map();

// Stored as JSON text: chrome.storage keeps objects as maps sorted by key,
// which would reorder every record's fields (and so the CSV columns).
async function saveLastRun(tabId, run, text) {
  try {
    // More characters than the quota has bytes cannot fit: not worth a try.
    if (text.length > (chrome.storage.session.QUOTA_BYTES ?? Infinity)) throw new Error('over the quota');
    await chrome.storage.session.set({ [lastRunKey(tabId)]: text });
  } catch {
    // Too large for session storage: keep it for this service worker's life only.
    memoryRuns.set(tabId, run);
  }
}

async function lastRun(tabId) {
  const stored = (await chrome.storage.session.get(lastRunKey(tabId)))[lastRunKey(tabId)];
  return stored ? JSON.parse(stored) : memoryRuns.get(tabId) ?? null;
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
// the run carries historyError, which the popup shows.
async function addToHistory(run, text) {
  try {
    run.historyId = await history.addRun(run, await history.limitBytes(), text);
  } catch (error) {
    run.historyError = `History could not be saved (${error?.message || error}).`;
  }
}

// JSON.stringify(run) once the history added its field: the text made
// before, that field appended (the run's JSON is one object, so it ends in }).
function withHistoryField(text, run) {
  const [key] = ['historyId', 'historyError'].filter((name) => run[name] !== undefined);
  return key ? `${text.slice(0, -1)},${JSON.stringify(key)}:${JSON.stringify(run[key])}}` : text;
}

// Keep `run` (as ScrapeTab returns it) everywhere it is looked for later.
export async function keepRun(tabId, run) {
  const lastRuns = store.update((state) => {
    for (const result of run.results) {
      state.lastRuns[result.scraper] = { at: run.startedAt, url: run.url, ok: result.ok, count: result.records.length, error: result.ok ? null : result.error.message };
    }
  });
  // Serialised once, for the history and the tab's last run: a large run's
  // text is the largest thing this worker makes.
  let started = performance.now();
  const text = JSON.stringify(run);
  const serialiseMs = performance.now() - started;
  started = performance.now();
  await addToHistory(run, text);
  const historyMs = performance.now() - started;
  started = performance.now();
  await Promise.all([saveLastRun(tabId, run, withHistoryField(text, run)), lastRuns]);
  // Where keeping it went (the benchmark reads them).
  return { serialiseMs: Math.round(serialiseMs), historyMs: Math.round(historyMs), sessionMs: Math.round(performance.now() - started) };
}
