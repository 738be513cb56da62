// Loads the real extension/offscreen/python-host.js under Node with a stub
// in place of its module Worker. The stub answers like the Python host: one
// page slot (Host.page), set by setPage and read by each runScraper at the
// moment it arrives, each answer after a delay so that runs can overlap.
// Prints, as JSON, what each of several overlapping runs got back and every
// message the stub saw.
//
//   node python-host-queue.mjs <extension folder>

import path from 'node:path';
import { pathToFileURL } from 'node:url';

const extension = path.resolve(process.argv[2]);
const seen = [];

class StubWorker {
  constructor() {
    this.page = null;
  }

  postMessage({ id, op, args }) {
    // Every reply carries the worker's token, as python-worker.js's do.
    const answer = (result, ms) => setTimeout(() => this.onmessage({ data: { id, ok: true, result, token: 'stub' } }), ms);
    if (op === 'boot') return answer({ stages: {} }, 1);
    if (op === 'setPage') {
      this.page = args.page;
      seen.push({ op, pageId: args.page.id });
      return answer({ id: args.page.id, soup: 'html', pythonMs: 1, allowanceMs: 0 }, 5);
    }
    if (op === 'runScraper') {
      const page = this.page; // what Python's run_text reads: the page set last
      seen.push({ op, scraper: args.name, pageId: args.pageId, heldPageId: page.id });
      // As text, the way the worker passes on Python's (gleaner.runner.result_text).
      const head = { scraper: args.name, title: args.name, ok: true, follows: [], ms: 1, count: 1, serialiseMs: 0 };
      return answer(`${JSON.stringify(head)}\n${JSON.stringify([{ from: page.url }])}`, 15);
    }
    if (op === 'releasePage') {
      seen.push({ op, pageId: this.page?.id ?? null });
      this.page = null;
      return answer({ ms: 1 }, 1);
    }
    throw new Error(`the stub does not know op ${op}`);
  }

  terminate() {}
}

globalThis.Worker = StubWorker;
const { PythonHost } = await import(pathToFileURL(path.join(extension, 'offscreen', 'python-host.js')).href);
const { HostCommand } = await import(pathToFileURL(path.join(extension, 'common', 'messages.js')).href);

const host = new PythonHost();
const scrapers = (...names) => names.map((name) => ({ name, timeoutMs: 5_000 }));
const page = (name) => ({ url: `https://example.org/${name}`, title: name, kind: 'html', html: `<title>${name}</title>` });

// Two runs sent at once (two popups), then a third behind them; and a fourth
// whose page comes in parts while a fifth's parts interleave with it.
const direct = Promise.all([
  host.handle(HostCommand.Run, { page: page('a'), scrapers: scrapers('one', 'two', 'three') }),
  host.handle(HostCommand.Run, { page: page('b'), scrapers: scrapers('one') }),
  host.handle(HostCommand.Run, { page: page('c'), scrapers: scrapers('one', 'two') }),
]);
const partsOf = (value) => {
  const text = JSON.stringify(value);
  const middle = Math.floor(text.length / 2);
  return [text.slice(0, middle), text.slice(middle)];
};
const [d1, d2] = partsOf(page('d'));
const [e1, e2] = partsOf(page('e'));
await host.handle(HostCommand.PutPagePart, { transfer: 'td', index: 0, count: 2, text: d1 });
await host.handle(HostCommand.PutPagePart, { transfer: 'te', index: 0, count: 2, text: e1 });
await host.handle(HostCommand.PutPagePart, { transfer: 'td', index: 1, count: 2, text: d2 });
await host.handle(HostCommand.PutPagePart, { transfer: 'te', index: 1, count: 2, text: e2 });
const inParts = Promise.all([
  host.handle(HostCommand.Run, { pageTransfer: 'td', scrapers: scrapers('one', 'two') }),
  host.handle(HostCommand.Run, { pageTransfer: 'te', scrapers: scrapers('one') }),
]);
const runs = [...(await direct), ...(await inParts)];
console.log(JSON.stringify({
  runs: runs.map((run) => ({ pageId: run.page.id, results: run.results.map((r) => ({ scraper: r.scraper, ok: r.ok, records: JSON.parse(r.recordsJson) })) })),
  seen,
}));
process.exit(0); // the host's keep-warm timer would hold Node for minutes
