// The History section of the options page: recent runs kept by the service
// worker in IndexedDB (service-worker/run-history.js), each exportable per
// scraper, deletable, and the size limit they are pruned to.

import { Target, Command, request } from '../common/messages.js';
import { el, saveFile, FILE_FORMATS } from '../common/ui.js';
import { readSetting, writeSettings, onSettingsChanged, SETTINGS } from '../common/settings.js';

const $ = (id) => document.getElementById(id);
const send = (name, payload) => request(Target.ServiceWorker, name, payload);

function status(text, { error = false } = {}) {
  $('history-status').textContent = text;
  $('history-status').classList.toggle('error', error);
}

export function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

// As the popup does: through chrome.downloads, keeping the blob until written.
async function exportRun(runId, scraper, format) {
  try {
    const { filename, mediaType, ...content } = await send(Command.ExportRecords, { runId, scraper, format });
    const saved = await saveFile(content, filename, mediaType);
    status(saved ? `Saved ${filename}.` : `The download of ${filename} was interrupted.`, { error: !saved });
  } catch (error) {
    status(error.message, { error: true });
  }
}

function countCell(runId, count) {
  const label = count.ok ? `${count.count} ${count.count === 1 ? 'record' : 'records'}` : `failed: ${count.error}`;
  const item = el('li', { dataset: { scraper: count.scraper, ok: String(count.ok), count: String(count.count) } },
    el('span', { className: 'scraper-name', textContent: count.title || count.scraper }), ` ${label} `);
  if (count.count) {
    for (const [label, format] of FILE_FORMATS) {
      item.append(el('button', { type: 'button', textContent: label, dataset: { action: 'export', format }, onclick: () => exportRun(runId, count.scraper, format) }));
    }
  }
  return item;
}

function runRow(run) {
  const page = el('td', {}, el('div', { textContent: run.title || run.url }), el('div', { className: 'muted', textContent: run.url }));
  const remove = el('button', { type: 'button', textContent: 'Delete', dataset: { action: 'delete' }, onclick: () => deleteRun(run.id) });
  return el('tr', { dataset: { runId: String(run.id), url: run.tabUrl } },
    el('td', { textContent: new Date(run.startedAt).toLocaleString(), title: run.startedAt }),
    page,
    el('td', {}, el('ul', { className: 'counts' }, ...run.counts.map((count) => countCell(run.id, count)))),
    el('td', { className: 'size', textContent: formatBytes(run.size) }),
    el('td', {}, remove));
}

export async function showHistory() {
  const section = $('history');
  delete section.dataset.loaded;
  try {
    const { runs, limitBytes, totalBytes } = await send(Command.ListRuns);
    $('history-runs').querySelector('tbody').replaceChildren(...runs.map(runRow));
    $('history-summary').textContent = runs.length
      ? `${runs.length} ${runs.length === 1 ? 'run' : 'runs'}, ${formatBytes(totalBytes)} of ${formatBytes(limitBytes)}.`
      : 'No runs yet: results appear here after each scrape.';
    $('history-clear').disabled = !runs.length;
  } catch (error) {
    status(`The history could not be read: ${error.message}`, { error: true });
  }
  section.dataset.loaded = 'true';
}

async function deleteRun(runId) {
  try {
    await send(Command.DeleteRun, { runId });
    status('Deleted the run.');
  } catch (error) {
    status(error.message, { error: true });
  }
  await showHistory();
}

async function clearRuns() {
  if (!window.confirm('Delete every run in the history? Their records cannot be brought back.')) return;
  try {
    await send(Command.ClearRuns);
    status('The history is empty.');
  } catch (error) {
    status(error.message, { error: true });
  }
  await showHistory();
}

async function showLimit() {
  $('history-limit').value = await readSetting('historyLimitMB');
}

export function initHistory() {
  $('history-clear').onclick = clearRuns;
  $('history-refresh').onclick = showHistory;
  $('history-limit').onchange = async () => {
    const mb = Number($('history-limit').value);
    if (!SETTINGS.historyLimitMB.valid(mb)) {
      await showLimit();
      return;
    }
    await writeSettings({ historyLimitMB: mb });
    // The service worker prunes on this change; give it a moment, then redraw.
    setTimeout(showHistory, 300);
  };
  onSettingsChanged((changed) => {
    if ('historyLimitMB' in changed) showLimit();
  });
  return Promise.all([showLimit(), showHistory()]);
}
