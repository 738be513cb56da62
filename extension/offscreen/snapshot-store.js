// Where the Python host keeps Pyodide's memory snapshot between browser
// sessions: one IndexedDB record in the extension's origin, tagged with the
// build it belongs to (python/build-info.json's bundle hash, which covers
// Pyodide's files, the wheels and our Python). A snapshot of another build is
// never offered to Pyodide; the next full boot replaces it.
//
// Used by the host (offscreen document / Firefox event page), never by the
// worker: plugins run in the worker, which has no IndexedDB once sealed.

const DB_NAME = 'gleaner-python';
const STORE = 'snapshots';
const RECORD = 'python';

let buildKeyPromise = null;

// The build's identity, read once: a new install or update changes it.
export function buildKey() {
  buildKeyPromise ??= fetch(new URL('../../python/build-info.json', import.meta.url))
    .then((response) => (response.ok ? response.json() : null))
    .then((info) => (info ? `${info.pyodide}:${info.bundleHash}` : null), () => null);
  return buildKeyPromise;
}

// Opened at its current version; a database that exists without our store
// (opened first by something that only looked) is upgraded to hold it.
function openDatabase(version = undefined) {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, version);
    request.onupgradeneeded = () => {
      if (!request.result.objectStoreNames.contains(STORE)) request.result.createObjectStore(STORE);
    };
    request.onsuccess = () => {
      const db = request.result;
      if (db.objectStoreNames.contains(STORE)) {
        resolve(db);
        return;
      }
      const next = db.version + 1;
      db.close();
      openDatabase(next).then(resolve, reject);
    };
    request.onerror = () => reject(request.error);
  });
}

async function transact(mode, work) {
  const db = await openDatabase();
  try {
    return await new Promise((resolve, reject) => {
      const transaction = db.transaction(STORE, mode);
      const request = work(transaction.objectStore(STORE));
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
  } finally {
    db.close();
  }
}

// The snapshot's bytes (an ArrayBuffer) for this build, or null.
export async function loadSnapshot() {
  const key = await buildKey();
  if (!key) return null;
  const record = await transact('readonly', (store) => store.get(RECORD));
  if (!record || record.key !== key) return null;
  return record.bytes instanceof Blob ? record.bytes.arrayBuffer() : record.bytes;
}

// Kept as a Blob: Chrome writes a large Blob to disk and holds no copy of it
// in the page's memory once stored.
export async function saveSnapshot(bytes) {
  const key = await buildKey();
  if (!key) return;
  await transact('readwrite', (store) => store.put({ key, bytes: new Blob([bytes]), savedAt: Date.now() }, RECORD));
}

export async function clearSnapshot() {
  await transact('readwrite', (store) => store.delete(RECORD));
}
