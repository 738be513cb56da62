// The module Worker that owns Pyodide. It lives in a Worker (not the document
// that hosts it) so a runaway plugin can be stopped with Worker.terminate()
// without taking the host down; Pyodide 314 only loads in a module worker.
//
// Protocol: the host posts { id, op, args }; the worker answers
// { id, ok, result } or { id, ok: false, error }, and posts
// { progress: { stage, ms } } while it boots. Ops are named in
// common/messages.js (WorkerOp).

import { loadPyodide } from '../../pyodide/pyodide.mjs';
import { WorkerOp } from '../common/messages.js';

const PYODIDE_URL = new URL('../../pyodide/', import.meta.url).href;
const PYTHON_URL = new URL('../../python/', import.meta.url).href;
const APP_DIR = '/gleaner';

let pyodide = null;
let host = null;
let booting = null;

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

async function boot() {
  const stages = {};
  [pyodide, stages.runtime] = await timed('runtime', () => loadPyodide({
    indexURL: PYODIDE_URL,
    // Our own trimmed lock: only what this build ships (see build.py).
    lockFileURL: `${PYTHON_URL}pyodide-lock.json`,
    packageBaseUrl: PYTHON_URL,
    stdout: () => {},
    stderr: () => {},
  }));
  [, stages.packages] = await timed('packages', async () => {
    const lock = await (await fetch(`${PYTHON_URL}pyodide-lock.json`)).json();
    // unpackArchive rather than loadPackage: the same files, without
    // loadPackage's lookups, and it is what a memory snapshot can keep.
    const wheels = await Promise.all(Object.values(lock.packages).map((pkg) => fetchBytes(`${PYTHON_URL}${pkg.file_name}`)));
    for (const wheel of wheels) pyodide.unpackArchive(wheel, 'wheel');
  });
  [, stages.host] = await timed('host', async () => {
    pyodide.unpackArchive(await fetchBytes(`${PYTHON_URL}gleaner.zip`), 'zip', { extractDir: APP_DIR });
    pyodide.runPython(`import sys; sys.path.insert(0, ${JSON.stringify(APP_DIR)})`);
    host = pyodide.runPython(`from gleaner.host import Host; Host(${JSON.stringify(`${APP_DIR}/scrapers`)})`);
  });
  [, stages.plugins] = await timed('plugins', () => {
    // Import what the built-ins need now, so the first scrape does not pay for it.
    pyodide.runPython('import bs4, xmltodict, json, html.parser');
  });
  return stages;
}

function ensureBooted() {
  booting ??= boot();
  return booting;
}

const ops = {
  [WorkerOp.Boot]: async () => ({ stages: await ensureBooted() }),
  [WorkerOp.Describe]: async () => JSON.parse(host.describe_json()),
  [WorkerOp.SetPage]: async ({ page }) => {
    host.set_page_json(JSON.stringify(page));
    return null;
  },
  [WorkerOp.RunScraper]: async ({ name, source }) => JSON.parse(host.run_json(name, source ?? undefined)),
  [WorkerOp.Export]: async ({ records, format, options }) => ({
    text: host.export_text(JSON.stringify(records), format, JSON.stringify(options ?? {})),
  }),
  [WorkerOp.Validate]: async ({ source }) => JSON.parse(host.validate_json(source)),
};

self.onmessage = async ({ data: { id, op, args } }) => {
  try {
    if (!(op in ops)) throw new Error(`unknown worker op ${op}`);
    if (op !== WorkerOp.Boot) await ensureBooted();
    postMessage({ id, ok: true, result: await ops[op](args ?? {}) });
  } catch (error) {
    postMessage({ id, ok: false, error: { type: error.type || error.name || 'Error', message: String(error.message || error), user: false } });
  }
};
