// The wheels of the packages scrapers require (see docs/packages.md), kept in
// IndexedDB under their sha256, so two scrapers that need the same file share
// one copy. Each record: { sha256, name, version, filename, size, licence,
// bytes: ArrayBuffer }. The service worker writes them at install and frees
// them when no scraper's lock names them; the Python host reads them before a
// run of a scraper that needs them (never the worker, which has no IndexedDB
// once sealed: it is handed the bytes).

import { database, requestResult } from './idb.js';

const STORE = 'wheels';

const db = database('gleaner-packages', {
  stores: [STORE],
  upgrade(opened) {
    if (!opened.objectStoreNames.contains(STORE)) opened.createObjectStore(STORE, { keyPath: 'sha256' });
  },
});

// The hex sha256 of some bytes.
export async function sha256Hex(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

// Store every record in one transaction: all of them, or none.
export function putWheels(records) {
  if (!records.length) return Promise.resolve();
  return db.transact([STORE], 'readwrite', ({ [STORE]: store }) => Promise.all(records.map((record) => requestResult(store.put(record)))));
}

// The records for these hashes, in their order; null for one not stored.
export function getWheels(hashes) {
  return db.transact([STORE], 'readonly', ({ [STORE]: store }) => Promise.all(hashes.map((hash) => requestResult(store.get(hash)).then((r) => r ?? null))));
}

// Every stored wheel without its bytes: { sha256, name, version, filename, size, licence }.
export function listWheels() {
  return db.transact([STORE], 'readonly', ({ [STORE]: store }) => new Promise((resolve, reject) => {
    const found = [];
    const cursor = store.openCursor();
    cursor.onsuccess = () => {
      const at = cursor.result;
      if (!at) {
        resolve(found);
        return;
      }
      const { bytes, ...rest } = at.value;
      found.push(rest);
      at.continue();
    };
    cursor.onerror = () => reject(cursor.error);
  }));
}

// Delete every wheel whose hash is not in `keep`; resolves with what was freed.
export async function freeWheelsExcept(keep) {
  const unused = (await listWheels()).filter((wheel) => !keep.has(wheel.sha256));
  if (unused.length) {
    await db.transact([STORE], 'readwrite', ({ [STORE]: store }) => Promise.all(unused.map((wheel) => requestResult(store.delete(wheel.sha256)))));
  }
  return { count: unused.length, bytes: unused.reduce((sum, wheel) => sum + wheel.size, 0) };
}
