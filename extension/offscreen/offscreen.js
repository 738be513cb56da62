// Chrome's offscreen document: keeps the Python host alive between popup
// openings (a service worker cannot start Workers or keep Pyodide's memory).

import {
  Target, Event, HostCommand, ok, fail, fromServiceWorker,
} from '../common/messages.js';
import { PythonHost } from './python-host.js';
import { handOver } from '../common/large-values.js';

const host = new PythonHost({
  onProgress: (progress) => {
    chrome.runtime.sendMessage({ target: Target.Popup, name: Event.HostProgress, payload: progress }).catch(() => {
      // Nobody is listening (popup closed): progress is only a courtesy.
    });
  },
  // Idle for the keep-warm period: close the whole document, not only the
  // worker, so its renderer's memory goes back too. The service worker
  // creates it again on the next command (host-client.js checks).
  onIdle: () => window.close(),
});

// The document exists only for Python, and only because a command is on its
// way: start booting now rather than when that command arrives, after the
// document's load (~0.1-0.3 s at a browser's first use). The command shares
// this boot; a failure is reported to it (and the next command boots again).
host.boot().catch(() => {});

const HOST_COMMANDS = new Set(Object.values(HostCommand));

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (message?.target !== Target.PythonHost) return false;
  // Only the service worker talks to the host.
  if (!fromServiceWorker(sender)) return false;
  // The service worker checked the command's shape; this checks the hop.
  if (!HOST_COMMANDS.has(message.name) || typeof message.payload !== 'object' || message.payload === null || Array.isArray(message.payload)) {
    sendResponse(fail(new Error(`refused host command ${String(message.name).slice(0, 64)}: unknown, or its payload is not an object`), 'python host'));
    return false;
  }
  // The result goes by postMessage (common/large-values.js), the reply names it.
  host.handle(message.name, message.payload)
    .then(async (result) => {
      const ticket = await handOver(result);
      return ticket ? { largeValueTicket: ticket } : result;
    })
    .then(ok, (error) => fail(error, 'python host'))
    .then(sendResponse);
  return true;
});
