"""A Python package index on 127.0.0.1 for the package tests: PEP 691 JSON and PEP 503 HTML.

It holds real wheels from PyPI, which .ci/setup downloads with pip, pinned by
hash (tests/package-index-requirements.txt), into .cache/package-index/:
price-parser 0.5.1, its dependency attrs, and markupsafe, which has only
compiled wheels. Under /tampered/ the same pages are served, but every wheel
comes with one byte changed, so its sha256 no longer matches the page's.
Every request is counted, so a test can show what was fetched and when.
"""

import contextlib
import hashlib
import html
import http.server
import json
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WHEELS = ROOT / ".cache" / "package-index"
REQUIREMENTS = ROOT / "tests" / "package-index-requirements.txt"
SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"


def project_of(filename):
    return filename.split("-")[0].replace("_", "-").lower()


def wheel_files():
    """The wheels .ci/setup fetched, checked against the requirements file's hashes."""
    pinned = {line.split("sha256:")[1].strip() for line in REQUIREMENTS.read_text().splitlines() if "sha256:" in line}
    files = sorted(WHEELS.glob("*.whl")) if WHEELS.is_dir() else []
    found = {hashlib.sha256(path.read_bytes()).hexdigest(): path for path in files}
    missing = pinned - set(found)
    if missing:
        import pytest

        pytest.skip(f"the test package index's wheels are missing from {WHEELS} (run .ci/setup)")
    return [found[digest] for digest in sorted(pinned, key=lambda d: found[d].name)]


class IndexHandler(http.server.BaseHTTPRequestHandler):
    files = {}  # file name -> bytes
    requests = None  # list shared with the test: (path, accept)
    json_api = True  # False: PEP 503 HTML only, whatever the client accepts

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.requests.append((self.path, self.headers.get("accept", "")))
        path = self.path.split("?")[0]
        tampered = path.startswith("/tampered/")
        if tampered:
            path = path[len("/tampered"):]
        parts = [p for p in path.split("/") if p]
        if len(parts) == 2 and parts[0] == "simple":
            self.project(parts[1])
        elif len(parts) == 2 and parts[0] == "files":
            self.wheel(parts[1], tampered)
        else:
            self.answer(404, "text/plain", b"not found")

    def project(self, name):
        listed = [(n, hashlib.sha256(data).hexdigest(), len(data)) for n, data in sorted(self.files.items()) if project_of(n) == name]
        if not listed:
            self.answer(404, "text/plain", b"no such project")
            return
        if self.json_api and SIMPLE_JSON in self.headers.get("accept", ""):
            body = {
                "meta": {"api-version": "1.1"},
                "name": name,
                "files": [{"filename": n, "url": f"../../files/{n}", "hashes": {"sha256": h}, "size": s, "requires-python": ">=3.9"} for n, h, s in listed],
            }
            self.answer(200, SIMPLE_JSON, json.dumps(body).encode())
        else:
            links = "".join(f'<a href="../../files/{html.escape(n)}#sha256={h}" data-requires-python="&gt;=3.9">{html.escape(n)}</a><br>\n' for n, h, _ in listed)
            self.answer(200, "text/html", f"<!DOCTYPE html><html><body><h1>Links for {name}</h1>\n{links}</body></html>".encode())

    def wheel(self, filename, tampered):
        if filename not in self.files:
            self.answer(404, "text/plain", b"no such file")
            return
        data = bytearray(self.files[filename])
        if tampered:
            data[len(data) // 2] ^= 0xFF
        self.answer(200, "application/octet-stream", bytes(data))

    def answer(self, status, content_type, body):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(body)


@contextlib.contextmanager
def serve_index(*, html_only=False, extra=None):
    """Yield (base URL, requests list); the index is at BASE/simple/, the tampered one at BASE/tampered/simple/.

    ``extra``: more files to serve, {file name: bytes} (wheels a test makes).
    """
    requests = []
    files = {path.name: path.read_bytes() for path in wheel_files()} | (extra or {})
    handler = type("Handler", (IndexHandler,), {"files": files, "requests": requests, "json_api": not html_only})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()


def make_wheel(name, version, *, requires=(), modules=None):
    """A small pure wheel made here: {module path: source} plus METADATA naming ``requires``."""
    import io
    import zipfile

    dist = f"{name.replace('-', '_')}-{version}"
    modules = modules or {f"{name.replace('-', '_')}/__init__.py": "VALUE = 1\n"}
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nLicense: MIT\n" + "".join(f"Requires-Dist: {r}\n" for r in requires)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, source in modules.items():
            archive.writestr(path, source)
        archive.writestr(f"{dist}.dist-info/METADATA", metadata)
        archive.writestr(f"{dist}.dist-info/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        archive.writestr(f"{dist}.dist-info/RECORD", "")
    return f"{dist}-py3-none-any.whl", buffer.getvalue()
