// The JavaScript heaps of the extension's contexts while bench/crawl.py
// crawls, each read after a forced garbage collection: what the crawl still
// holds, without the garbage V8 has not collected yet. Started by
// `python bench/crawl.py --heaps`, which opens Chromium's DevTools port.
//
//   node bench/crawl_heaps.mjs PORT [SECONDS]
//
// Prints a line every SECONDS (default 15): HEAPS service-worker=MB offscreen=MB worker=MB
// (HeapProfiler.collectGarbage, then Runtime.getHeapUsage's usedSize).

import puppeteer from 'puppeteer-core';

const [port, seconds = '15'] = process.argv.slice(2);
const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${port}`, defaultViewport: null });
const CONTEXTS = { 'service-worker': 'service-worker.js', offscreen: 'offscreen.html', worker: 'python-worker.js' };
const sessions = new Map();

async function heapMb(target) {
  if (!sessions.has(target)) sessions.set(target, await target.createCDPSession());
  const session = sessions.get(target);
  await session.send('HeapProfiler.collectGarbage');
  const { usedSize } = await session.send('Runtime.getHeapUsage');
  return (usedSize / 1_048_576).toFixed(2);
}

async function sample() {
  const parts = [];
  for (const [name, file] of Object.entries(CONTEXTS)) {
    const target = browser.targets().find((t) => t.url().startsWith('chrome-extension:') && t.url().split('?')[0].endsWith(`/${file}`));
    parts.push(`${name}=${target ? await heapMb(target).catch(() => '?') : '-'}`);
  }
  console.log(`HEAPS ${parts.join(' ')}`);
}

setInterval(() => sample().catch((error) => console.log(`HEAPS failed: ${error.message}`)), Number(seconds) * 1000);
await sample();
