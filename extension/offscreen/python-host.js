// The Python host: one module Worker running Pyodide, and the rules for
// talking to it. Chrome loads this module in the offscreen document; Firefox
// in its event page. Both answer the HostCommand messages of common/messages.js.

import { HostCommand, WorkerOp, UserError } from '../common/messages.js';

// Pyodide hangs without a word when the CSP lacks 'wasm-unsafe-eval' (or a
// file is missing), so a boot that takes this long is reported, not awaited.
const BOOT_TIMEOUT_MS = 60_000;
// A scraper that runs longer than this is stopped by replacing the worker.
export const DEFAULT_SCRAPER_TIMEOUT_MS = 10_000;

class PythonWorker {
  constructor(onProgress) {
    this.worker = new Worker(new URL('./python-worker.js', import.meta.url), { type: 'module' });
    this.pending = new Map();
    this.nextId = 1;
    this.onProgress = onProgress;
    this.worker.onmessage = ({ data }) => {
      if (data.progress) {
        this.onProgress(data.progress);
        return;
      }
      const call = this.pending.get(data.id);
      if (!call) return;
      this.pending.delete(data.id);
      if (data.ok) call.resolve(data.result);
      else call.reject(Object.assign(new Error(data.error.message), data.error));
    };
    this.worker.onerror = (event) => {
      // A worker that fails to load (a missing file, a CSP refusal) lands here.
      const error = new Error(`the Python worker failed: ${event.message || 'it could not start'}`);
      this.failAll(error);
    };
  }

  call(op, args, timeoutMs) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = timeoutMs && setTimeout(() => {
        this.pending.delete(id);
        reject(Object.assign(new Error('timeout'), { timedOut: true }));
      }, timeoutMs);
      const settle = (fn) => (value) => {
        clearTimeout(timer);
        fn(value);
      };
      this.pending.set(id, { resolve: settle(resolve), reject: settle(reject) });
      this.worker.postMessage({ id, op, args });
    });
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

export class PythonHost {
  constructor({ onProgress = () => {} } = {}) {
    this.onProgress = onProgress;
    this.worker = null;
    this.ready = null;
    this.bootStages = null;
  }

  // Boot (once) and resolve with each stage's time; concurrent callers share one boot.
  boot() {
    if (!this.ready) {
      const started = performance.now();
      this.worker = new PythonWorker((progress) => this.onProgress({ ...progress, elapsedMs: Math.round(performance.now() - started) }));
      this.ready = this.worker.call(WorkerOp.Boot, {}, BOOT_TIMEOUT_MS).then(
        ({ stages }) => {
          this.bootStages = { ...stages, totalMs: Math.round(performance.now() - started) };
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

  async call(op, args, timeoutMs) {
    await this.boot();
    return this.worker.call(op, args, timeoutMs);
  }

  // Run each scraper in turn; one that overruns its time is stopped (the
  // worker is replaced) and the others still run.
  async run({ page, scrapers }) {
    const wasWarm = this.bootStages !== null && this.ready !== null;
    const boot = await this.boot();
    await this.worker.call(WorkerOp.SetPage, { page });
    const results = [];
    for (const scraper of scrapers) {
      const timeoutMs = scraper.timeoutMs ?? DEFAULT_SCRAPER_TIMEOUT_MS;
      this.onProgress({ scraper: scraper.name, done: false });
      try {
        results.push(await this.worker.call(WorkerOp.RunScraper, { name: scraper.name, source: scraper.source }, timeoutMs));
      } catch (error) {
        if (!error.timedOut) throw error;
        this.reset();
        results.push({
          scraper: scraper.name,
          title: scraper.title || scraper.name,
          ok: false,
          records: [],
          error: {
            type: 'Timeout',
            message: `stopped after ${timeoutMs / 1000} s: the scraper ran too long (an endless loop?). Python was restarted.`,
            user: true,
          },
        });
        await this.boot();
        await this.worker.call(WorkerOp.SetPage, { page });
      }
    }
    return { results, boot: { ...boot, warm: wasWarm } };
  }

  // The handler for HostCommand messages, shared by Chrome's offscreen document and Firefox's event page.
  async handle(name, payload) {
    switch (name) {
      case HostCommand.Describe:
        return this.call(WorkerOp.Describe, {});
      case HostCommand.Run:
        return this.run(payload);
      case HostCommand.Export:
        return this.call(WorkerOp.Export, payload);
      case HostCommand.Validate:
        return this.call(WorkerOp.Validate, payload);
      default:
        throw new UserError(`unknown host command ${name}`);
    }
  }
}
