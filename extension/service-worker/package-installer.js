// Installing the packages a scraper pins in REQUIRES (docs/packages.md): at
// install or update only, never at run time. Python resolves the pins and
// their dependencies (gleaner.packages, one step at a time); this module
// fetches what each step asks for from the package index the person set,
// checks every wheel against the sha256 the index publishes, and keeps the
// wheels in IndexedDB (common/wheel-store.js) only once all of them passed.
//
// Where the fetching happens: the extension's content security policy
// (default-src 'self') refuses every request its own pages and workers make
// to another origin, and it must stay that way, since it is what keeps
// plugins off the network. So the index is read the way Gleaner reads any
// site, from a tab: a background tab opens the index's first project page,
// a script injected there (allowed by the host access the person granted
// for the index, at their click) fetches the index's pages and wheels, and
// the tab is closed again. Requests leave from the index's own origin, so
// the index sees the same requests pip would make.

import { UserError } from '../common/messages.js';
import { readSettings } from '../common/settings.js';
import { putWheels, getWheels, listWheels, freeWheelsExcept, sha256Hex } from '../common/wheel-store.js';
import { openAndSettle, closeTab, PageLoadError, TabClosed } from './crawl-tabs.js';
import { host } from './host-client.js';

const INDEX_PAGE_TIMEOUT_MS = 30_000;
// gleaner.packages.ACCEPT: PEP 691 JSON first, PEP 503 HTML otherwise.
const ACCEPT = 'application/vnd.pypi.simple.v1+json, text/html;q=0.1';

// A REQUIRES entry that validated and has "==" is an exact pin (gleaner.plugins refuses other forms).
export const pinsOf = (metadata) => (metadata?.requires ?? []).filter((entry) => entry.includes('=='));

// The host-access pattern for the index's site (match patterns ignore the port).
export function indexOrigins(indexUrl) {
  const { protocol, hostname } = new URL(indexUrl);
  return [`${protocol}//${hostname}/*`];
}

let pyodideShipsPromise = null;

// The packages Pyodide has builds of (python/pyodide-packages.json, written by build.py): only for
// the sentence that refuses a compiled package.
function pyodideShips() {
  pyodideShipsPromise ??= fetch(chrome.runtime.getURL('python/pyodide-packages.json'))
    .then((response) => (response.ok ? response.json() : { packages: [] }))
    .then((listing) => listing.packages, () => []);
  return pyodideShipsPromise;
}

// Runs in the index's tab (an isolated world): answers resolve_step's
// requests. Wheels come back as base64, since a script's result is JSON;
// read through FileReader, as Firefox's content scripts may not take typed
// arrays of the page's fetch apart.
async function fetchFromIndex(requests, accept) {
  const base64 = (blob) => new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result.slice(reader.result.indexOf(',') + 1));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
  return Promise.all(requests.map(async ({ kind, url }) => {
    try {
      const response = await fetch(url, { headers: kind === 'project' ? { Accept: accept } : {}, credentials: 'omit', cache: 'no-store' });
      const answer = { url, status: response.status, contentType: response.headers.get('content-type') };
      if (!response.ok) return answer;
      if (kind === 'project') answer.text = await response.text();
      else answer.base64 = await base64(await response.blob());
      return answer;
    } catch (error) {
      return { url, status: 0, error: error.message };
    }
  }));
}

function fromBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

async function step(request) {
  const reply = await host.resolvePackages(request);
  if (!reply.ok) throw new UserError(reply.error.message);
  return reply;
}

// Resolve `pins` against the index: { lock, records } with every wheel's
// record (bytes included) checked against its sha256, or a UserError naming
// the package, with nothing kept.
async function resolveFromIndex(pins, indexUrl, limitBytes) {
  let reply = await step({ start: { requires: pins, indexUrl, limitBytes, pyodideShips: await pyodideShips() } });
  const fetched = new Map();
  let tab = null;
  try {
    while (!reply.lock) {
      if (!tab) tab = await openIndexTab(reply.requests[0].url, indexUrl);
      const [injection] = await chrome.scripting.executeScript({ target: { tabId: tab.id }, func: fetchFromIndex, args: [reply.requests, ACCEPT] });
      const responses = injection?.result;
      if (!Array.isArray(responses)) throw new UserError(`Gleaner could not read the package index at ${indexUrl}; nothing was installed.`);
      for (const response of responses) {
        if (response.base64) fetched.set(response.url, fromBase64(response.base64));
      }
      reply = await step({ state: reply.state, responses });
    }
  } finally {
    if (tab) await closeTab(tab.id);
  }
  const records = [];
  for (const wheel of reply.lock) {
    const bytes = fetched.get(wheel.url);
    // Python checked the bytes it was sent; these are the ones kept, so they are checked too.
    if (!bytes || (await sha256Hex(bytes)) !== wheel.sha256) {
      throw new UserError(`${wheel.filename} (${wheel.name} ${wheel.version}) does not match the sha256 the package index publishes for it; nothing was installed.`);
    }
    const { name, version, filename, sha256, size, licence } = wheel;
    records.push({ sha256, name, version, filename, size, licence, bytes: bytes.buffer });
  }
  return { lock: reply.lock, records };
}

async function openIndexTab(url, indexUrl) {
  try {
    const { tab } = await openAndSettle(undefined, url, { timeoutMs: INDEX_PAGE_TIMEOUT_MS, settleMs: 0 });
    return tab;
  } catch (error) {
    if (error instanceof PageLoadError || error instanceof TabClosed) {
      throw new UserError(`Gleaner could not reach the package index at ${indexUrl} (${error.message}); nothing was installed.`);
    }
    throw error;
  }
}

