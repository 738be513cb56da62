// The module Worker that owns Pyodide. It lives in a Worker (not the document
// that hosts it) so a runaway plugin can be stopped with Worker.terminate()
// without taking the host down; Pyodide 314 only loads in a module worker.
//
// Protocol: the host posts { id, op, args }; the worker answers
// { id, ok, result, token } or { id, ok: false, error, token } (token: see
// replyToken below), and posts
// { progress: { stage, ms } } while it boots, and { snapshot } (bytes) when
// it made a memory snapshot for the host to store. Ops are named in
// common/messages.js (WorkerOp).

import { loadPyodide } from '../../pyodide/pyodide.mjs';
import { WorkerOp } from '../common/messages.js';
import { sealWorkerScope } from './worker-seal.js';
import { unpackZip } from './zip-files.js';

const PYODIDE_URL = new URL('../../pyodide/', import.meta.url).href;
const PYTHON_URL = new URL('../../python/', import.meta.url).href;
const APP_DIR = '/gleaner';
// gleaner.host.PACKAGES_DIR: where plugins' wheels are unpacked, one folder per sha256.
const PACKAGES_DIR = '/packages';

let pyodide = null;
let host = null;
let booting = null;

// Started as the worker loads, while the host is still reading the memory
// snapshot from IndexedDB: Pyodide's large JS module (loadPyodide imports
// the same URL, so it finds it loaded) and the files every boot unpacks.
const pyodideModule = import('../../pyodide/pyodide.asm.mjs');
// V8 shares compiled WebAssembly between modules made from the same bytes:
// compiled now, Pyodide's own compile of pyodide.asm.wasm later finds it
// done. Held until the boot ends, so it is not collected before that.
const WASM_URL = new URL('../../pyodide/pyodide.asm.wasm', import.meta.url);
const compileStarted = performance.now();
let compiledWasm = WebAssembly.compileStreaming(fetch(WASM_URL));
// How long V8 took to compile it (a boot stage: what a code cache would save).
const wasmCompileMs = compiledWasm.then(() => Math.round(performance.now() - compileStarted), () => null);
const downloads = fetchLock().then(async (lock) => {
  const packages = Object.values(lock.packages);
  const [app, ...wheels] = await Promise.all([`${PYTHON_URL}gleaner.zip`, ...packages.map((pkg) => `${PYTHON_URL}${pkg.file_name}`)].map(fetchBytes));
  return { lock, packages, app, wheels };
});
// Awaited at boot, where a failure is reported; not an unhandled rejection before that.
pyodideModule.catch(() => {});
downloads.catch(() => {});
compiledWasm.catch(() => {});

function progress(stage, ms) {
  postMessage({ progress: { stage, ms: Math.round(ms) } });
}

async function timed(stage, step) {
  const started = performance.now();
  const value = await step();
  const ms = performance.now() - started;
  progress(stage, ms);
  return [value, ms];
}

