"""``crawl START --plugin FILE --engine scrapy``: one plugin file as a Scrapy crawl, on one machine or many.

Without a browser: Scrapy fetches, gleaner.scrapy.GleanerSpider runs the
plugin through the host's runner, Scrapy's feed exports write the records.
With ``--redis URL`` every worker runs this same command against one Redis
(scrapy-redis' shared queue and seen-set); see docs/scaling.md. A plugin that
pins packages (``REQUIRES``) gets the lock the browser would install, installed
with pip on each worker as ``scrape --native`` does (cached per lock).
"""

import argparse
import sys
from pathlib import Path

from .scrape import PROG, CliError, add_index_url_option

FEED_FORMATS = {".jsonl": "jsonlines", ".jl": "jsonlines", ".json": "json", ".csv": "csv"}


def parse_args(argv):
    parser = argparse.ArgumentParser(prog=f"{PROG} crawl --engine scrapy", description=__doc__.split("\n\n")[0])
    parser.add_argument("start", nargs="*", help="the first page(s): http(s) URLs")
    parser.add_argument("--plugin", required=True, metavar="FILE", help="the scraper file to crawl with (its scrape() takes START)")
    parser.add_argument("--engine", choices=("scrapy",), default="scrapy")
    add_index_url_option(parser, "the plugin's")
    parser.add_argument("--url-list", metavar="FILE", help="more start URLs, one per line")
    parser.add_argument("--max-pages", type=int, metavar="N", help="stop after N pages (per worker: Scrapy's CLOSESPIDER_PAGECOUNT)")
    parser.add_argument("--delay", type=float, default=1.0, metavar="S", help="seconds between two requests to one site (DOWNLOAD_DELAY; AutoThrottle may wait longer; default 1)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the records here: .jsonl, .json or .csv (default: JSON lines on standard output)")
    parser.add_argument("--page-column", action="store_true", help="add each record's page URL as _page")
    parser.add_argument("--any-site", action="store_true", help="follow links to other sites too (default: START's sites only)")
    parser.add_argument("--redis", metavar="URL", help="share the crawl with other workers: redis://HOST:PORT/DB")
    parser.add_argument("--redis-items", action="store_true", help="with --redis: push records to the Redis list NAME:items instead of a file")
    parser.add_argument("--crawl-name", metavar="NAME", help="with --redis: the crawl's key prefix (default: gleaner-PLUGIN); a new name starts a new crawl")
    parser.add_argument("--idle", type=float, default=10.0, metavar="S", help="with --redis: close after the shared queue stayed empty this long (default 10)")
    parser.add_argument("--render", action="store_true", help="load each page in the system's Chromium (scrapy-playwright), so the plugin reads the DOM the page's scripts made")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="any Scrapy setting (repeatable), e.g. -s ROBOTSTXT_OBEY=False")
    parser.add_argument("--log-level", default="INFO", help="Scrapy's LOG_LEVEL (default INFO)")
    args = parser.parse_args(argv)
    if args.redis_items and not args.redis:
        parser.error("--redis-items needs --redis URL")
    return args


def start_urls(args):
    urls = list(args.start)
    if args.url_list:
        try:
            urls += [line.strip() for line in Path(args.url_list).read_text(encoding="utf-8-sig").splitlines() if line.strip()]
        except OSError as exc:
            raise CliError(f"{args.url_list}: {exc.strerror}") from None
    if not urls:
        raise CliError("give a START URL or --url-list FILE")
    bad = [url for url in urls if not url.startswith(("http://", "https://"))]
    if bad:
        raise CliError(f"{bad[0]}: a Scrapy crawl starts from http(s) URLs")
    return urls


def feeds(args):
    if args.redis_items and not args.output:
        return {}
    if not args.output:
        return {"stdout:": {"format": "jsonlines", "encoding": "utf-8"}}
    suffix = Path(args.output).suffix.lower()
    if suffix not in FEED_FORMATS:
        raise CliError(f"{args.output}: the output file ends in .jsonl, .json or .csv")
    return {Path(args.output).resolve().as_uri(): {"format": FEED_FORMATS[suffix], "encoding": "utf-8", "overwrite": True}}


