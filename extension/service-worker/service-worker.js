// The service worker (Firefox: the event page): the one privileged router.
// It only wires modules up: each module below registers the commands it owns
// (command-registry.js), and the dispatcher here checks every message before
// handing it to its command.
//
//   scrape-commands.js    the popup: describe a tab, scrape it, its last run; Try it
//   scraper-commands.js   the options page: manage scrapers
//   history-commands.js   the options page: past runs
//   export-commands.js    records as a file (JSON, JSONL, CSV, XLSX)
//   archive-commands.js   everything as one archive, and back
//   context-menu.js       the right-click items: the page, a table, the selection
//   crawl.js              crawls: many pages in background tabs, durable
//   crawl-access.js       a crawl waiting for the site access its page asked for
//   picker-commands.js    picking data in the page, the lists found, Save as scraper
//   start-with-browser.js Python booted at the browser's start, when the person asked

import { Target, fail, ok, fromExtensionPage, fromContentScript } from '../common/messages.js';
import { findCommand, findContentCommand } from './command-registry.js';
import { checkPayload } from './payload-checks.js';
import { host } from './host-client.js';
import './scrape-commands.js';
import './scraper-commands.js';
import './history-commands.js';
import './export-commands.js';
import './archive-commands.js';
import './context-menu.js';
import './crawl.js';
import './crawl-access.js';
import './picker-commands.js';
import './start-with-browser.js';

// Python's first boot after an install or an update is the slow one (it
// makes the memory snapshot that every later start restores). Done now, it
// is usually over before the first click, which then finds Python warm, or
// shares the boot in progress. Python is let go after the keep-warm period,
// as after any use.
chrome.runtime.onInstalled.addListener(({ reason }) => {
  if (reason !== 'install' && reason !== 'update') return;
  host.describe().catch((error) => console.warn('Gleaner: Python could not start after the install', error));
});

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (message?.target !== Target.ServiceWorker) return false;
  // Gleaner's pages send Commands; a script Gleaner put into a tab may send
  // only ContentCommands; nobody else anything.
  const fromPage = fromExtensionPage(sender);
  if (!fromPage && !fromContentScript(sender)) {
    sendResponse(fail(new Error('refused: only Gleaner\'s own pages may send commands'), 'service worker'));
    return false;
  }
  const command = fromPage ? findCommand(message.name) : findContentCommand(message.name);
  if (!command) {
    sendResponse(fail(new Error(fromPage ? `unknown command ${message.name}` : `refused: a script in a page may not send ${message.name}`), 'service worker'));
    return false;
  }
  let payload;
  try {
    payload = checkPayload(message.name, message.payload);
  } catch (error) {
    sendResponse(fail(error, 'service worker'));
    return false;
  }
  command(payload, sender).then(ok, (error) => fail(error, error.context || 'service worker')).then(sendResponse);
  return true;
});
