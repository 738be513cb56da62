"""``python build.py scrape TARGET``: scrape a URL or a local file with the built extension.

By default the real extension runs in headless Chromium (the offscreen
document's Pyodide, exactly what a toolbar click runs) and the output file
holds exactly the bytes the popup's export would write. ``--native`` runs the
same scrapers in this CPython instead, without a browser.
"""

import argparse
import contextlib
import json
import os
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
AUTOMATION_BUILD = ROOT / "dist" / "chrome-automation"

# Where a saved file shows when a browser cannot show it as file:// and no
# --url says where it came from: a name that can never be a real site.
STAND_IN_ORIGIN = "https://saved-file.invalid"


# How the CLI was started, for its help text: "python build.py" in a clone, "gleaner" once installed.
PROG = "python build.py"


FORMATS = ("json", "jsonl", "csv", "xlsx")


def exported_bytes(reply):
    """The bytes of an ExportRecords reply: text as UTF-8, a binary format's base64 decoded."""
    import base64

    return base64.b64decode(reply["base64"]) if reply.get("base64") is not None else reply["text"].encode("utf-8")


class CliError(Exception):
    """Ends the CLI with a one-line reason and a non-zero exit."""


def index_url(text):
    """--index-url's type: an http(s) address."""
    if not text.startswith(("http://", "https://")):
        raise argparse.ArgumentTypeError(f"takes an http(s) address, not {text!r}")
    return text


def add_index_url_option(parser, whose):
    """--index-url, as every command that installs a plugin's pinned packages takes it."""
    parser.add_argument("--index-url", metavar="URL", type=index_url,
                        help=f"the package index (PEP 503/691 simple API) {whose} pinned REQUIRES are installed from "
                             "(default: PyPI's); it is asked only while the packages are installed")


def parse_args(argv):
    parser = argparse.ArgumentParser(prog=f"{PROG} scrape", description=__doc__.split("\n\n")[0])
    parser.add_argument("target", help="an http(s) URL, or a local .html/.xml file (a file:// page unless --url says where it came from)")
    parser.add_argument("--scraper", action="append", default=[], metavar="NAME", help="run only this scraper (repeatable)")
    parser.add_argument("--format", choices=FORMATS, default="json",
                        help="json, jsonl (a record per line), csv, or xlsx (a workbook, a sheet per scraper; binary, so give -o FILE)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write here instead of standard output")
    parser.add_argument("--plugin", action="append", default=[], metavar="FILE", help="install this scraper file for the run (repeatable)")
    parser.add_argument("--native", action="store_true", help="run in this CPython, without a browser")
    add_index_url_option(parser, "a --plugin's")
    parser.add_argument("--browser", choices=("chromium", "firefox"), default="chromium",
                        help="the browser that runs the extension (firefox: headless firefox-esr, the event page's Pyodide)")
    parser.add_argument("--url", metavar="URL",
                        help="the http(s) address a saved file came from: the page's URL in the browser (which shows the file "
                             "there, offline) and natively, so both give the same records")
    args = parser.parse_args(argv)
    if args.url is not None:
        if not args.url.startswith(("http://", "https://")):
            parser.error(f"--url takes an http(s) address, not {args.url!r}")
        if args.target.startswith(("http://", "https://")):
            parser.error("--url is for a saved file; an http(s) TARGET is fetched from its own address")
    return args


def resolve_target(args):
    """(URL the page has, saved file or None): the page's address in every mode.

    A saved file shows at --url when given (the browser answers that URL
    with the file's bytes), else at its own file:// URL.
    """
    target = args.target
    if target.startswith(("http://", "https://")):
        return target, None
    path = Path(target)
    if not path.is_file():
        raise CliError(f"{target}: no such file")
    return args.url or path.resolve().as_uri(), path.resolve()


