// The Crawls section of the options page: every crawl the service worker
// keeps (service-worker/crawl.js), with its progress, pause, resume and stop,
// its per-page errors and one export per scraper; and a crawl of a pasted or
// uploaded list of URLs.

import { Target, Command, Event, request } from '../common/messages.js';
import { el, saveFile } from '../common/ui.js';
import { askSiteAccess, parseUrlList } from '../common/crawl-scope.js';
import { duration } from '../common/duration.js';

const $ = (id) => document.getElementById(id);
const send = (name, payload) => request(Target.ServiceWorker, name, payload);
const EXPORT_FORMATS = ['json', 'csv', 'jsonl'];

function status(text, { error = false } = {}) {
  $('crawls-status').textContent = text;
  $('crawls-status').classList.toggle('error', error);
}

async function act(name, crawlId) {
  try {
    await send(name, { crawlId });
    await refresh();
  } catch (error) {
    status(error.message, { error: true });
  }
}

async function exportCrawl(crawlId, scraper, format) {
  try {
    const { text, filename, mediaType, count } = await send(Command.ExportCrawl, { crawlId, scraper, format });
    const saved = await saveFile(text, filename, mediaType);
    status(saved ? `Saved ${filename} (${count} records).` : `The download of ${filename} was interrupted.`, { error: !saved });
  } catch (error) {
    status(error.message, { error: true });
  }
}

async function resume(crawl) {
  // Access may have been taken back since: asked again from this click.
  if (!(await askSiteAccess(crawl.urls))) {
    status(`Gleaner was not allowed to read ${crawl.sites.join(', ')}, so the crawl stays paused.`, { error: true });
    return;
  }
  await act(Command.ResumeCrawl, crawl.id);
}

function pagesCell(crawl) {
  const { counters, options } = crawl;
  const text = `${counters.done} done, ${counters.queued} queued, ${counters.failed} failed`;
  const extra = [
    counters.offSite ? `${counters.offSite} off-site skipped` : '',
    counters.pageErrors ? `${counters.pageErrors} with scraper errors` : '',
    `limit ${options.maxPages}`,
  ].filter(Boolean).join(', ');
  return el('td', {}, el('div', { textContent: text, className: 'pages' }), el('div', { className: 'muted', textContent: extra }));
}

function recordsCell(crawl) {
  const cell = el('td', {});
  for (const scraper of crawl.scrapers) {
    const count = crawl.perScraper[scraper] ?? 0;
    const line = el('div', { dataset: { scraper, count: String(count) } }, `${scraper}: ${count} `);
    if (count) {
      for (const format of EXPORT_FORMATS) {
        line.append(el('button', { type: 'button', textContent: format.toUpperCase(), dataset: { action: 'export', format }, onclick: () => exportCrawl(crawl.id, scraper, format) }));
      }
    }
    cell.append(line);
  }
  return cell;
}

function actionsCell(crawl) {
  const cell = el('td', { className: 'actions' });
  const button = (label, action, onclick) => el('button', { type: 'button', textContent: label, dataset: { action }, onclick });
  if (crawl.state === 'running') cell.append(button('Pause', 'pause', () => act(Command.PauseCrawl, crawl.id)));
  if (crawl.state === 'paused') cell.append(button('Resume', 'resume', () => resume(crawl)));
  if (crawl.state === 'running' || crawl.state === 'paused') cell.append(button('Stop', 'stop', () => act(Command.StopCrawl, crawl.id)));
  if (crawl.state !== 'running') cell.append(button('Delete', 'delete', () => act(Command.DeleteCrawl, crawl.id)));
  cell.append(button('Pages', 'details', () => showPages(crawl.id)));
  return cell;
}

function crawlRow(crawl) {
  const what = crawl.mode === 'list' ? `${crawl.urlCount} URLs` : crawl.urls[0];
  const how = { follow: 'follows its links', next: 'next pages', list: 'URL list' }[crawl.mode];
  return el('tr', { dataset: { crawlId: crawl.id, state: crawl.state } },
    el('td', { textContent: new Date(crawl.createdAt).toLocaleString(), title: crawl.createdAt }),
    el('td', {},
      el('div', {}, el('span', { className: 'state', textContent: crawl.state }), ` ${what} (${how})`),
      el('div', { className: 'muted message', textContent: crawl.message })),
    pagesCell(crawl),
    recordsCell(crawl),
    el('td', { textContent: `${duration(crawl.elapsedMs)}${crawl.etaMs !== null ? `, about ${duration(crawl.etaMs)} left` : ''}` }),
    actionsCell(crawl));
}

