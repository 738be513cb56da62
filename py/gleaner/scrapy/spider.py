"""GleanerSpider: one Gleaner plugin file as a Scrapy spider.

Each response becomes the Page the browser gives (gleaner.page.make_page:
the same decoding rules, the same html.parser tree, a feed for a feed's
content type), the plugin runs through the host's runner (gleaner.runner)
under its time limit and output checks, its records become
items and each ``page.follow(url, callback, data)`` a ``scrapy.Request`` to
``parse_page`` with ``cb_kwargs`` naming the callback and carrying the data.
Retries, politeness, robots.txt, duplicate filtering and output are
Scrapy's own middleware, settings and feed exports.
"""

import signal
import threading
from pathlib import Path
from urllib.parse import urlsplit

import scrapy
from scrapy.spidermiddlewares.httperror import HttpError

from gleaner import CONTRACT_VERSION
from gleaner.errors import GleanerError
from gleaner.packages import PackageScope, folder_top_level
from gleaner.page import make_page
from gleaner.plugins import load_plugin, validate_user_source
from gleaner.scrapy.render import RENDER_META
from gleaner.runner import kept_records_sentence, make_result, run_limited, run_plugin, time_limit_seconds, timeout_error

# Scrapy's conventions, on by default; each can be changed with -s NAME=VALUE
# (command line settings outrank a spider's).
GLEANER_SETTINGS = {
    "ROBOTSTXT_OBEY": True,
    "AUTOTHROTTLE_ENABLED": True,
    # AutoThrottle's own default start (5 s) would spend a small crawl's first pages waiting.
    "AUTOTHROTTLE_START_DELAY": 1.0,
    "DOWNLOAD_DELAY": 1.0,
    # Names Gleaner and its engine, so a site owner can tell these requests apart (and refuse them in robots.txt).
    "USER_AGENT": f"Gleaner (contract v{CONTRACT_VERSION}; Scrapy)",
    # A worker opens no console port on the machine it runs on.
    "TELNETCONSOLE_ENABLED": False,
}

INTERRUPT_AGAIN_SECONDS = 1

# Stats keys (Scrapy's stats collector) a caller reads to tell a clean crawl from one where something failed.
PAGES_FAILED = "gleaner/pages_failed"
PLUGIN_ERRORS = "gleaner/plugin_errors"
PAGES_SCRAPED = "gleaner/pages_scraped"
RECORDS = "gleaner/records"


class TimeUp(KeyboardInterrupt):
    """Raised in the plugin at its time limit: a KeyboardInterrupt, as the browser host stops a plugin."""


