// The Python host: one module Worker running Pyodide, and the rules for
// talking to it. Chrome loads this module in the offscreen document; Firefox
// in its event page. Both answer the HostCommand messages of common/messages.js.

import { HostCommand, WorkerOp, UserError } from '../common/messages.js';
import { SETTINGS } from '../common/settings.js';
import { scraperResult, failedResult } from '../common/scraper-result.js';
import { loadSnapshot, saveSnapshot } from './snapshot-store.js';
import { getWheels, sha256Hex } from '../common/wheel-store.js';
import { clockMs } from '../common/clock.js';

// Pyodide hangs without a word when the CSP lacks 'wasm-unsafe-eval' (or a
// file is missing), so a boot that takes this long is reported, not awaited.
const BOOT_TIMEOUT_MS = 60_000;
// A scraper that runs past its time limit is stopped: first softly (a
// KeyboardInterrupt through Pyodide's interrupt buffer, which keeps the warm
// worker), then, if the plugin swallows it, by replacing the worker. The
// default limit, the grace after the interrupt (measured: ~8 ms used) and
// the words of the report are the runner's (gleaner/runner.py), sent by
// Python at boot: see fillIn.
// Calls that run no plugin code still get a limit: a plugin can leave the
// worker unable to answer (self.close(), a replaced onmessage), and a call
// without a limit would then hang every later scrape.
const CALL_TIMEOUT_MS = 30_000;
// Parsing is not the plugin's time: html.parser in Pyodide takes ~0.6 s per
// MB (20 MB: ~12 s), so the page gets its own limit scaled to its size.
const pageTimeoutMs = (chars) => CALL_TIMEOUT_MS + Math.ceil(chars / 1_000_000) * 2_000;
const SIGINT = 2;
const TESTS_TIMEOUT_MS = 60_000;
// Writing a scraper runs it on the page, then on trimmed copies, then its
// TESTS: more than a call that only reads the page.
const WRITE_SCRAPER_EXTRA_MS = 30_000;
// One step of resolving packages reads a wheel's metadata from its bytes.
const RESOLVE_TIMEOUT_MS = 60_000;
// An export of the largest run a scraper may give (16 MB of records) as
// XLSX takes openpyxl tens of seconds in Pyodide.
const EXPORT_TIMEOUT_MS = 120_000;
// Python's memory is given back after this long without a command (the
// user's keepWarmMinutes setting, sent with each command, overrides it).
const DEFAULT_KEEP_WARM_MINUTES = SETTINGS.keepWarmMinutes.default;

// Pyodide needs a SharedArrayBuffer for its interrupt buffer; extension pages
// have one without cross-origin isolation. Where they do not, only the hard
// stop remains.
const newInterruptBuffer = () => (typeof SharedArrayBuffer === 'function' ? new Int32Array(new SharedArrayBuffer(4)) : null);

class PythonWorker {
  constructor(onProgress) {
    this.worker = new Worker(new URL('./python-worker.js', import.meta.url), { type: 'module' });
    this.interruptBuffer = newInterruptBuffer();
    this.pending = new Map();
    this.nextId = 1;
    // The worker's reply token (python-worker.js), from its boot's reply.
    this.token = null;
    this.onProgress = onProgress;
    this.booted = false;
    // The wheels (by sha256) unpacked in this worker's file system; a new worker starts with none.
    this.wheels = new Set();
    this.worker.onmessage = ({ data }) => {
      if (data?.progress) {
        this.onProgress(data.progress);
        return;
      }
      if (data?.snapshot instanceof Uint8Array && !this.booted) {
        // Made at boot, before any plugin ran; kept for the next cold start.
        saveSnapshot(data.snapshot).catch((error) => console.warn('Gleaner: could not store the Python memory snapshot', error));
        return;
      }
      const call = this.pending.get(data?.id);
      if (!call) return;
      if (call.op === WorkerOp.Boot && this.token === null) this.token = data.token;
      // Not from the worker's own listener: a plugin's forgery, ignored.
      else if (data.token !== this.token) return;
      this.pending.delete(data.id);
      if (data.ok) call.resolve(data.result);
      else call.reject(Object.assign(new Error(data.error?.message), data.error));
    };
    this.worker.onerror = (event) => {
      // Before boot this is a worker that could not load (a missing file, a
      // CSP refusal). After boot it is an exception in a callback a plugin
      // left behind: the call running now is not to blame, and the worker
      // is replaced if its calls stop answering.
      if (this.booted) {
        event.preventDefault();
        return;
      }
      this.failAll(new Error(`the Python worker failed: ${event.message || 'it could not start'}`));
    };
  }

