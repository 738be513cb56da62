"""The host runs scrapers on a page: the one entry point for the browser worker and the CLI.

The worker in extension/offscreen/ calls the ``Host`` methods with JSON text
and gets JSON text back, so nothing Python-specific crosses into JS.
"""

import base64
import json
import sys
import time
from pathlib import Path

from . import CONTRACT_VERSION
from .errors import GleanerError, describe_exception
from .exporters import exporter
from .page import Page
from .plugins import load_plugin, package_available, source_diff, validate_user_source
from .records import to_record

OPTIONAL_PACKAGES = ("bs4", "xmltodict", "lxml")


def load_builtins(directory):
    """Every scrapers/*.py file, checked like a user's (a bad built-in is a build error)."""
    plugins = {}
    for path in sorted(Path(directory).glob("*.py")):
        if path.name.startswith("_"):
            continue
        plugin = load_plugin(path.read_text(encoding="utf-8"), f"scrapers/{path.name}", builtin=True)
        if plugin.name in plugins:
            raise GleanerError(f"two built-in scrapers are named {plugin.name!r}")
        plugins[plugin.name] = plugin
    return plugins


# One scraper's records as JSON text may not exceed this: the whole run
# crosses extension messages, which Chrome caps at 64 MiB of JSON.
MAX_OUTPUT_CHARS = 16 * 1024 * 1024


class OutputTooLarge(GleanerError):
    """A scraper produced more records than one run can carry."""


def run_plugin(plugin, page):
    """Run one scraper and return its result; a plugin's exception never escapes.

    Records yielded before a failure are kept. KeyboardInterrupt is how the
    browser host stops a plugin that overran its time (Pyodide's interrupt
    buffer) and how a person stops the CLI: the plugin is reported as
    interrupted with its records so far.
    """
    started = time.perf_counter()
    records = []
    size = 0
    try:
        output = plugin.scrape(page)
        if output is None:
            output = ()
        elif isinstance(output, dict):
            output = (output,)
        for index, value in enumerate(output):
            record = to_record(value, index)
            # Serialise here, inside the guard, so a value json cannot write
            # (an int of 10**5000 digits) fails this plugin and not the run.
            size += len(json.dumps(record, ensure_ascii=False))
            if size > MAX_OUTPUT_CHARS:
                raise OutputTooLarge(
                    f"{plugin.name} produced more than {MAX_OUTPUT_CHARS // 2**20} MB of records; "
                    f"the first {len(records)} are kept"
                )
            records.append(record)
    except (Exception, KeyboardInterrupt) as exc:  # the plugin is someone else's code: report, never crash
        return {
            "scraper": plugin.name,
            "title": plugin.title,
            "ok": False,
            "error": describe_exception(exc, plugin.filename),
            "records": records,
            "ms": round((time.perf_counter() - started) * 1000, 1),
        }
    return {
        "scraper": plugin.name,
        "title": plugin.title,
        "ok": True,
        "records": records,
        "ms": round((time.perf_counter() - started) * 1000, 1),
    }