// A crawl's failed pages and pages with scraper errors, under its row.
async function showPages(crawlId) {
  try {
    const { failed, pageErrors, queued } = await send(Command.GetCrawl, { crawlId });
    const row = document.querySelector(`tr[data-crawl-id="${CSS.escape(crawlId)}"]`);
    document.querySelector(`tr.crawl-pages[data-for="${CSS.escape(crawlId)}"]`)?.remove();
    const items = [
      ...failed.map((p) => el('li', { dataset: { kind: 'failed' }, textContent: `${p.url}: failed (${p.error})` })),
      ...pageErrors.map((p) => el('li', { dataset: { kind: 'page-error' }, textContent: `${p.url}: ${[...p.errors.map((e) => `${e.scraper}: ${e.message}`), p.note].filter(Boolean).join('; ')}` })),
      ...queued.map((p) => el('li', { dataset: { kind: 'queued' }, textContent: `${p.url}: queued${p.error ? ` (last try: ${p.error})` : ''}` })),
    ];
    const list = items.length ? el('ul', { className: 'page-errors' }, ...items) : el('p', { className: 'muted', textContent: 'No failed or waiting pages.' });
    row.after(el('tr', { className: 'crawl-pages', dataset: { for: crawlId } }, el('td', { colSpan: 6 }, list)));
  } catch (error) {
    status(error.message, { error: true });
  }
}

async function refresh() {
  const { crawls } = await send(Command.ListCrawls, {});
  $('crawls-table').tBodies[0].replaceChildren(...crawls.map(crawlRow));
  const runningCount = crawls.filter((c) => c.state === 'running').length;
  $('crawls-summary').textContent = crawls.length ? `${crawls.length} kept${runningCount ? `, ${runningCount} running` : ''}` : 'none yet';
}

function showUrlCount() {
  const { urls, skipped } = parseUrlList($('crawl-urls').value);
  $('crawl-urls-count').textContent = `${urls.length} URLs${skipped ? `, ${skipped} lines that are not web addresses left out` : ''}`;
}

async function fillScraperChoices() {
  const { scrapers } = await send(Command.ListScrapers, {});
  const legend = $('crawl-scrapers').querySelector('legend');
  $('crawl-scrapers').replaceChildren(legend, ...scrapers.filter((s) => s.enabled && s.input === 'html').map((s) => el('label', {},
    el('input', { type: 'checkbox', value: s.name, name: 'crawl-scraper' }), ` ${s.title || s.name}`)));
}

async function startListCrawl() {
  const { urls } = parseUrlList($('crawl-urls').value);
  const scrapers = [...document.querySelectorAll('input[name=crawl-scraper]:checked')].map((box) => box.value);
  if (!urls.length) {
    status('Paste or upload at least one http(s) address.', { error: true });
    return;
  }
  if (!scrapers.length) {
    status('Choose at least one scraper to run on each page.', { error: true });
    return;
  }
  let granted;
  try {
    granted = await askSiteAccess(urls);
  } catch (error) {
    status(error.message, { error: true });
    return;
  }
  if (!granted) {
    status('Gleaner was not allowed to read those sites, so the crawl did not start.', { error: true });
    return;
  }
  try {
    const crawl = await send(Command.StartCrawl, { mode: 'list', urls, scrapers, maxPages: Math.min(urls.length, 10_000), delaySeconds: Number($('crawl-delay').value) });
    status(`Crawl started: ${crawl.urlCount} pages.`);
    await refresh();
  } catch (error) {
    status(error.message, { error: true });
  }
}

chrome.runtime.onMessage.addListener((message) => {
  if (message?.target !== Target.Options || message.name !== Event.CrawlProgress) return;
  const crawl = message.payload;
  const row = document.querySelector(`tr[data-crawl-id="${CSS.escape(crawl.id)}"]`);
  if (row) row.replaceWith(crawlRow(crawl));
  else refresh().catch(() => {});
});

$('crawls-refresh').onclick = () => refresh().catch((error) => status(error.message, { error: true }));
$('crawl-urls').oninput = showUrlCount;
$('crawl-urls-file').onchange = async (event) => {
  const [file] = event.target.files;
  if (file) $('crawl-urls').value = await file.text();
  event.target.value = '';
  showUrlCount();
};
$('crawl-start').onclick = () => startListCrawl();
$('crawl-list-form').addEventListener('toggle', () => {
  if ($('crawl-list-form').open) fillScraperChoices().catch((error) => status(error.message, { error: true }));
});
refresh().catch((error) => status(error.message, { error: true }));
