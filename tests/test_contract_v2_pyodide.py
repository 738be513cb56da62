"""Contract v2 in the browser's Python: the crawling example under Pyodide (Node) gives the very records and follows it gives here.

Pyodide runs py/gleaner_cli/plugin_tests.py through py/gleaner_cli/in-pyodide.mjs
with the build's own Pyodide and wheels, as build.py runs its bytecode step.
"""

import json
import shutil
import subprocess

from conftest import ROOT
from gleaner_cli.plugin_tests import run_file

EXAMPLE = ROOT / "scrapers" / "examples" / "laptops.py"


def test_the_crawling_example_runs_the_same_in_pyodide(extension_dir, tmp_path):
    (tmp_path / "wheels").mkdir()
    for wheel in (extension_dir / "python").glob("*.whl"):
        shutil.copy(wheel, tmp_path / "wheels")
    (tmp_path / "plugins").mkdir()
    shutil.copy(EXAMPLE, tmp_path / "plugins")
    shutil.copytree(ROOT / "scrapers" / "fixtures", tmp_path / "scrapers" / "fixtures")
    # The build's Pyodide, with the lock it ships beside its wheels.
    shutil.copytree(extension_dir / "pyodide", tmp_path / "core")
    shutil.copy(extension_dir / "python" / "pyodide-lock.json", tmp_path / "core")
    subprocess.run(
        ["node", str(ROOT / "py" / "gleaner_cli" / "in-pyodide.mjs"), str(tmp_path / "core"), str(ROOT / "py"), str(tmp_path), "gleaner_cli.plugin_tests"],
        check=True, capture_output=True, text=True, timeout=300,
    )
    in_pyodide = json.loads((tmp_path / "results.json").read_text())["laptops"]
    assert [(case["name"], case["ok"], case["problems"]) for case in in_pyodide["cases"]] == [
        ("a list page: a follow per laptop, with data, and the next page", True, []),
        ("a laptop's page, with what its list page handed on", True, []),
    ]
    native = run_file(EXAMPLE, ROOT / "scrapers")["laptops"]
    assert in_pyodide["runs"] == native["runs"]
    assert [len(run["follows"]) for run in native["runs"]] == [3, 0] and [len(run["records"]) for run in native["runs"]] == [0, 1]
