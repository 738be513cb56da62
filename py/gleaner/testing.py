"""A scraper's own test cases (its ``TESTS`` list), run the same way in pytest and in the browser.

A case gives the page and what the records must be::

    {
        "name": "what this case shows",           # optional
        "url": "https://example.org/page",        # the page's URL (for absolute links)
        "html": "<html>...</html>",               # or "xml": "...", or "file": "fixtures/x.html"
        "records": [{...}, ...],                  # the exact list, or:
        "count": 3,                               # a number, or "mincount:N" / "maxcount:N"
        "expect": [{"title": "re:^Hello"}, ...],  # the first records, key by key, with matchers
        "follows": [{"url": ..., "callback": ..., "data": {...}}, ...],  # the exact follow requests
        "callback": "parse_item",                 # run this function instead of scrape
        "data": {...},                            # the page's page.data (what a follow passed on)
    }

Matchers, as in yt-dlp's extractor tests: a plain value must be equal;
``"re:PATTERN"`` must match (re.search); ``"startswith:X"`` / ``"contains:X"``;
``"count:N"`` / ``"mincount:N"`` on lists; a type such as ``str`` or ``int``
must be the value's type.
"""

import json
import re
from pathlib import Path

from .errors import describe_exception
from .page import make_page
from .runner import run_plugin


def check_value(expected, actual, path):
    """Return a list of mismatch messages for one expected value."""
    if isinstance(expected, type):
        if expected is float and isinstance(actual, int) and not isinstance(actual, bool):
            return []
        return [] if isinstance(actual, expected) and not (expected is int and isinstance(actual, bool)) else [
            f"{path}: expected a {expected.__name__}, got {actual!r}"
        ]
    if isinstance(expected, str):
        for prefix, test in (
            ("re:", lambda arg: isinstance(actual, str) and re.search(arg, actual)),
            ("startswith:", lambda arg: isinstance(actual, str) and actual.startswith(arg)),
            ("contains:", lambda arg: isinstance(actual, (str, list)) and arg in actual),
            ("count:", lambda arg: isinstance(actual, (list, dict)) and len(actual) == int(arg)),
            ("mincount:", lambda arg: isinstance(actual, (list, dict)) and len(actual) >= int(arg)),
            ("maxcount:", lambda arg: isinstance(actual, (list, dict)) and len(actual) <= int(arg)),
        ):
            if expected.startswith(prefix):
                return [] if test(expected[len(prefix):]) else [f"{path}: {actual!r} does not satisfy {expected!r}"]
    if isinstance(expected, dict) and isinstance(actual, dict):
        problems = []
        for key, value in expected.items():
            if key not in actual:
                problems.append(f"{path}.{key}: missing")
            else:
                problems += check_value(value, actual[key], f"{path}.{key}")
        return problems
    if expected != actual:
        return [f"{path}: expected {expected!r}, got {actual!r}"]
    return []


def _count_problems(expected, records):
    if isinstance(expected, int):
        return [] if len(records) == expected else [f"expected {expected} records, got {len(records)}"]
    return check_value(expected, records, "records")


def page_for_case(case, base_dir):
    """The case's page: a fixture file read as the browser would be served it, or inline HTML or XML."""
    url = case.get("url", "https://example.org/")
    if "file" in case:
        path = Path(base_dir) / case["file"]
        return make_page(path.read_bytes(), url, content_type_of_file(path), data=case.get("data"))
    if "xml" in case:
        return make_page(case["xml"], url, "application/xml", data=case.get("data"))
    return make_page(case.get("html", ""), url, "text/html", data=case.get("data"))


def content_type_of_file(path):
    from .page import CONTENT_TYPES

    return CONTENT_TYPES.get(Path(path).suffix.lower(), "text/html")


def run_case(plugin, case, base_dir="."):
    """Run one case; the result says pass/fail with readable differences."""
    name = case.get("name") or case.get("url") or "case"
    try:
        page = page_for_case(case, base_dir)
    except Exception as exc:
        return {"name": name, "ok": False, "problems": [f"the case's page could not be read: {exc}"], "error": None}
    result = run_plugin(plugin, page, case.get("callback"))
    if not result["ok"]:
        return {"name": name, "ok": False, "problems": [result["error"]["message"]], "error": result["error"]}
    records = result["records"]
    problems = []
    if "records" in case:
        expected = case["records"]
        if records != expected:
            problems.append(diff_records(expected, records))
    if "follows" in case and result["follows"] != case["follows"]:
        problems.append("follows differ:\n" + diff_records(case["follows"], result["follows"]))
    if "count" in case:
        problems += _count_problems(case["count"], records)
    for index, expected in enumerate(case.get("expect", [])):
        if index >= len(records):
            problems.append(f"record {index}: missing (only {len(records)} records)")
        else:
            problems += check_value(expected, records[index], f"record {index}")
    return {"name": name, "ok": not problems, "problems": problems, "error": None, "records": len(records)}


def diff_records(expected, actual):
    import difflib

    dump = lambda value: json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True).splitlines()
    lines = difflib.unified_diff(dump(expected), dump(actual), "expected", "actual", lineterm="", n=2)
    return "\n".join(lines)


def run_tests(plugin, base_dir="."):
    try:
        cases = plugin.tests
    except Exception as exc:
        return [{"name": "loading TESTS", "ok": False, "problems": [str(exc)], "error": describe_exception(exc, plugin.filename)}]
    return [run_case(plugin, case, base_dir) for case in cases]
