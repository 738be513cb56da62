"""The host runs scrapers on a page: the one entry point for the browser worker and the CLI.

The worker in extension/offscreen/ calls the ``Host`` methods with JSON text
and gets JSON text back, so nothing Python-specific crosses into JS.
"""

import base64
import gc
import json
import sys
import time
from pathlib import Path

from . import CONTRACT_VERSION
from .errors import GleanerError, WrongPage
from .exporters import exporter
from .packages import PackageScope, folder_top_level, resolve_step, run_ready_message, start_resolution
from .page import Page
from .plugins import load_plugin, package_available, source_diff, validate_user_source
from .runner import (  # noqa: F401  (the host's API)
    MAX_OUTPUT_CHARS,
    OutputTooLarge,
    make_result,
    page_allowance_seconds,
    result_text,
    run_plugin,
    run_plugin_text,
    time_limit_rules,
)

OPTIONAL_PACKAGES = ("bs4", "xmltodict", "lxml")
# Where the browser worker unpacks the wheels of plugins' packages, one folder per sha256.
PACKAGES_DIR = "/packages"


def wheel_folders(folder):
    """An unpacked wheel's import roots: its folder, and the purelib/platlib folders
    of its .data directory, which an installer would have moved to the top."""
    return [folder, *(str(path) for kind in ("purelib", "platlib") for path in sorted(Path(folder).glob(f"*.data/{kind}")))]


def bundled_versions():
    """{distribution: version} of what this Python has installed: in the browser, exactly the build's wheels."""
    import importlib.metadata

    return {dist.metadata["Name"]: dist.version for dist in importlib.metadata.distributions() if dist.metadata["Name"]}


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