  // Resolves with the op's result; rejects with { timedOut: true } after timeoutMs.
  call(op, args, timeoutMs = CALL_TIMEOUT_MS, transfer = []) {
    return withTimeout(this.send(op, args, transfer), timeoutMs);
  }

  send(op, args, transfer = []) {
    const id = this.nextId++;
    if (this.interruptBuffer) this.interruptBuffer[0] = 0;
    const reply = new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, op });
      this.worker.postMessage({ id, op, args }, transfer);
    });
    // A reply abandoned after a timeout must not become an unhandled rejection.
    reply.catch(() => {});
    return reply;
  }

  interrupt() {
    if (!this.interruptBuffer) return false;
    this.interruptBuffer[0] = SIGINT;
    return true;
  }

  failAll(error) {
    for (const call of this.pending.values()) call.reject(error);
    this.pending.clear();
  }

  terminate() {
    this.worker.terminate();
    this.failAll(new Error('the Python worker was stopped'));
  }
}

function withTimeout(promise, timeoutMs) {
  if (!timeoutMs) return promise;
  let timer;
  const expired = new Promise((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('timeout'), { timedOut: true })), timeoutMs);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

// Errors that leave Pyodide unsafe to reuse: its memory never shrinks after
// a MemoryError, and a fatal error poisons every later call.
const POISONED = /MemoryError|fatally failed|Maximum call stack|out of memory|RangeError/;

function pageChars(page) {
  return (page?.html?.length ?? 0) + (page?.xml?.length ?? 0) + (page?.bytesBase64?.length ?? 0);
}

export class PythonHost {
  constructor({ onProgress = () => {}, onIdle = () => {} } = {}) {
    this.onProgress = onProgress;
    this.worker = null;
    this.ready = null;
    this.bootStages = null;
    this.replacements = 0;
    // Python's time-limit rules, from its boot; kept when the worker is replaced.
    this.timeLimits = null;
    this.onIdle = onIdle;
    this.keepWarmMs = DEFAULT_KEEP_WARM_MINUTES * 60_000;
    this.idleTimer = null;
    this.active = 0;
    // Python holds one page at a time (Host.page): runs take turns, in the
    // order they came, and each names its page so Python can refuse a run
    // that would read another's.
    this.runQueue = Promise.resolve();
    this.pagesSeen = 0;
    // Pages that arrived in parts, by transfer id, until their Run takes them.
    this.transfers = new Map();
  }

