"""Packages a scraper requires from a Python package index: pins, resolution, and loading them for its runs only.

A plugin names PyPI packages with exact pins (``REQUIRES = ["price-parser==0.5.1"]``).
At install, and only then, the pins and their dependencies are resolved
against the index the person set, for the browser's Python (Pyodide: CPython
3.14 on Emscripten), choosing pure-Python wheels and checking each file
against the sha256 the index publishes. The result is a *lock*: every wheel
by name, version, file, sha256, size and licence. Runs use the locked wheels
and fetch nothing.

Resolution never touches the network itself: ``resolve_step`` is a pure
function of a JSON state and the responses to the requests it asked for
last, so the browser (which fetches in the service worker's way, see
extension/service-worker/package-installer.js) and the CLI (urllib) drive
the same code. ``PackageScope`` makes a plugin's wheels importable during
that plugin's runs only.
"""

import base64
import email.parser
import hashlib
import html.parser
import importlib
import io
import json
import re
import sys
import zipfile
from urllib.parse import urljoin

from .errors import GleanerError

DEFAULT_INDEX_URL = "https://pypi.org/simple/"
# All of one plugin's wheels together, unless the person's setting says otherwise.
DEFAULT_LIMIT_BYTES = 20 * 1024 * 1024
# Where Requires-Dist markers are evaluated: the browser's Python, whatever runs the resolver.
PYODIDE_ENVIRONMENT = {
    "implementation_name": "cpython",
    "implementation_version": "3.14.2",
    "os_name": "posix",
    "platform_machine": "wasm32",
    "platform_release": "",
    "platform_system": "Emscripten",
    "platform_version": "",
    "python_full_version": "3.14.2",
    "platform_python_implementation": "CPython",
    "python_version": "3.14",
    "sys_platform": "emscripten",
}
PYTHON_VERSION = "3.14.2"
SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"
# What the fetcher sends as Accept: PEP 691 JSON first, PEP 503 HTML otherwise.
ACCEPT = f"{SIMPLE_JSON}, text/html;q=0.1"
PIN = re.compile(r"^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*==\s*([A-Za-z0-9][A-Za-z0-9.+!_-]*)\s*$")
PURE_INTERPRETER = re.compile(r"^py3(\d*)$")


class PackageRefused(GleanerError):
    """A package a scraper requires cannot be installed; the sentence names it. Nothing was kept."""


