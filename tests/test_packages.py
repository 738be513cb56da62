"""Packages a plugin pins (gleaner.packages), natively: resolution against a real local index, every refusal,
loading for one plugin only, and the CLI's --native install with pip.

The index (tests/package_index.py) serves real PyPI wheels that .ci/setup fetched by hash; their hashes,
sizes and licences below are the ones pip checked and the wheels' own METADATA says.
"""

import json
import subprocess
import sys

import pytest

from conftest import ROOT
from gleaner.packages import PackageRefused, PackageScope, read_wheel, resolve, urllib_fetch
from gleaner.page import Page
from gleaner.plugins import load_plugin
from gleaner.runner import read_result_text, run_plugin
from package_index import make_wheel, serve_index

PRICE_PARSER_SHA256 = "d401fb2a866e86103a19383396bee5ac7f72408a9db6bf3c6edf3210e4212910"
ATTRS_SHA256 = "c647aa4a12dfbad9333ca4e71fe62ddc36f4e63b2d260a37a8b83d2f043ac309"
PLUGIN = ROOT / "tests" / "pages" / "price_plugin.py"
SHOP = ROOT / "tests" / "pages" / "price-shop.html"
# What price-parser 0.5.1 reads from tests/pages/price-shop.html, checked by hand against the page.
SHOP_PRICES = [
    {"name": "Walking boots", "raw": "$1,299.99", "amount": "1299.99", "currency": "$"},
    {"name": "Wool socks", "raw": "€ 49,90", "amount": "49.90", "currency": "€"},
    {"name": "Rain jacket", "raw": "1.234,56 €", "amount": "1234.56", "currency": "€"},
    {"name": "Map of the Alps", "raw": "£5", "amount": "5", "currency": "£"},
    {"name": "Tea flask", "raw": "¥ 3,500", "amount": "3500", "currency": "¥"},
    {"name": "Head torch", "raw": "CHF 12.50", "amount": "12.50", "currency": "CHF"},
    {"name": "Trail guide", "raw": "Price: 7.95 USD incl. VAT", "amount": "7.95", "currency": "USD"},
    {"name": "Sticker", "raw": "Free", "amount": "0", "currency": None},
]


def summary(lock):
    return [(w["name"], w["version"], w["filename"], w["sha256"], w["size"], w["licence"], w["requires"]) for w in lock]


EXPECTED_LOCK = [
    ("attrs", "26.1.0", "attrs-26.1.0-py3-none-any.whl", ATTRS_SHA256, 67548, "MIT", []),
    ("price-parser", "0.5.1", "price_parser-0.5.1-py3-none-any.whl", PRICE_PARSER_SHA256, 14800, "BSD-3-Clause", ["attrs"]),
]


@pytest.mark.parametrize("html_only", [False, True], ids=["pep691-json", "pep503-html"])
def test_a_pin_resolves_with_its_dependency_to_verified_pure_wheels(html_only):
    with serve_index(html_only=html_only) as (base, requests):
        lock = resolve(["price-parser==0.5.1"], urllib_fetch, f"{base}/simple/")
    assert summary(lock) == EXPECTED_LOCK
    assert [path for path, _ in requests] == [
        "/simple/price-parser/", "/files/price_parser-0.5.1-py3-none-any.whl", "/simple/attrs/", "/files/attrs-26.1.0-py3-none-any.whl",
    ]
    assert requests[0][1].startswith("application/vnd.pypi.simple.v1+json")


@pytest.mark.parametrize(
    ("requires", "index", "message"),
    [
        (["markupsafe==3.0.3"], "/simple/",
         "markupsafe 3.0.3 has no pure-Python wheel (only compiled code or a source archive), so it cannot run in the browser; "
         "nothing was installed. Pyodide ships a build of it, which Gleaner's build would have to include."),
        (["price-parser==0.5.1"], "/tampered/simple/",
         "price_parser-0.5.1-py3-none-any.whl (price-parser 0.5.1) does not match the sha256 the package index publishes for it; nothing was installed."),
        (["no-such-package==1.0"], "/simple/", "no-such-package is not on the package index at {base}/simple/; nothing was installed."),
        (["price-parser==9.9"], "/simple/",
         "the scraper pins price-parser==9.9, and the package index at {base}/simple/ has no such version of price-parser (its newest is 0.5.1); nothing was installed."),
        (["soupsieve==2.0"], "/simple/",
         "soupsieve is bundled with Gleaner at version 4.1.3: require it as 'soupsieve' without a version, or pin soupsieve==4.1.3; nothing was installed."),
    ],
    ids=["compiled-only", "hash-mismatch", "unknown-package", "unknown-version", "bundled-other-version"],
)
def test_refusals_name_the_package(requires, index, message):
    with serve_index() as (base, _):
        with pytest.raises(PackageRefused) as refused:
            resolve(requires, urllib_fetch, base + index, bundled={"soupsieve": "4.1.3"}, pyodide_ships=["markupsafe", "lxml"])
    assert refused.value.message == message.format(base=base)