def load_user_plugins(paths, available_imports=None):
    """Check each file with the same contract the options page enforces."""
    from gleaner.errors import GleanerError
    from gleaner.packages import parse_pin
    from gleaner.plugins import IMPORT_NAMES, load_plugin

    plugins = []
    for path in paths:
        try:
            source = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise CliError(f"{path}: {exc.strerror}") from None
        try:
            plugin = load_plugin(source, str(path), check_packages=available_imports is None)
        except GleanerError as exc:
            where = f":{exc.line}" + (f":{exc.column}" if exc.column else "") if exc.line else ""
            raise CliError(f"{path}{where}: {exc.message}") from None
        if available_imports is not None:
            bundled = [p for p in plugin.requires if not parse_pin(p)]
            missing = [p for p in bundled if IMPORT_NAMES.get(p.lower(), p.replace("-", "_")) not in available_imports]
            if missing:
                raise CliError(f"{path}: this build does not bundle {', '.join(missing)}, which {plugin.name!r} requires")
        plugins.append(plugin)
    return plugins


def select(results, names):
    if not names:
        return results
    known = {r["scraper"] for r in results}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise CliError(f"no scraper named {', '.join(unknown)} ran on this page (ran: {', '.join(sorted(known)) or 'none'})")
    return [r for r in results if r["scraper"] in names]


def builtin_scrapers_dir():
    """scrapers/ of this clone, or the copy ``pip install .`` put beside the package."""
    if (ROOT / "scrapers").is_dir() and (ROOT / "py" / "gleaner_cli").is_dir():
        return ROOT / "scrapers"
    import importlib.util

    spec = importlib.util.find_spec("gleaner_scrapers")  # a folder without __init__.py: a namespace package
    if spec is None:
        raise CliError("the built-in scrapers are missing: reinstall gleaner, or run from a clone")
    return Path(next(iter(spec.submodule_search_locations)))


def fetch_native(args):
    """The target's bytes, URL (see resolve_target) and content type."""
    from .browser import content_type_of

    url, path = resolve_target(args)
    if path is None:
        import urllib.request

        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read(), response.url, response.headers.get("content-type")
    # Typed by the file's suffix, as the browser gets it, whatever --url looks like.
    return path.read_bytes(), url, content_type_of(path)


def run_native(args):
    import gc

    from gleaner.host import load_builtins
    from gleaner.page import make_page
    from gleaner.runner import run_limited_many, time_limit_seconds
    from gleaner.tag_search import index

    data, url, content_type = fetch_native(args)
    page = make_page(data, url, content_type)
    plugins = list(load_builtins(builtin_scrapers_dir()).values()) + load_user_plugins(args.plugin)
    scopes = package_scopes(plugins, args.index_url)
    # A local file has a file:// URL, which the generic built-ins do not match; run them anyway.
    kind = page.kind
    chosen = [p for p in plugins if p.input == kind and (p.applies_to(url, kind) or url.startswith("file:"))]
    cpu_before = cpu_times()
    if kind == "html":
        # Parsed once, with the tag index the built-ins share, before the children fork (each
        # would make its own), and not on any scraper's clock; then frozen, as the browser host
        # does, so no child's collector walks the tree (and copies every page of it it touches).
        index(page.soup)
        gc.freeze()
    KEPT_FOR_EXIT[:] = [page]
    processes = scraper_processes(cpu_before, cpu_times(), os.cpu_count() or 1)
    try:
        runs = [(p, time_limit_seconds(p, len(page.html)), scopes.get(p.name)) for p in chosen]
        return run_limited_many(runs, page, processes=processes)
    finally:
        gc.unfreeze()  # a process that goes on (a caller of this function) may free the tree again


