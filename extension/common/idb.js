// IndexedDB with promises, for the stores Gleaner keeps there (the run
// history, Python's memory snapshot, crawls). A transaction's promise settles
// when the transaction has committed or failed, never when its last request
// succeeded: a quota error is only known at commit.

// The result of one request.
export function requestResult(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

// Open `name` at `version` (its current version when omitted), calling
// `upgrade(db, oldVersion)` when that version is new. When a `stores` name is
// missing from a database opened at its current version (someone opened it
// first without creating them), it is upgraded by one so `upgrade` runs.
export function openDatabase(name, { version = undefined, upgrade = () => {}, stores = [] } = {}) {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name, version);
    request.onupgradeneeded = (event) => upgrade(request.result, event.oldVersion);
    request.onsuccess = () => {
      const db = request.result;
      if (version !== undefined || stores.every((store) => db.objectStoreNames.contains(store))) {
        resolve(db);
        return;
      }
      const next = db.version + 1;
      db.close();
      openDatabase(name, { version: next, upgrade, stores }).then(resolve, reject);
    };
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error(`the database ${name} is in use by another Gleaner page at an older version`));
  });
}

// Run `work(stores)` in one transaction over `storeNames`, where `stores`
// maps each name to its object store; work may return a promise (its
// requests' promises chained, see requestResult). Resolves with work's value
// once the transaction has committed; if work throws, the transaction is
// aborted and nothing of it lands.
export function transact(db, storeNames, mode, work) {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(storeNames, mode);
    let value;
    tx.oncomplete = () => resolve(value);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error(`a transaction on ${db.name} was aborted`));
    const stores = Object.fromEntries(storeNames.map((store) => [store, tx.objectStore(store)]));
    const failed = (error) => {
      reject(error);
      try {
        tx.abort();
      } catch {
        // already finished: its own error, if any, was reported above
      }
    };
    let result;
    try {
      // Called now, while the transaction is active, not a microtask later.
      result = work(stores);
    } catch (error) {
      failed(error);
      return;
    }
    Promise.resolve(result).then((settled) => { value = settled; }, failed);
  });
}

// One database kept open between calls, and opened again after another
// context upgrades it (which closes this connection) or after a failed open.
// Returns { transact(storeNames, mode, work), close() }.
export function database(name, options = {}) {
  let opening = null;
  const open = () => {
    opening ??= openDatabase(name, options).then((db) => {
      db.onversionchange = () => {
        db.close();
        opening = null;
      };
      db.onclose = () => {
        opening = null;
      };
      return db;
    }, (error) => {
      opening = null;
      throw error;
    });
    return opening;
  };
  return {
    transact: async (storeNames, mode, work) => transact(await open(), storeNames, mode, work),
    async close() {
      const db = await opening?.catch(() => null);
      opening = null;
      db?.close();
    },
  };
}