async function fetchBytes(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not read ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

// Boot from a memory snapshot when the host has one for this exact build:
// the heap of a Python that already imported the host and warmed up the
// built-ins (restoring took 0.4-0.8 s here, a full boot 1.6-3 s). Files live
// outside the heap, so they are written
// again after a restore. The snapshot API is Pyodide 314's private one
// (loadPyodide's _loadSnapshot/_makeSnapshot, pyodide.makeMemorySnapshot),
// pinned with the Pyodide version; any failure falls back to a full boot.
async function boot({ snapshot = null, makeSnapshot = false } = {}) {
  const stages = {};
  await pyodideModule;
  if (snapshot) {
    try {
      [pyodide, stages.restore] = await timed('restore', () => loadRuntime({ _loadSnapshot: new Uint8Array(snapshot) }));
      // The heap now holds a copy, but Pyodide's config keeps the bytes it
      // was given for as long as the worker lives: detached, their ~30 MB
      // go back now.
      snapshot.transfer?.(0);
      [, stages.files] = await timed('files', unpackFiles);
      host = pyodide.globals.get('_gleaner_host');
      stages.snapshot = 'restored';
      stages.wasmCompile = await wasmCompileMs;
      return { stages };
    } catch (error) {
      // A snapshot from another build or a damaged one: boot fully and replace it.
      stages.snapshotError = String(error?.message || error).slice(0, 300);
      pyodide = null;
      host = null;
      makeSnapshot = true;
    }
  }
  // A wheel with compiled code (lxml) loads shared libraries a snapshot
  // cannot carry: such builds boot fully every time.
  makeSnapshot &&= snapshotSafe((await downloads).lock);
  [pyodide, stages.runtime] = await timed('runtime', () => loadRuntime(makeSnapshot ? { _makeSnapshot: true } : {}));
  [, stages.packages] = await timed('packages', unpackFiles);
  [, stages.host] = await timed('host', () => {
    pyodide.runPython(`import sys; sys.path.insert(0, ${JSON.stringify(APP_DIR)})`);
    pyodide.runPython(`from gleaner.host import Host; _gleaner_host = Host(${JSON.stringify(`${APP_DIR}/scrapers`)})`);
  });
  [, stages.plugins] = await timed('plugins', () => {
    // What the first scrape would pay for (the built-ins executed, a parse),
    // done now: every later start restores it from the snapshot.
    pyodide.runPython('_gleaner_host.warm_up()');
  });
  let made = null;
  if (makeSnapshot) {
    // Before any plugin runs: the snapshot holds only our own code's state.
    [made, stages.snapshotMake] = await timed('snapshot', () => pyodide.makeMemorySnapshot());
    stages.snapshot = 'made';
  }
  host = pyodide.globals.get('_gleaner_host');
  stages.wasmCompile = await wasmCompileMs;
  return { stages, snapshot: made };
}

function loadRuntime(options) {
  return loadPyodide({
    indexURL: PYODIDE_URL,
    // Our own trimmed lock: only what this build ships (see build.py).
    lockFileURL: `${PYTHON_URL}pyodide-lock.json`,
    packageBaseUrl: PYTHON_URL,
    stdout: () => {},
    stderr: () => {},
    ...options,
  });
}

async function fetchLock() {
  return (await fetch(`${PYTHON_URL}pyodide-lock.json`)).json();
}

const snapshotSafe = (lock) => Object.values(lock.packages).every((pkg) => pkg.file_name.endsWith('-none-any.whl'));

// The wheels into site-packages and the host package into APP_DIR, written
// from JS (see zip-files.js); a wheel with compiled code goes through
// unpackArchive, which also loads its shared libraries.
async function unpackFiles() {
  const { packages, app, wheels } = await downloads;
  const sitePackages = pyodide.runPython('import sysconfig; sysconfig.get_path("purelib")');
  await Promise.all(wheels.map((wheel, i) => (packages[i].file_name.endsWith('-none-any.whl')
    ? unpackZip(pyodide.FS, wheel, sitePackages)
    : pyodide.unpackArchive(wheel, 'wheel'))));
  await unpackZip(pyodide.FS, app, APP_DIR);
}

function ensureBooted(options) {
  // Sealed after boot (which may use storage) and before any plugin runs.
  booting ??= boot(options).then((booted) => {
    compiledWasm = null;
    sealWorkerScope();
    return booted;
  });
  return booting;
}

const ops = {
  [WorkerOp.Boot]: async ({ interruptBuffer, snapshot, makeSnapshot }) => {
    const booted = await ensureBooted({ snapshot, makeSnapshot });
    const { stages, snapshot: made } = booted;
    booted.snapshot = null;
    // A new snapshot goes to the host to keep (moved, not copied: ~30 MB).
    if (made) postMessage({ snapshot: made }, [made.buffer]);
    // The host's soft stop for a runaway plugin: it writes SIGINT here and
    // Python raises KeyboardInterrupt at the next bytecode.
    if (interruptBuffer) pyodide.setInterruptBuffer(interruptBuffer);
    // The host stops overrunning scrapers by the runner's rules (gleaner/runner.py).
    return { stages, timeLimits: JSON.parse(host.time_limits_json()) };
  },
  [WorkerOp.Describe]: async () => JSON.parse(host.describe_json()),
  [WorkerOp.SetPage]: async ({ page: { html, tree, ...rest } }) => JSON.parse(host.set_page_json(JSON.stringify(rest), html ?? null, tree ?? null)),
  // pageId: the page this run is for (Python refuses another); callback: the
  // plugin's entry point a crawl names, scrape when absent.
  // packages: the sha256 of each wheel the plugin's lock names, unpacked by LoadWheels first.
  // Answered as Python's text (gleaner.runner.result_text: a line about the
  // run, then the records' JSON): a string crosses to the host in one copy,
  // and nobody on the way parses the records.
  [WorkerOp.RunScraper]: async ({ name, source, pageId, callback, packages }) => host.run_text(name, source ?? undefined, pageId ?? undefined, callback ?? undefined, packages ?? undefined),
  // The run is over: the page and its tree go (one full collection, while nobody waits).
  [WorkerOp.ReleasePage]: async () => JSON.parse(host.release_page_json()),
  [WorkerOp.Export]: async (request) => JSON.parse(host.export_json(JSON.stringify(request))),
  [WorkerOp.Validate]: async ({ source, previous }) => JSON.parse(host.validate_json(source, previous ?? undefined)),
  [WorkerOp.RunTests]: async ({ name, source, packages }) => JSON.parse(host.run_tests_json(name, source ?? undefined, packages ?? undefined)),
  [WorkerOp.ResolvePackages]: async (request) => JSON.parse(host.resolve_packages_json(JSON.stringify(request))),
  // Bytes the host read from IndexedDB (this worker has none), each wheel into a folder of its own.
  [WorkerOp.LoadWheels]: async ({ wheels }) => {
    for (const { sha256, bytes } of wheels) {
      const folder = `${PACKAGES_DIR}/${sha256}`;
      if (!pyodide.FS.analyzePath(folder).exists) await unpackZip(pyodide.FS, bytes, folder);
    }
    return { loaded: wheels.length };
  },
  [WorkerOp.ListSpecs]: async ({ pageId }) => JSON.parse(host.list_specs_json(pageId)),
  [WorkerOp.WriteScraper]: async ({ pageId, spec }) => JSON.parse(host.write_scraper_json(pageId, JSON.stringify(spec))),
};

// Plugins can reach self.onmessage and self.postMessage through `js`; a
// listener and a reference taken before any plugin runs cannot be replaced.
// Every reply carries this worker's token, which the host learns from the
// boot's reply (before any plugin runs) and no plugin can read (it lives in
// this module, not on a global): a reply a plugin forges with
// js.postMessage lacks it, and the host ignores it. So the host can carry a
// scraper's records as the text Python wrote, unread.
const replyToken = crypto.randomUUID();
const post = postMessage.bind(self);
const reply = (message) => post({ ...message, token: replyToken });

addEventListener('message', async ({ data: { id, op, args } }) => {
  try {
    if (!Object.hasOwn(ops, op)) throw new Error(`unknown worker op ${op}`);
    if (op !== WorkerOp.Boot) await ensureBooted();
    reply({ id, ok: true, result: await ops[op](args ?? {}) });
  } catch (error) {
    reply({ id, ok: false, error: { type: error.type || error.name || 'Error', message: String(error.message || error), user: false } });
  }
});