class Host:
    def __init__(self, scrapers_dir):
        self.builtins = load_builtins(scrapers_dir)
        self.scrapers_dir = Path(scrapers_dir)
        self._user = {}  # digest -> Plugin, so an unchanged user scraper is compiled once
        self.page = None
        self.page_id = None  # the id the browser gave self.page; every run names the page it means
        self._scopes = {}  # (plugin digest, wheel folders) -> PackageScope, so a plugin's packages are imported once
        self.packages_dir = PACKAGES_DIR

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
        # A scraper that pins a package is checked with `packaging` each time it is saved or run.
        load_plugin('NAME = "w"\nVERSION = "1"\nMATCHES = ["*://*/*"]\nREQUIRES = ["w==1"]\ndef scrape(page):\n    pass\n', "warm-up.py")
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

    def time_limits_json(self):
        """The runner's time-limit rules for the browser host, which stops overrunning scrapers itself."""
        return json.dumps(time_limit_rules())

    def set_page_json(self, page_json, html=None, tree=None):
        """The page to scrape next: ``{"id", "url", "title", "kind", "data"?, ...}``
        as the capture sends it. Its two large strings, the HTML and the DOM
        walk, may come as arguments of their own rather than inside the JSON,
        which would escape and unescape them once more for nothing. Runs name
        this page by its ``id``."""
        if self.page is not None:
            self.release_page()
        started = time.perf_counter()
        page = json.loads(page_json)
        if html is not None:
            page["html"] = html
        if tree is not None:
            page["tree"] = tree
        self.page = Page.from_dict(page)
        self.page_id = page.get("id")
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
        # The page and its tree live until release_page, unchanged (scrapers
        # treat the tree as read-only): the collector need not walk them
        # again in every full collection a scraper's work triggers.
        gc.freeze()
        # For the run's record: how the tree was made ("dom", "html", or null
        # when not yet), and the time Python spent on the page and its tree.
        return json.dumps({
            "id": self.page_id,
            "soup": self.page.soup_source,
            "pythonMs": round((time.perf_counter() - started) * 1000, 1),
            # The extra time each scraper gets on this page (gleaner/runner.py).
            "allowanceMs": page_allowance_seconds(len(self.page.html)) * 1000,
        })

    def release_page(self):
        """Let the page and its tree go, and the memory they hold.

        A tree is full of reference cycles (parent and child, next and
        previous), so only a collection frees it: one full collection, which
        the browser host asks for once a run is over, while nobody waits for
        it (set_page_json does it too when a page is still held).
        """
        self.page, self.page_id = None, None
        gc.unfreeze()
        gc.collect()

    def release_page_json(self):
        started = time.perf_counter()
        self.release_page()
        return json.dumps({"ms": round((time.perf_counter() - started) * 1000, 1)})

    def run_text(self, name, source=None, page_id=None, callback=None, packages=None):
        """Run scraper ``name`` (a built-in, or the user's ``source``) on the
        page set last, through its function ``callback`` (``scrape`` when
        None). With ``page_id``, the run is refused unless that is the page
        Python holds: no run reads another run's page. ``packages``: the
        sha256 of each wheel the plugin's lock names (see package_scope).

        The result comes as runner.result_text writes it: a line of JSON
        without the records, then the records' JSON text, which the browser
        carries as it is (each record is serialised once, here)."""
        if page_id is not None and page_id != self.page_id:
            refused = WrongPage(
                f"this run is for page {page_id!r}, but Python holds page {self.page_id!r}; "
                "it was refused rather than given another page's records"
            )
            return result_text(make_result(name, name, error=refused.to_dict()))
        try:
            if self.page is None:
                raise GleanerError("no page was set before this run")
            plugin = self.plugin(name, source)
            scope = self.package_scope(plugin, packages)
        except GleanerError as exc:
            return result_text(make_result(name, name, error=exc.to_dict()))
        return run_plugin_text(plugin, self.page, callback, scope)

    def package_scope(self, plugin, packages=None):
        """The PackageScope of a plugin that pins packages: its wheels, unpacked by the worker
        under PACKAGES_DIR/<sha256>/, importable during its runs only. None for a plugin without pins."""
        if not plugin.pins:
            return None
        if not packages:
            from .errors import MissingPackage

            raise MissingPackage(run_ready_message(plugin.title or plugin.name, plugin.pins))
        folders = tuple(folder for sha256 in packages for folder in wheel_folders(f"{self.packages_dir}/{sha256}"))
        key = (plugin.digest, folders)
        if key not in self._scopes:
            self._scopes[key] = PackageScope(folders, {name for folder in folders for name in folder_top_level(folder)})
        return self._scopes[key]

    def resolve_packages_json(self, request_json):
        """One step of resolving a scraper's pins (gleaner.packages.resolve_step), for the service worker that fetches.

        ``{"start": {requires, indexUrl, limitBytes, pyodideShips}}`` or
        ``{"state", "responses"}`` -> ``{"ok", "state", "requests"}``, or
        ``{"ok", "lock"}`` when done, or ``{"ok": false, "error"}``.
        """
        request = json.loads(request_json)
        try:
            if "start" in request:
                start = request["start"]
                state = start_resolution(start["requires"], start["indexUrl"], limit_bytes=start["limitBytes"],
                                         bundled=bundled_versions(), pyodide_ships=start.get("pyodideShips", ()))
                responses = []
            else:
                state, responses = request["state"], request["responses"]
            state, requests, lock = resolve_step(state, responses)
        except GleanerError as exc:
            return json.dumps({"ok": False, "error": exc.to_dict()})
        if lock is not None:
            return json.dumps({"ok": True, "lock": lock})
        return json.dumps({"ok": True, "state": state, "requests": requests})

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

    def run_tests_json(self, name, source=None, packages=None):
        """Run a scraper's own TESTS here, as pytest does natively; fixture paths resolve against scrapers/."""
        try:
            plugin = self.plugin(name, source)
            scope = self.package_scope(plugin, packages)
        except GleanerError as exc:
            return json.dumps([{"name": "loading the scraper", "ok": False, "problems": [exc.message], "error": exc.to_dict()}])
        import contextlib

        from .testing import run_tests

        with scope or contextlib.nullcontext():
            return json.dumps(run_tests(plugin, self.scrapers_dir), ensure_ascii=False)

    def list_specs_json(self, page_id):
        """The lists found on the page set last, main list first: ``{"ok", "lists": [{"index", "items", "spec"}]}``
        (gleaner/lists.py; ``spec`` is what write_scraper_json takes; no list gives an empty one)."""
        from .lists import list_specs, next_page_url

        return self._about_page(page_id, lambda page: {"ok": True, "lists": list_specs(page, next_page_url(self.builtins, page))})

    def write_scraper_json(self, page_id, spec_json):
        """A plugin file's source for a picked list on the page set last (gleaner/scraper_writer.py):
        ``{"ok": true, "name", "source"}`` (a spec may leave out its name and title: they come from
        its url), or ``{"ok": false, "error"}`` whose message is a sentence."""
        from .scraper_writer import check_spec, write_scraper

        def answer(page):
            spec = check_spec(json.loads(spec_json))
            return {"ok": True, "name": spec["name"], "source": write_scraper(spec, page.html)}

        return self._about_page(page_id, answer)

    def _about_page(self, page_id, answer):
        """answer(page) as JSON, for the page the caller names; errors as {"ok": false, "error"}."""
        try:
            if self.page is None or page_id != self.page_id:
                raise WrongPage(f"Python holds page {self.page_id!r}, not page {page_id!r}: set the page again")
            return json.dumps(answer(self.page), ensure_ascii=False)
        except json.JSONDecodeError as exc:
            return json.dumps({"ok": False, "error": GleanerError(f"the spec is not JSON: {exc}").to_dict()})
        except GleanerError as exc:
            return json.dumps({"ok": False, "error": exc.to_dict()})

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
