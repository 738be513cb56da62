"""Python's cost of handing a scraper's result to the browser, natively in CPU time.

Each built-in that runs on an HTML page runs on one parsed tree, twice per
round, in turn (which goes first alternates by round): as the host did before (``run_plugin``, then
``json.dumps`` of the whole result: every record serialised a second time
after its check wrote it once) and as it does now (``run_plugin_text``: the
records' text joined from what each record's check wrote). CPU time
(``time.process_time``), which the load of a shared machine disturbs far
less than wall time; the figure per page is the sum over the built-ins,
median of the rounds. From the repository root::

    python bench/result_text_cpu.py            # the 1 MB Wikipedia page and the 5 MB table, 4 rounds
    python bench/result_text_cpu.py --rounds 6

The last line is machine-readable:
``RESULT_TEXT wiki_dumps_ms=... wiki_text_ms=... table_dumps_ms=... table_text_ms=...``
"""

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "py"))
sys.path.insert(0, str(ROOT / "bench"))

from gleaner.host import load_builtins  # noqa: E402
from gleaner.page import Page  # noqa: E402
from gleaner.runner import run_plugin, run_plugin_text  # noqa: E402
import perf  # noqa: E402  (its synthetic pages)

BUILTINS = ("article", "links", "lists", "metadata", "pagination", "tables")


def cpu_ms(work):
    started = time.process_time()
    value = work()
    return (time.process_time() - started) * 1000, value


def rounds_on(page, plugins, rounds):
    """[(before_ms, after_ms)] per round: the built-ins' run plus handing over their results, both ways."""
    readings = []
    for index in range(rounds):
        before = after = 0
        for plugin in plugins:
            # Which way goes first alternates, so neither always finds the other's garbage.
            for way in ("before", "after") if index % 2 == 0 else ("after", "before"):
                if way == "before":
                    ms, dumped = cpu_ms(lambda: json.dumps(run_plugin(plugin, page), ensure_ascii=False))
                    before += ms
                else:
                    ms, text = cpu_ms(lambda: run_plugin_text(plugin, page))
                    after += ms
            # The same records either way (the oracle: the dict path's own dump).
            assert text.partition("\n")[2] == json.dumps(json.loads(dumped)["records"], ensure_ascii=False)
        readings.append((before, after))
    return readings


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    builtins = load_builtins(ROOT / "scrapers")
    plugins = [builtins[name] for name in BUILTINS]
    with tempfile.TemporaryDirectory() as folder:
        table = Path(folder) / "table-5m.html"
        perf.synthetic_page(table, 5_000_000)
        pages = {
            "wiki": ("https://en.wikipedia.org/wiki/Example", ROOT / "tests" / "corpus" / "html" / "wiki-wikipedia-2.html"),
            "table": ("http://127.0.0.1/table-5m.html", table),
        }
        fields = {}
        with open("/proc/loadavg") as load:
            print(f"load average at the start: {load.read().split()[0]} (2 cores)")
        for name, (url, path) in pages.items():
            page = Page(url, path.read_text(encoding="utf-8"))
            page.soup  # noqa: B018  (parsed once, outside the timing)
            readings = rounds_on(page, plugins, args.rounds)
            before = statistics.median(r[0] for r in readings)
            after = statistics.median(r[1] for r in readings)
            print(f"{name}: run + dumps {before:.0f} ms, run_plugin_text {after:.0f} ms (CPU, median of {args.rounds}; "
                  f"rounds: {', '.join(f'{b:.0f}/{a:.0f}' for b, a in readings)})")
            fields[f"{name}_dumps_ms"], fields[f"{name}_text_ms"] = round(before), round(after)
    print("RESULT_TEXT " + " ".join(f"{key}={value}" for key, value in fields.items()))


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(perf.WORK, ignore_errors=True)  # made as perf is imported