def test_an_unreachable_index_is_refused_with_its_address():
    with serve_index() as (base, _):
        pass  # closed again: nothing listens there any more
    with pytest.raises(PackageRefused, match=rf"^Gleaner could not reach the package index at {base}/simple/ to look up price-parser \("):
        resolve(["price-parser==0.5.1"], urllib_fetch, f"{base}/simple/")


def test_a_dependency_cycle_and_the_size_limit_are_refused():
    extra = dict([make_wheel("cycle-a", "1.0", requires=["cycle-b>=1"]), make_wheel("cycle-b", "1.0", requires=["cycle-a"])])
    with serve_index(extra=extra) as (base, _):
        with pytest.raises(PackageRefused) as cycle:
            resolve(["cycle-a==1.0"], urllib_fetch, f"{base}/simple/")
        with pytest.raises(PackageRefused) as too_large:
            resolve(["price-parser==0.5.1"], urllib_fetch, f"{base}/simple/", limit_bytes=50_000)
    assert cycle.value.message == "cycle-a depends on itself through cycle-a -> cycle-b -> cycle-a; Gleaner installs no dependency cycle, so nothing was installed."
    # The index publishes sizes (PEP 700): attrs (67,548 bytes) is refused before it is downloaded.
    assert too_large.value.message == (
        "attrs 26.1.0 (0.1 MB) would take the scraper's packages past the 0.0476837 MB a scraper may install; nothing was installed."
    )


def test_markers_are_evaluated_for_the_browsers_python():
    wheel = make_wheel("marked", "1.0", requires=[
        'attrs>=20; sys_platform == "emscripten"',
        'colorama; sys_platform == "win32"',
        'tomli; python_version < "3.11"',
        'pytest; extra == "test"',
    ])
    with serve_index(extra=dict([wheel])) as (base, _):
        lock = resolve(["marked==1.0"], urllib_fetch, f"{base}/simple/")
    assert [(w["name"], w["requires"]) for w in lock] == [("attrs", []), ("marked", ["attrs"])]


def test_read_wheel_takes_name_requirements_licence_and_import_names():
    wheel = (ROOT / ".cache" / "package-index" / "attrs-26.1.0-py3-none-any.whl").read_bytes()
    info = read_wheel(wheel)
    assert (info["name"], info["version"], info["licence"], info["top_level"]) == ("attrs", "26.1.0", "MIT", ["attr", "attrs"])


def test_packages_are_importable_in_their_plugins_runs_only(tmp_path):
    folder = tmp_path / "wheels"
    name, data = make_wheel("private-thing", "1.0", modules={"private_thing/__init__.py": "SECRET = 'only for one plugin'\n"})
    import io
    import zipfile

    zipfile.ZipFile(io.BytesIO(data)).extractall(folder)
    owner = load_plugin(
        'NAME = "owner"\nVERSION = "1"\nMATCHES = ["*://*/*"]\nREQUIRES = ["private-thing==1.0"]\n\n'
        "import private_thing\n\ndef scrape(page):\n    return [{'secret': private_thing.SECRET}]\n",
        "owner.py",
    )
    other = load_plugin('NAME = "other"\nVERSION = "1"\nMATCHES = ["*://*/*"]\n\ndef scrape(page):\n    import private_thing\n    return []\n', "other.py")
    page = Page("https://shop.example/price-shop.html", SHOP.read_text())
    scope = PackageScope([folder], ["private_thing"])
    first = run_plugin(owner, page, scope=scope)
    assert first["ok"], first["error"]
    assert first["records"] == [{"secret": "only for one plugin"}]
    assert "private_thing" not in sys.modules and str(folder) not in sys.path
    refused = run_plugin(other, page)
    assert refused["error"]["type"] == "ModuleNotFoundError" and "private_thing" in refused["error"]["message"]
    # The owner's second run finds its module again, the one it imported before (imported once per plugin).
    module = scope.modules["private_thing"]
    assert run_plugin(owner, page, scope=scope)["ok"] and scope.modules["private_thing"] is module


