"""``python build.py test FILE``: run a scraper file's own TESTS here, as pytest and the options page do.

Each case prints ok or FAIL with what differs (a diff of the records, the
error with the plugin's own line numbers). Exit status: 0 when every case
passes, 1 when one fails, 2 when the file is not a scraper or has no TESTS.
Fixture paths (``"file": ...``) resolve against the file's folder. A file
that pins packages (``REQUIRES``) runs its cases with them: the lock the
browser would install, installed with pip as ``scrape --native`` does
(gleaner_cli.native_packages, cached per lock).
"""

import argparse
import contextlib
import sys
from pathlib import Path

from .scrape import PROG, add_index_url_option


def main(argv):
    from gleaner.errors import GleanerError
    from gleaner.plugins import load_plugin
    from gleaner.testing import refuse_cases_that_check_nothing, run_tests

    from .native_packages import package_scope

    parser = argparse.ArgumentParser(prog=f"{PROG} test", description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", metavar="FILE", help="scraper .py files")
    add_index_url_option(parser, "a FILE's")
    args = parser.parse_args(argv)
    failed = broken = 0
    for name in args.files:
        path = Path(name)
        try:
            source = path.read_text(encoding="utf-8")
            plugin = load_plugin(source, str(path))
            refuse_cases_that_check_nothing(source)
            scope = package_scope(plugin, args.index_url)
        except OSError as exc:
            print(f"error: {name}: {exc.strerror}", file=sys.stderr)
            broken += 1
            continue
        except GleanerError as exc:
            where = f":{exc.line}" if exc.line else ""
            print(f"error: {name}{where}: {exc.message}", file=sys.stderr)
            broken += 1
            continue
        with scope or contextlib.nullcontext():
            results = run_tests(plugin, path.parent)
        if not results:
            print(f"error: {name}: the scraper has no TESTS to run", file=sys.stderr)
            broken += 1
            continue
        for result in results:
            if result["ok"]:
                print(f"ok    {plugin.name}: {result['name']} ({result.get('records', 0)} records)")
                continue
            failed += 1
            print(f"FAIL  {plugin.name}: {result['name']}")
            for problem in result["problems"]:
                print("      " + problem.replace("\n", "\n      "))
            if result.get("error") and result["error"].get("traceback"):
                print("      " + result["error"]["traceback"].rstrip().replace("\n", "\n      "))
        passed = sum(1 for r in results if r["ok"])
        print(f"{name}: {passed} of {len(results)} cases passed", file=sys.stderr)
    return 2 if broken else 1 if failed else 0