def check_redis(url):
    """Refuse, before any page is fetched, a Redis that cannot be reached."""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5).ping()
    except (redis.RedisError, ValueError, OSError) as exc:
        raise CliError(f"cannot use Redis at {url}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None


def scrapy_setting(text):
    name, equals, value = text.partition("=")
    if not equals or not name.strip():
        raise CliError(f"-s {text}: a setting is NAME=VALUE")
    return name.strip(), value


def crawl_settings(args, plugin_name):
    from gleaner.scrapy import GLEANER_SETTINGS

    settings = {
        **GLEANER_SETTINGS,
        "DOWNLOAD_DELAY": args.delay,
        "AUTOTHROTTLE_START_DELAY": max(args.delay, 0.1),
        "FEEDS": feeds(args),
        "LOG_LEVEL": args.log_level,
    }
    if args.max_pages:
        settings["CLOSESPIDER_PAGECOUNT"] = args.max_pages
    if args.render:
        from gleaner.scrapy.render import RenderUnavailable, render_settings

        try:
            settings.update(render_settings())
        except RenderUnavailable as exc:
            raise CliError(str(exc)) from None
    if args.redis:
        from gleaner.scrapy.distributed import redis_settings

        settings.update(redis_settings(args.redis, args.crawl_name or f"gleaner-{plugin_name}", args.idle, args.redis_items))
    return settings


def main(argv):
    args = parse_args(argv)
    try:
        from gleaner.scrapy.spider import PluginRefused, load_plugin_file

        try:
            plugin = load_plugin_file(args.plugin)
        except PluginRefused as exc:
            raise CliError(str(exc)) from None
        urls = start_urls(args)
        if args.redis:
            check_redis(args.redis)
        settings = crawl_settings(args, plugin.name)
        overrides = dict(scrapy_setting(text) for text in args.set)
        packages = installed_packages(plugin, args.index_url)
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return run_crawl(args, urls, settings, overrides, packages)


def installed_packages(plugin, index_url):
    """The folder of the plugin's pinned packages, installed before the crawl starts; None when it pins none."""
    if not plugin.pins:
        return None
    from gleaner.errors import GleanerError

    from .native_packages import install

    try:
        folder, lock = install(plugin, index_url)
    except GleanerError as exc:
        raise CliError(f"{plugin.name}: {exc.message}") from None
    # The folder is what a Scrapy project's own `scrapy crawl gleaner` takes as -a packages=FOLDER.
    wheels = ", ".join(f"{wheel['name']} {wheel['version']}" for wheel in lock)
    print(f"{plugin.name}'s packages ({wheels}) are in {folder}", file=sys.stderr)
    return str(folder)


def run_crawl(args, urls, settings, overrides, packages=None):
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    scrapy_settings = Settings()
    scrapy_settings.setdict(settings, priority="spider")
    scrapy_settings.setdict(overrides, priority="cmdline")  # -s outranks Gleaner's defaults
    if args.redis:
        from gleaner.scrapy.distributed import GleanerRedisSpider as spider_class
    else:
        from gleaner.scrapy import GleanerSpider as spider_class
    spider_class = type(spider_class.__name__, (spider_class,), {"custom_settings": None})  # the settings above rule
    kwargs = {"plugin": args.plugin, "start": urls, "page_column": args.page_column, "any_site": args.any_site, "render": args.render,
              "packages": packages}
    if args.redis:
        kwargs["name"] = settings["SCHEDULER_QUEUE_KEY"].rsplit(":", 1)[0]
    process = CrawlerProcess(scrapy_settings)
    crawler = process.create_crawler(spider_class)
    process.crawl(crawler, **kwargs)
    process.start()
    from gleaner.scrapy.spider import PAGES_FAILED, PAGES_SCRAPED, PLUGIN_ERRORS, RECORDS, crawl_failed

    stats = crawler.stats.get_stats()
    print(
        f"crawled {stats.get(PAGES_SCRAPED, 0)} pages: {stats.get(RECORDS, 0)} records, "
        f"{stats.get(PAGES_FAILED, 0)} pages failed, {stats.get(PLUGIN_ERRORS, 0)} plugin errors"
        + (f", {stats['gleaner/requeued']} re-queued" if stats.get("gleaner/requeued") else "")
        + f" ({stats.get('finish_reason', 'not finished')})",
        file=sys.stderr,
    )
    if stats.get("gleaner/redis_lost"):
        return 2
    return 1 if crawl_failed(stats) or stats.get("finish_reason") not in ("finished", "closespider_pagecount") else 0
