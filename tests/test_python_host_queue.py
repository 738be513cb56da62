"""extension/offscreen/python-host.js under Node, its Worker stubbed: overlapping runs take turns and each names its page.

The stub (tests/node/python-host-queue.mjs) holds one page, as Python's Host
does, so a run that read the slot while another run's page was in it would
come back with that page's records.
"""

import json
import subprocess

from conftest import ROOT


def test_overlapping_runs_each_get_their_own_pages_records():
    done = subprocess.run(
        ["node", str(ROOT / "tests" / "node" / "python-host-queue.mjs"), str(ROOT / "extension")],
        capture_output=True, text=True, timeout=60, check=True,
    )
    report = json.loads(done.stdout)
    got = [(run["pageId"], [(r["scraper"], r["ok"], r["records"]) for r in run["results"]]) for run in report["runs"]]
    from_page = lambda name: [{"from": f"https://example.org/{name}"}]  # noqa: E731
    assert got == [
        ("page-1", [("one", True, from_page("a")), ("two", True, from_page("a")), ("three", True, from_page("a"))]),
        ("page-2", [("one", True, from_page("b"))]),
        ("page-3", [("one", True, from_page("c")), ("two", True, from_page("c"))]),
        ("page-4", [("one", True, from_page("d")), ("two", True, from_page("d"))]),
        ("page-5", [("one", True, from_page("e"))]),
    ]
    # One run at a time, in the order they came, every run message names its
    # page, and each run lets its page go before the next sets its own.
    assert [(m["op"], m["pageId"], m.get("scraper")) for m in report["seen"]] == [
        ("setPage", "page-1", None), ("runScraper", "page-1", "one"), ("runScraper", "page-1", "two"), ("runScraper", "page-1", "three"),
        ("releasePage", "page-1", None),
        ("setPage", "page-2", None), ("runScraper", "page-2", "one"), ("releasePage", "page-2", None),
        ("setPage", "page-3", None), ("runScraper", "page-3", "one"), ("runScraper", "page-3", "two"), ("releasePage", "page-3", None),
        ("setPage", "page-4", None), ("runScraper", "page-4", "one"), ("runScraper", "page-4", "two"), ("releasePage", "page-4", None),
        ("setPage", "page-5", None), ("runScraper", "page-5", "one"), ("releasePage", "page-5", None),
    ]