def cpu_times():
    """(idle, total) CPU time of the whole machine so far, in clock ticks (Linux's /proc/stat); None elsewhere."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            ticks = [int(value) for value in stat.readline().split()[1:9]]  # user nice system idle iowait irq softirq steal
    except (OSError, ValueError):
        return None
    return ticks[3] + ticks[4], sum(ticks)


def scraper_processes(before, after, cpus):
    """How many scrapers run at once: one, plus one per CPU that sat idle while this process parsed the page.

    Side by side, the scrapers share this process's part of a busy machine
    (Linux schedules a session's processes as a group), so each would take
    longer by the clock and could overrun its time limit (wall time) where
    it finishes alone; on idle CPUs they only finish sooner.
    """
    if before is None or after is None or after[1] <= before[1]:
        return 1
    idle = cpus * (after[0] - before[0]) / (after[1] - before[1])
    return max(1, min(cpus, 1 + int(idle + 0.5)))


# The last page run_native scraped, kept until the process ends (see exit_process).
KEPT_FOR_EXIT = []


def exit_process(code):
    """End a command's process with this exit code; after a native scrape, without freeing the page.

    A big page's tree is millions of objects: CPython frees them one by one
    as the process winds down (over a second for a 5 MB page), where the
    system takes the whole memory back at once. The output is written and
    flushed by then; a command that kept no page exits normally.
    """
    if not KEPT_FOR_EXIT:
        return code
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def package_scopes(plugins, index_url):
    """{plugin name: PackageScope} for the plugins that pin packages, installed with pip first (see native_packages)."""
    from gleaner.errors import GleanerError

    from .native_packages import package_scope

    scopes = {}
    for plugin in plugins:
        if plugin.pins:
            try:
                scopes[plugin.name] = package_scope(plugin, index_url)
            except GleanerError as exc:
                raise CliError(f"{plugin.name}: {exc.message}") from None
    return scopes


def run_in_browser(args):
    from .browser import ExtensionBrowser, content_type_of

    if not AUTOMATION_BUILD.exists():
        raise CliError("the extension is not built: run 'python build.py' in a clone first, or scrape with --native")
    lock = json.loads((AUTOMATION_BUILD / "python" / "pyodide-lock.json").read_text())
    imports = {name for pkg in lock["packages"].values() for name in pkg["imports"]}
    plugins = load_user_plugins(args.plugin, available_imports=imports)
    url, path = resolve_target(args)
    served = bool(args.url)
    if path and not args.url and (args.browser == "firefox" or content_type_of(path) != "text/html"):
        # A file:// tab is what the browsers allow least: Firefox lets no
        # extension script one, and Chromium's XML viewer hides a feed whose
        # bytes an extension cannot re-read from file://. Such a file is
        # shown offline at a stand-in address instead, and stderr says so.
        url, served = f"{STAND_IN_ORIGIN}/{quote(path.name)}", True
        print(f"note: {args.browser.capitalize()} cannot scrape {path.name} as a file:// page: it is shown at {url} "
              "(pass --url with the address it came from)", file=sys.stderr)
    if args.browser == "firefox":
        return run_in_firefox(args, plugins, url, path if served else None)
    with ExtensionBrowser(AUTOMATION_BUILD) as browser, contextlib.ExitStack() as stack:
        if any(p.pins for p in plugins):
            install_in_browser(browser, plugins, args.index_url)
        elif plugins:
            browser.set_user_scrapers([{"source": p.source, "metadata": p.metadata(), "enabled": True} for p in plugins])
        if served:
            stack.enter_context(browser.serve_pages({url.split("#")[0]: (path.read_bytes(), content_type_of(path))}))
        return scrape_url(browser, url, args)


def install_in_browser(browser, plugins, index_url):
    """Install the plugins as the options page does, so the extension fetches and checks their
    packages from the index (the automation build holds host access; a person's build asks)."""
    page = browser.context.new_page()
    try:
        page.goto(browser.url("extension/options/options.html"))
        if index_url:
            page.evaluate("(url) => chrome.storage.local.set({ packageIndexUrl: url })", index_url)
        for plugin in plugins:
            reply = browser.send(page, "SaveScraper", {"source": plugin.source})
            if not reply["ok"]:
                raise CliError(f"{plugin.name}: {reply['error']['message']}")
    finally:
        page.close()


def run_in_firefox(args, plugins, url, path):
    """The same scrape in headless firefox-esr, through the Node driver (puppeteer-core over WebDriver BiDi).

    With a path, the tab shows url with that file's bytes, offline.
    """
    from .browser import content_type_of
    from .firefox import FirefoxError, run_jobs

    job = {"url": url}
    if path:
        job.update(file=str(path), contentType=content_type_of(path))
    user_scrapers = [{"source": p.source, "metadata": p.metadata(), "enabled": True} for p in plugins]
    try:
        installs = any(p.pins for p in plugins)
        [reply] = run_jobs([job], scrapers=args.scraper, fmt=args.format, user_scrapers=user_scrapers,
                           install=installs, index_url=args.index_url)["jobs"]
    except FirefoxError as exc:
        raise CliError(str(exc)) from None
    if "error" in reply:
        raise CliError(reply["error"])
    if reply["note"]:
        print(reply["note"], file=sys.stderr)
    print(f"scraped {url} in {reply['seconds']:.1f} s (Firefox)", file=sys.stderr)
    results = select(reply["run"]["results"], args.scraper)
    data = exported_bytes(reply["export"]) if reply["export"] else None
    return results, data


def scrape_url(browser, url, args):
    page, tab_id = browser.open_tab(url)
    started = time.perf_counter()
    popup = browser.open_popup(tab_id)
    state = popup.evaluate("document.body.dataset.state")
    if state != "done":
        raise CliError(popup.evaluate("document.getElementById('status').textContent"))
    reply = browser.send(popup, "GetLastRun", {"tabId": tab_id})
    run = reply["result"]
    print(f"scraped {url} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    results = select(run["results"], args.scraper)
    exported, scraper = popup_export(args, results)
    if exported:
        reply = browser.send(popup, "ExportRecords", {"tabId": tab_id, "scraper": scraper, "format": args.format})
        if not reply["ok"]:
            raise CliError(reply["error"]["message"])
        return results, exported_bytes(reply["result"])
    return results, None


def popup_export(args, results):
    """Whether the CLI's output is one of the popup's exports, and ExportRecords's scraper for it:
    (True, name) for one scraper's file, (True, None) for every scraper's workbook (*All as
    XLSX*), (False, None) where the popup has no such export (several scrapers in a text
    format, a failed scraper): the CLI writes that output itself."""
    if len(args.scraper) == 1:
        return results[0]["ok"], args.scraper[0]
    return args.format == "xlsx" and not args.scraper and any(r["records"] for r in results), None


def summary(results):
    """Each scraper's record count, and its follow requests when it made any (a single scrape does not follow them)."""
    def one(result):
        follows = len(result.get("follows") or ())
        return f"{result['scraper']}: {len(result['records'])}" + (f" (+{follows} follows)" if follows else "")

    return ", ".join(one(r) for r in results)


def main(argv):
    from gleaner.exporters import export, export_results

    args = parse_args(argv)
    if args.format == "xlsx" and not args.output and sys.stdout.isatty():
        print("error: an XLSX workbook is binary; write it to a file with -o FILE", file=sys.stderr)
        return 2
    try:
        if args.native:
            results, data = select(run_native(args), args.scraper), None
        else:
            results, data = run_in_browser(args)
        if data is None:
            # A workbook always has a sheet per scraper, named after it.
            if len(args.scraper) == 1 and args.format != "xlsx":
                data = export(results[0]["records"], args.format)
            else:
                data = export_results(results, args.format)
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    failed = [r for r in results if not r["ok"]]
    for result in failed:
        print(f"scraper {result['scraper']} failed: {result['error']['type']}: {result['error']['message']}", file=sys.stderr)
    if args.output:
        Path(args.output).write_bytes(data)
        print(f"wrote {args.output} ({summary(results)})", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
    return 1 if failed else 0