def canonical_name(name):
    """PEP 503's normalised project name: 'Price_Parser' -> 'price-parser'."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_pin(requirement):
    """(name, version) for an exact pin such as 'price-parser==0.5.1', else None."""
    match = PIN.match(requirement)
    if not match:
        return None
    from packaging.version import InvalidVersion, Version

    try:
        Version(match.group(2))
    except InvalidVersion:
        return None
    return match.group(1), match.group(2)


def pins_of(requires):
    """The REQUIRES entries that are pins, as [(name, version)]."""
    return [pin for pin in map(parse_pin, requires) if pin]


def how_to_pin(name):
    return f'{name} is not bundled with Gleaner: pin an exact version from the package index, as in REQUIRES = ["{name}==1.2.3"]'


# --- index pages ------------------------------------------------------------------


class _LinkParser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []
        self._open = None

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._open = (dict(attrs), [])

    def handle_data(self, data):
        if self._open:
            self._open[1].append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._open:
            self.links.append((self._open[0], "".join(self._open[1]).strip()))
            self._open = None


def parse_project_page(body, content_type, page_url):
    """The files a project page lists: [{filename, url, sha256, size, requires_python, yanked}].

    PEP 691 JSON or PEP 503 HTML; a file's sha256 is what the index publishes
    (the JSON's hashes, or the HTML link's #sha256= fragment), None if none.
    """
    files = []
    if (content_type or "").split(";")[0].strip() == SIMPLE_JSON:
        for item in json.loads(body).get("files", []):
            files.append({
                "filename": item["filename"],
                "url": urljoin(page_url, item["url"]),
                "sha256": (item.get("hashes") or {}).get("sha256"),
                "size": item.get("size"),
                "requires_python": item.get("requires-python"),
                "yanked": bool(item.get("yanked")),
            })
        return files
    parser = _LinkParser()
    parser.feed(body)
    for attrs, text in parser.links:
        href = attrs.get("href")
        if not href:
            continue
        url, _, fragment = href.partition("#")
        sha256 = fragment[len("sha256="):] if fragment.startswith("sha256=") else None
        files.append({
            "filename": text or url.rsplit("/", 1)[-1],
            "url": urljoin(page_url, url),
            "sha256": sha256,
            "size": None,
            "requires_python": attrs.get("data-requires-python"),
            "yanked": "data-yanked" in attrs,
        })
    return files


def wheel_info(filename):
    """(canonical name, Version, pure) for a wheel's file name, or None for anything else."""
    from packaging.utils import InvalidWheelFilename, parse_wheel_filename

    if not filename.endswith(".whl"):
        return None
    try:
        name, version, _, tags = parse_wheel_filename(filename)
    except InvalidWheelFilename:
        return None
    pure = any(tag.abi == "none" and tag.platform == "any" and runs_on_pyodide(tag.interpreter) for tag in tags)
    return str(name), version, pure


def runs_on_pyodide(interpreter):
    match = PURE_INTERPRETER.match(interpreter)
    return bool(match) and (not match.group(1) or int(match.group(1)) <= 14)


def sdist_version(filename, name):
    """The version of a source archive 'name-1.2.tar.gz' of this project, or None."""
    from packaging.version import InvalidVersion, Version

    for suffix in (".tar.gz", ".zip", ".tar.bz2"):
        if filename.endswith(suffix):
            stem = filename[: -len(suffix)]
            project, _, version = stem.rpartition("-")
            if canonical_name(project) == name:
                try:
                    return Version(version)
                except InvalidVersion:
                    return None
    return None


def allows_pyodide_python(requires_python):
    if not requires_python:
        return True
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        return SpecifierSet(requires_python).contains(PYTHON_VERSION)
    except InvalidSpecifier:
        return True


# --- wheels -------------------------------------------------------------------------


def read_wheel(data):
    """What a wheel says of itself: {name, version, requires: [requirement], licence, top_level: [import name]}."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
        metadata_name = next(n for n in names if n.count("/") == 1 and n.endswith(".dist-info/METADATA"))
        metadata = email.parser.Parser().parsestr(archive.read(metadata_name).decode("utf-8"))
    except (zipfile.BadZipFile, StopIteration, UnicodeDecodeError) as exc:
        raise ValueError(f"not a readable wheel ({exc})") from None
    top_level = set()
    for name in names:
        first, sep, _ = name.partition("/")
        if sep and not first.endswith((".dist-info", ".data")):
            top_level.add(first)
        elif not sep and name.endswith(".py"):
            top_level.add(name[:-3])
    return {
        "name": metadata["Name"],
        "version": metadata["Version"],
        "requires": metadata.get_all("Requires-Dist") or [],
        "licence": licence_of(metadata),
        "top_level": sorted(top_level),
    }


def licence_of(metadata):
    """The licence a wheel declares, short: its SPDX expression, else its License field, else its classifier."""
    expression = (metadata.get("License-Expression") or "").strip()
    if expression:
        return expression
    text = (metadata.get("License") or "").strip()
    if text and "\n" not in text and len(text) <= 60:
        return text
    for classifier in metadata.get_all("Classifier") or []:
        if classifier.startswith("License ::"):
            return classifier.split("::")[-1].strip()
    return text.splitlines()[0][:60] if text else "unknown"


def dependencies(requires):
    """The Requires-Dist entries that apply in the browser's Python (no extras asked), as packaging Requirements."""
    from packaging.requirements import Requirement

    needed = []
    for text in requires:
        requirement = Requirement(text)
        if requirement.marker is None or requirement.marker.evaluate({**PYODIDE_ENVIRONMENT, "extra": ""}):
            needed.append(requirement)
    return needed


# --- resolution -------------------------------------------------------------------------


def start_resolution(requires, index_url=DEFAULT_INDEX_URL, *, limit_bytes=DEFAULT_LIMIT_BYTES, bundled=None, pyodide_ships=()):
    """The first state for ``resolve_step``: the pins of ``requires`` to resolve against ``index_url``.

    ``bundled`` maps canonical names of what the build ships to their
    versions; a dependency on one of them is met by it. ``pyodide_ships``
    names what Pyodide has a build of, for the refusal of a compiled package.
    """
    if not index_url.endswith("/"):
        index_url += "/"
    queue = []
    for entry in requires:
        pin = parse_pin(entry)
        if pin:
            queue.append({"name": canonical_name(pin[0]), "specifier": f"=={pin[1]}", "by": None})
    return {
        "index": index_url,
        "limit": limit_bytes,
        "bundled": {canonical_name(k): v for k, v in (bundled or {}).items()},
        "pyodideShips": sorted(canonical_name(n) for n in pyodide_ships),
        "queue": queue,
        "projects": {},
        "chosen": {},
        "edges": {},
    }


def project_url(state, name):
    return urljoin(state["index"], f"{name}/")


def resolve_step(state, responses=()):
    """Take the responses to the last requests; return (state, requests, lock).

    A request is {kind: "project" | "wheel", name, url, sha256?}; its
    response {url, status, contentType?, text? | base64?, error?}. When
    nothing more is needed, requests is [] and lock the list of wheels
    (sorted by name). Any refusal raises PackageRefused.
    """
    state = json.loads(json.dumps(state))
    for response in responses:
        take_response(state, response)
    requests = []
    waiting = []
    items, state["queue"] = state["queue"], []
    for item in items:
        # Every requirement on the same project so far counts when its version is chosen.
        siblings = [other["specifier"] for other in items if other["name"] == item["name"]]
        if not place(state, item, siblings):
            waiting.append(item)
            if not any(r["kind"] == "project" and r["name"] == item["name"] for r in requests):
                requests.append({"kind": "project", "name": item["name"], "url": project_url(state, item["name"])})
    state["queue"] = waiting
    for name, chosen in state["chosen"].items():
        if "requires" not in chosen:
            requests.append({"kind": "wheel", "name": name, "url": chosen["url"], "sha256": chosen["sha256"], "filename": chosen["filename"]})
    if requests:
        return state, requests, None
    return state, [], make_lock(state)


def take_response(state, response):
    url = response["url"]
    error = response.get("error")
    project = next((name for name in {i["name"] for i in state["queue"]} if project_url(state, name) == url), None)
    if project is not None:
        if error:
            raise PackageRefused(f"Gleaner could not reach the package index at {state['index']} to look up {project} ({error}); nothing was installed.")
        if response["status"] == 404:
            raise PackageRefused(f"{project} is not on the package index at {state['index']}; nothing was installed.")
        if response["status"] != 200:
            raise PackageRefused(f"The package index at {state['index']} answered HTTP {response['status']} for {project}; nothing was installed.")
        files = parse_project_page(response.get("text") or "", response.get("contentType"), url)
        state["projects"][project] = [f for f in files if f["filename"]]
        return
    chosen = next(((name, c) for name, c in state["chosen"].items() if c["url"] == url), None)
    if chosen is None:
        return  # an answer to nothing asked: ignored
    name, entry = chosen
    label = f"{entry['filename']} ({name} {entry['version']})"
    if error or response["status"] != 200:
        reason = error or f"HTTP {response['status']}"
        raise PackageRefused(f"Gleaner could not download {label} from the package index ({reason}); nothing was installed.")
    data = base64.b64decode(response["base64"])
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise PackageRefused(f"{label} does not match the sha256 the package index publishes for it; nothing was installed.")
    try:
        wheel = read_wheel(data)
    except ValueError as exc:
        raise PackageRefused(f"{label} is {exc}; nothing was installed.") from None
    entry["size"] = len(data)
    total = sum(c.get("size") or 0 for c in state["chosen"].values())
    if total > state["limit"]:
        raise PackageRefused(
            f"{name} {entry['version']} takes the scraper's packages to {total / 2**20:.1f} MB, "
            f"more than the {state['limit'] / 2**20:g} MB a scraper may install; nothing was installed."
        )
    entry["licence"] = wheel["licence"]
    entry["topLevel"] = wheel["top_level"]
    entry["requires"] = []
    for requirement in dependencies(wheel["requires"]):
        dependency = canonical_name(requirement.name)
        entry["requires"].append(dependency)
        state["queue"].append({"name": dependency, "specifier": str(requirement.specifier), "by": name})


def place(state, item, siblings=()):
    """Meet one requirement from what is known; False when its project page is still needed.

    ``siblings``: the specifiers of every requirement on the same project in this round."""
    from packaging.specifiers import SpecifierSet
    from packaging.version import Version

    name, by = item["name"], item["by"]
    specifier = SpecifierSet(item["specifier"])
    who = f"{by} requires {name}{specifier}" if by else f"the scraper pins {name}{specifier}"
    if by:
        state["edges"].setdefault(by, [])
        if name not in state["edges"][by]:
            state["edges"][by].append(name)
    if name in state["bundled"]:
        version = state["bundled"][name]
        if by is None and not specifier.contains(version, prereleases=True):
            raise PackageRefused(
                f"{name} is bundled with Gleaner at version {version}: require it as {name!r} without a version, "
                f"or pin {name}=={version}; nothing was installed."
            )
        if by is not None and not specifier.contains(version, prereleases=True):
            raise PackageRefused(f"{who}, but Gleaner bundles {name} {version}; nothing was installed.")
        return True
    if name in state["chosen"]:
        version = state["chosen"][name]["version"]
        if not specifier.contains(version, prereleases=True):
            raise PackageRefused(f"{who}, but {name} {version} is already chosen for this scraper; nothing was installed.")
        return True
    if name not in state["projects"]:
        return False
    combined = SpecifierSet(",".join(s for s in {str(specifier), *siblings} if s))
    if combined != specifier:
        who = f"the scraper's packages together require {name}{combined}"
    files = state["projects"][name]
    candidates = {}
    others = set()
    for file in files:
        info = wheel_info(file["filename"])
        version = info[1] if info else sdist_version(file["filename"], name)
        if version is None or not combined.contains(version, prereleases=by is None):
            continue
        if info and info[2] and not file["yanked"] and allows_pyodide_python(file["requires_python"]):
            candidates.setdefault(version, file)
        else:
            others.add(version)
    if not candidates:
        if others:
            version = max(others)
            ships = " Pyodide ships a build of it, which Gleaner's build would have to include." if name in state["pyodideShips"] else ""
            raise PackageRefused(
                f"{name} {version} has no pure-Python wheel (only compiled code or a source archive), "
                f"so it cannot run in the browser; nothing was installed.{ships}"
            )
        known = sorted({info[1] for info in map(wheel_info, (f["filename"] for f in files)) if info})
        newest = f" (its newest is {known[-1]})" if known else ""
        raise PackageRefused(f"{who}, and the package index at {state['index']} has no such version of {name}{newest}; nothing was installed.")
    version = max(candidates)
    file = candidates[version]
    if not file["sha256"]:
        raise PackageRefused(f"The package index publishes no sha256 for {file['filename']} ({name}), so it cannot be verified; nothing was installed.")
    if file["size"] and file["size"] + sum(c.get("size") or 0 for c in state["chosen"].values()) > state["limit"]:
        raise PackageRefused(
            f"{name} {version} ({file['size'] / 2**20:.1f} MB) would take the scraper's packages past the "
            f"{state['limit'] / 2**20:g} MB a scraper may install; nothing was installed."
        )
    state["chosen"][name] = {"version": str(Version(str(version))), "filename": file["filename"], "url": file["url"], "sha256": file["sha256"], "size": file["size"]}
    return True


def make_lock(state):
    cycle = find_cycle(state["edges"])
    if cycle:
        raise PackageRefused(f"{cycle[0]} depends on itself through {' -> '.join(cycle)}; Gleaner installs no dependency cycle, so nothing was installed.")
    return [
        {
            "name": name,
            "version": c["version"],
            "filename": c["filename"],
            "url": c["url"],
            "sha256": c["sha256"],
            "size": c["size"],
            "licence": c["licence"],
            "requires": c["requires"],
            "topLevel": c["topLevel"],
        }
        for name, c in sorted(state["chosen"].items())
    ]


def find_cycle(edges):
    """A dependency cycle as [a, b, ..., a], or None."""
    done, path = set(), []

    def visit(node):
        if node in path:
            return path[path.index(node):] + [node]
        if node in done:
            return None
        path.append(node)
        for child in edges.get(node, []):
            found = visit(child)
            if found:
                return found
        path.pop()
        done.add(node)
        return None

    for node in sorted(edges):
        found = visit(node)
        if found:
            return found
    return None


def lock_id(lock):
    """One name for a set of wheels: the CLI's cache folder of a lock."""
    digest = hashlib.sha256("".join(f"{w['filename']} {w['sha256']}\n" for w in sorted(lock, key=lambda w: w["filename"])).encode())
    return digest.hexdigest()[:24]


def requirements_text(lock):
    """The lock as a pip requirements file: every wheel pinned, with its hash (pip --require-hashes)."""
    return "".join(f"{w['name']}=={w['version']} --hash=sha256:{w['sha256']}\n" for w in lock)


def resolve(requires, fetch, index_url=DEFAULT_INDEX_URL, **options):
    """Resolve to a lock, fetching with ``fetch(request) -> response`` (the CLI's way; the browser steps itself)."""
    state = start_resolution(requires, index_url, **options)
    responses = []
    while True:
        state, requests, lock = resolve_step(state, responses)
        if lock is not None:
            return lock
        responses = [fetch(request) for request in requests]


def urllib_fetch(request, timeout=30):
    """One request of resolve_step's, answered over the network with urllib."""
    import urllib.error
    import urllib.request

    headers = {"Accept": ACCEPT} if request["kind"] == "project" else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(request["url"], headers=headers), timeout=timeout) as reply:
            return as_response(request["url"], reply.status, reply.headers.get("content-type"), reply.read(), request["kind"])
    except urllib.error.HTTPError as exc:
        return {"url": request["url"], "status": exc.code}
    except (urllib.error.URLError, OSError) as exc:
        return {"url": request["url"], "status": 0, "error": str(getattr(exc, "reason", exc))}


