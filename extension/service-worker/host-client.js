// How the service worker reaches the Python host. In Chrome the host lives in
// an offscreen document (a service worker can neither run Pyodide's Worker nor
// keep its memory); in Firefox the event page has a DOM, so the host runs
// right here and this module calls it directly.

import { Target, HostCommand, Event, PAGE_PART_CHARS } from '../common/messages.js';
import { keepAliveWhile } from '../common/event-page.js';
import { readSetting } from '../common/settings.js';
import { arrival } from '../common/large-values.js';

const OFFSCREEN_URL = 'extension/offscreen/offscreen.html';
// Chrome only. Detected once and called through this name, so the Firefox
// build (which never reaches the offscreen path) lints without a warning
// about an API it does not have.
const offscreen = globalThis.chrome?.offscreen;

let creating = null;

async function offscreenExists() {
  const contexts = await chrome.runtime.getContexts({
    contextTypes: ['OFFSCREEN_DOCUMENT'],
    documentUrls: [chrome.runtime.getURL(OFFSCREEN_URL)],
  });
  return contexts.length > 0;
}

// Create the document once, even when several callers race for it, and again
// if Chrome closed it. A document that exists may still be loading (the
// popup's WarmUp and its scrape race for it): its callers wait for `creating`
// too, or their message would reach no listener and come back empty.
async function ensureOffscreen() {
  if (!creating && (await offscreenExists()) && !creating) return;
  creating ??= offscreen.createDocument({
    url: OFFSCREEN_URL,
    reasons: ['WORKERS'],
    justification: 'Runs Python (Pyodide) in a Worker to execute the user\'s scrapers on the captured page.',
  }).finally(() => {
    creating = null;
  });
  await creating;
}

async function viaOffscreen(name, payload) {
  await ensureOffscreen();
  const reply = await chrome.runtime.sendMessage({ target: Target.PythonHost, name, payload });
  if (!reply) throw Object.assign(new Error('the Python host (offscreen document) did not answer'), { context: 'offscreen document' });
  if (!reply.ok) throw Object.assign(new Error(reply.error.message), reply.error);
  // The offscreen document posts its result to this worker (common/large-values.js).
  return reply.result?.largeValueTicket ? arrival(reply.result.largeValueTicket) : reply.result;
}

let localHost = null;

async function viaLocalHost(name, payload, onProgress) {
  // One host even when the popup's WarmUp and DescribeTab arrive together.
  localHost ??= import('../offscreen/python-host.js').then(({ PythonHost }) => new PythonHost({ onProgress }));
  // Firefox would unload the event page (and Python) mid-call otherwise.
  return keepAliveWhile((await localHost).handle(name, payload));
}

// Chrome caps one extension message at 64 MiB of JSON, so a large page goes
// to the offscreen host in parts (then `name`, Run or another command about
// the page, carries the transfer's id instead). A part never ends between
// the two halves of a surrogate pair: each part must be valid text on its own.
async function sendInParts(send, name, page, rest) {
  const text = JSON.stringify(page);
  if (text.length <= PAGE_PART_CHARS) return send(name, { page, ...rest });
  const transfer = crypto.randomUUID();
  const bounds = [0];
  while (bounds.at(-1) < text.length) {
    let end = Math.min(bounds.at(-1) + PAGE_PART_CHARS, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    bounds.push(end);
  }
  const count = bounds.length - 1;
  for (let index = 0; index < count; index += 1) {
    await send(HostCommand.PutPagePart, { transfer, index, count, text: text.slice(bounds[index], bounds[index + 1]) });
  }
  return send(name, { pageTransfer: transfer, ...rest });
}

export function createHostClient({ onProgress }) {
  const deliver = offscreen ? viaOffscreen : (name, payload) => viaLocalHost(name, payload, onProgress);
  // The host cannot read storage (an offscreen document has only
  // chrome.runtime), so the keep-warm setting travels with each command.
  const send = async (name, payload) => deliver(name, { ...payload, keepWarmMinutes: await readSetting('keepWarmMinutes') });
  const aboutPage = (name, page, rest = {}) => (offscreen ? sendInParts(send, name, page, rest) : send(name, { page, ...rest }));
  return {
    describe: () => send(HostCommand.Describe, {}),
    run: (page, scrapers) => aboutPage(HostCommand.Run, page, { scrapers }),
    listSpecs: (page) => aboutPage(HostCommand.ListSpecs, page),
    writeScraper: (page, spec) => aboutPage(HostCommand.WriteScraper, page, { spec }),
    exportRecords: (request) => send(HostCommand.Export, request),
    validate: (source, previous) => send(HostCommand.Validate, { source, previous }),
    runTests: (name, source, packages) => send(HostCommand.RunTests, { name, source, packages }),
    resolvePackages: (request) => send(HostCommand.ResolvePackages, request),
  };
}

// The service worker's one client; the host's progress goes to the popup.
export const host = createHostClient({
  onProgress: (payload) => chrome.runtime.sendMessage({ target: Target.Popup, name: Event.HostProgress, payload }).catch(() => {}),
});
