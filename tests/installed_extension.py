"""Gleaner installed in Chromium as a person's browser keeps it, not loaded for one launch.

An extension given with --load-extension is installed anew at every launch,
so ``runtime.onStartup`` never fires for it. Chromium installs one for good
from a policy: ``ExtensionInstallForcelist`` names its id and an update
manifest (gupdate XML) that points at a packed ``.crx``. Here the built
extension is packed by Chromium itself (``--pack-extension``), served on
127.0.0.1, and the policy is shown to this browser only.

Chromium on Linux reads policies from /etc/chromium/policies/managed/ and
nowhere else (its ``--policy`` switch is Android-only: Debian's Chromium
ignores it), and a file there applies to every Chromium on the machine. So
the browser runs in a mount namespace of its own (``unshare --mount``) where
a private folder is mounted over /etc/chromium: nothing on the machine
changes and no other Chromium sees the policy. That needs the right to make
a mount namespace (root here; CI runs as root): ``unavailable()`` says why a
test must skip.

Facts this relies on, checked with Debian's Chromium 156:

- The policy also sets ``DeveloperToolsAvailability`` to 1: by default
  Chromium keeps DevTools, and so Playwright, out of a force-installed
  extension (its pages close and its service worker is never reported).
- The first launch of a profile fetches the update manifest, which
  ``--disable-background-networking`` forbids, so that launch goes without
  it; later launches find the extension installed and keep the flag.
- The policy must be there at every launch: a force-installed extension
  whose policy is gone is uninstalled, at the next start or within seconds
  of the file's removal.
"""

import contextlib
import json
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path

from gleaner_cli.browser import CHROMIUM, CHROMIUM_ARGS, ExtensionBrowser, serve_directory

CHROMIUM_ETC = Path("/etc/chromium")
# Chromium's own flag for extension update checks, and Playwright's that turns extensions off.
NO_BACKGROUND_NETWORKING = "--disable-background-networking"
PLAYWRIGHT_DEFAULTS_LEFT_OUT = ["--disable-extensions", NO_BACKGROUND_NETWORKING]


def unavailable():
    """Why a policy install cannot run here, or None when it can."""
    if not CHROMIUM_ETC.is_dir():
        return f"{CHROMIUM_ETC} does not exist: this is not Debian's Chromium, whose policy folder this mounts over"
    probe = subprocess.run(["unshare", "--mount", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        return f"a private mount namespace for the browser's policy needs root (unshare --mount: {probe.stderr.strip()})"
    return None


def crx_id(crx):
    """The extension id a CRX3 file declares (its signed header's crx_id, as Chromium reads it)."""
    data = Path(crx).read_bytes()
    if data[:4] != b"Cr24" or int.from_bytes(data[4:8], "little") != 3:
        raise ValueError(f"{crx} is not a CRX3 file")
    header = data[12 : 12 + int.from_bytes(data[8:12], "little")]
    signed_header_data = _protobuf_field(header, 10000)
    raw = _protobuf_field(signed_header_data, 1)
    return "".join("abcdefghijklmnop"[nibble] for byte in raw for nibble in (byte >> 4, byte & 15))


def _protobuf_field(message, number):
    """The bytes of the first length-delimited field `number` of a protobuf message."""
    position = 0

    def varint():
        nonlocal position
        value = shift = 0
        while True:
            byte = message[position]
            position += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                return value

    while position < len(message):
        key = varint()
        if key & 7 != 2:
            raise ValueError("unexpected protobuf wire type in a CRX header")
        size = varint()
        if key >> 3 == number:
            return message[position : position + size]
        position += size
    raise ValueError(f"no field {number} in the CRX header")


class PolicyInstall:
    """The built extension packed, served, and named by a private policy; ``browser(profile)`` launches it.

    Use as a context manager: it serves the .crx for as long as the block runs.
    """

    def __init__(self, extension_dir):
        self.extension_dir = Path(extension_dir).resolve()

    def __enter__(self):
        self._stack = contextlib.ExitStack()
        self.folder = Path(self._stack.enter_context(tempfile.TemporaryDirectory(prefix="gleaner-policy-")))
        packed = self.folder / "gleaner"
        shutil.copytree(self.extension_dir, packed)
        # Chromium writes gleaner.crx and a new key, gleaner.pem, beside the folder.
        subprocess.run([CHROMIUM, "--headless", "--no-sandbox", f"--pack-extension={packed}"], check=True, capture_output=True, timeout=120)
        crx = self.folder / "gleaner.crx"
        if not crx.exists():
            raise RuntimeError(f"Chromium did not pack {packed}")
        self.extension_id = crx_id(crx)
        self.version = json.loads((packed / "manifest.json").read_text())["version"]
        base = self._stack.enter_context(serve_directory(self.folder))
        (self.folder / "updates.xml").write_text(
            "<?xml version='1.0' encoding='UTF-8'?>\n"
            "<gupdate xmlns='http://www.google.com/update2/response' protocol='2.0'>\n"
            f"  <app appid='{self.extension_id}'><updatecheck codebase='{base}/gleaner.crx' version='{self.version}'/></app>\n"
            "</gupdate>\n"
        )
        etc = self.folder / "etc-chromium"
        (etc / "policies" / "managed").mkdir(parents=True)
        for entry in CHROMIUM_ETC.iterdir():  # what Chromium reads there besides policies (master_preferences)
            if entry.is_file():
                shutil.copy(entry, etc)
        policy = {"ExtensionInstallForcelist": [f"{self.extension_id};{base}/updates.xml"], "DeveloperToolsAvailability": 1}
        (etc / "policies" / "managed" / "gleaner-installed-extension.json").write_text(json.dumps(policy))
        self.launcher = self.folder / "chromium-with-policy"
        mount_and_run = f'mount --bind {shlex.quote(str(etc))} {CHROMIUM_ETC} && exec {shlex.quote(CHROMIUM)} "$@"'
        self.launcher.write_text(f'#!/bin/sh\nexec unshare --mount --propagation private sh -c {shlex.quote(mount_and_run)} chromium "$@"\n')
        self.launcher.chmod(0o755)
        return self

    def __exit__(self, *exc):
        self._stack.close()

    def browser(self, profile_dir):
        return InstalledBrowser(self, profile_dir)


class InstalledBrowser(ExtensionBrowser):
    """A Chromium profile where the extension is installed by policy (the first launch installs it)."""

    def __init__(self, install, profile_dir):
        super().__init__(install.folder / "gleaner", profile_dir=profile_dir)
        self.install = install

    def __enter__(self):
        from playwright.sync_api import sync_playwright

        extension_id = self.install.extension_id
        installed = (self.profile_dir / "Default" / "Extensions" / extension_id).is_dir()
        args = [arg for arg in CHROMIUM_ARGS if installed or arg != NO_BACKGROUND_NETWORKING]
        self._playwright = sync_playwright().start()
        self.context = self._playwright.chromium.launch_persistent_context(
            str(self.profile_dir),
            executable_path=str(self.install.launcher),
            headless=True,
            args=args,
            ignore_default_args=PLAYWRIGHT_DEFAULTS_LEFT_OUT,
        )
        self.extension_id = extension_id
        ours = lambda worker: worker.url.startswith(f"chrome-extension://{extension_id}/")  # noqa: E731
        if not any(ours(worker) for worker in self.context.service_workers):
            self.context.wait_for_event("serviceworker", predicate=ours, timeout=60_000)
        return self