def test_a_package_importing_what_python_lacks_fails_as_that_plugins_error(tmp_path):
    import io
    import zipfile

    _, data = make_wheel("needs-gui", "1.0", modules={"needs_gui/__init__.py": "import _no_such_gui_toolkit\n"})
    zipfile.ZipFile(io.BytesIO(data)).extractall(tmp_path)
    plugin = load_plugin('NAME = "gui"\nVERSION = "1"\nMATCHES = ["*://*/*"]\nREQUIRES = ["needs-gui==1.0"]\n\ndef scrape(page):\n    import needs_gui\n    return []\n')
    result = run_plugin(plugin, Page("https://example.org/", "<p>x</p>"), scope=PackageScope([tmp_path], ["needs_gui"]))
    assert result["error"]["message"] == "gui failed: its package needs_gui imports _no_such_gui_toolkit, which this Python does not have."
    assert result["error"]["user"] is True


def test_a_plugin_whose_packages_are_not_installed_says_how_to_install_them():
    from gleaner.host import Host

    host = Host(ROOT / "scrapers")
    host.set_page_json(json.dumps({"id": "p", "url": "https://shop.example/price-shop.html", "title": "t", "kind": "html"}), SHOP.read_text())
    result = read_result_text(host.run_text("shop-prices", PLUGIN.read_text(), "p"))
    assert result["error"]["message"] == "Shop prices requires price-parser==0.5.1, which is not installed: install the scraper again to fetch its packages."


def test_native_cli_installs_the_lock_with_pip_and_runs_offline_the_second_time(tmp_path):
    env = {"GLEANER_CACHE": str(tmp_path), "PATH": "/usr/bin:/bin"}
    command = [sys.executable, str(ROOT / "build.py"), "scrape", str(SHOP), "--plugin", str(PLUGIN), "--native", "--scraper", "shop-prices"]
    with serve_index() as (base, requests):
        first = subprocess.run(command + ["--index-url", f"{base}/simple/"], capture_output=True, text=True, env=env)
        fetched = len(requests)
        second = subprocess.run(command + ["--index-url", f"{base}/simple/"], capture_output=True, text=True, env=env)
        assert len(requests) == fetched == 4  # two project pages, two wheels, then nothing
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout) == json.loads(second.stdout) == SHOP_PRICES
    [folder] = [p for p in (tmp_path / "packages").iterdir() if p.name != "locks"]
    installed = (folder / ".installed").read_text()
    assert installed == (
        f"attrs==26.1.0 --hash=sha256:{ATTRS_SHA256}\n"
        f"price-parser==0.5.1 --hash=sha256:{PRICE_PARSER_SHA256}\n"
    )
    assert sorted(p.name for p in folder.iterdir()) == [".installed", "attr", "attrs", "attrs-26.1.0.dist-info", "price_parser", "price_parser-0.5.1.dist-info"]


