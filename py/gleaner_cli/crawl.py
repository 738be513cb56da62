"""``python build.py crawl START``: crawl many pages.

Engines: ``scrapy`` runs one plugin file under Scrapy, on one machine or on
many workers sharing a Redis (gleaner_cli/scrapy_crawl.py, docs/scaling.md).
The browser engine (the extension's own crawl in real tabs) is added by its
own module.
"""

import argparse
import sys

# Who runs the crawl; each engine parses the rest of the command line itself.
ENGINES = ("browser", "scrapy")


def engine_of(argv):
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--engine", choices=ENGINES, default="browser")
    return parser.parse_known_args(argv)[0].engine


def main(argv):
    engine = engine_of(argv)
    if engine == "scrapy":
        from .scrapy_crawl import main as scrapy_main

        return scrapy_main(argv)
    if argv[:1] in (["-h"], ["--help"]):
        print(__doc__.strip())
        return 0
    print("error: the browser crawl engine is not available in this build yet; use --engine scrapy", file=sys.stderr)
    return 2
