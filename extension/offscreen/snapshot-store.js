// Where the Python host keeps Pyodide's memory snapshot between browser
// sessions: one IndexedDB record in the extension's origin, tagged with the
// build it belongs to (python/build-info.json's bundle hash, which covers
// Pyodide's files, the wheels and our Python). A snapshot of another build is
// never offered to Pyodide; the next full boot replaces it.
//
// Used by the host (offscreen document / Firefox event page), never by the
// worker: plugins run in the worker, which has no IndexedDB once sealed.

import { database, requestResult } from '../common/idb.js';

const STORE = 'snapshots';
const RECORD = 'python';

// Opened at its current version; a database that exists without our store
// (opened first by something that only looked) is upgraded to hold it.
const db = database('gleaner-python', {
  stores: [STORE],
  upgrade(opened) {
    if (!opened.objectStoreNames.contains(STORE)) opened.createObjectStore(STORE);
  },
});

const transact = (mode, work) => db.transact([STORE], mode, ({ [STORE]: store }) => requestResult(work(store)));

let buildKeyPromise = null;

// The build's identity, read once: a new install or update changes it.
export function buildKey() {
  buildKeyPromise ??= fetch(new URL('../../python/build-info.json', import.meta.url))
    .then((response) => (response.ok ? response.json() : null))
    .then((info) => (info ? `${info.pyodide}:${info.bundleHash}` : null), () => null);
  return buildKeyPromise;
}

// Python's heap (~31 MB) is more than half zero pages; only the others are
// stored, with their numbers, and a start reads 13 MB instead of 31. (Gzip
// shrinks it further, but inflating in the browser cost more than it saved.)
const PAGE_BYTES = 4096;

function withoutZeroPages(snapshot) {
  const bytes = snapshot.byteOffset % 4 ? snapshot.slice() : snapshot; // read as 32-bit words below
  const pageCount = Math.ceil(bytes.length / PAGE_BYTES);
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.length / 4));
  const kept = [];
  for (let page = 0; page < pageCount; page += 1) {
    const start = page * PAGE_BYTES;
    const end = Math.min(start + PAGE_BYTES, bytes.length);
    let zero = end - start === PAGE_BYTES;
    for (let word = start / 4; zero && word < end / 4; word += 1) zero = words[word] === 0;
    if (!zero) kept.push(page);
  }
  return {
    length: bytes.length,
    pageNumbers: new Blob([new Uint32Array(kept)]),
    pages: new Blob(kept.map((page) => bytes.subarray(page * PAGE_BYTES, (page + 1) * PAGE_BYTES))),
  };
}

async function withZeroPages({ length, pageNumbers, pages }) {
  const [numbers, data] = await Promise.all([pageNumbers.arrayBuffer(), pages.arrayBuffer()]);
  const bytes = new Uint8Array(length);
  const stored = new Uint8Array(data);
  new Uint32Array(numbers).forEach((page, i) => {
    bytes.set(stored.subarray(i * PAGE_BYTES, Math.min((i + 1) * PAGE_BYTES, stored.length)), page * PAGE_BYTES);
  });
  // Detached, the read's ~18 MB go back now; as garbage they would stay
  // until this quiet document's next collection, counted as Python's.
  data.transfer?.(0);
  return bytes.buffer;
}

// The snapshot's bytes (an ArrayBuffer) for this build, or null.
export async function loadSnapshot() {
  const key = await buildKey();
  if (!key) return null;
  const record = await transact('readonly', (store) => store.get(RECORD));
  if (!record || record.key !== key) return null;
  if (record.pages instanceof Blob) return withZeroPages(record);
  return record.bytes instanceof Blob ? record.bytes.arrayBuffer() : record.bytes;
}

// Kept as Blobs: Chrome writes a large Blob to disk and holds no copy of it
// in the page's memory once stored.
export async function saveSnapshot(bytes) {
  const key = await buildKey();
  if (!key) return;
  await transact('readwrite', (store) => store.put({ key, ...withoutZeroPages(bytes), savedAt: Date.now() }, RECORD));
}

export async function clearSnapshot() {
  await transact('readwrite', (store) => store.delete(RECORD));
}
