// Plugins reach this worker's JavaScript globals through Pyodide's `js`
// module. The extension's content security policy already stops every
// request to another origin (see docs/security.md); what
// it cannot stop is same-origin storage and channels, because the worker *is*
// the extension's origin. So once Python has booted, before any plugin runs,
// those are removed from the worker for good: deleting them from the
// prototypes leaves no getter a plugin could call back into existence.
//
// - indexedDB, caches, navigator.storage (the origin private file system):
//   the extension origin's storage, where a plugin could read or plant data
//   that outlives it (a cached Pyodide snapshot, say).
// - BroadcastChannel, Worker, SharedWorker: ways to reach other extension
//   contexts, or to start a fresh worker of the extension's own scripts in
//   which those globals would still exist.
// - chrome / browser: not exposed in dedicated workers today; removed in case
//   a browser starts to.
// - close: a plugin that closed the worker would leave the next scraper
//   waiting for its time limit and blamed for it.

const REMOVED = ['indexedDB', 'caches', 'BroadcastChannel', 'Worker', 'SharedWorker', 'chrome', 'browser', 'close'];

export function sealWorkerScope(scope = globalThis) {
  for (const name of REMOVED) {
    for (let holder = scope; holder; holder = Object.getPrototypeOf(holder)) {
      if (Object.prototype.hasOwnProperty.call(holder, name)) delete holder[name];
    }
  }
  const navigatorProto = scope.navigator && Object.getPrototypeOf(scope.navigator);
  if (navigatorProto && Object.prototype.hasOwnProperty.call(navigatorProto, 'storage')) delete navigatorProto.storage;
  // Anything still there could not be deleted: say so rather than run plugins next to it.
  const left = REMOVED.filter((name) => name in scope);
  if (left.length) throw new Error(`could not seal the Python worker: ${left.join(', ')} remain`);
}