def test_native_cli_refuses_a_compiled_package_with_one_sentence(tmp_path):
    plugin = tmp_path / "markup.py"
    plugin.write_text(PLUGIN.read_text().replace("price-parser==0.5.1", "markupsafe==3.0.3").replace("shop-prices", "markup"))
    with serve_index() as (base, _):
        done = subprocess.run(
            [sys.executable, str(ROOT / "build.py"), "scrape", str(SHOP), "--plugin", str(plugin), "--native", "--index-url", f"{base}/simple/"],
            capture_output=True, text=True, env={"GLEANER_CACHE": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"},
        )
    assert done.returncode == 2
    assert done.stderr.startswith("error: markup: markupsafe 3.0.3 has no pure-Python wheel (only compiled code or a source archive)")
    assert not (tmp_path / "cache" / "packages").exists() or not any(p.name != "locks" for p in (tmp_path / "cache" / "packages").iterdir())


def test_requires_entries_must_be_bundled_names_or_exact_pins():
    base = 'NAME = "p"\nVERSION = "1"\nMATCHES = ["*://*/*"]\nREQUIRES = {}\n\ndef scrape(page):\n    return []\n'
    assert load_plugin(base.format('["price-parser==0.5.1", "bs4"]')).pins == [("price-parser", "0.5.1")]
    for entry in ("price-parser>=0.5", "price-parser[extra]==0.5.1", "price-parser == 0.5.*"):
        with pytest.raises(Exception, match="pin an exact version from the package index"):
            load_plugin(base.format(json.dumps([entry])))


def test_requirements_on_one_dependency_are_met_together_or_refused_together():
    extra = dict([
        make_wheel("dep-x", "1.0"), make_wheel("dep-x", "2.0"),
        make_wheel("pkg-a", "1.0", requires=["dep-x<2"]), make_wheel("pkg-b", "1.0", requires=["dep-x>=1"]),
        make_wheel("pkg-c", "1.0", requires=["dep-x>=2"]),
    ])
    with serve_index(extra=extra) as (base, _):
        lock = resolve(["pkg-b==1.0", "pkg-a==1.0"], urllib_fetch, f"{base}/simple/")
        with pytest.raises(PackageRefused) as refused:
            resolve(["pkg-a==1.0", "pkg-c==1.0"], urllib_fetch, f"{base}/simple/")
    assert [(w["name"], w["version"]) for w in lock] == [("dep-x", "1.0"), ("pkg-a", "1.0"), ("pkg-b", "1.0")]
    assert refused.value.message == (
        f"the scraper's packages together require dep-x<2,>=2, and the package index at {base}/simple/ has no such version of dep-x "
        "(its newest is 2.0); nothing was installed."
    )


def test_the_host_loads_a_wheels_data_purelib_folder_too(tmp_path):
    """A wheel may put its modules under NAME.data/purelib/; the browser worker unpacks it as it is."""
    import io
    import zipfile

    from gleaner.host import Host

    _, data = make_wheel("data-lib", "1.0", modules={"data_lib-1.0.data/purelib/data_lib.py": "WHERE = 'purelib'\n"})
    zipfile.ZipFile(io.BytesIO(data)).extractall(tmp_path / "abc123")
    host = Host(ROOT / "scrapers")
    host.packages_dir = str(tmp_path)
    host.set_page_json(json.dumps({"id": "p", "url": "https://example.org/", "title": "t", "kind": "html"}), "<p>x</p>")
    source = 'NAME = "d"\nVERSION = "1"\nMATCHES = ["*://*/*"]\nREQUIRES = ["data-lib==1.0"]\n\ndef scrape(page):\n    import data_lib\n    return [{"where": data_lib.WHERE}]\n'
    result = read_result_text(host.run_text("d", source, "p", None, ["abc123"]))
    assert result["records"] == [{"where": "purelib"}], result


def cli(*args, cache):
    """build.py with a package cache of the test's own and no network but the local index."""
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *map(str, args)], capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env={"GLEANER_CACHE": str(cache), "PATH": "/usr/bin:/bin"})


def test_scrapy_crawl_installs_the_same_lock_and_runs_offline_the_second_time(tmp_path, site):
    from scrapy_site.redis_server import running_redis

    crawl = ["crawl", f"{site}/price-shop.html", "--engine", "scrapy", "--plugin", PLUGIN, "--delay", "0", "--log-level", "WARNING"]
    (tmp_path / "redis").mkdir()
    with serve_index() as (base, requests), running_redis(tmp_path / "redis") as redis:
        first = cli(*crawl, "--index-url", f"{base}/simple/", cache=tmp_path)
        fetched = [path for path, _ in requests]
        # Again, with each page's run in a forked child: the packages are there too.
        isolated = cli(*crawl, "--index-url", f"{base}/simple/", "-s", "GLEANER_ISOLATE_PLUGIN=True", cache=tmp_path)
        # And as a worker sharing a real Redis.
        worker = cli(*crawl, "--index-url", f"{base}/simple/", "--redis", redis.url, "--idle", "1", cache=tmp_path)
        assert len(requests) == len(fetched)
    for done in (first, isolated, worker):
        assert done.returncode == 0, done.stderr
        assert [json.loads(line) for line in done.stdout.splitlines()] == SHOP_PRICES
    assert "crawled 1 pages: 8 records, 0 pages failed, 0 plugin errors (finished)" in first.stderr
    assert fetched == ["/simple/price-parser/", "/files/price_parser-0.5.1-py3-none-any.whl", "/simple/attrs/", "/files/attrs-26.1.0-py3-none-any.whl"]
    # The same lock, and pip's folder, as --native scrape makes; named for a Scrapy project's own `scrapy crawl`.
    [folder] = [p for p in (tmp_path / "packages").iterdir() if p.name != "locks"]
    assert f"shop-prices's packages (attrs 26.1.0, price-parser 0.5.1) are in {folder}\n" in first.stderr
    assert (folder / ".installed").read_text() == (
        f"attrs==26.1.0 --hash=sha256:{ATTRS_SHA256}\n"
        f"price-parser==0.5.1 --hash=sha256:{PRICE_PARSER_SHA256}\n"
    )


