import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
sys.path.insert(0, str(ROOT / "py"))
sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def extension_dir():
    """dist/chrome-automation built once per session from the current sources."""
    import build

    build.build()
    return ROOT / "dist" / "chrome-automation"


@pytest.fixture(scope="session")
def chromium(extension_dir):
    from gleaner_cli.browser import ExtensionBrowser

    with ExtensionBrowser(extension_dir) as browser:
        yield browser


@pytest.fixture(scope="session")
def site():
    """tests/pages served on 127.0.0.1."""
    from gleaner_cli.browser import serve_directory

    with serve_directory(ROOT / "tests" / "pages") as base:
        yield base


@pytest.fixture(scope="session")
def corpus_site():
    from gleaner_cli.browser import serve_directory

    with serve_directory(CORPUS) as base:
        yield base
