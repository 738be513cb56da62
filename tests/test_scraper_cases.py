"""Every built-in scraper's own TESTS, run natively (the browser runs the same cases)."""

import pytest

from conftest import ROOT
from gleaner.host import load_builtins
from gleaner.testing import run_tests

BUILTINS = load_builtins(ROOT / "scrapers")


@pytest.mark.parametrize("name", sorted(BUILTINS))
def test_builtin_cases(name):
    plugin = BUILTINS[name]
    results = run_tests(plugin, ROOT / "scrapers")
    assert results, f"{name} has no TESTS"
    failures = [f"{r['name']}:\n" + "\n".join(r["problems"]) for r in results if not r["ok"]]
    assert not failures, "\n\n".join(failures)
