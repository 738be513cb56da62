"""The ``gleaner`` command (``pip install .``): the CLI that ``python build.py`` gives in a clone.

    gleaner scrape TARGET [options]    scrape a URL or a local file (see gleaner scrape --help)
    gleaner crawl START [options]      crawl many pages from START (see gleaner crawl --help)
                                       crawl from START under Scrapy (see gleaner crawl --engine scrapy --help)
    gleaner generate PAGE [options]    write a scraper for a list found on a page (see gleaner generate --help)
    gleaner test FILE...               run scraper files' own TESTS (see gleaner test --help)
"""

import sys

COMMANDS = ("scrape", "crawl", "generate", "test")


def main(argv=None):
    if argv is None:  # the process's own command: the installed "gleaner", or python -m gleaner_cli
        from . import scrape

        scrape.PROG = "gleaner"
        return scrape.exit_process(main(sys.argv[1:]))
    if argv[:1] == ["scrape"]:
        from . import scrape

        return scrape.main(argv[1:])
    if argv[:1] == ["crawl"]:
        from . import crawl

        return crawl.main(argv[1:])
    if argv[:1] == ["generate"]:
        from . import generate

        return generate.main(argv[1:])
    if argv[:1] == ["test"]:
        from . import check_plugin

        return check_plugin.main(argv[1:])
    print(__doc__.strip(), file=sys.stderr)
    return 0 if argv[:1] in (["-h"], ["--help"]) else 2


if __name__ == "__main__":
    sys.exit(main())