const sameRequires = (a = [], b = []) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

async function allStored(lock) {
  return (await getWheels(lock.map((wheel) => wheel.sha256))).every(Boolean);
}

// The packages for a scraper about to be saved: { lock, records } where
// records are the wheels still to store. Unchanged pins keep the previous
// lock (an update that does not touch REQUIRES fetches nothing).
export async function installPackages(metadata, previous = null) {
  const pins = pinsOf(metadata);
  if (!pins.length) return { lock: [], records: [] };
  if (previous?.packages?.length && sameRequires(previous.metadata.requires, metadata.requires) && (await allStored(previous.packages))) {
    return { lock: previous.packages, records: [] };
  }
  const { packageIndexUrl, packageLimitMB } = await readSettings(['packageIndexUrl', 'packageLimitMB']);
  if (!(await chrome.permissions.contains({ origins: indexOrigins(packageIndexUrl) }))) {
    throw new UserError(`${metadata.name} requires ${pins.join(', ')}, and Gleaner may not reach the package index at ${packageIndexUrl}: allow it when asked (it is asked only to install packages); nothing was saved.`);
  }
  return resolveFromIndex(pins, packageIndexUrl, packageLimitMB * 1024 * 1024);
}

// Re-fetch the exact wheels of a lock (an imported archive's) and check each against its sha256.
// With `carried` ({ sha256: base64 }) a wheel the archive carries is checked instead of fetched.
export async function fetchLock(name, lock, carried = {}) {
  const records = [];
  const toFetch = [];
  for (const wheel of lock) {
    if (carried[wheel.sha256]) {
      const bytes = fromBase64(carried[wheel.sha256]);
      if ((await sha256Hex(bytes)) !== wheel.sha256) throw new UserError(`${wheel.filename} in the archive does not match its sha256 (${name}); nothing was imported.`);
      records.push(recordOf(wheel, bytes));
    } else if (!(await getWheels([wheel.sha256]))[0]) {
      toFetch.push(wheel);
    }
  }
  if (!toFetch.length) return records;
  // Read from a tab on the index the person set, as at install (the lock's
  // files may live on another host, as PyPI's do, which answers cross-site requests).
  const { packageIndexUrl } = await readSettings(['packageIndexUrl']);
  if (!(await chrome.permissions.contains({ origins: indexOrigins(packageIndexUrl) }))) {
    // Typed, so the options page can offer to ask for access from a click of the person's and try again.
    throw Object.assign(new UserError(`${name}'s packages must be fetched again from the package index at ${packageIndexUrl}, and Gleaner may not reach it yet; nothing was imported.`), { type: 'NeedsIndexAccess' });
  }
  let tab = null;
  try {
    tab = await openIndexTab(new URL(`${toFetch[0].name}/`, packageIndexUrl.replace(/\/?$/, '/')).href, packageIndexUrl);
    const [injection] = await chrome.scripting.executeScript({ target: { tabId: tab.id }, func: fetchFromIndex, args: [toFetch.map((w) => ({ kind: 'wheel', url: w.url })), ACCEPT] });
    for (const [i, response] of (injection?.result ?? []).entries()) {
      const wheel = toFetch[i];
      const bytes = response.base64 ? fromBase64(response.base64) : null;
      if (!bytes) throw new UserError(`Gleaner could not download ${wheel.filename} (${name}) again: ${response.error || `HTTP ${response.status}`}; nothing was imported.`);
      if ((await sha256Hex(bytes)) !== wheel.sha256) throw new UserError(`${wheel.filename} (${wheel.name} ${wheel.version}) no longer matches the sha256 in the archive; nothing was imported.`);
      records.push(recordOf(wheel, bytes));
    }
  } finally {
    if (tab) await closeTab(tab.id);
  }
  return records;
}

function recordOf({ sha256, name, version, filename, size, licence }, bytes) {
  return { sha256, name, version, filename, size, licence, bytes: bytes.buffer };
}

export const storeWheels = putWheels;

let packageTurn = Promise.resolve();

// Run `work` when no other install, import or freeing of wheels is running:
// wheels stored by one install are not yet named by its scraper, and a
// freeing at that moment would take them.
export function oneAtATime(work) {
  const turn = packageTurn.then(work);
  packageTurn = turn.catch(() => {});
  return turn;
}

// Free every wheel no scraper's lock names (after a delete, an update, a failed save).
export function freeUnusedWheels(state) {
  return freeWheelsExcept(new Set(state.scrapers.flatMap((entry) => (entry.packages ?? []).map((wheel) => wheel.sha256))));
}

// The cache as the options page shows it.
export async function packageCache() {
  const wheels = await listWheels();
  return { count: wheels.length, bytes: wheels.reduce((sum, wheel) => sum + wheel.size, 0) };
}

// The wheels' bytes by sha256 as base64, for an archive that carries them.
export async function wheelsAsBase64(hashes) {
  const records = await getWheels(hashes);
  const out = {};
  for (const record of records) {
    if (!record) continue;
    const bytes = new Uint8Array(record.bytes);
    let text = '';
    for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    out[record.sha256] = btoa(text);
  }
  return out;
}

// A scraper being tried from the editor uses the installed scraper's
// packages when it pins the same ones; else it runs without, and Python says
// they must be installed first.
export function packagesForTrial(state, metadata) {
  const installed = state.scrapers.find((entry) => entry.metadata.name === metadata.name);
  return installed && sameRequires(installed.metadata.requires, metadata.requires) ? installed.packages ?? [] : [];
}
