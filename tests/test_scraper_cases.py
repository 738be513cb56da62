"""Every built-in and example scraper's own TESTS, run natively (the browser runs the same cases)."""

import pytest

from conftest import ROOT
from gleaner.host import load_builtins
from gleaner.plugins import load_plugin
from gleaner.testing import page_for_case, run_tests

BUILTINS = load_builtins(ROOT / "scrapers")
# Examples are not built-ins: users install them. Their fixture paths, like the
# built-ins', are relative to scrapers/ (the browser resolves them the same way).
EXAMPLES = {
    plugin.name: plugin
    for plugin in (load_plugin(path.read_text(encoding="utf-8"), f"scrapers/examples/{path.name}") for path in sorted((ROOT / "scrapers" / "examples").glob("*.py")))
}


def assert_cases_pass(plugin):
    results = run_tests(plugin, ROOT / "scrapers")
    assert results, f"{plugin.name} has no TESTS"
    failures = [f"{r['name']}:\n" + "\n".join(r["problems"]) for r in results if not r["ok"]]
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("name", sorted(BUILTINS))
def test_builtin_cases(name):
    assert_cases_pass(BUILTINS[name])


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_cases(name):
    assert_cases_pass(EXAMPLES[name])


def test_examples_do_not_clash_with_builtins():
    assert len(EXAMPLES) >= 2
    assert not set(EXAMPLES) & set(BUILTINS)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_each_example_claims_its_own_test_pages_and_no_others(name):
    """Site-specific scrapers: each test page's URL is matched by its scraper and by no other example."""
    for case in EXAMPLES[name].tests:
        page = page_for_case(case, ROOT / "scrapers")
        claimed = [other.name for other in EXAMPLES.values() if other.applies_to(page.url, page.kind)]
        assert claimed == [name], f"{case['url']} is claimed by {claimed}"
