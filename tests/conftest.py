import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Saved pages and feeds (with their sources, licences and index.json), kept in the
# repository so a clone runs the tests on its own.
CORPUS = ROOT / "tests" / "corpus"
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


@pytest.fixture(scope="session")
def chromium_corpus(chromium):
    """Every page and feed of the corpus scraped in Chromium once, each at the address it came from
    (the CLI's --url), offline and still: {path: {"state", "status", "run", "captured"}}.

    ``captured`` is the page as capture.js takes it, taken again right after the run for the
    native comparisons (None for feeds). Shared by the Chromium and the Firefox parity tests,
    so the corpus goes through Chromium once per session.
    """
    from bench.firefox_corpus import corpus_paths, saved_url
    from gleaner_cli.browser import content_type_of

    paths = corpus_paths(CORPUS)
    pages = {saved_url(CORPUS, path): ((CORPUS / path).read_bytes(), content_type_of(path)) for path in paths}
    scraped = {}
    with chromium.serve_pages(pages, page_scripts=False):
        for path in paths:
            page, tab_id = chromium.open_tab(saved_url(CORPUS, path))
            popup = chromium.open_popup(tab_id)
            try:
                state, status = popup.evaluate("[document.body.dataset.state, document.getElementById('status').textContent]")
                run = chromium.send(popup, "GetLastRun", {"tabId": tab_id})["result"] if state == "done" else None
                captured = None if path.startswith("feeds/") else popup.evaluate(
                    """async (tabId) => {
                        const { capturePage } = await import('/extension/content/capture.js');
                        return (await chrome.scripting.executeScript({ target: { tabId }, func: capturePage, args: [null] }))[0].result;
                    }""",
                    tab_id,
                )
            finally:
                popup.close()
                page.close()
            scraped[path] = {"state": state, "status": status, "run": run, "captured": captured}
    return scraped


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


def shop_links_export(site, fmt):
    """The exact bytes of tests/pages/shop.html's links exported as JSON or CSV, written out by hand:
    JSON indented by two, not ASCII-escaped, ending in a newline; CSV with CRLF rows and the formula
    cell neutralised (JSON is never altered)."""
    if fmt == "json":
        return (
            "[\n"
            f'  {{\n    "url": "{site}/about",\n    "text": "Über uns",\n    "rel": ""\n  }},\n'
            '  {\n    "url": "https://example.org/x?a=1&b=2",\n    "text": "Extern, mit \\"Zitat\\"",\n    "rel": "nofollow"\n  },\n'
            f'  {{\n    "url": "{site}/=cmd|\' /C calc\'!A0",\n    "text": "=formula",\n    "rel": ""\n  }},\n'
            f'  {{\n    "url": "{site}/added-by-script",\n    "text": "Live DOM",\n    "rel": ""\n  }}\n'
            "]\n"
        ).encode("utf-8")
    return (
        "url,text,rel\r\n"
        f"{site}/about,Über uns,\r\n"
        'https://example.org/x?a=1&b=2,"Extern, mit ""Zitat""",nofollow\r\n'
        f"{site}/=cmd|' /C calc'!A0,'=formula,\r\n"
        f"{site}/added-by-script,Live DOM,\r\n"
    ).encode("utf-8")


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Playwright's sync API allows one instance per thread, and the session's
    shared browser (the chromium fixture) may hold this one. A module with a
    browser of its own names an executor of one thread, PLAYWRIGHT_THREAD,
    makes its browser there and has its tests run there too."""
    executor = getattr(pyfuncitem.module, "PLAYWRIGHT_THREAD", None)
    if executor is None:
        return None
    arguments = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    executor.submit(pyfuncitem.obj, **arguments).result()
    return True