  // Boot (once) and resolve with each stage's time; concurrent callers share one boot.
  boot() {
    if (!this.ready) {
      const started = performance.now();
      // When, on the clock of the whole machine: a run tells whether Python
      // was started before it (at the browser's start, say) or for it.
      const startedAt = new Date().toISOString();
      const worker = new PythonWorker((progress) => this.onProgress({ ...progress, elapsedMs: Math.round(performance.now() - started) }));
      this.worker = worker;
      // The snapshot is read while the worker loads its modules, and moved
      // (not copied) to it; without one the worker makes one.
      const snapshotRead = performance.now();
      const snapshot = loadSnapshot().catch((error) => {
        console.warn('Gleaner: could not read the Python memory snapshot; booting fully', error);
        return null;
      });
      this.ready = snapshot.then((bytes) => {
        const readMs = Math.round(performance.now() - snapshotRead);
        const args = { interruptBuffer: worker.interruptBuffer, snapshot: bytes, makeSnapshot: !bytes };
        return worker.call(WorkerOp.Boot, args, BOOT_TIMEOUT_MS, bytes ? [bytes] : []).then((reply) => ({ ...reply, readMs }));
      }).then(
        ({ stages, timeLimits, readMs }) => {
          worker.booted = true;
          this.timeLimits = timeLimits;
          this.bootStages = { startedAt, snapshotRead: readMs, ...stages, totalMs: Math.round(performance.now() - started) };
          this.onProgress({ stage: 'ready', elapsedMs: this.bootStages.totalMs, done: true });
          return this.bootStages;
        },
        (error) => {
          this.reset();
          if (error.timedOut) {
            throw new Error(`Python did not start within ${BOOT_TIMEOUT_MS / 1000} s. The extension page may lack 'wasm-unsafe-eval' in its content security policy, or a Pyodide file is missing from the build.`);
          }
          throw error;
        },
      );
    }
    return this.ready;
  }

  reset() {
    this.worker?.terminate();
    this.worker = null;
    this.ready = null;
  }

  // A call that outlives its limit leaves the worker in an unknown state:
  // replace it, and say which context stopped answering.
  async call(op, args, timeoutMs = CALL_TIMEOUT_MS) {
    await this.boot();
    try {
      return await this.worker.call(op, args, timeoutMs);
    } catch (error) {
      if (error.timedOut || POISONED.test(String(error.message))) this.replace();
      if (error.timedOut) throw Object.assign(new Error(`the Python worker did not answer ${op} within ${timeoutMs / 1000} s; it was restarted`), { context: 'python worker' });
      throw error;
    }
  }

  replace() {
    this.reset();
    this.replacements += 1;
  }

  async setPage(page) {
    const chars = pageChars(page);
    try {
      return await this.call(WorkerOp.SetPage, { page }, pageTimeoutMs(chars));
    } catch (error) {
      if (/MemoryError/.test(error.message) || error.type === 'MemoryError') {
        throw new UserError(`The page (${(chars / 1_048_576).toFixed(1)} MB) is too large for Python's memory; Python was restarted.`);
      }
      throw error;
    }
  }

  // Run one scraper under its time limit. Past the limit: KeyboardInterrupt
  // first; a plugin that swallows it (or never returns to Python) loses the
  // worker. Returns the scraper's result, never throws for the plugin's sake.
  async runScraper(scraper, timeoutMs, pageId) {
    if (scraper.packages?.length) {
      try {
        await this.loadWheels(scraper.packages);
      } catch (error) {
        return failedResult(scraper, { type: 'MissingPackage', message: error.message, user: true });
      }
    }
    const worker = this.worker;
    const reply = worker.send(WorkerOp.RunScraper, { name: scraper.name, source: scraper.source, pageId, callback: scraper.callback, packages: scraper.packages });
    const { interruptGraceMs, timeoutMessage, keptRecordsMessage } = this.timeLimits ?? {};
    const stopped = (how, records = [], follows = []) => failedResult(scraper, {
      type: 'Timeout',
      message: fillIn(timeoutMessage, { title: scraper.title || scraper.name, seconds: timeoutMs / 1000, how }),
      user: true,
      stopped: true,
    }, records, follows);
    try {
      return checkResult(await withTimeout(reply, timeoutMs), scraper);
    } catch (error) {
      if (!error.timedOut) return this.brokenWorker(scraper, error);
    }
    if (worker.interrupt()) {
      try {
        const result = checkResult(await withTimeout(reply, interruptGraceMs), scraper);
        if (result.error?.type !== 'KeyboardInterrupt') return result;
        const kept = result.count ? fillIn(keptRecordsMessage, { count: result.count }) : 'Python kept running.';
        return stopped(kept, result, result.follows);
      } catch (error) {
        if (!error.timedOut) return this.brokenWorker(scraper, error, stopped('Python kept running.'));
      }
    }
    this.replace();
    return stopped('Python was restarted.');
  }

