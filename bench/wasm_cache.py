"""Does V8 keep Pyodide's compiled WebAssembly across browser restarts? A cold-start experiment.

Chromium can keep a compiled WebAssembly module (V8's code cache) for a
module compiled with ``WebAssembly.compileStreaming`` from a response it can
attach the code to. The extension's worker compiles pyodide.asm.wasm from a
``fetch()`` of its own extension URL; this bench measures that against the
same compile from Cache Storage (``caches.put`` once, then
``compileStreaming(await caches.match(...))``), over several restarts of one
browser profile each: a click on a page never scraped, Python restored from
its memory snapshot in a browser that has not run it yet ("cold later" in
bench/perf.py). If the code were cached, the later restarts' compile and
restore would drop.

Uses dist/chrome-automation (run ``python build.py`` first). From the
repository root::

    python bench/wasm_cache.py --restarts 5

Prints, per variant and restart, the click and the boot stages, then one line:

    WASM_CACHE fetch_compile_ms=... cache_compile_ms=... fetch_click_ms=... cache_click_ms=...

(medians over the restarts after the first, where a cache could have been used).
"""

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import perf  # noqa: E402

COMPILE_FROM_FETCH = "let compiledWasm = WebAssembly.compileStreaming(fetch(WASM_URL));"
# Cache Storage keys must be http(s) URLs: a name that reaches no network.
COMPILE_FROM_CACHE = """let compiledWasm = caches.open('gleaner-wasm').then(async (cache) => {
  const key = 'https://gleaner.invalid/pyodide.asm.wasm';
  let response = await cache.match(key);
  if (!response) {
    await cache.put(key, await fetch(WASM_URL));
    response = await cache.match(key);
  }
  return WebAssembly.compileStreaming(response);
});"""


def variant(name):
    """A copy of the built extension whose worker compiles the wasm this way."""
    folder = perf.WORK / name
    shutil.copytree(perf.BUILT, folder)
    worker = folder / "extension" / "offscreen" / "python-worker.js"
    source = worker.read_text()
    if source.count(COMPILE_FROM_FETCH) != 1:
        raise SystemExit("python-worker.js no longer compiles the wasm as this bench expects: update bench/wasm_cache.py")
    if name == "cache":
        worker.write_text(source.replace(COMPILE_FROM_FETCH, COMPILE_FROM_CACHE))
    return folder


def restarts(base, count):
    """One profile: the first launch boots Python fully (and stores the snapshot), then `count` restarts."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="gleaner-bench-") as profile:
        with perf.ExtensionBrowser(perf.EXTENSION, profile_dir=profile) as browser:
            _, tab_id = browser.open_tab(perf.page_url(base, "small"))
            popup, ms = perf.click(browser, tab_id)
            rows.append((ms, perf.last_run(browser, popup, tab_id)["boot"]))
            perf.wait_for_snapshot(popup)
        with perf.without_install_boot():
            for i in range(count):
                with perf.ExtensionBrowser(perf.EXTENSION, profile_dir=profile) as browser:
                    _, tab_id = browser.open_tab(f"{perf.page_url(base, 'small')}?restart={i}")
                    popup, ms = perf.click(browser, tab_id)
                    rows.append((ms, perf.last_run(browser, popup, tab_id)["boot"]))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--restarts", type=int, default=5)
    args = parser.parse_args(argv)
    perf.WORK.mkdir(parents=True, exist_ok=True)
    folder = perf.PAGES["small"].parent
    summary = {}
    with perf.serve_directory(folder) as served:
        base = {folder: served}
        for name in ("fetch", "cache"):
            built = variant(name)
            perf.EXTENSION = built  # what perf's helpers launch and patch
            rows = restarts(base, args.restarts)
            print(f"{name}: compileStreaming from {'fetch() of the extension URL' if name == 'fetch' else 'Cache Storage'}")
            for i, (ms, boot) in enumerate(rows):
                label = "first launch" if i == 0 else f"restart {i}"
                print(f"  {label:<13} click {ms:6.0f} ms  wasm compile {boot.get('wasmCompile')} ms  restore {boot.get('restore')} ms  "
                      f"runtime {boot.get('runtime')} ms  boot total {boot.get('totalMs')} ms ({boot.get('snapshot')})")
            later = rows[2:]  # the restarts after the first one that could have stored a cache
            summary[name] = (statistics.median(boot.get("wasmCompile") or 0 for _, boot in later), statistics.median(ms for ms, _ in later))
    print(f"WASM_CACHE fetch_compile_ms={summary['fetch'][0]:.0f} cache_compile_ms={summary['cache'][0]:.0f} "
          f"fetch_click_ms={summary['fetch'][1]:.0f} cache_click_ms={summary['cache'][1]:.0f}")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(perf.WORK, ignore_errors=True)
