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


def _without_page_scripts(route):
    response = route.fetch()
    route.fulfill(response=response, headers={**response.headers, "content-security-policy": "script-src 'none'"})


@pytest.fixture(scope="module")
def offline(chromium):
    """Saved pages, still and offline: their requests to the live web are refused at once,
    and their own scripts may not run (an ad script adding a link between two captures
    would make the same page two inputs). Gleaner's capture, an extension script, still runs."""
    chromium.context.route(
        lambda url: not url.startswith(("http://127.0.0.1", "chrome-extension://", "data:", "blob:")),
        lambda route: route.abort(),
    )
    chromium.context.route(lambda url: url.startswith("http://127.0.0.1") and "/html/" in url, _without_page_scripts)
    yield
    chromium.context.unroute_all()


def run_on_corpus(scraper, name, url=None):
    """A built-in's result on a corpus file, natively: an .xml feed decoded as a feed, a page as a browser would."""
    from gleaner.host import load_builtins, run_plugin
    from gleaner.page import make_page

    if not BUILTINS:
        BUILTINS.update(load_builtins(ROOT / "scrapers"))
    is_feed = name.endswith(".xml")
    data = (CORPUS / ("feeds" if is_feed else "html") / name).read_bytes()
    url = url or f"https://example.org/{'feeds/' if is_feed else ''}{name}"
    page = make_page(data, url, "application/xml" if is_feed else "text/html")
    return run_plugin(BUILTINS[scraper], page)


BUILTINS = {}  # name -> Plugin, loaded on first use
