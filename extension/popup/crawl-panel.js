// The popup's crawl controls: "Also scrape the next N pages" for the
// scrapers that apply here, "Crawl with ..." for a scraper that follows
// links, and the progress of this site's latest crawl, which runs in the
// service worker whether or not the popup stays open.

import { Target, Command, Event, request } from '../common/messages.js';
import { el, saveFile } from '../common/ui.js';
import { askSiteAccess, siteOf } from '../common/crawl-scope.js';
import { duration } from '../common/duration.js';

const $ = (id) => document.getElementById(id);
const send = (name, payload) => request(Target.ServiceWorker, name, payload);
const PAGINATION_SCRAPER = 'pagination';

let pageUrl = null;
let site = null;

function say(text, { error = false } = {}) {
  $('crawl-status').textContent = text;
  $('crawl-status').classList.toggle('error', error);
}

async function start(payload) {
  // Asked at once, within the click (Firefox grants nothing later). The
  // crawl waits in the service worker meanwhile: the browser may close this
  // popup before the answer, and the grant then starts it there.
  const asking = askSiteAccess([pageUrl]);
  const waiting = send(Command.AwaitCrawlAccess, { urls: [pageUrl], ...payload });
  try {
    const [granted, { waitId }] = await Promise.all([asking, waiting]);
    if (!granted) {
      say(`Gleaner was not allowed to read ${site}, so the crawl did not start.`, { error: true });
      return;
    }
    showCrawl(await send(Command.StartAwaitedCrawl, { waitId }));
  } catch (error) {
    say(error.message, { error: true });
  }
}

async function exportCrawl(crawlId, scraper, format) {
  try {
    const { text, filename, mediaType, count } = await send(Command.ExportCrawl, { crawlId, scraper, format });
    const saved = await saveFile(text, filename, mediaType);
    say(saved ? `Saved ${filename} (${count} records).` : `The download of ${filename} was interrupted.`, { error: !saved });
  } catch (error) {
    say(error.message, { error: true });
  }
}

function showCrawl(crawl) {
  const { counters } = crawl;
  const button = (label, action, name) => el('button', {
    type: 'button',
    textContent: label,
    dataset: { action },
    onclick: () => send(name, { crawlId: crawl.id }).then(showCrawl, (error) => say(error.message, { error: true })),
  });
  const controls = el('span', { className: 'actions' });
  if (crawl.state === 'running') controls.append(button('Pause', 'pause', Command.PauseCrawl));
  if (crawl.state === 'paused') controls.append(button('Resume', 'resume', Command.ResumeCrawl));
  if (crawl.state === 'running' || crawl.state === 'paused') controls.append(button('Stop', 'stop', Command.StopCrawl));
  const exports = crawl.scrapers.filter((name) => crawl.perScraper[name]).map((name) => el('div', { className: 'crawl-export', dataset: { scraper: name } },
    `${name}: ${crawl.perScraper[name]} records `,
    ...['json', 'csv', 'jsonl'].map((format) => el('button', { type: 'button', textContent: format.toUpperCase(), dataset: { format }, onclick: () => exportCrawl(crawl.id, name, format) }))));
  const eta = crawl.etaMs !== null ? `, about ${duration(crawl.etaMs)} left` : '';
  $('crawl-progress').replaceChildren(
    el('div', { className: 'crawl-line', dataset: { crawlId: crawl.id, state: crawl.state } },
      el('span', { className: 'crawl-counts', textContent: `Crawl ${crawl.state}: ${counters.done} pages done, ${counters.queued} queued, ${counters.failed} failed; ${counters.records} records; ${duration(crawl.elapsedMs)}${eta}` }),
      controls),
    el('div', { className: 'crawl-message muted', textContent: crawl.message }),
    ...exports);
}

chrome.runtime.onMessage.addListener((message) => {
  if (message?.target !== Target.Popup || message.name !== Event.CrawlProgress) return;
  if (message.payload.sites.includes(site)) showCrawl(message.payload);
});

// info: what DescribeTab said of the tab.
export async function initCrawlPanel(info) {
  pageUrl = info.page.url;
  try {
    site = siteOf(pageUrl);
  } catch {
    return; // not a web page: nothing to crawl
  }
  if (!/^https?:/.test(pageUrl)) return;
  const kept = info.scrapers.filter((s) => s.input === 'html' && s.name !== PAGINATION_SCRAPER).map((s) => s.name);
  const crawlers = info.scrapers.filter((s) => s.crawls);
  $('crawl-next').onclick = () => start({ mode: 'next', scrapers: kept, nextPages: Number($('crawl-next-count').value) });
  $('crawl-next').disabled = !kept.length;
  $('crawl-with').replaceChildren(...crawlers.map((scraper) => el('button', {
    type: 'button',
    textContent: `Crawl with ${scraper.title || scraper.name}`,
    title: `${scraper.title || scraper.name} follows links to other pages: crawl them from here`,
    dataset: { crawlScraper: scraper.name },
    onclick: () => start({ mode: 'follow', scrapers: [scraper.name] }),
  })));
  $('crawl').hidden = false;
  const { crawls } = await send(Command.ListCrawls, {});
  const latest = crawls.find((crawl) => crawl.sites.includes(site));
  if (latest) showCrawl(latest);
}
