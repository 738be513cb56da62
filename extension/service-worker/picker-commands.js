// Picking data: the popup's "Pick data" (content/picker.js put into the
// tab), its Lists view (the lists Python finds on the tab), and "Save as
// scraper" from either: Python writes the plugin file from the tab as it is
// now (gleaner.scraper_writer) and the options page's editor opens it as a
// new, unsaved scraper, which the person saves to install it.

import { Command, ContentCommand, Port, Target, UserError } from '../common/messages.js';
import { putDraft } from '../common/editor-draft.js';
import { registerCommands, registerContentCommands } from './command-registry.js';
import { host } from './host-client.js';
import { captureTab, explainCaptureError, unreadableReason } from './tab-capture.js';

const PICKER_FILE = 'extension/content/picker.js';
// The picker is a classic script: the message names it needs come with it.
const PICKER_NAMES = Object.freeze({ target: Target.ServiceWorker, save: ContentCommand.SavePickedScraper, outlinePort: Port.ListsOutline });
// Tabs where Gleaner started picking: the only tabs whose "Save as scraper" is taken.
const PICKING_KEY = 'pickingTabs';

// what: 'start' (picking mode) or 'listen' (outlines for the Lists view).
async function injectPicker(tab, what) {
  const reason = unreadableReason(tab.url);
  if (reason) throw new UserError(reason);
  try {
    await chrome.scripting.executeScript({ target: { tabId: tab.id }, files: [PICKER_FILE] });
    await chrome.scripting.executeScript({
      target: { tabId: tab.id },
      func: (action, names) => globalThis.gleanerPicker[action](names),
      args: [what, PICKER_NAMES],
    });
  } catch (error) {
    throw explainCaptureError(error, tab.url);
  }
}

async function pickingTabs() {
  return (await chrome.storage.session.get(PICKING_KEY))[PICKING_KEY] ?? [];
}

async function saveAsScraper(tab, picked) {
  const page = await captureTab(tab);
  const site = new URL(page.url).host;
  // Python names the scraper (and titles it) from the page's address when the spec does not.
  const reply = await host.writeScraper(page, { url: page.url, ...picked });
  if (!reply.ok) {
    throw Object.assign(new Error(`The scraper could not be written: ${reply.error.message}`), reply.error, { message: `The scraper could not be written: ${reply.error.message}`, context: 'python' });
  }
  await putDraft({ source: reply.source, title: `New scraper from ${site}`, url: page.url });
  await chrome.runtime.openOptionsPage();
  return { name: reply.name };
}

registerCommands('picker-commands', {
  async [Command.StartPicker]({ tabId }) {
    const tab = await chrome.tabs.get(tabId);
    await injectPicker(tab, 'start');
    const tabs = await pickingTabs();
    if (!tabs.includes(tabId)) await chrome.storage.session.set({ [PICKING_KEY]: [...tabs, tabId] });
    return {};
  },

  async [Command.FindLists]({ tabId }) {
    const tab = await chrome.tabs.get(tabId);
    const page = await captureTab(tab);
    const reply = await host.listSpecs(page);
    if (!reply.ok) throw Object.assign(new Error(reply.error.message), reply.error, { context: 'python' });
    await injectPicker(tab, 'listen');
    return { url: page.url, lists: reply.lists };
  },

  async [Command.SaveListAsScraper]({ tabId, spec }) {
    return saveAsScraper(await chrome.tabs.get(tabId), spec);
  },
});

registerContentCommands('picker-commands', {
  async [ContentCommand.SavePickedScraper]({ spec }, sender) {
    if (!(await pickingTabs()).includes(sender.tab.id)) throw new Error('refused: Gleaner did not start picking in this tab');
    return saveAsScraper(sender.tab, spec);
  },
});

chrome.tabs.onRemoved.addListener(async (tabId) => {
  const tabs = await pickingTabs();
  if (tabs.includes(tabId)) await chrome.storage.session.set({ [PICKING_KEY]: tabs.filter((id) => id !== tabId) });
});