  // A plugin's wheels into the worker before its run: read from IndexedDB
  // (the worker has none), checked against their hash once more, and moved
  // to the worker, which unpacks each into a folder only that plugin's runs
  // put on sys.path. Each worker gets them once.
  async loadWheels(hashes) {
    await this.boot();
    const worker = this.worker;
    const missing = hashes.filter((hash) => !worker.wheels.has(hash));
    if (!missing.length) return;
    const records = await getWheels(missing);
    const wheels = [];
    for (const [i, record] of records.entries()) {
      if (!record || (await sha256Hex(record.bytes)) !== missing[i]) {
        throw new UserError(`A package this scraper requires (${record?.filename ?? missing[i].slice(0, 12)}) is missing from the browser's storage or damaged; install the scraper again to fetch its packages.`);
      }
      wheels.push({ sha256: missing[i], bytes: new Uint8Array(record.bytes) });
    }
    await worker.call(WorkerOp.LoadWheels, { wheels }, CALL_TIMEOUT_MS, wheels.map((w) => w.bytes.buffer));
    for (const hash of missing) worker.wheels.add(hash);
  }

  // The worker itself failed during a scraper (a fatal Pyodide error, a
  // reply of the wrong shape): the scraper gets the error, the worker is
  // replaced, the run goes on.
  brokenWorker(scraper, error, result = null) {
    this.replace();
    if (result) return result;
    return failedResult(scraper, {
      type: error.type || error.name || 'Error',
      message: `${scraper.title || scraper.name} broke the Python worker (${String(error.message).split('\n').slice(-2).join(' ').trim()}); Python was restarted.`,
      user: false,
      traceback: error.traceback || (typeof error.message === 'string' && error.message.includes('Traceback') ? error.message : null),
    });
  }

  // Runs wait for the one before them to end (FIFO): two scrapes at once,
  // from two popups, the options page or a crawl, never share Python's page.
  // So do the other calls that set a page (ListSpecs, WriteScraper).
  enqueue(work) {
    const turn = this.runQueue.then(work);
    this.runQueue = turn.catch(() => {});
    return turn;
  }

  // Every call about a page names it; Python refuses one for a page it does not hold.
  namePage(captured) {
    this.pagesSeen += 1;
    return { ...captured, id: captured.id ?? `page-${this.pagesSeen}` };
  }

  // A question about one page (its lists, a scraper written from it), in
  // its turn: the page is set, then the op asked about it by id.
  async aboutPage(captured, op, args = {}) {
    const page = this.namePage(captured);
    await this.boot();
    await this.setPage(page);
    return this.call(op, { ...args, pageId: page.id }, pageTimeoutMs(pageChars(page)) + WRITE_SCRAPER_EXTRA_MS);
  }

