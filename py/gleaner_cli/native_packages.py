"""Native runs of a plugin that requires packages (``scrape --native``, ``crawl --engine scrapy``, ``test``):
the browser's lock, installed with pip.

The pins are resolved by the same code as in the browser (gleaner.packages,
for Pyodide's Python), from the index given with --index-url, and the wheels
it verified are installed by pip with --require-hashes into a folder of
their own per lock. A second run with the same pins and index finds the
lock and the folder and touches no network.
"""

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from gleaner.packages import DEFAULT_INDEX_URL, PackageRefused, PackageScope, lock_id, requirements_text, resolve, urllib_fetch


def cache_root():
    base = os.environ.get("GLEANER_CACHE") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "gleaner"
    return Path(base) / "packages"


def bundled_versions():
    """What the browser build bundles (a dependency on one is met by it there): the native CLI mirrors build.py's WHEELS."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    try:
        from build import WHEELS
    except ImportError:
        return {}
    return {name: pin["version"] for name, pin in WHEELS.items()}


def pyodide_ships():
    """Names Pyodide has builds of, from the built extension when there is one (only for the refusal's wording)."""
    listing = Path(__file__).resolve().parents[2] / "dist" / "chrome-automation" / "python" / "pyodide-packages.json"
    try:
        return json.loads(listing.read_text())["packages"]
    except (OSError, ValueError, KeyError):
        return []


def install(plugin, index_url=None):
    """The folder holding the plugin's packages, installed if need be, and the lock; PackageRefused when it cannot be."""
    index_url = index_url or DEFAULT_INDEX_URL
    requires = sorted(f"{name}=={version}" for name, version in plugin.pins)
    key = hashlib.sha256(json.dumps([index_url, requires]).encode()).hexdigest()[:24]
    root = cache_root()
    lock_file = root / "locks" / f"{key}.json"
    lock = json.loads(lock_file.read_text()) if lock_file.exists() else None
    wheels = {}
    if lock is None:
        def fetch(request):
            response = urllib_fetch(request)
            if request["kind"] == "wheel" and "base64" in response:
                wheels[request["filename"]] = response["base64"]
            return response

        lock = resolve(requires, fetch, index_url, bundled=bundled_versions(), pyodide_ships=pyodide_ships())
    folder = root / lock_id(lock)
    if not (folder / ".installed").exists():
        if not wheels:
            for entry in lock:
                response = urllib_fetch({"kind": "wheel", "url": entry["url"]})
                if "base64" not in response:
                    raise PackageRefused(f"Gleaner could not download {entry['filename']} ({entry['name']}) again from {index_url}; nothing was installed.")
                wheels[entry["filename"]] = response["base64"]
        pip_install(lock, wheels, folder)
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    lock_file.write_text(json.dumps(lock, indent=1))
    return folder, lock


def package_scope(plugin, index_url=None):
    """The PackageScope the plugin's runs import its packages from, installed first if need be;
    None for a plugin that pins none. PackageRefused (a GleanerError) when they cannot be installed."""
    if not plugin.pins:
        return None
    folder, lock = install(plugin, index_url)
    return PackageScope([folder], [name for wheel in lock for name in wheel["topLevel"]])


def pip_install(lock, wheels, folder):
    """pip, with every hash required, from the wheels already verified, into ``folder`` (all of it or none)."""
    import base64
    import shutil

    with tempfile.TemporaryDirectory(prefix="gleaner-wheels-") as work:
        work = Path(work)
        for filename, data in wheels.items():
            (work / filename).write_bytes(base64.b64decode(data))
        (work / "requirements.txt").write_text(requirements_text(lock))
        staging = work / "target"
        done = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps", "--no-index",
             "--only-binary=:all:", "--require-hashes", "--find-links", str(work), "--target", str(staging),
             "-r", str(work / "requirements.txt")],
            capture_output=True, text=True,
        )
        if done.returncode != 0:
            reason = (done.stderr.strip().splitlines() or ["pip failed"])[-1]
            raise PackageRefused(f"pip could not install {', '.join(w['name'] for w in lock)} ({reason}); nothing was installed.")
        (staging / ".installed").write_text(requirements_text(lock))
        if folder.exists():
            shutil.rmtree(folder)
        folder.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(staging), folder)
