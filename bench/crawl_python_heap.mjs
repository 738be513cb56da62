// Python's memory over many pages, without a browser: the build's Pyodide
// under Node runs the host exactly as the extension's Worker does
// (Host.set_page_json, then run_text of the links built-in) on the same
// synthetic pages bench/crawl.py crawls, and prints every 100 pages the
// WebAssembly heap (which never shrinks: its size is Python's high-water
// mark) and the objects Python's garbage collector tracks.
//
//   node bench/crawl_python_heap.mjs [PAGES]      (after python build.py)
//
// Last line: PYHEAP pages=... heap_mb_first=... heap_mb_last=... gc_objects_min=... gc_objects_max=...

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BUILD = path.join(ROOT, 'dist', 'chrome');
const pages = Number(process.argv[2] || 1000);

const { loadPyodide } = await import(pathToFileURL(path.join(BUILD, 'pyodide', 'pyodide.mjs')).href);
const pyodide = await loadPyodide({ indexURL: `${BUILD}/pyodide/`, lockFileURL: `${BUILD}/python/pyodide-lock.json`, packageBaseUrl: `${BUILD}/python/`, stdout: () => {}, stderr: (line) => console.error(line) });
const lock = JSON.parse(fs.readFileSync(path.join(BUILD, 'python', 'pyodide-lock.json'), 'utf8'));
await pyodide.loadPackage(Object.keys(lock.packages).filter((name) => name !== 'gleaner'));
for (const [folder, mountPoint] of [['py', '/src'], ['scrapers', '/scrapers']]) {
  pyodide.FS.mkdirTree(mountPoint);
  pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: path.join(ROOT, folder) }, mountPoint);
}
pyodide.runPython("import sys; sys.path.insert(0, '/src'); from gleaner.host import Host; _host = Host('/scrapers'); _host.warm_up()");
const host = pyodide.globals.get('_host');

// bench/crawl.py's SyntheticSite page /item/N.
function itemPage(number) {
  const links = [0, 1, 2, 3, 4].map((k) => `<li><a href="/item/${number * 7 + k}">Item ${number * 7 + k}</a></li>`).join('');
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Item ${number}</title></head><body><h1>Item ${number}</h1><p class="price">${number % 97}.99</p><ul>${links}</ul></body></html>`;
}

const readings = [];
for (let number = 1; number <= pages; number += 1) {
  const id = `page-${number}`;
  const page = JSON.stringify({ id, url: `http://127.0.0.1/item/${number}`, title: `Item ${number}`, kind: 'html' });
  host.set_page_json(page, itemPage(number), null);
  host.run_text('links', undefined, id, undefined);
  if (number % 100 === 0) {
    const objects = pyodide.runPython('import gc; len(gc.get_objects())');
    const heapMb = pyodide._module.HEAP8.length / 1_048_576;
    readings.push({ heapMb, objects });
    console.log(`${number} pages: WebAssembly heap ${heapMb.toFixed(1)} MB, ${objects} objects tracked`);
  }
}
const counts = readings.map((r) => r.objects);
console.log(`PYHEAP pages=${pages} heap_mb_first=${readings[0].heapMb.toFixed(1)} heap_mb_last=${readings.at(-1).heapMb.toFixed(1)} gc_objects_min=${Math.min(...counts)} gc_objects_max=${Math.max(...counts)}`);
