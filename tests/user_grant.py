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

# Chrome ignores clicks on a new install or permission prompt for a moment
# (ExtensionInstallDialogView's install delay, against clickjacking).
PROMPT_READY_SECONDS = 0.8


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


def _windows(display):
    found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", ""], capture_output=True, text=True, env={**os.environ, "DISPLAY": display})
    return set(found.stdout.split())


def answer_prompt(display, click, *, allow, timeout=15):
    """Run `click` (which makes the extension ask), then answer the prompt that opens."""
    before = _windows(display)
    click()
    deadline = time.monotonic() + timeout
    while not (_windows(display) - before):
        if time.monotonic() > deadline:
            raise AssertionError("no permission prompt opened")
        time.sleep(0.1)
    time.sleep(PROMPT_READY_SECONDS)
    keys = ["Tab", "Return"] if allow else ["Escape"]
    subprocess.run(["xdotool", "key", "--delay", "150", *keys], check=True, env={**os.environ, "DISPLAY": display})
