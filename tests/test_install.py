"""pip install . gives the gleaner package, its built-in scrapers and a working gleaner command.

Installed from a copy of the project's Python files into a fresh virtual
environment that sees this Python's packages (bs4, xmltodict), then run from
another folder, so nothing of the clone is on its path.
"""

import json
import shutil
import subprocess
import sys
import tomllib

from conftest import ROOT


def test_pip_install_gives_a_gleaner_command_that_scrapes_natively(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source)
    for folder in ("py", "scrapers"):
        shutil.copytree(ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    installed = subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check", str(source)],
                               capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stderr
    out = tmp_path / "links.json"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = subprocess.run(
        [str(venv / "bin" / "gleaner"), "scrape", str(ROOT / "tests" / "pages" / "shop.html"), "--native", "--scraper", "links", "-o", str(out)],
        cwd=elsewhere, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    page = (ROOT / "tests" / "pages" / "shop.html").resolve().as_uri()
    assert json.loads(out.read_text()) == [
        {"url": "file:///about", "text": "Über uns", "rel": ""},
        {"url": "https://example.org/x?a=1&b=2", "text": 'Extern, mit "Zitat"', "rel": "nofollow"},
        {"url": page.rsplit("/", 1)[0] + "/=cmd|' /C calc'!A0", "text": "=formula", "rel": ""},
    ]
    assert f"wrote {out} (links: 3)" in done.stderr
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import gleaner, gleaner_cli; print(gleaner.__file__)"],
                           cwd=elsewhere, capture_output=True, text=True, check=True)
    assert str(venv) in where.stdout  # the installed copy, not the clone

    # It writes a scraper for a page's list, with the installed built-ins, and runs the file's TESTS.
    written = tmp_path / "shoes.py"
    done = subprocess.run([str(venv / "bin" / "gleaner"), "generate", str(ROOT / "tests" / "pages" / "lists" / "shop-page1.html"),
                           "--url", "https://shop.example/shoes", "-o", str(written)], cwd=elsewhere, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    done = subprocess.run([str(venv / "bin" / "gleaner"), "test", str(written)], cwd=elsewhere, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.startswith("ok    shop-example-shoes:"), done.stdout + done.stderr

    # The same command crawls under Scrapy (this Python's Scrapy stands in for the "scrapy" extra).
    from scrapy_site.shop import expected_records, serve_shop

    crawled = tmp_path / "shop.jsonl"
    with serve_shop(5, latency=0) as (base, _):
        done = subprocess.run(
            [str(venv / "bin" / "gleaner"), "crawl", f"{base}/list/1", "--engine", "scrapy", "--delay", "0",
             "--plugin", str(ROOT / "tests" / "scrapy_site" / "shop_plugin.py"), "-o", str(crawled)],
            cwd=elsewhere, capture_output=True, text=True, timeout=180,
        )
    assert done.returncode == 0, done.stderr[-3000:]
    got = [json.loads(line) for line in crawled.read_text(encoding="utf-8").splitlines()]
    assert sorted(got, key=lambda r: r["sku"]) == expected_records(base, 5)


def test_the_package_version_is_the_extensions():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["version"] == json.loads((ROOT / "manifest.json").read_text())["version"]
