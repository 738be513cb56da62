// How the service worker reaches the Python host. In Chrome the host lives in
// an offscreen document (a service worker can neither run Pyodide's Worker nor
// keep its memory); in Firefox the event page has a DOM, so the host runs
// right here and this module calls it directly.

import { Target, HostCommand } from '../common/messages.js';
import { keepAliveWhile } from '../common/event-page.js';

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
  return reply.result;
}

let localHost = null;

async function viaLocalHost(name, payload, onProgress) {
  if (!localHost) {
    const { PythonHost } = await import('../offscreen/python-host.js');
    localHost = new PythonHost({ onProgress });
  }
  // Firefox would unload the event page (and Python) mid-call otherwise.
  return keepAliveWhile(localHost.handle(name, payload));
}

export function createHostClient({ onProgress }) {
  const deliver = offscreen ? viaOffscreen : (name, payload) => viaLocalHost(name, payload, onProgress);
  // The host cannot read storage (an offscreen document has only
  // chrome.runtime), so the keep-warm setting travels with each command.
  const send = async (name, payload) => {
    const { keepWarmMinutes } = await chrome.storage.local.get('keepWarmMinutes');
    return deliver(name, { ...payload, keepWarmMinutes });
  };
  return {
    describe: () => send(HostCommand.Describe, {}),
    run: (page, scrapers) => send(HostCommand.Run, { page, scrapers }),
    exportRecords: (records, format, options) => send(HostCommand.Export, { records, format, options }),
    validate: (source, previous) => send(HostCommand.Validate, { source, previous }),
    runTests: (name, source) => send(HostCommand.RunTests, { name, source }),
  };
}