def as_response(url, status, content_type, body, kind):
    response = {"url": url, "status": status, "contentType": content_type}
    if kind == "project":
        response["text"] = body.decode("utf-8", "replace")
    else:
        response["base64"] = base64.b64encode(body).decode("ascii")
    return response


# --- runs -----------------------------------------------------------------------------


class PackageScope:
    """A plugin's packages, importable during its runs and nowhere else.

    On entry the plugin's folders go first on sys.path and the modules it
    imported before come back into sys.modules (so its packages are
    imported once, not per run); anything of the same top-level names that
    another owner loaded steps aside. On exit the modules that came from
    its folders are taken out again and kept here, and sys.path is as it
    was: the built-ins and other plugins never see them.
    """

    def __init__(self, folders, top_level=()):
        self.folders = [str(f).rstrip("/") for f in folders]
        self.top_level = set(top_level)
        self.modules = {}
        self._aside = {}

    def _ours(self, name, module):
        if name.partition(".")[0] in self.top_level:
            return True
        where = getattr(module, "__file__", None) or ""
        return any(where.startswith(folder + "/") for folder in self.folders)

    def __enter__(self):
        self._aside = {name: sys.modules.pop(name) for name in list(sys.modules) if name.partition(".")[0] in self.top_level}
        sys.modules.update(self.modules)
        sys.path[:0] = self.folders
        importlib.invalidate_caches()
        return self

    def __exit__(self, *exc):
        self.modules = {name: module for name, module in list(sys.modules.items()) if self._ours(name, module)}
        for name in self.modules:
            del sys.modules[name]
        sys.modules.update(self._aside)
        self._aside = {}
        for folder in self.folders:
            while folder in sys.path:
                sys.path.remove(folder)
            sys.path_importer_cache.pop(folder, None)
        importlib.invalidate_caches()
        return False

    def explain(self, exc, plugin_name):
        """A missing import raised from inside one of these packages, as a sentence naming the import."""
        if not isinstance(exc, ModuleNotFoundError):
            return None
        import traceback

        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            folder = next((f for f in self.folders if frame.filename.startswith(f + "/")), None)
            if folder:
                package = frame.filename[len(folder) + 1:].split("/")[0].removesuffix(".py")
                return PackageRefused(f"{plugin_name} failed: its package {package} imports {exc.name}, which this Python does not have.")
        return None


def folder_top_level(folder):
    """The import names a folder of unpacked wheels provides."""
    from pathlib import Path

    names = set()
    for path in Path(folder).iterdir():
        if path.name.endswith((".dist-info", ".data")) or path.name == "__pycache__":
            continue
        if path.is_dir() or path.suffix == ".py":
            names.add(path.stem if path.suffix == ".py" else path.name)
    return names


def run_ready_message(plugin_name, pins):
    wanted = ", ".join(f"{n}=={v}" for n, v in pins)
    return f"{plugin_name} requires {wanted}, which is not installed: install the scraper again to fetch its packages."
