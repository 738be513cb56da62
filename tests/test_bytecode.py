"""Precompiled bytecode (py/gleaner_cli/bytecode.py): what the build ships, and that the browser's Python uses it."""

import io
import json
import zipfile

from gleaner.plugins import load_plugin

PYTHON_314_MAGIC = (3627).to_bytes(2, "little") + b"\r\n"  # importlib.util.MAGIC_NUMBER of CPython 3.14
UNCHECKED_HASH_BASED = (1).to_bytes(4, "little")  # PEP 552 flags: hash-based, source not checked

# A user scraper that reports, from inside the browser's Python, where modules came from.
WHERE_FROM = '''
NAME = "where-from"
VERSION = "1"
MATCHES = ["*://*/*"]


def scrape(page):
    import importlib.util
    import os
    import sys

    import openpyxl.writer.excel  # what an XLSX export imports

    for name in ("json", "html.parser", "bs4", "soupsieve", "openpyxl", "openpyxl.writer.excel", "et_xmlfile",
                 "gleaner.host", "gleaner.page"):
        module = sys.modules[name]
        spec = module.__spec__
        cached = spec.cached if spec.cached and os.path.exists(spec.cached) else None
        fresh = None
        if cached and spec.origin.endswith(".py"):
            with open(spec.cached, "rb") as pyc, open(spec.origin, "rb") as source:
                fresh = pyc.read(16)[8:] == importlib.util.source_hash(source.read())
        # Column ranges of the module's functions: the build leaves them out.
        own = [value for value in vars(module).values() if getattr(value, "__module__", None) == name]
        functions = [f for value in own for f in (vars(value).values() if isinstance(value, type) else [value]) if hasattr(f, "__code__")]
        columns = {column for f in functions for _, _, column, _ in f.__code__.co_positions()}
        yield {"module": name, "origin": spec.origin, "cached": cached, "matches_source": fresh,
               "functions": len(functions), "columns": sorted(c for c in columns if c is not None)}
'''


def pycs(archive_bytes):
    with zipfile.ZipFile(io.BytesIO(archive_bytes)) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name.endswith(".pyc")}


def test_build_ships_python_314_bytecode_for_the_modules_a_start_needs(extension_dir):
    stdlib = pycs((extension_dir / "pyodide" / "python_stdlib.zip").read_bytes())
    # What Pyodide's own start and the host import, compiled in place of their source.
    for module in ("json/__init__.pyc", "html/parser.pyc", "asyncio/base_events.pyc", "pyodide/ffi/__init__.pyc", "xml/sax/saxutils.pyc"):
        assert module in stdlib
    with zipfile.ZipFile(extension_dir / "pyodide" / "python_stdlib.zip") as archive:
        names = set(archive.namelist())
    assert "json/__init__.py" not in names
    assert "pydoc.py" in names and "pydoc.pyc" not in names  # never imported by a start: left as source
    lock = json.loads((extension_dir / "python" / "pyodide-lock.json").read_text())
    wheels = {pkg["file_name"]: pycs((extension_dir / "python" / pkg["file_name"]).read_bytes()) for pkg in lock["packages"].values()}
    assert "bs4/__init__.pyc" in wheels["beautifulsoup4-4.15.0-py3-none-any.whl"]
    # What the first XLSX export imports: compiled too, or that export spent seconds compiling (bench/xlsx_export.py).
    for module in ("openpyxl/__init__.pyc", "openpyxl/writer/excel.pyc", "openpyxl/cell/_writer.pyc", "openpyxl/worksheet/_write_only.pyc"):
        assert module in wheels["openpyxl-3.1.5-py2.py3-none-any.whl"], module
    assert "et_xmlfile/xmlfile.pyc" in wheels["et_xmlfile-2.0.0-py3-none-any.whl"]
    app = pycs((extension_dir / "python" / "gleaner.zip").read_bytes())
    assert "gleaner/__pycache__/host.cpython-314.pyc" in app
    every = [*stdlib.values(), *app.values(), *(data for wheel in wheels.values() for data in wheel.values())]
    assert len(every) > 200
    for data in every:
        assert data[:4] == PYTHON_314_MAGIC and data[4:8] == UNCHECKED_HASH_BASED


def test_the_browsers_python_imports_the_bytecode(chromium, site):
    chromium.set_user_scrapers([{"source": WHERE_FROM, "metadata": load_plugin(WHERE_FROM, "where-from.py").metadata(), "enabled": True}])
    try:
        page, tab_id = chromium.open_tab(f"{site}/shop.html?bytecode")
        popup = chromium.open_popup(tab_id)
        reply = chromium.send(popup, "GetLastRun", {"tabId": tab_id})
        popup.close()
        page.close()
    finally:
        chromium.set_user_scrapers([])
    result = next(r for r in reply["result"]["results"] if r["scraper"] == "where-from")
    assert result["ok"], result
    where = {record["module"]: record for record in result["records"]}
    assert where["json"]["origin"] == "/lib/python314.zip/json/__init__.pyc"
    assert where["html.parser"]["origin"] == "/lib/python314.zip/html/parser.pyc"
    assert where["bs4"]["origin"].endswith("/site-packages/bs4/__init__.pyc")
    assert where["soupsieve"]["origin"].endswith("/site-packages/soupsieve/__init__.pyc")
    assert where["openpyxl"]["origin"].endswith("/site-packages/openpyxl/__init__.pyc")
    assert where["openpyxl.writer.excel"]["origin"].endswith("/site-packages/openpyxl/writer/excel.pyc")
    assert where["et_xmlfile"]["origin"].endswith("/site-packages/et_xmlfile/__init__.pyc")
    # Built without column ranges (-X no_debug_ranges, a quarter of the bytecode's size): lines only.
    for name in ("json", "html.parser", "openpyxl.writer.excel", "gleaner.host", "gleaner.page"):
        assert where[name]["functions"] > 0 and where[name]["columns"] == [], where[name]
    for name in ("gleaner.host", "gleaner.page"):
        assert where[name]["origin"].endswith(f"/{name.replace('.', '/')}.py")
        assert where[name]["cached"].endswith(f"/__pycache__/{name.split('.')[1]}.cpython-314.pyc")
        assert where[name]["matches_source"] is True


def test_the_archives_unpacked_at_every_boot_are_stored_uncompressed(extension_dir):
    # The worker writes them into Pyodide's file system at each start;
    # inflating them there cost ~0.2 s (extension/offscreen/zip-files.js).
    lock = json.loads((extension_dir / "python" / "pyodide-lock.json").read_text())
    archives = [extension_dir / "python" / pkg["file_name"] for pkg in lock["packages"].values()]
    archives.append(extension_dir / "python" / "gleaner.zip")
    for path in archives:
        with zipfile.ZipFile(path) as archive:
            assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_STORED}, path.name
    # The standard library stays deflated: Python reads it through zipimport, and it is large.
    with zipfile.ZipFile(extension_dir / "pyodide" / "python_stdlib.zip") as archive:
        assert zipfile.ZIP_DEFLATED in {info.compress_type for info in archive.infolist()}
