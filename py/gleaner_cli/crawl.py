"""``python build.py crawl START``: crawl many pages with the built extension.

The real extension runs in headless Chromium (or, with ``--browser
firefox``, headless Firefox: crawl_browsers.py) and crawls exactly as from
the popup: real tabs, the polite defaults, the durable crawl store; the
output is what ``scrape`` writes (one scraper: its records; several: an
object keyed by scraper name), made from the crawl's own export.
"""

import argparse
import contextlib
import json
import sys
import time
from pathlib import Path
from urllib.parse import quote

from . import scrape
from .scrape import AUTOMATION_BUILD, CliError, load_user_plugins

# Who runs the crawl: the extension in a browser (here), or one plugin file
# under Scrapy, on one machine or many workers sharing a Redis
# (gleaner_cli/scrapy_crawl.py, docs/scaling.md), which parses its own options.
ENGINES = ("browser", "scrapy")
POLL_SECONDS = 0.5


def parse_args(argv):
    parser = argparse.ArgumentParser(prog=f"{scrape.PROG} crawl", description=__doc__.split("\n\n")[0])
    parser.add_argument("start", nargs="?", help="the first page: an http(s) URL, or a local .html file (its folder is served on 127.0.0.1)")
    parser.add_argument("--scraper", action="append", default=[], metavar="NAME", help="keep this scraper's records (repeatable); default: those that apply to START")
    parser.add_argument("--plugin", action="append", default=[], metavar="FILE", help="install this scraper file for the crawl (repeatable)")
    scrape.add_index_url_option(parser, "a --plugin's")
    parser.add_argument("--max-pages", type=int, metavar="N", help="visit at most N pages (default 50, at most 10000)")
    parser.add_argument("--next-pages", type=int, metavar="N", help="also scrape the next N pages the pagination built-in finds")
    parser.add_argument("--delay", type=float, metavar="S", help="seconds between two page loads on one site (default 1)")
    parser.add_argument("--timeout", type=float, metavar="S", help="a page that has not loaded after S seconds is read as it is, or fails (default 30)")
    parser.add_argument("--url-list", metavar="FILE", help="crawl these URLs (one per line, or a CSV with a url column) instead of following links")
    parser.add_argument("--any-site", action="store_true", help="follow links to other sites too (default: START's site only)")
    parser.add_argument("--page-column", action=argparse.BooleanOptionalAction, default=None,
                        help="add each record's page URL as _page (default: on for --next-pages)")
    parser.add_argument("--format", choices=("json", "csv", "jsonl"), default="json")
    parser.add_argument("-o", "--output", metavar="FILE", help="write here instead of standard output")
    parser.add_argument("--browser", choices=("chromium", "firefox"), default="chromium")
    parser.add_argument("--engine", choices=ENGINES, default="browser", help="what runs the crawl (default: the extension in a browser)")
    args = parser.parse_args(argv)
    if not args.start and not args.url_list:
        parser.error("give a START page or --url-list FILE")
    return args


def crawl_request(args, urls):
    """The StartCrawl payload these options ask for."""
    payload = {"urls": urls, "scrapers": args.scraper}
    if args.url_list:
        payload["mode"] = "list"
        payload["maxPages"] = args.max_pages or min(len(urls), 10_000)
    elif args.next_pages is not None:
        payload["mode"] = "next"
        payload["nextPages"] = args.next_pages
    else:
        payload["mode"] = "follow"
        if args.max_pages is not None:
            payload["maxPages"] = args.max_pages
    for key, value in (("delaySeconds", args.delay), ("timeoutSeconds", args.timeout), ("pageColumn", args.page_column)):
        if value is not None:
            payload[key] = value
    if args.any_site:
        payload["anySite"] = True
    return payload


def read_url_list(path):
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise CliError(f"{path}: {exc.strerror}") from None


