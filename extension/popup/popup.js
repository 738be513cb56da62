// The popup draws what the service worker returns; it decides nothing itself.
// Opened as popup.html?tab=<id> it works on that tab (how tests stand in for a
// toolbar click); otherwise on the active tab of its window.

import { Target, Command, Event, request } from '../common/messages.js';
import { el, saveFile, FILE_FORMATS } from '../common/ui.js';
import { clockMs } from '../common/clock.js';
import { take } from '../common/large-values.js';
import { initCrawlPanel } from './crawl-panel.js';
import { initListsView, showLists, hideLists, listsShown } from './lists-view.js';

const SHOWN_ROWS = 100;
const $ = (id) => document.getElementById(id);

let tabId = null;
let bootClock = null;
// The run the popup shows (the Lists view reads its lists scraper's records).
let shownRun = null;


function setStatus(text, { error = false } = {}) {
  $('status').textContent = text;
  $('status').classList.toggle('error', error);
}

function startClock(label) {
  const started = performance.now();
  let stage = '';
  const tick = () => setStatus(`${label}${stage ? ` (${stage})` : ''} ${((performance.now() - started) / 1000).toFixed(1)} s`);
  tick();
  const timer = setInterval(tick, 100);
  return {
    stage(name) { stage = name; tick(); },
    stop() { clearInterval(timer); },
  };
}

