"""Bytecode for the browser's Python, compiled at build time by that same Python.

Pyodide ships its standard library as source, so every browser start compiled
the ~200 modules Pyodide and the host import: about 3 of the 4.4 s that
loadPyodide took under Node, and most of the host's own start. build.py runs
``main`` inside Pyodide under Node (in-pyodide.mjs), so the .pyc files carry
the magic number of the Python that loads them.

Only "hot" modules get bytecode: those that a start, the host's warm-up,
the built-ins' own tests and every export format (XLSX: openpyxl) import.
The rest stay source: compiling everything would add about 2 MB to a
package whose budget is 8 MB. in-pyodide.mjs compiles without column
ranges (-X no_debug_ranges), a quarter of the bytecode's size.

- Standard library and wheels: a sourceless .pyc in place of the .py (the
  import system loads either), which keeps the size down; their frames in a
  traceback show no source line.
- The host package: a ``__pycache__`` .pyc beside the .py, so tracebacks
  through Gleaner's own code keep their source lines.

Every .pyc is hash-based and unchecked (PEP 552): files written into
Pyodide's memory file system get new modification times on every start, which
would invalidate timestamp-based ones.
"""

import importlib.util
import io
import sys
import sysconfig
import zipfile
from importlib._bootstrap_external import _code_to_hash_pyc
from pathlib import Path

from gleaner_cli.archives import deterministic_zip, read_zip

STDLIB_ZIP = "python_stdlib.zip"
STDLIB_PREFIX = f"/lib/python{sys.version_info.major}{sys.version_info.minor}.zip/"
APP_ZIP = "gleaner.zip"
APP_DIR = "/gleaner"


def pyc(source, path):
    code = compile(source, path, "exec", dont_inherit=True)
    return bytes(_code_to_hash_pyc(code, importlib.util.source_hash(source), checked=False))


def with_bytecode(entries, install_dir, hot, *, keep_source):
    """The archive's files with bytecode for each .py among the ``hot`` paths: in
    __pycache__ beside its source, or sourceless in its place."""
    compiled = {}
    for name, data in entries.items():
        path = f"{install_dir}/{name}"
        if path not in hot:
            compiled[name] = data
        elif keep_source:
            compiled[name] = data
            compiled[importlib.util.cache_from_source(name)] = pyc(data, path)
        else:
            compiled[name + "c"] = pyc(data, path)
    return compiled


def hot_modules(site_packages, wheels, app):
    """The files of every module a start, the host's warm-up and the built-ins' tests import."""
    for data in wheels.values():
        zipfile.ZipFile(io.BytesIO(data)).extractall(site_packages)
    zipfile.ZipFile(io.BytesIO(app)).extractall(APP_DIR)
    sys.path.insert(0, APP_DIR)
    from gleaner.exporters import EXPORTERS, export
    from gleaner.host import Host
    from gleaner.testing import run_tests

    host = Host(f"{APP_DIR}/scrapers")
    host.warm_up()
    for plugin in host.builtins.values():
        for outcome in run_tests(plugin, host.scrapers_dir):
            if not outcome["ok"]:
                raise SystemExit(f"built-in {plugin.name}: its test {outcome['name']} fails in Pyodide: {outcome['problems']}")
    # Every format, XLSX too: openpyxl is imported on the first XLSX export
    # only, never at a start, but compiling its ~100 modules from source made
    # that export take seconds (bench/xlsx_export.py).
    for fmt in EXPORTERS:
        export([{"a": 1, "b": ["x"], "c": "text"}], fmt)
    return {module.__spec__.origin for module in list(sys.modules.values()) if getattr(module, "__spec__", None) and module.__spec__.origin}


def main(work):
    """Read work/in/ (the stdlib zip, the wheels, gleaner.zip); write the compiled ones to work/out/."""
    work = Path(work)
    out = work / "out"
    out.mkdir(exist_ok=True)
    # Pyodide's sysconfig says "//lib/...": module origins have one slash.
    site_packages = "/" + sysconfig.get_path("purelib").lstrip("/")
    wheels = {path.name: path.read_bytes() for path in sorted((work / "in").glob("*.whl"))}
    app = (work / "in" / APP_ZIP).read_bytes()
    hot = hot_modules(site_packages, wheels, app)

    stdlib = read_zip((work / "in" / STDLIB_ZIP).read_bytes())
    (out / STDLIB_ZIP).write_bytes(deterministic_zip(with_bytecode(stdlib, STDLIB_PREFIX.rstrip("/"), hot, keep_source=False)))
    # The worker unpacks the wheels and the host at every boot: stored, not
    # deflated (see extension/offscreen/zip-files.js).
    for name, data in wheels.items():
        (out / name).write_bytes(deterministic_zip(with_bytecode(read_zip(data), site_packages, hot, keep_source=False), compress=False))
    (out / APP_ZIP).write_bytes(deterministic_zip(with_bytecode(read_zip(app), APP_DIR, hot, keep_source=True), compress=False))
    print(f"bytecode: {len(hot)} modules ({sum(STDLIB_PREFIX + n in hot for n in stdlib)} of the standard library's {len(stdlib)} files)")