def run(args):
    from gleaner.exporters import export_results

    from .browser import serve_directory
    from .crawl_browsers import extension_session

    if not AUTOMATION_BUILD.exists():
        raise CliError("the extension is not built: run 'python build.py' first")
    lock = json.loads((AUTOMATION_BUILD / "python" / "pyodide-lock.json").read_text())
    list_text = read_url_list(args.url_list) if args.url_list else None
    plugins = load_user_plugins(args.plugin, available_imports={name for pkg in lock["packages"].values() for name in pkg["imports"]})
    with extension_session(args.browser, plugins, args.index_url) as session, contextlib.ExitStack() as stack:
        command = lambda name, payload: _result(session.send(name, payload))  # noqa: E731
        if args.url_list:
            # Read as the options page reads a pasted list: the same code.
            urls = session.parse_url_list(list_text)["urls"]
            if not urls:
                raise CliError(f"{args.url_list}: no http(s) URLs in it (one per line, or a CSV with a url column)")
        elif args.start.startswith(("http://", "https://")):
            urls = [args.start]
        else:
            path = Path(args.start)
            if not path.is_file():
                raise CliError(f"{args.start}: no such file")
            urls = [f"{stack.enter_context(serve_directory(path.resolve().parent))}/{quote(path.name)}"]
        if not args.scraper:
            applies = command("TestUrl", {"url": urls[0]})["scrapers"]
            args.scraper = [s["name"] for s in applies if s["runs"] and s["name"] != "pagination"]
        if args.engine == "browser" and len(args.scraper) == 1 and args.next_pages is None and not args.url_list:
            catalog = {s["name"]: s for s in command("ListScrapers", {})["scrapers"]}
            if not catalog.get(args.scraper[0], {}).get("crawls"):
                raise CliError(f"{args.scraper[0]} does not follow links: give --next-pages N (or --url-list FILE)")
        crawl = command("StartCrawl", crawl_request(args, urls))
        started = time.perf_counter()
        shown = None
        while crawl["state"] == "running":
            time.sleep(POLL_SECONDS)
            crawl = next(c for c in command("ListCrawls", {})["crawls"] if c["id"] == crawl["id"])
            counters = crawl["counters"]
            line = f"{counters['done']} pages done, {counters['queued']} queued, {counters['failed']} failed, {counters['records']} records"
            if line != shown:
                print(line, file=sys.stderr)
                shown = line
        details = command("GetCrawl", {"crawlId": crawl["id"]})
        for failed in details["failed"]:
            print(f"page failed: {failed['url']}: {failed['error']}", file=sys.stderr)
        for page_error in details["pageErrors"]:
            if page_error["note"]:
                print(f"page {page_error['url']}: {page_error['note']}", file=sys.stderr)
            for error in page_error["errors"]:
                print(f"scraper {error['scraper']} failed on {page_error['url']}: {error['message']}", file=sys.stderr)
        print(f"crawl {crawl['state']} in {time.perf_counter() - started:.1f} s: {crawl['message']}", file=sys.stderr)
        exports = {name: command("ExportCrawl", {"crawlId": crawl["id"], "scraper": name, "format": args.format if len(args.scraper) == 1 else "json"}) for name in args.scraper}
    if len(args.scraper) == 1:
        data = exports[args.scraper[0]]["text"].encode("utf-8")
    else:
        results = [{"scraper": name, "ok": True, "records": json.loads(exports[name]["text"])} for name in args.scraper]
        data = export_results(results, args.format)
    trouble = crawl["state"] != "done" or crawl["counters"]["failed"] or crawl["counters"]["pageErrors"]
    return data, crawl, trouble


def _result(reply):
    if not reply["ok"]:
        raise CliError(reply["error"]["message"])
    return reply["result"]


def engine_of(argv):
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--engine", choices=ENGINES, default="browser")
    return parser.parse_known_args(argv)[0].engine


def main(argv):
    if engine_of(argv) == "scrapy":
        from .scrapy_crawl import main as scrapy_main

        return scrapy_main(argv)
    args = parse_args(argv)
    try:
        data, crawl, trouble = run(args)
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.output:
        Path(args.output).write_bytes(data)
        print(f"wrote {args.output} ({crawl['counters']['records']} records from {crawl['counters']['done']} pages)", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
    return 1 if trouble else 0