def test_scrapy_crawl_refuses_a_compiled_package_before_any_page_is_fetched(tmp_path):
    plugin = tmp_path / "markup.py"
    plugin.write_text(PLUGIN.read_text().replace("price-parser==0.5.1", "markupsafe==3.0.3").replace("shop-prices", "markup"))
    with serve_index() as (base, _):
        # The start page is on a port nothing listens on: were it fetched, the crawl would log a failed page instead.
        done = cli("crawl", "http://127.0.0.1:9/price-shop.html", "--engine", "scrapy", "--plugin", plugin, "--index-url", f"{base}/simple/",
                   cache=tmp_path / "cache")
    assert done.returncode == 2
    assert done.stderr.startswith("error: markup: markupsafe 3.0.3 has no pure-Python wheel (only compiled code or a source archive)")
    assert "crawled" not in done.stderr


def test_the_spider_in_a_scrapy_project_takes_the_installed_folder_or_says_how_to_get_it(tmp_path, monkeypatch):
    from gleaner.scrapy.spider import GleanerSpider, PluginRefused, run_with_alarm
    from gleaner_cli.native_packages import install

    start = "https://shop.example/price-shop.html"
    with pytest.raises(PluginRefused) as refused:
        GleanerSpider(plugin=str(PLUGIN), start=start)
    assert str(refused.value) == (
        "shop-prices requires price-parser==0.5.1, which is not installed: run it with 'gleaner crawl --engine scrapy', "
        "which installs them, or pass the folder that did as -a packages=FOLDER"
    )
    monkeypatch.setenv("GLEANER_CACHE", str(tmp_path))
    with serve_index() as (base, _):
        folder, _ = install(load_plugin(PLUGIN.read_text()), f"{base}/simple/")
    spider = GleanerSpider(plugin=str(PLUGIN), start=start, packages=str(folder))
    page = Page(start, SHOP.read_text())
    assert run_with_alarm(spider.plugin, page, 10, scope=spider.scope)["records"] == SHOP_PRICES


def test_build_py_test_runs_a_scrapers_tests_with_its_packages(tmp_path):
    # The example scraper with a case of its own: the saved page beside it, and the prices a person read off it.
    scraper = tmp_path / "shop_prices.py"
    scraper.write_text(PLUGIN.read_text() + f"\n\nTESTS = [\n    {{\"url\": \"https://shop.example/price-shop.html\", \"file\": \"price-shop.html\", \"records\": {SHOP_PRICES!r}}},\n]\n")
    (tmp_path / "price-shop.html").write_bytes(SHOP.read_bytes())
    wrong = tmp_path / "wrong_prices.py"
    wrong.write_text(scraper.read_text().replace("'amount': '1299.99'", "'amount': '1299.90'"))
    with serve_index() as (base, requests):
        first = cli("test", scraper, "--index-url", f"{base}/simple/", cache=tmp_path / "cache")
        fetched = len(requests)
        # A case that fails fails on its records, not on a missing import; the packages come from the cache.
        failing = cli("test", wrong, "--index-url", f"{base}/simple/", cache=tmp_path / "cache")
        assert len(requests) == fetched == 4
    assert first.returncode == 0, first.stdout + first.stderr
    assert first.stdout == "ok    shop-prices: https://shop.example/price-shop.html (8 records)\n"
    assert failing.returncode == 1
    assert "FAIL  shop-prices: https://shop.example/price-shop.html" in failing.stdout and "1299.90" in failing.stdout and "ModuleNotFoundError" not in failing.stdout


def test_build_py_test_refuses_packages_that_cannot_be_installed_with_one_sentence(tmp_path):
    scraper = tmp_path / "markup.py"
    scraper.write_text(PLUGIN.read_text().replace("price-parser==0.5.1", "markupsafe==3.0.3") + '\nTESTS = [{"html": "<li>x</li>", "records": []}]\n')
    with serve_index() as (base, _):
        done = cli("test", scraper, "--index-url", f"{base}/simple/", cache=tmp_path / "cache")
    assert done.returncode == 2
    assert done.stderr.startswith(f"error: {scraper}: markupsafe 3.0.3 has no pure-Python wheel (only compiled code or a source archive)")
