"""Write the records of built-ins on every saved page, to compare two checkouts' records.

A change meant to make a built-in faster must leave its records as they
were: run this for main and for the change, then compare the two files::

    python bench/builtin_records.py --checkout ../main /tmp/main.json
    python bench/builtin_records.py /tmp/change.json
    cmp /tmp/main.json /tmp/change.json

Pages: ``tests/corpus/html``, ``tests/pages``, the demo page, the shared
corpus and both data sets (``../shared``), and the synthetic 5 MB table
bench/perf.py measures. Each is decoded by ``make_page`` and parsed from its
HTML, and each built-in named (``--scrapers``, default ``article``) runs on
it through the host's ``run_plugin``; the file maps each page to each
built-in's records (or its error). The last line is machine-readable::

    BUILTIN_RECORDS pages=... scrapers=... sha256=...
"""

import argparse
import gzip
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

# Run in a child process, so that the checkout's own gleaner package is imported.
CHILD = """
import gzip, json, sys
from pathlib import Path
checkout, pages, scrapers, out = Path(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3].split(","), Path(sys.argv[4])
sys.path.insert(0, str(checkout / "py"))
from gleaner.host import load_builtins, run_plugin
from gleaner.page import make_page
builtins = load_builtins(checkout / "scrapers")
records = {}
for label, path in pages:
    data = Path(path).read_bytes()
    if path.endswith(".gz"):
        data = gzip.decompress(data)
    page = make_page(data, "https://example.org/" + Path(path).name, "text/html")
    results = {}
    for name in scrapers:
        result = run_plugin(builtins[name], page)
        results[name] = result["records"] if result["ok"] else {"error": result["error"]}
    records[label] = results
out.write_text(json.dumps(records, indent=1, ensure_ascii=False, sort_keys=True))
"""


def pages(folder):
    sys.path.insert(0, str(ROOT / "bench"))
    from perf import synthetic_page  # the very page bench/perf.py measures in the browser

    synthetic = Path(folder) / "table-5m.html"
    synthetic_page(synthetic, 5_000_000)
    found = [("synthetic/table-5m.html", synthetic)]
    for base, pattern in ((ROOT, "tests/corpus/html/*.html"), (ROOT, "tests/pages/**/*.html"), (ROOT, "demo/*.html"),
                          (SHARED, "corpus/html/*.html"), (SHARED, "datasets/*/html/*.html*")):
        found += [(str(path.relative_to(base.parent)), path) for path in sorted(base.glob(pattern))]
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the JSON file to write")
    parser.add_argument("--checkout", type=Path, default=ROOT, help="the checkout whose py/ and scrapers/ run")
    parser.add_argument("--scrapers", default="article", help="built-ins to run, comma-separated")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        listed = [(label, str(path)) for label, path in pages(folder)]
        subprocess.run([sys.executable, "-c", CHILD, str(args.checkout.resolve()), json.dumps(listed), args.scrapers,
                        str(args.out.resolve())], check=True)
    digest = hashlib.sha256(args.out.read_bytes()).hexdigest()
    print(f"BUILTIN_RECORDS pages={len(listed)} scrapers={args.scrapers} sha256={digest}")


if __name__ == "__main__":
    main()