function cellText(value) {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function recordsTable(records) {
  const columns = [...new Set(records.flatMap((record) => Object.keys(record)))];
  const head = el('tr', {}, ...columns.map((c) => el('th', { textContent: c, scope: 'col' })));
  const rows = records.slice(0, SHOWN_ROWS).map((record) => el('tr', {}, ...columns.map((c) => {
    const text = cellText(record[c]);
    return el('td', { textContent: text, title: text.slice(0, 2000) });
  })));
  return el('div', { className: 'table-wrap' }, el('table', {}, el('thead', {}, head), el('tbody', {}, ...rows)));
}

function errorBox(error) {
  const box = el('div', { className: 'error-box', role: 'alert' });
  box.append(el('div', { textContent: error.user ? error.message : `${error.type}: ${error.message}` }));
  if (error.traceback) box.append(el('pre', { textContent: error.traceback }));
  return box;
}

// scraper null: every scraper of the run in one file (XLSX: a sheet each).
async function exportRecords(scraper, format, { copy = false } = {}) {
  try {
    const { filename, mediaType, ...content } = await request(Target.ServiceWorker, Command.ExportRecords, { tabId, scraper, format });
    if (copy) {
      await navigator.clipboard.writeText(content.text);
      setStatus(format === 'tsv' ? `Copied ${scraper} as a table; paste it into a spreadsheet.` : `Copied ${scraper} as ${format.toUpperCase()}.`);
      return;
    }
    const saved = await saveFile(content, filename, mediaType);
    setStatus(saved ? `Saved ${filename}.` : `The download of ${filename} was interrupted.`, { error: !saved });
  } catch (error) {
    setStatus(error.message, { error: true });
  }
}

const exportButton = (label, scraper, format, copy, title) => el('button', {
  type: 'button', textContent: label, title, onclick: () => exportRecords(scraper, format, { copy }), dataset: { scraper: scraper ?? '', format, copy: String(copy) },
});

function resultSection(result) {
  const count = result.records.length;
  const actions = el('span', { className: 'actions' });
  if (count) {
    for (const [label, format] of FILE_FORMATS) actions.append(exportButton(label, result.scraper, format, false, `Save as a ${label} file`));
    actions.append(exportButton('Copy JSON', result.scraper, 'json', true, 'Copy the records as JSON'));
    actions.append(exportButton('Copy as table', result.scraper, 'tsv', true, 'Copy tab-separated rows to paste into a spreadsheet'));
  }
  const title = el('h2', {}, el('span', { textContent: result.title || result.scraper }),
    el('span', { className: 'count', textContent: `${count} ${count === 1 ? 'record' : 'records'}` }), actions);
  const section = el('section', { className: 'scraper', dataset: { scraper: result.scraper, ok: String(result.ok) } }, title);
  if (!result.ok) section.append(errorBox(result.error));
  if (count) {
    section.append(recordsTable(result.records));
    if (count > SHOWN_ROWS) section.append(el('div', { className: 'more', textContent: `Showing the first ${SHOWN_ROWS} of ${count}; export to get them all.` }));
  } else if (result.ok) {
    section.append(el('div', { className: 'more', textContent: 'No records on this page.' }));
  }
  return section;
}

// A right-click scrape of part of the page (service-worker/context-menu.js) says which part.
const PART_SCRAPED = { table: 'The table you chose', selection: 'The selection' };

// A run shown again (reopened popup, or from the history after a restart)
// says when it ran, so old records are never taken for fresh ones.
function showRun(run, { earlier = false, onDrawn = () => {} } = {}) {
  shownRun = run;
  if (listsShown()) setListsShown(false);
  $('results').replaceChildren(...run.results.map(resultSection), ...[feedsSection(run)].filter(Boolean));
  const withRecords = run.results.filter((r) => r.records.length).length;
  $('export-all').replaceChildren(...(withRecords > 1 ? [exportButton('All as XLSX', null, 'xlsx', false, 'One workbook, a sheet per scraper')] : []));
  const failed = run.results.filter((r) => !r.ok).length;
  const seconds = run.boot?.totalMs && !run.boot.warm && !earlier ? ` Python started in ${(run.boot.totalMs / 1000).toFixed(1)} s.` : '';
  const when = earlier ? `${PART_SCRAPED[run.scope] ?? 'Results'} from ${new Date(run.startedAt).toLocaleString()}; Scrape again for ${PART_SCRAPED[run.scope] ? 'the whole page' : 'fresh ones'}. ` : '';
  // historyError: the records are here, but the history (IndexedDB) refused them.
  setStatus(`${when}${run.results.length} ${run.results.length === 1 ? 'scraper' : 'scrapers'} ran${failed ? `, ${failed} failed` : ''}.${seconds}${run.historyError ? ` ${run.historyError}` : ''}`, { error: !!run.historyError });
  onDrawn();
  document.body.dataset.state = 'done';
}

// Feeds the page links (<link rel="alternate">): each can be scraped in its turn.
function feedsSection(run) {
  if (run.kind !== 'html' || !run.feeds?.length) return null;
  const items = run.feeds.map((feed) => el('li', {},
    el('button', { type: 'button', textContent: 'Scrape feed', onclick: () => scrape(feed.url), dataset: { feed: feed.url } }),
    el('span', { textContent: ` ${feed.title || feed.url}`, title: `${feed.url} (${feed.type})` })));
  return el('section', { className: 'feeds', id: 'feeds' }, el('h2', { textContent: 'Feeds on this page' }), el('ul', {}, ...items));
}

// Every button that starts a run (Scrape again, each feed's) is off while a
// run is in flight: a second click would only queue behind the first.
let running = false;

function setRunning(value) {
  running = value;
  for (const button of [$('scrape'), $('lists-toggle'), ...document.querySelectorAll('button[data-feed]')]) button.disabled = value;
}

function setListsShown(show) {
  $('lists-toggle').setAttribute('aria-pressed', String(show));
  if (show) showLists(shownRun).catch((error) => setStatus(error.message, { error: true }));
  else hideLists();
}

// The page takes the clicks from here on; the popup closes when the page is
// clicked (Chrome), so it says what to do before it goes.
async function pick() {
  try {
    await request(Target.ServiceWorker, Command.StartPicker, { tabId });
    setStatus('Picking on the page: point at an item of a list and click it. Esc leaves.');
    document.body.dataset.picking = 'true';
  } catch (error) {
    setStatus(error.message, { error: true });
  }
}

// Where a click's time went, as the run reports it, plus the popup's own
// drawing: kept on the body for the benchmark (bench/perf.py) to read.
// replyMs: the run's message from the service worker, on the clock both
// share; parseRunMs: reading its text.
function noteTimings(run, receivedAt, parseRunMs, drawMs) {
  const { repliedAt, ...timings } = run.timings ?? {};
  const replyMs = repliedAt ? { replyMs: Math.round(receivedAt - repliedAt) } : {};
  document.body.dataset.timings = JSON.stringify({ ...timings, ...replyMs, parseRunMs: Math.round(parseRunMs), drawMs: Math.round(drawMs) });
}

async function scrape(feedUrl = null) {
  if (running) return;
  document.body.dataset.state = 'running';
  setRunning(true);
  bootClock = startClock('Starting Python…');
  try {
    const reply = await request(Target.ServiceWorker, Command.ScrapeTab, { tabId, feedUrl });
    const runJson = reply.runJson ?? await take(reply.runJsonTicket);
    const receivedAt = clockMs();
    // The run comes as the text the service worker kept: read once, here.
    const parseStarted = performance.now();
    const run = JSON.parse(runJson);
    const parseRunMs = performance.now() - parseStarted;
    const drawStarted = performance.now();
    showRun(run, { onDrawn: () => noteTimings(run, receivedAt, parseRunMs, performance.now() - drawStarted) });
  } catch (error) {
    setStatus(error.message, { error: true });
    document.body.dataset.state = 'error';
  } finally {
    bootClock.stop();
    bootClock = null;
    setRunning(false);
  }
}

chrome.runtime.onMessage.addListener((message) => {
  if (message?.target !== Target.Popup || message.name !== Event.HostProgress || !bootClock) return;
  const { stage, scraper, done } = message.payload;
  if (scraper) bootClock.stage(`running ${scraper}`);
  else if (stage && !done) bootClock.stage(`${stage} ready`);
});

// The scrapers for this page, each with a switch that turns it off (or back
// on) for this site only; the next scrape honours it.
function showApplies(info) {
  const chip = (scraper, off) => el('span', { className: `chip${off ? ' off' : ''}`, title: `${scraper.name} ${scraper.version}`, dataset: { scraper: scraper.name } },
    scraper.title || scraper.name,
    el('button', {
      type: 'button',
      className: 'site-toggle',
      textContent: off ? 'turn on' : '×',
      title: off ? `Run ${scraper.name} on this site again` : `Turn ${scraper.name} off for this site`,
      dataset: { offForSite: String(off) },
      onclick: async () => {
        try {
          await request(Target.ServiceWorker, Command.SetScraperOffForSite, { name: scraper.name, url: info.page.url, off: !off });
          showApplies(await request(Target.ServiceWorker, Command.DescribeTab, { tabId }));
          setStatus(off ? `${scraper.name} runs on this site again.` : `${scraper.name} is off for this site; Scrape again to see the change.`);
        } catch (error) {
          setStatus(error.message, { error: true });
        }
      },
    }));
  $('applies').replaceChildren(...info.scrapers.map((s) => chip(s, false)), ...(info.offHere ?? []).map((s) => chip(s, true)));
}

// The toolbar button's shortcut as the browser has it now: the person may
// have changed or removed the suggested one (manifest.json, commands).
async function showShortcut() {
  const action = (await chrome.commands.getAll()).find((command) => command.name === '_execute_action');
  const link = $('shortcut');
  link.textContent = action?.shortcut ? `Shortcut: ${action.shortcut}` : 'Set a keyboard shortcut';
  link.dataset.shortcut = action?.shortcut ?? '';
  link.onclick = (event) => {
    event.preventDefault();
    // Firefox opens its own shortcuts page; Chrome's is a page only an extension may open.
    if (chrome.commands.openShortcutSettings) chrome.commands.openShortcutSettings();
    else chrome.tabs.create({ url: 'chrome://extensions/shortcuts' });
  };
}

async function main() {
  const param = new URLSearchParams(location.search).get('tab');
  tabId = param ? Number(param) : (await chrome.tabs.query({ active: true, currentWindow: true }))[0]?.id;
  $('options').onclick = (event) => {
    event.preventDefault();
    chrome.runtime.openOptionsPage();
  };
  $('scrape').onclick = () => scrape();
  $('pick').onclick = pick;
  $('lists-toggle').onclick = () => setListsShown(!listsShown());
  initListsView(tabId, setStatus);
  showShortcut().catch((error) => console.warn('Gleaner: the shortcut could not be read', error));
  // Start Python now, while the tab is described and captured, and also when
  // the popup only shows the last results, so Scrape again finds it warm.
  // The scrape shares this boot; a failure here shows when it scrapes.
  request(Target.ServiceWorker, Command.WarmUp, {}).catch(() => {});
  const info = await request(Target.ServiceWorker, Command.DescribeTab, { tabId });
  $('page-title').textContent = info.page.title || info.page.url;
  $('page-url').textContent = info.page.url;
  if (info.unreadable) {
    setStatus(info.unreadable, { error: true });
    for (const id of ['scrape', 'pick', 'lists-toggle']) $(id).disabled = true;
    document.body.dataset.state = 'unreadable';
    return;
  }
  showApplies(info);
  initCrawlPanel(info).catch((error) => setStatus(error.message, { error: true }));
  if (info.lastRun) showRun(info.lastRun, { earlier: true });
  else await scrape();
}

main().catch((error) => setStatus(error.message, { error: true }));
