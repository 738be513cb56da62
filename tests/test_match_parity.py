"""The service worker's JS matcher and the Python host's matcher agree, case for case.

Every row of tests/match_cases.json runs against py/gleaner/matching.py here
and against extension/common/match-pattern.js in Node; each side's answers
must equal the table (so they also equal each other).
"""

import json
import subprocess

import pytest

from conftest import ROOT
from gleaner.matching import InvalidPattern, MatchPattern, url_matches

CASES = json.loads((ROOT / "tests" / "match_cases.json").read_text(encoding="utf-8"))

NODE_RUNNER = """
import { readFileSync } from 'node:fs';
import { compilePattern, patternMatches, urlMatches } from '%s';
const cases = JSON.parse(readFileSync(process.argv[1], 'utf8'));
const matches = cases.matches.map(([pattern, url]) => patternMatches(compilePattern(pattern), url));
const invalid = cases.invalid.map((pattern) => {
  try { compilePattern(pattern); return false; } catch { return true; }
});
const combined = cases.url_matches.map(([includes, excludes, url]) => urlMatches(url, includes, excludes));
console.log(JSON.stringify({ matches, invalid, combined }));
"""


@pytest.fixture(scope="module")
def js_answers():
    module = (ROOT / "extension" / "common" / "match-pattern.js").as_uri()
    done = subprocess.run(
        ["node", "--input-type=module", "-e", NODE_RUNNER % module, str(ROOT / "tests" / "match_cases.json")],
        capture_output=True, text=True, check=True,
    )
    return json.loads(done.stdout)


def test_table_is_substantial():
    assert len(CASES["matches"]) >= 50 and len(CASES["invalid"]) >= 10
    assert {True, False} == {expected for *_, expected in CASES["matches"]}


@pytest.mark.parametrize("pattern,url,expected", CASES["matches"], ids=[f"{p} {u}" for p, u, _ in CASES["matches"]])
def test_python_matcher(pattern, url, expected):
    assert MatchPattern(pattern).matches(url) is expected


@pytest.mark.parametrize("pattern", CASES["invalid"])
def test_python_refuses_invalid(pattern):
    with pytest.raises(InvalidPattern):
        MatchPattern(pattern)


@pytest.mark.parametrize("includes,excludes,url,expected", CASES["url_matches"])
def test_python_includes_and_excludes(includes, excludes, url, expected):
    assert url_matches(url, includes, excludes) is expected


def test_js_matcher_agrees_with_the_table(js_answers):
    # zip stops at the shorter list: the JS side must answer every case, not only the first few.
    assert [len(js_answers[key]) for key in ("matches", "invalid", "combined")] == [
        len(CASES[key]) for key in ("matches", "invalid", "url_matches")]
    wrong = [
        f"{pattern} {url}: JS says {got}, the table {expected}"
        for (pattern, url, expected), got in zip(CASES["matches"], js_answers["matches"])
        if got is not expected
    ]
    wrong += [f"JS accepts invalid pattern {p!r}" for p, refused in zip(CASES["invalid"], js_answers["invalid"]) if not refused]
    wrong += [
        f"{includes} - {excludes} {url}: JS says {got}, the table {expected}"
        for (includes, excludes, url, expected), got in zip(CASES["url_matches"], js_answers["combined"])
        if got is not expected
    ]
    assert not wrong, "\n".join(wrong)