  // Run each scraper in turn (through its entry point `scraper.callback`,
  // scrape when absent); one that fails, overruns its time or breaks the
  // worker is reported, and the others still run on a sound worker.
  async run({ page: captured, scrapers }) {
    const startedAt = clockMs();
    const page = this.namePage(captured);
    const wasWarm = this.bootStages !== null && this.ready !== null;
    const boot = await this.boot();
    const parseStarted = performance.now();
    // Python also says how much longer scrapers get on a page this size (gleaner/runner.py).
    const { soup, pythonMs, allowanceMs } = await this.setPage(page);
    const chars = pageChars(page);
    const pageInfo = { id: page.id, chars, parseMs: Math.round(performance.now() - parseStarted), pythonMs, soup };
    const results = [];
    let carried = 0;
    // Each result's way from Python to here, beyond the scraper's own time,
    // and of that Python's writing its text.
    let takeMs = 0;
    let pythonSerialiseMs = 0;
    for (const scraper of scrapers) {
      const timeoutMs = (scraper.timeoutMs ?? this.timeLimits.defaultTimeoutMs) + allowanceMs;
      this.onProgress({ scraper: scraper.name, done: false });
      if (!this.ready) {
        await this.boot();
        await this.setPage(page);
      }
      const scraperStarted = performance.now();
      const result = await this.runScraper(scraper, timeoutMs, page.id);
      takeMs += performance.now() - scraperStarted - (result.ms ?? 0);
      pythonSerialiseMs += serialiseMs.get(result) ?? 0;
      if (!result.ok && POISONED.test(`${result.error?.type} ${result.error?.message}`)) this.replace();
      const size = result.recordsJson.length;
      if (carried + size > MAX_RUN_OUTPUT_CHARS) {
        results.push(tooMuchOutput(result));
      } else {
        carried += size;
        results.push(result);
      }
    }
    pageInfo.workerReplaced = this.releasePage(chars);
    // On the shared clock, so the service worker can tell the messages' share.
    const timings = { startedAt, takeMs: Math.round(takeMs), pythonSerialiseMs: Math.round(pythonSerialiseMs), endedAt: clockMs() };
    return { results, boot: { ...boot, warm: wasWarm }, page: pageInfo, timings };
  }

  // Python lets the run's page and tree go as soon as the run is over, while
  // its records travel to the popup; the next run waits for it if it comes
  // first. After a very large page the worker itself goes instead: Python's
  // WebAssembly memory grew to hold that page's tree and never shrinks, so
  // only a new worker gives it back (the next command boots one from the
  // snapshot). Returns whether the worker was replaced.
  releasePage(chars) {
    if (chars > REPLACE_WORKER_AFTER_CHARS && this.worker) {
      this.replace();
      return true;
    }
    this.worker?.send(WorkerOp.ReleasePage, {}).catch((error) => console.warn('Gleaner: Python could not let the page go', error));
    return false;
  }

  // A large page arrives in parts (JSON text, see PAGE_PART_CHARS); Run
  // then names the transfer. Two scrapes may send parts at the same time, so
  // each transfer has its own slot; the oldest is dropped past a few.
  putPagePart({ transfer, index, count, text }) {
    if (!this.transfers.has(transfer)) {
      this.transfers.set(transfer, new Array(count).fill(null));
      if (this.transfers.size > MAX_TRANSFERS) this.transfers.delete(this.transfers.keys().next().value);
    }
    const parts = this.transfers.get(transfer);
    if (!Number.isInteger(index) || index < 0 || index >= parts.length || typeof text !== 'string') {
      throw new Error(`page part ${index} of ${count} is malformed`);
    }
    parts[index] = text;
    return { received: index };
  }

  withPage(payload) {
    return payload.pageTransfer ? { ...payload, page: this.takePage(payload.pageTransfer) } : payload;
  }

  takePage(transfer) {
    const parts = this.transfers.get(transfer);
    this.transfers.delete(transfer);
    if (!parts || parts.some((part) => part === null)) throw new Error('the page did not arrive whole from the service worker');
    return JSON.parse(parts.join(''));
  }

  // The handler for HostCommand messages, shared by Chrome's offscreen document and Firefox's event page.
  async handle(name, payload) {
    this.active += 1;
    try {
      return await this.dispatch(name, payload);
    } finally {
      this.active -= 1;
      this.keepWarm(payload?.keepWarmMinutes);
    }
  }

