"""Run scraper files' own TESTS in whichever Python imports this, and write what each case gave.

In Pyodide under Node (``node in-pyodide.mjs <core> py <work> gleaner_cli.plugin_tests``)
this is the browser's Python running a plugin the way the browser does,
without a browser: the tests use it to check that a plugin gives the same
records and follow requests there as natively.

work/ holds ``wheels/*.whl`` (the build's wheels, unpacked into site-packages
first), ``plugins/*.py`` and ``scrapers/`` (fixture paths resolve against it);
``results.json`` is written: per plugin, each case's verdict and the run
it checked (records, follows, error).
"""

import io
import json
import sysconfig
import zipfile
from pathlib import Path


def main(work):
    work = Path(work)
    site_packages = sysconfig.get_path("purelib")
    for wheel in sorted((work / "wheels").glob("*.whl")):
        zipfile.ZipFile(io.BytesIO(wheel.read_bytes())).extractall(site_packages)
    results = {}
    for path in sorted((work / "plugins").glob("*.py")):
        results.update(run_file(path, work / "scrapers"))
    (work / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))


def run_file(path, base_dir):
    """{plugin name: {"cases": verdicts, "runs": each case's result without its time}}."""
    from gleaner.plugins import load_plugin
    from gleaner.runner import run_plugin
    from gleaner.testing import page_for_case, run_tests

    plugin = load_plugin(Path(path).read_text(encoding="utf-8"), f"plugins/{Path(path).name}")
    runs = []
    for case in plugin.tests:
        result = run_plugin(plugin, page_for_case(case, base_dir), case.get("callback"))
        result.pop("ms")
        runs.append(result)
    return {plugin.name: {"cases": run_tests(plugin, base_dir), "runs": runs}}
