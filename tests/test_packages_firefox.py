"""Packages a scraper pins, in real headless firefox-esr: the options page installs from the local index
(tests/package_index.py), the scraper reads prices offline, and refusals keep nothing. The scenario is
tests/firefox/packages-scenario.mjs; the assertions are here.
"""

import json
import subprocess
import sys

import pytest

from conftest import ROOT
from package_index import serve_index
from test_e2e_firefox import run_scenario
from test_packages import PLUGIN, SHOP, SHOP_PRICES


@pytest.fixture(scope="module")
def index():
    with serve_index() as served:
        yield served


@pytest.fixture(scope="module")
def report(extension_dir, site, index, tmp_path_factory):
    from gleaner_cli.firefox import automation_package

    base, requests = index
    folder = tmp_path_factory.mktemp("firefox-packages")
    compiled = folder / "markup.py"
    compiled.write_text(PLUGIN.read_text().replace("price-parser==0.5.1", "markupsafe==3.0.3").replace('"shop-prices"', '"markup"'))
    tampered = folder / "shop-prices-2.py"
    tampered.write_text(PLUGIN.read_text().replace('"shop-prices"', '"shop-prices-2"'))
    reply = run_scenario("packages-scenario.mjs", {
        "extension": str(automation_package()), "site": site, "index": base,
        "plugin": str(PLUGIN), "compiled": str(compiled), "tampered": str(tampered),
    })
    return reply, [path for path, _ in requests]


def test_install_scrape_and_refusals_in_firefox(report):
    reply, fetched = report
    assert reply["saved"] == "Saved shop-prices 1.0.0 with attrs 26.1.0, price-parser 0.5.1."
    assert reply["packages"] == "Packages: attrs 26.1.0 (66 KB, MIT), price-parser 0.5.1 (14 KB, BSD-3-Clause)"
    assert reply["cache"] == "Package cache: 2 wheels, 80 KB"
    assert reply["popupState"][0] == "done", reply["popupState"]
    [prices] = [r for r in reply["run"]["results"] if r["scraper"] == "shop-prices"]
    assert prices["ok"], prices["error"]
    assert prices["records"] == SHOP_PRICES
    assert reply["compiled"] == (
        "markupsafe 3.0.3 has no pure-Python wheel (only compiled code or a source archive), so it cannot run in the browser; "
        "nothing was installed. Pyodide ships a build of it, which Gleaner's build would have to include."
    )
    assert reply["tampered"] == (
        "price_parser-0.5.1-py3-none-any.whl (price-parser 0.5.1) does not match the sha256 the package index publishes for it; nothing was installed."
    )
    assert sorted(s["name"] for s in reply["afterRefusals"]["scrapers"] if not s["builtin"]) == ["shop-prices"]
    assert reply["afterRefusals"]["packageCache"] == {"count": 2, "bytes": 67548 + 14800}
    assert reply["deleted"] and reply["afterDelete"] == {"count": 0, "bytes": 0}
    # Wheels were fetched at the installs only: once each for the good install, once more (tampered) for the refused one.
    assert [p for p in fetched if p.startswith(("/files/", "/tampered/files/"))] == [
        "/files/price_parser-0.5.1-py3-none-any.whl", "/files/attrs-26.1.0-py3-none-any.whl", "/tampered/files/price_parser-0.5.1-py3-none-any.whl",
    ]


def test_cli_in_firefox_gives_the_same_records_as_native(extension_dir, index, tmp_path):
    base, _ = index
    command = [sys.executable, str(ROOT / "build.py"), "scrape", str(SHOP), "--plugin", str(PLUGIN), "--scraper", "shop-prices", "--index-url", f"{base}/simple/"]
    env = {"GLEANER_CACHE": str(tmp_path), "PATH": "/usr/bin:/bin:/usr/local/bin", "HOME": str(tmp_path)}
    firefox = subprocess.run(command + ["--browser", "firefox"], capture_output=True, text=True, timeout=600)
    native = subprocess.run(command + ["--native"], capture_output=True, text=True, env=env)
    assert firefox.returncode == 0, firefox.stderr
    assert native.returncode == 0, native.stderr
    assert json.loads(firefox.stdout) == json.loads(native.stdout) == SHOP_PRICES
