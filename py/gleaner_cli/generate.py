"""``python build.py generate FILE|URL``: write a scraper for a list the ``lists`` built-in finds on a page.

The page's list N (0, the main list, unless --list says otherwise) becomes a
plugin file (gleaner/scraper_writer.py): its item and field selectors, the
next page's link when the page has one, and TESTS made from the page itself.
Check it with ``python build.py test FILE``; run it with
``python build.py scrape PAGE --plugin FILE``.
"""

import argparse
import sys
from pathlib import Path

from .scrape import PROG, CliError, fetch_native


def parse_args(argv):
    parser = argparse.ArgumentParser(prog=f"{PROG} generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("target", help="an http(s) URL, or a saved .html file")
    parser.add_argument("--url", metavar="URL", help="the http(s) address a saved file came from (its links resolve against it, "
                                                     "and the scraper's match patterns are made from it)")
    parser.add_argument("--list", type=int, default=0, metavar="N", help="which list: 0 is the main one (default), 1 the next...")
    parser.add_argument("--name", help="the scraper's NAME (default: from the page's host and path)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the scraper here instead of standard output")
    args = parser.parse_args(argv)
    if args.url is not None and not args.url.startswith(("http://", "https://")):
        parser.error(f"--url takes an http(s) address, not {args.url!r}")
    if args.list < 0:
        parser.error("--list takes 0 or more")
    return args


def main(argv):
    from gleaner.errors import GleanerError
    from gleaner.host import load_builtins
    from gleaner.lists import NoList, lists_of, next_page_url, spec_for_list
    from gleaner.page import make_page
    from gleaner.scraper_writer import write_scraper

    from .scrape import builtin_scrapers_dir

    args = parse_args(argv)
    try:
        data, url, content_type = fetch_native(args)
        page = make_page(data, url, content_type)
        if page.kind != "html":
            raise CliError(f"{args.target} is a feed, not a page: feeds have their items already (scrape it with the feed built-in)")
        spec = spec_for_list(page, args.list, next_page_url(load_builtins(builtin_scrapers_dir()), page))
        if args.name:
            spec["name"] = args.name
        source = write_scraper(spec, page.html)
    except NoList:
        print(f"error: no list found on {args.target}: it has no repeated structure of three or more items to write a scraper for",
              file=sys.stderr)
        return 2
    except (CliError, GleanerError, OSError) as exc:
        print(f"error: {getattr(exc, 'message', None) or exc}", file=sys.stderr)
        return 2
    count = len(lists_of(page)[args.list].items)
    if args.output:
        Path(args.output).write_text(source, encoding="utf-8")
        print(f"wrote {args.output}: scraper {spec['name']!r} for list {args.list} ({count} items, "
              f"fields {', '.join(f['name'] for f in spec['fields'])}"
              f"{'; follows the next page' if spec['next_selector'] else ''})", file=sys.stderr)
    else:
        sys.stdout.write(source)
    return 0