def run_with_alarm(plugin, page, seconds, callback=None, scope=None):
    """The runner's run_plugin under the plugin's time limit, in this process.

    At the limit the plugin gets a KeyboardInterrupt (SIGALRM), as in the
    browser, and its output so far is kept. Forking a child per page
    (runner.run_limited, GLEANER_ISOLATE_PLUGIN=True) also survives a plugin
    that swallows the interrupt or exhausts memory, at several times the cost
    per page. Without SIGALRM (Windows, a thread) the plugin runs without a limit.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        return run_plugin(plugin, page, callback, scope)
    fired = []

    def time_up(signum, frame):
        fired.append(True)
        signal.setitimer(signal.ITIMER_REAL, INTERRUPT_AGAIN_SECONDS)  # again, should the plugin swallow it
        raise TimeUp()

    previous = signal.signal(signal.SIGALRM, time_up)
    try:
        try:
            signal.setitimer(signal.ITIMER_REAL, seconds)
            result = run_plugin(plugin, page, callback, scope)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except TimeUp:  # the limit struck just as the plugin returned: its result is whole
        result = None
    finally:
        signal.signal(signal.SIGALRM, previous)
    if result is None:
        return make_result(plugin.name, plugin.title, error=timeout_error(plugin.title or plugin.name, seconds, kept_records_sentence(0)))
    if fired and not result["ok"]:
        result["error"] = timeout_error(plugin.title or plugin.name, seconds, kept_records_sentence(len(result["records"])))
    return result


class PluginRefused(Exception):
    """The plugin file cannot run: the sentence the options page would show, prefixed with where."""


def load_plugin_file(path):
    """The plugin in ``path``, checked by the options page's validator; PluginRefused says why not."""
    try:
        source = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise PluginRefused(f"{path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise PluginRefused(f"{path}: a scraper file must be UTF-8 text") from None
    try:
        # The options page's validator (gleaner.host.Host.validate_json). Built-in
        # names are not refused here: under Scrapy the plugin runs alone.
        validate_user_source(source)
        # Loaded again under its own file name, so tracebacks name the user's file.
        return load_plugin(source, str(path))
    except GleanerError as exc:
        where = f":{exc.line}" + (f":{exc.column}" if exc.column else "") if exc.line else ""
        raise PluginRefused(f"{path}{where}: {exc.message}") from None


def package_scope(plugin, folder):
    """The PackageScope of a plugin that pins packages, from the folder they were installed into; None for one that pins none."""
    if not plugin.pins:
        return None
    wanted = ", ".join(f"{name}=={version}" for name, version in plugin.pins)
    if not folder or not (Path(folder) / ".installed").is_file():
        raise PluginRefused(
            f"{plugin.name} requires {wanted}, which is not installed: run it with 'gleaner crawl --engine scrapy', "
            "which installs them, or pass the folder that did as -a packages=FOLDER"
        )
    return PackageScope([folder], folder_top_level(folder))


def failure_reason(failure):
    """One line saying why a request failed, for the per-page log."""
    if failure.check(HttpError):
        return f"HTTP {failure.value.response.status}"
    # Scrapy wraps Twisted's errors in its own (DownloadConnectionRefusedError...) since 2.13: read the name.
    kind = type(failure.value).__name__
    for marker, reason in (("ConnectionRefused", "connection refused"), ("DNSLookup", "DNS lookup failed"), ("Time", "timed out")):
        if marker in kind:
            return reason
    return f"{kind}: {failure.getErrorMessage()}"


def switched_on(value):
    """A spider argument's truth: -a NAME=1 (or true, yes, on); the command line passes Python booleans."""
    return str(value).lower() in ("1", "true", "yes", "on")


class GleanerSpider(scrapy.Spider):
    """Runs the plugin file ``plugin`` from ``start`` (a URL; several separated by spaces).

    Spider arguments (``-a NAME=VALUE``): ``plugin``, ``start``,
    ``page_column`` (1: each record gets ``_page``, its page's URL),
    ``any_site`` (1: follow links to other sites too; default: START's sites only),
    ``render`` (1: pages load in Chromium through scrapy-playwright, whose
    settings gleaner.scrapy.render.render_settings() gives),
    ``packages`` (a plugin that pins packages: the folder its lock was
    installed into, which ``crawl --engine scrapy`` fills in; see
    gleaner_cli.native_packages).
    """

    name = "gleaner"
    custom_settings = GLEANER_SETTINGS

    def __init__(self, plugin=None, start=None, page_column=False, any_site=False, render=False, packages=None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not plugin:
            raise PluginRefused("give the plugin file: -a plugin=FILE")
        self.plugin = load_plugin_file(plugin)
        self.scope = package_scope(self.plugin, packages)
        starts = start.split() if isinstance(start, str) else list(start or ())
        if not starts:
            raise PluginRefused("give the first page: -a start=URL")
        self.start_urls = starts
        self.page_column = switched_on(page_column)
        self.render = switched_on(render)
        if not switched_on(any_site):
            # Scrapy's OffsiteMiddleware keeps the crawl on START's sites, as the browser crawl does.
            self.allowed_domains = sorted({urlsplit(url).hostname for url in starts if urlsplit(url).hostname})

    async def start(self):
        for request in self.start_requests():
            yield request

    def start_requests(self):
        for url in self.start_urls:
            yield self.page_request(url, "scrape", {})

    def page_request(self, url, callback, data):
        """The Scrapy request for one follow: the plugin's callback by name and its data, as cb_kwargs (JSON, so Redis can carry it)."""
        return scrapy.Request(url, callback=self.parse_page, errback=self.page_failed, cb_kwargs={"entry": callback, "data": data},
                              meta=dict(RENDER_META) if self.render else None)

    def parse_page(self, response, entry="scrape", data=None):
        """One fetched page through the plugin's entry point ``entry``: follows become requests, records items."""
        for output in self.scrape_response(response, entry, data):
            yield output

    def scrape_response(self, response, entry, data):
        result = self.run_plugin(response, entry, data)
        if result is None:
            return
        for follow in result["follows"]:
            yield self.page_request(follow["url"], follow["callback"], follow["data"])
        records = result["records"]
        if self.page_column:
            records = [{**record, "_page": response.url} for record in records]
        self.crawler.stats.inc_value(PAGES_SCRAPED)
        self.crawler.stats.inc_value(RECORDS, len(records))
        yield from self.deliver(response, records)

    def deliver(self, response, records):
        """Hand the page's records on: to Scrapy's item pipeline and feed exports."""
        yield from records

    def run_plugin(self, response, entry, data):
        """The runner's result for this response, or None when the plugin does not take this kind of page."""
        content_type = response.headers.get("Content-Type")
        page = make_page(response.body, response.url, content_type.decode("latin-1") if content_type else None, data=data)
        if page.kind != self.plugin.input:
            self.logger.warning("%s: skipped, %s takes %s input and this is a %s page", response.url, self.plugin.name, self.plugin.input, page.kind)
            self.crawler.stats.inc_value("gleaner/pages_skipped")
            return None
        if page.kind == "html":
            page.soup  # noqa: B018  (parsed before the run's child forks, off the plugin's clock, as the native CLI does)
        seconds = time_limit_seconds(self.plugin, len(page.html))
        if self.settings.getbool("GLEANER_ISOLATE_PLUGIN"):
            result = run_limited(self.plugin, page, seconds, callback=entry, scope=self.scope)
        else:
            result = run_with_alarm(self.plugin, page, seconds, callback=entry, scope=self.scope)
        if not result["ok"]:
            error = result["error"]
            self.crawler.stats.inc_value(PLUGIN_ERRORS)
            self.logger.error(
                "%s: %s failed on this page (%s): %s%s",
                response.url, self.plugin.name, error["type"], error["message"],
                "\n" + error["traceback"] if error.get("traceback") else "",
            )
        return result

    def page_failed(self, failure):
        """A page that could not be fetched (after Scrapy's retries): logged with its reason; the crawl goes on."""
        from scrapy.exceptions import IgnoreRequest

        request = failure.request
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            self.logger.info("%s: not fetched (%s)", request.url, failure.getErrorMessage() or "ignored")
            return
        self.crawler.stats.inc_value(PAGES_FAILED)
        self.logger.error("%s: failed: %s", request.url, failure_reason(failure))


def crawl_failed(stats):
    """Whether a crawl with these stats had a page or a plugin run fail."""
    return bool(
        stats.get(PAGES_FAILED)
        or stats.get(PLUGIN_ERRORS)
        or stats.get("log_count/CRITICAL")
        or any(key.startswith("spider_exceptions/") for key in stats)
    )