class Host:
    def __init__(self, scrapers_dir):
        self.builtins = load_builtins(scrapers_dir)
        self.scrapers_dir = Path(scrapers_dir)
        self._user = {}  # digest -> Plugin, so an unchanged user scraper is compiled once
        self.page = None

    def plugin(self, name, source=None):
        if source is None:
            try:
                return self.builtins[name]
            except KeyError:
                raise GleanerError(f"there is no built-in scraper named {name!r}") from None
        from hashlib import sha256

        key = sha256(source.encode("utf-8")).hexdigest()
        if key not in self._user:
            self._user[key] = load_plugin(source, f"user/{name}.py")
        return self._user[key]

    def warm_up(self):
        """Do now what a first scrape would otherwise pay for: execute every
        built-in (its imports included) and parse a small page and a small
        feed. The browser worker calls this before it makes its memory
        snapshot, so a restored Python has all of it already; build.py
        compiles the bytecode of every module it imports."""
        from .feeds import parse_xml

        for plugin in self.builtins.values():
            plugin.module  # noqa: B018
        Page("https://example.invalid/", "<!DOCTYPE html><title>t</title><p class='a b'>x &amp; y</p>").soup  # noqa: B018
        parse_xml("<rss version='2.0'><channel><title>t &amp; u</title><item><title>i</title></item></channel></rss>")

    def applicable(self, url, kind="html", user_plugins=()):
        plugins = list(self.builtins.values()) + list(user_plugins)
        return [p for p in plugins if p.applies_to(url, kind)]

    # --- the JSON interface the browser worker calls --------------------------

    def describe_json(self):
        return json.dumps(
            {
                "contract": CONTRACT_VERSION,
                "python": sys.version.split()[0],
                "platform": sys.platform,
                "packages": {name: package_available(name) for name in OPTIONAL_PACKAGES},
                "builtins": [p.metadata() for p in self.builtins.values()],
            }
        )

    def set_page_json(self, page_json, html=None, tree=None):
        """The page to scrape next; its two large strings, the HTML and the DOM
        walk, may come as arguments of their own rather than inside the JSON,
        which would escape and unescape them once more for nothing."""
        started = time.perf_counter()
        page = json.loads(page_json)
        if html is not None:
            page["html"] = html
        if tree is not None:
            page["tree"] = tree
        self.page = Page.from_dict(page)
        if self.page.kind == "html":
            # Parse now, under the page's own time limit (it scales with the
            # page), so a large page's parse is not charged to the first
            # scraper that touches page.soup.
            try:
                self.page.soup  # noqa: B018
            except Exception:  # noqa: BLE001
                # Markup the parser rejects fails each scraper that reads
                # page.soup, with the parser's own error, not the whole run.
                pass
        # For the run's record: how the tree was made ("dom", "html", or null
        # when not yet), and the time Python spent on the page and its tree.
        return json.dumps({"soup": self.page.soup_source, "pythonMs": round((time.perf_counter() - started) * 1000, 1)})

    def run_json(self, name, source=None):
        try:
            plugin = self.plugin(name, source)
        except GleanerError as exc:
            return json.dumps({"scraper": name, "title": name, "ok": False, "error": exc.to_dict(), "records": []})
        return json.dumps(run_plugin(plugin, self.page), ensure_ascii=False)

    def validate_json(self, source, previous=None):
        """Check a user's scraper before it is saved: {ok, metadata, diff} or {ok: false, error}.

        ``previous`` is the installed source of a scraper with the same name,
        if any; the reply then carries a unified diff so the person sees what
        replacing it changes.
        """
        try:
            plugin = validate_user_source(source, self.builtins)
        except GleanerError as exc:
            return json.dumps({"ok": False, "error": exc.to_dict()})
        reply = {"ok": True, "metadata": plugin.metadata()}
        if previous is not None:
            reply["diff"] = source_diff(previous, source)
        return json.dumps(reply)

    def run_tests_json(self, name, source=None):
        """Run a scraper's own TESTS here, as pytest does natively; fixture paths resolve against scrapers/."""
        try:
            plugin = self.plugin(name, source)
        except GleanerError as exc:
            return json.dumps([{"name": "loading the scraper", "ok": False, "problems": [exc.message], "error": exc.to_dict()}])
        from .testing import run_tests

        return json.dumps(run_tests(plugin, self.scrapers_dir), ensure_ascii=False)

    def export_json(self, request_json):
        """{records | results, format, options} -> {text | base64, mediaType, extension}.

        ``results`` (several scrapers' results) makes one file of them all.
        A binary format (XLSX) comes back as base64, since extension messages
        carry JSON; text formats come back as text.
        """
        request = json.loads(request_json)
        writer = exporter(request["format"], **request.get("options", {}))
        if "results" in request:
            data = writer.export_results(request["results"])
        else:
            data = writer.export(request["records"])
        reply = {"mediaType": writer.media_type, "extension": writer.extension}
        if writer.binary:
            reply["base64"] = base64.b64encode(data).decode("ascii")
        else:
            reply["text"] = data.decode("utf-8")
        return json.dumps(reply, ensure_ascii=False)
