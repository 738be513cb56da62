"""Answer Chromium's own permission prompt as a person does: with the keyboard, on a real display.

Headless Chromium shows chrome.permissions.request's prompt where nothing
can reach it (no command-line switch or DevTools call answers it), so the
tests that need host access run Chromium on an Xvfb display and answer the
prompt with xdotool: Tab moves to Allow, Enter presses it; Escape refuses.
Nothing else grants access: the build under test is the shipped one
(dist/chrome: host_permissions empty, optional_host_permissions only).
"""

import contextlib
import os
import shutil
import subprocess
import time

import pytest

# Time for the prompt to open and to accept input: Chrome ignores input on
# an install or permission prompt for a moment (its install delay, against
# clickjacking).
PROMPT_OPENS_SECONDS = 1.5


@contextlib.contextmanager
def virtual_display():
    """An Xvfb display of its own (Xvfb picks a free number); yields ':N'."""
    if not shutil.which("Xvfb") or not shutil.which("xdotool"):
        pytest.skip("Xvfb and xdotool are needed to answer the permission prompt (.ci/setup installs them)")
    read, write = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x900x24", "-nolisten", "tcp"], pass_fds=(write,))
    os.close(write)
    try:
        with os.fdopen(read) as pipe:
            number = pipe.readline().strip()
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def display():
    """A virtual display for the module's browser (import this fixture into a test module to use it)."""
    with virtual_display() as name:
        yield name


def answer_prompt(display, click, *, allow):
    """Run `click` (which makes the extension ask), then answer the prompt it opens.

    The prompt is drawn inside the browser's window (no window of its own
    for xdotool to wait for), so it is given a fixed time to open, past
    Chrome's own delay before it takes input; the caller checks the outcome.
    """
    click()
    time.sleep(PROMPT_OPENS_SECONDS)
    keys = ["Tab", "Return"] if allow else ["Escape"]
    subprocess.run(["xdotool", "key", "--delay", "150", *keys], check=True, env={**os.environ, "DISPLAY": display})


def shipped_browser(extension_dir, display, profile_dir):
    """An ExtensionBrowser (not yet entered) of the shipped build, dist/chrome, on the display:
    no host access at install, optional host access only, granted at the prompt."""
    import json

    from gleaner_cli.browser import ExtensionBrowser

    shipped_dir = extension_dir.parent / "chrome"
    manifest = json.loads((shipped_dir / "manifest.json").read_text())
    assert "host_permissions" not in manifest and manifest["optional_host_permissions"] == ["http://*/*", "https://*/*"]
    return ExtensionBrowser(shipped_dir, profile_dir=profile_dir, display=display)
