// The right-click menu: scrape the page, one table, or the selection. Each
// item is the person's own act on a tab, as a toolbar click is, and grants
// activeTab for that tab in the same way. The results become the tab's last
// run, which the popup shows; the popup is opened where the browser allows
// it, and the button's badge shows the record count either way.

import { PAGE_LIMIT_CHARS, UserError } from '../common/messages.js';
import { capturePart } from '../content/capture-part.js';
import * as badge from './badge.js';
import { keepRun } from './last-run.js';
import { runScrapers, scrapePage } from './scrape-page.js';
import { applicableScrapers, builtinScrapers } from './scraper-catalog.js';
import { explainCaptureError, unreadableReason } from './tab-capture.js';

// Menu item ids, which are also the run's scope (the popup names it).
export const MenuItem = Object.freeze({
  Page: 'page',
  Table: 'table',
  Selection: 'selection',
});

const ITEMS = [
  { id: MenuItem.Page, title: 'Scrape this page with Gleaner', contexts: ['page', 'frame', 'link', 'image', 'selection'] },
  // Menus cannot be limited to tables; on a page without one the item says so.
  { id: MenuItem.Table, title: 'Scrape this table', contexts: ['page', 'frame', 'selection'] },
  { id: MenuItem.Selection, title: 'Scrape selection', contexts: ['selection'] },
];

// The table's rows only, through this built-in (scrapers/tables.py).
const TABLES_SCRAPER = 'tables';

async function createMenus() {
  await chrome.contextMenus.removeAll();
  for (const item of ITEMS) chrome.contextMenus.create(item);
}

// The part the person chose, as a page of its own (content/capture-part.js).
async function capturePartOf(tab, part, info) {
  const reason = unreadableReason(tab.url);
  if (reason) throw new UserError(reason);
  let injection;
  try {
    [injection] = await chrome.scripting.executeScript({
      target: { tabId: tab.id, frameIds: [info.frameId ?? 0] },
      func: capturePart,
      args: [part, info.targetElementId ?? null, PAGE_LIMIT_CHARS],
    });
  } catch (error) {
    throw explainCaptureError(error, tab.url);
  }
  const page = injection?.result;
  if (!page) throw new UserError('The page did not answer; it may still be loading. Try again in a moment.');
  if (page.error) throw new UserError(page.error);
  if (page.tooLarge) throw new UserError('The part you chose is too large to scrape.');
  return page;
}

async function scrapersFor(part, page) {
  if (part === MenuItem.Table) return (await builtinScrapers()).filter((s) => s.name === TABLES_SCRAPER);
  return applicableScrapers(page.url, page.kind);
}

// One menu click, start to finish: the run as ScrapeTab returns it, with its scope.
export async function scrapeFromMenu(part, tab, info = {}) {
  if (part === MenuItem.Page) {
    const { page, startedAt, results, boot, parsed, timings } = await scrapePage({ tab });
    return { url: page.url, tabUrl: tab.url, title: page.title, kind: page.kind, feeds: page.feeds, startedAt, results, boot, parsed, timings, scope: part };
  }
  const page = await capturePartOf(tab, part, info);
  const startedAt = new Date().toISOString();
  const { results, boot, parsed } = await runScrapers(page, await scrapersFor(part, page));
  return { url: page.url, tabUrl: tab.url, title: page.title, kind: page.kind, feeds: [], startedAt, results, boot, parsed, scope: part };
}

const defaultTitle = () => chrome.runtime.getManifest().action.default_title;

async function onMenuClick(info, tab) {
  if (!Object.values(MenuItem).includes(info.menuItemId) || !tab?.id) return;
  try {
    await badge.showProgress('…', { tabId: tab.id });
    const run = await scrapeFromMenu(info.menuItemId, tab, info);
    await keepRun(tab.id, run);
    const count = run.results.reduce((sum, result) => sum + result.count, 0);
    await badge.showProgress(String(count), { tabId: tab.id });
    await chrome.action.setTitle({ tabId: tab.id, title: defaultTitle() });
    // Chrome 127+ opens the popup on request; Firefox only inside the click's
    // own gesture, which the scrape has outlived: the badge tells there.
    await chrome.action.openPopup?.({ windowId: tab.windowId }).catch(() => {});
  } catch (error) {
    // No page of ours is open to show it: the badge and the button's tooltip say it.
    await badge.showProgress('!', { tabId: tab.id });
    await chrome.action.setTitle({ tabId: tab.id, title: `Gleaner: ${error.message}` });
    console.warn('Gleaner: the right-click scrape failed', error);
  }
}

chrome.runtime.onInstalled.addListener(() => createMenus().catch((error) => console.warn('Gleaner: the right-click menu could not be made', error)));
// Firefox keeps an event page's menus across its restarts, not the browser's.
chrome.runtime.onStartup.addListener(() => createMenus().catch((error) => console.warn('Gleaner: the right-click menu could not be made', error)));
chrome.contextMenus.onClicked.addListener((info, tab) => {
  onMenuClick(info, tab);
});
