"""What stands between a user's scraper file and the extension: the checks the
options page asks Python for (Host.validate_json, Host.run_tests_json), and
the CLI's --plugin, which goes through the same contract."""

import json
import subprocess
import sys

import pytest

from conftest import ROOT
from gleaner.host import Host
from gleaner.plugins import rename_source

GOOD = '''NAME = "headings"
VERSION = "1.0.0"
MATCHES = ["*://*/*"]


def scrape(page):
    for h in page.soup.find_all("h1"):
        yield {"text": h.get_text(strip=True)}


TESTS = [
    {"html": "<h1>A</h1><h1>B</h1>", "records": [{"text": "A"}, {"text": "B"}]},
    {"html": "<h1>A</h1>", "records": [{"text": "Z"}]},
]
'''


@pytest.fixture(scope="module")
def host():
    return Host(ROOT / "scrapers")


def validate(host, source, previous=None):
    return json.loads(host.validate_json(source, previous))


@pytest.mark.parametrize(
    "source,message,line,column",
    [
        (GOOD.replace("def scrape(page):", "def scrape(page)"), "syntax error: expected ':'", 6, 17),
        (GOOD + "\nreturn 1\n", "syntax error: 'return' outside function", 16, 1),
        (GOOD.replace('VERSION = "1.0.0"\n', ""), "VERSION is missing (every scraper needs NAME, VERSION, MATCHES and def scrape(page))", None, None),
        (GOOD.replace('NAME = "headings"', 'NAME = "links"'), "NAME 'links' is taken by a built-in scraper; choose another name", 1, 1),
        (GOOD.replace('"*://*/*"', '"https://*.*.example.org/*"'), "MATCHES: 'https://*.*.example.org/*': '*' in the host must be alone or lead as '*.'", 3, 1),
        (GOOD.replace('MATCHES = ["*://*/*"]', 'MATCHES = ["*://*/*"]\nREQUIRES = ["no-such-package"]'), "this build does not bundle no-such-package, which 'headings' requires; "
         'pin an exact version from the package index, as in REQUIRES = ["no-such-package==1.2.3"]', 4, 1),
        (GOOD.replace('{"html": "<h1>A</h1>", "records": [{"text": "Z"}]}', '{"name": "smoke", "html": "<h1>A</h1>"}'),
         'test case \'smoke\' checks nothing: give it "records" (the exact list), "count" or "expect", '
         "or it would pass whatever the scraper returns", 13, 5),
        (GOOD.replace('"records": [{"text": "Z"}]}', '"expect": []}'),
         'test case 2 checks nothing: give it "records" (the exact list), "count" or "expect", '
         "or it would pass whatever the scraper returns", 13, 5),
    ],
    ids=["syntax", "compile-only", "missing-metadata", "builtin-name", "bad-pattern", "missing-package", "case-checks-nothing",
         "case-expects-nothing"],
)
def test_validate_refuses_with_the_line(host, source, message, line, column):
    reply = validate(host, source)
    assert reply["ok"] is False
    assert (reply["error"]["message"], reply["error"]["line"], reply["error"]["column"]) == (message, line, column)


def test_validate_returns_metadata_and_a_diff_against_the_installed_version(host):
    reply = validate(host, GOOD.replace('"1.0.0"', '"1.1.0"'), previous=GOOD)
    assert reply["ok"] and reply["metadata"]["name"] == "headings" and reply["metadata"]["version"] == "1.1.0"
    assert reply["diff"].splitlines()[:5] == ["--- installed", "+++ new", "@@ -1,4 +1,4 @@", ' NAME = "headings"', '-VERSION = "1.0.0"']
    assert '+VERSION = "1.1.0"' in reply["diff"].splitlines()


def test_run_tests_json_reports_pass_and_a_diff_for_failure(host):
    results = json.loads(host.run_tests_json("headings", GOOD))
    assert [r["ok"] for r in results] == [True, False]
    assert results[0]["records"] == 2
    assert '-  "text": "Z"' in results[1]["problems"][0] and '+  "text": "A"' in results[1]["problems"][0]


def test_a_case_built_by_code_that_checks_nothing_fails_when_it_runs(host):
    source = GOOD[:GOOD.index("TESTS = [")] + 'TESTS = [dict(name="smoke", html="<h1>A</h1>")]\n'
    assert validate(host, source)["ok"] is True  # not a literal: known only when it runs
    [result] = json.loads(host.run_tests_json("headings", source))
    assert result["ok"] is False
    assert result["problems"] == ['test case \'smoke\' checks nothing: give it "records" (the exact list), "count" or '
                                  '"expect", or it would pass whatever the scraper returns']


def test_run_tests_json_resolves_fixture_files_against_scrapers(host):
    source = (ROOT / "scrapers" / "examples" / "books.py").read_text(encoding="utf-8")
    results = json.loads(host.run_tests_json("books", source))
    assert [r["ok"] for r in results] == [True, True]


def test_rename_source_changes_only_the_name_line():
    renamed = rename_source(GOOD, "headings-custom")
    assert renamed.splitlines()[0] == "NAME = 'headings-custom'"
    assert renamed.splitlines()[1:] == GOOD.splitlines()[1:]


@pytest.mark.parametrize("native", [True, False], ids=["native", "browser"])
def test_cli_refuses_an_invalid_plugin_with_the_reason_and_line(tmp_path, native, extension_dir):
    plugin = tmp_path / "bad.py"
    plugin.write_text(GOOD.replace("def scrape(page):", "def scrape(page)"), encoding="utf-8")
    command = [sys.executable, "build.py", "scrape", "demo/demo-page.html", "--plugin", str(plugin)] + (["--native"] if native else [])
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip() == f"error: {plugin}:6:17: syntax error: expected ':'"
