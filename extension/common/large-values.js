// Large values (a run's records as text) between Chrome's service worker and
// its extension pages (the offscreen document, the popup), by postMessage.
//
// chrome.runtime messages serialise their payload as JSON in one process and
// parse it in the other: measured in Chromium 156, ~100 ms per MB each way,
// the largest part of a click on a big page. A service worker and the pages
// it controls can also post each other messages, which are structured clones:
// a string is copied whole, in a few ms per MB. The runtime messages still
// carry the commands (and their checks); they name a ticket, and the value
// goes by postMessage.
//
// Firefox's background is an event page, not a service worker: there is no
// such channel, and a value goes inline (Firefox's runtime messages are
// structured clones already).

// How long a value waits for the side that takes it (a popup closed before it
// took its run leaves it behind).
const KEEP_MS = 60_000;
const inServiceWorker = typeof ServiceWorkerGlobalScope !== 'undefined' && globalThis instanceof ServiceWorkerGlobalScope;

// Service worker side: tickets -> { value } (arrived or offered) or { waiting } (awaited).
const slots = new Map();

function settle(ticket, value) {
  const slot = slots.get(ticket);
  if (slot?.waiting) {
    slots.delete(ticket);
    slot.waiting(value);
    return;
  }
  slots.set(ticket, { value });
  setTimeout(() => slots.delete(ticket), KEEP_MS);
}

if (inServiceWorker) {
  // Registered as the module is evaluated, as a service worker's listeners must be.
  globalThis.addEventListener('message', (event) => {
    // Only the extension's own pages are this worker's clients; checked all the same.
    if (event.origin !== globalThis.location.origin) return;
    const { handOver, take, value } = event.data ?? {};
    if (typeof handOver === 'string') settle(handOver, value);
    else if (typeof take === 'string' && event.ports[0]) {
      const slot = slots.get(take);
      slots.delete(take);
      event.ports[0].postMessage(slot && 'value' in slot ? { value: slot.value } : { missing: true });
    }
  });
}

// Service worker: whether values can go by postMessage (Chrome), else inline.
export const canOffer = () => inServiceWorker;

// Service worker: keep `value` for a page to take; returns its ticket.
export function offer(value) {
  const ticket = crypto.randomUUID();
  settle(ticket, value);
  return ticket;
}

// Service worker: the value a page handed over with this ticket, once it arrives.
export function arrival(ticket) {
  const slot = slots.get(ticket);
  if (slot && 'value' in slot) {
    slots.delete(ticket);
    return Promise.resolve(slot.value);
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      slots.delete(ticket);
      reject(new Error('a reply from the offscreen document never arrived'));
    }, KEEP_MS);
    slots.set(ticket, { waiting: (value) => { clearTimeout(timer); resolve(value); } });
  });
}

async function serviceWorker() {
  return globalThis.navigator?.serviceWorker ? navigator.serviceWorker.controller ?? (await navigator.serviceWorker.ready).active : null;
}

// Page: hand `value` over to the service worker; returns its ticket, or null
// where there is no service worker to take it (the caller sends it inline).
export async function handOver(value) {
  const worker = globalThis.navigator?.serviceWorker?.controller ?? null;
  if (!worker) return null;
  const ticket = crypto.randomUUID();
  worker.postMessage({ handOver: ticket, value });
  return ticket;
}

// Page: take the value the service worker offered under this ticket.
export async function take(ticket) {
  const worker = await serviceWorker();
  if (!worker) throw new Error('no service worker to take a value from');
  const channel = new MessageChannel();
  const reply = new Promise((resolve) => {
    channel.port1.onmessage = ({ data }) => resolve(data);
  });
  worker.postMessage({ take: ticket }, [channel.port2]);
  const { value, missing } = await reply;
  channel.port1.close();
  if (missing) throw new Error('the service worker no longer holds that value');
  return value;
}