  // Python stays booted this long after the last command, then the worker
  // is stopped to give its memory (~100 MB) back; the next command boots
  // again, from the snapshot. A boot or a scrape in progress counts as use.
  keepWarm(minutes) {
    if (Number.isFinite(minutes) && minutes > 0) this.keepWarmMs = minutes * 60_000;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.releaseIdle(), this.keepWarmMs);
  }

  releaseIdle() {
    this.idleTimer = null;
    if (this.active > 0) return;
    this.reset();
    this.bootStages = null;
    this.onIdle();
  }

  async dispatch(name, payload) {
    switch (name) {
      case HostCommand.Describe:
        return this.call(WorkerOp.Describe, {});
      case HostCommand.Run: {
        // The parts are taken now, as the Run arrives; the run waits its turn.
        const request = this.withPage(payload);
        return this.enqueue(() => this.run(request));
      }
      case HostCommand.ListSpecs: {
        const { page } = this.withPage(payload);
        return this.enqueue(() => this.aboutPage(page, WorkerOp.ListSpecs));
      }
      case HostCommand.WriteScraper: {
        const { page, spec } = this.withPage(payload);
        return this.enqueue(() => this.aboutPage(page, WorkerOp.WriteScraper, { spec }));
      }
      case HostCommand.PutPagePart:
        return this.putPagePart(payload);
      case HostCommand.Export:
        return this.call(WorkerOp.Export, payload, EXPORT_TIMEOUT_MS);
      case HostCommand.Validate:
        return this.call(WorkerOp.Validate, payload);
      case HostCommand.RunTests:
        if (payload.packages?.length) await this.loadWheels(payload.packages);
        // A scraper's TESTS may hold several pages: more time than one call.
        return this.call(WorkerOp.RunTests, payload, TESTS_TIMEOUT_MS);
      case HostCommand.ResolvePackages:
        return this.call(WorkerOp.ResolvePackages, payload, RESOLVE_TIMEOUT_MS);
      default:
        throw new UserError(`unknown host command ${name}`);
    }
  }
}

// Python's message templates name their parts in braces, as str.format does:
// "{title} was stopped after {seconds} s".
function fillIn(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => String(values[key]));
}

// Pages larger than this leave Python's heap hundreds of MB larger than a
// typical page does (bench/perf.py's memory reading after its 20 MB page):
// the worker is replaced after them (see releasePage).
const REPLACE_WORKER_AFTER_CHARS = 8 * 1024 * 1024;

// Page transfers kept at once: more than the scrapes that can overlap.
const MAX_TRANSFERS = 8;

// The run's reply crosses two extension messages (host to service worker,
// service worker to popup), each capped at 64 MiB of JSON, with the records
// as JSON text inside it: its quotes and backslashes are escaped once more,
// which at worst doubles it.
const MAX_RUN_OUTPUT_CHARS = 30 * 1024 * 1024;

function tooMuchOutput(result) {
  return scraperResult({
    ...result,
    ok: false,
    records: [],
    recordsJson: null,
    count: null,
    follows: [],
    error: { type: 'OutputTooLarge', message: `${result.title || result.scraper}'s records were dropped: with the scrapers before it, this run's records passed ${MAX_RUN_OUTPUT_CHARS / 1_048_576} MB, more than one run can carry.`, user: true },
  });
}

// The worker answers a RunScraper with the result of the scraper it was
// asked for, as gleaner.runner.result_text writes it: a line of JSON about
// the run, then the records' JSON text, which is carried as it is (the
// worker's reply token vouches for it: see python-worker.js).
function checkResult(reply, scraper) {
  const cut = typeof reply === 'string' ? reply.indexOf('\n') : -1;
  let head = null;
  try {
    head = cut > 0 ? JSON.parse(reply.slice(0, cut)) : null;
  } catch {
    // not JSON: refused below
  }
  const recordsJson = cut > 0 ? reply.slice(cut + 1) : '';
  const shaped = head && typeof head === 'object' && head.scraper === scraper.name
    && typeof head.ok === 'boolean' && Number.isInteger(head.count) && recordsJson.startsWith('[') && recordsJson.endsWith(']')
    && (head.follows === undefined || Array.isArray(head.follows));
  if (!shaped) throw Object.assign(new Error(`the worker answered ${scraper.name} with a malformed result`), { type: 'ProtocolError' });
  const result = scraperResult({ ...head, recordsJson });
  if (Number.isFinite(head.serialiseMs)) serialiseMs.set(result, head.serialiseMs);
  return result;
}

// Python's time writing each result's text (a stage of the benchmark's split).
const serialiseMs = new WeakMap();
