"""A URL-list crawl in real headless firefox-esr (the event page's crawl), on the automation package.

Firefox grants an MV3 add-on's listed host permissions at install, and its
permission prompt is out of reach of WebDriver BiDi: this test covers the
crawl engine in Firefox; the permission path is tested in Chromium
(test_crawl_chromium.py).
"""

import json
import subprocess

from conftest import ROOT
from crawl_site import PLUGIN, serve_crawl_site
from gleaner.plugins import load_plugin

VERSION = json.loads((ROOT / "manifest.json").read_text())["version"]


def test_url_list_crawl_in_firefox(extension_dir):
    package = ROOT / "dist" / "automation" / f"gleaner-firefox-automation-{VERSION}.zip"
    source = PLUGIN.read_text()
    with serve_crawl_site() as base:
        arguments = {
            "extension": str(package),
            "urls": [f"{base}/p1.html", f"{base}/p4.html", f"{base}/p5.html", f"{base}/p1.html#again"],
            "scrapers": ["crawl-test-furniture"],
            "userScrapers": [{"source": source, "metadata": load_plugin(source, PLUGIN.name).metadata(), "enabled": True}],
        }
        done = subprocess.run(["node", str(ROOT / "tests" / "firefox" / "crawl-scenario.mjs"), json.dumps(arguments)],
                              capture_output=True, text=True, timeout=400, cwd=ROOT)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert "error" not in report, report
    assert report["crawl"]["state"] == "done", report["crawl"]
    assert json.loads(report["exports"]["crawl-test-furniture"]) == [
        {"name": "Oak chair", "price": "€ 49.00", "sku": "SKU-1"},
        {"name": "Walnut desk", "price": "€ 310.00", "sku": "SKU-5"},
    ]
    # The 404 page: Firefox reports its status too.
    assert [(p["url"], p["error"]) for p in report["details"]["failed"]] == [(f"{base}/p4.html", "HTTP 404")]
