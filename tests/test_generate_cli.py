"""``build.py generate`` writes a scraper for a list, ``build.py test`` runs any scraper's TESTS, and the host's
JSON entry points the picker uses (list_specs_json, write_scraper_json). The pages are tests/pages/lists/;
page 2 of the shop holds other products than page 1, read off the fixture by a person."""

import json
import subprocess
import sys

import pytest

from conftest import ROOT
from gleaner.host import Host
from gleaner.plugins import load_plugin
from gleaner.page import make_page
from gleaner.runner import run_plugin

PAGES = ROOT / "tests" / "pages" / "lists"
SHOP = "https://shop.example/shoes"
SHOP_PAGE_2 = [  # (title, url, brand, price, rating)
    ("Winter Boot", "https://shop.example/p/winter-boot", "Northway", "$159.00", "4.8 stars"),
    ("Espadrille", "https://shop.example/p/espadrille", "Sahara", "$29.00", "3.7 stars"),
    ("Derby Brogue", "https://shop.example/p/derby-brogue", "Gentry", "$139.00", "4.5 stars"),
    ("Running Flat", "https://shop.example/p/running-flat", "Velocity", "$99.00", None),
    ("Clog Garden", "https://shop.example/p/clog-garden", "Puddle", "$25.00", "3.2 stars"),
]


def cli(*args):
    return subprocess.run([sys.executable, "build.py", *map(str, args)], cwd=ROOT, capture_output=True, text=True, timeout=180)


def scrape(page_file, url, *args):
    done = cli("scrape", PAGES / page_file, "--url", url, "--native", *args)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def shop_scraper(tmp_path_factory):
    path = tmp_path_factory.mktemp("generated") / "shoes.py"
    done = cli("generate", PAGES / "shop-page1.html", "--url", SHOP, "-o", path)
    assert done.returncode == 0, done.stderr
    assert "list 0 (12 items" in done.stderr
    return path


def test_the_written_scraper_passes_its_own_tests_and_the_contract(shop_scraper):
    source = shop_scraper.read_text(encoding="utf-8")
    plugin = load_plugin(source, str(shop_scraper))
    assert (plugin.name, plugin.matches, plugin.crawls) == ("shop-example-shoes", ["*://shop.example/shoes*"], True)
    assert 'page.soup.select(ITEMS)' in source and "page.follow(" in source
    done = cli("test", shop_scraper)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("ok    shop-example-shoes:")


def test_the_written_scraper_gives_the_built_ins_records(shop_scraper):
    built_in = [{k: v for k, v in r.items() if k != "list"} for r in scrape("shop-page1.html", SHOP, "--scraper", "lists")
                if r["list"] == 0]
    written = scrape("shop-page1.html", SHOP, "--plugin", shop_scraper, "--scraper", "shop-example-shoes")
    assert len(written) == 12
    assert written == built_in


def test_the_written_scraper_reads_page_2_of_the_same_list(shop_scraper):
    written = scrape("shop-page2.html", f"{SHOP}?page=2", "--plugin", shop_scraper, "--scraper", "shop-example-shoes")
    assert [(r["title"], r["url"], r["brand"], r["price"], r["rating"]) for r in written] == SHOP_PAGE_2
    assert written[0]["image"] == "https://shop.example/img/winter-boot.jpg"


def test_the_written_scraper_follows_the_next_page_and_stops_on_the_last(shop_scraper):
    plugin = load_plugin(shop_scraper.read_text(encoding="utf-8"), str(shop_scraper))
    first = run_plugin(plugin, make_page((PAGES / "shop-page1.html").read_bytes(), SHOP, "text/html"))
    last = run_plugin(plugin, make_page((PAGES / "shop-page2.html").read_bytes(), f"{SHOP}?page=2", "text/html"))
    assert first["follows"] == [{"url": "https://shop.example/shoes?page=2", "callback": "scrape", "data": {}}]
    assert (len(last["records"]), last["follows"]) == (5, [])


def test_forum_threads_scraper_skips_the_ad_row_and_follows_rel_next(tmp_path):
    path = tmp_path / "gear.py"
    done = cli("generate", PAGES / "forum.html", "--url", "https://forum.example/f/gear", "--name", "gear-threads", "-o", path)
    assert done.returncode == 0, done.stderr
    assert cli("test", path).returncode == 0
    written = scrape("forum.html", "https://forum.example/f/gear", "--plugin", path, "--scraper", "gear-threads")
    assert [r["url"] for r in written] == [f"https://forum.example/t/{n}" for n in range(101, 109)]
    plugin = load_plugin(path.read_text(encoding="utf-8"), str(path))
    result = run_plugin(plugin, make_page((PAGES / "forum.html").read_bytes(), "https://forum.example/f/gear", "text/html"))
    assert result["follows"] == [{"url": "https://forum.example/f/gear?page=2", "callback": "scrape", "data": {}}]


def test_another_list_by_number(tmp_path):
    path = tmp_path / "comments.py"
    done = cli("generate", PAGES / "article-comments.html", "--url", "https://notes.example/trips/cairngorms",
               "--list", 1, "-o", path)
    assert done.returncode == 0, done.stderr
    assert cli("test", path).returncode == 0
    built_in = [{k: v for k, v in r.items() if k != "list"}
                for r in scrape("article-comments.html", "https://notes.example/trips/cairngorms", "--scraper", "lists")
                if r["list"] == 1]
    name = load_plugin(path.read_text(encoding="utf-8"), str(path)).name
    assert scrape("article-comments.html", "https://notes.example/trips/cairngorms", "--plugin", path, "--scraper", name) == built_in


def test_a_page_without_a_list_exits_2_with_a_sentence(tmp_path):
    done = cli("generate", PAGES / "no-list.html", "--url", "https://shop.example/about", "-o", tmp_path / "x.py")
    assert done.returncode == 2
    assert done.stderr == (f"error: no list found on {PAGES / 'no-list.html'}: it has no repeated structure of three or more "
                           "items to write a scraper for\n")
    assert not (tmp_path / "x.py").exists()
    done = cli("generate", PAGES / "shop-page1.html", "--url", SHOP, "--list", 40)
    assert done.returncode == 2 and "there is no list 40" in done.stderr


def test_a_failing_case_exits_1_with_a_diff(shop_scraper, tmp_path):
    broken = tmp_path / "broken.py"
    broken.write_text(shop_scraper.read_text(encoding="utf-8").replace('"title": "City Walker"', '"title": "City Runner"'),
                      encoding="utf-8")
    done = cli("test", broken)
    assert done.returncode == 1
    assert "FAIL  shop-example-shoes:" in done.stdout
    assert '-  "title": "City Runner",' in done.stdout and '+  "title": "City Walker",' in done.stdout
    assert "0 of 1 cases passed" in done.stderr


def test_a_file_that_is_not_a_scraper_exits_2(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("NAME = 'x'\n", encoding="utf-8")
    done = cli("test", bad)
    assert done.returncode == 2 and "VERSION is missing" in done.stderr


def test_the_host_lists_specs_and_writes_a_scraper_for_the_page_it_holds():
    host = Host(ROOT / "scrapers")
    html = (PAGES / "shop-page1.html").read_text(encoding="utf-8")
    host.set_page_json(json.dumps({"id": "tab-7", "url": SHOP, "kind": "html"}), html)
    lists = json.loads(host.list_specs_json("tab-7"))
    assert lists["ok"] and lists["lists"][0]["items"] == 12 and lists["lists"][0]["index"] == 0
    spec = lists["lists"][0]["spec"]
    assert spec["next_selector"] == "a.next"
    written = json.loads(host.write_scraper_json("tab-7", json.dumps({**spec, "name": "my-shoes"})))
    assert written["ok"] and "NAME = \"my-shoes\"" in written["source"]
    refused = json.loads(host.write_scraper_json("tab-7", json.dumps({**spec, "item_selector": "li.nothing-here"})))
    assert refused == {"ok": False, "error": {
        "type": "SpecInvalid", "message": "the item selector 'li.nothing-here' finds nothing on https://shop.example/shoes",
        "user": True, "line": None, "column": None, "traceback": None}}
    wrong_page = json.loads(host.list_specs_json("tab-8"))
    assert not wrong_page["ok"] and wrong_page["error"]["type"] == "WrongPage"


def test_a_spec_without_name_or_title_is_named_from_its_url():
    # What the picker and the Lists view send: the picks, and no name or title.
    host = Host(ROOT / "scrapers")
    html = (PAGES / "shop-page1.html").read_text(encoding="utf-8")
    host.set_page_json(json.dumps({"id": "tab-7", "url": SHOP, "kind": "html"}), html)
    spec = json.loads(host.list_specs_json("tab-7"))["lists"][0]["spec"]
    picked = {"url": SHOP, **{key: spec[key] for key in ("item_selector", "fields", "next_selector")}}
    written = json.loads(host.write_scraper_json("tab-7", json.dumps(picked)))
    assert written["ok"] and written["name"] == "shop-example-shoes"
    plugin = load_plugin(written["source"], "shop-example-shoes.py")
    assert (plugin.name, plugin.metadata()["title"]) == ("shop-example-shoes", "List on shop.example")
    assert run_plugin(plugin, make_page(html, SHOP, "text/html"))["ok"]
    # A name given is kept; an empty one is a mistake, not a request for the default.
    assert json.loads(host.write_scraper_json("tab-7", json.dumps({**picked, "name": "my-shoes"})))["name"] == "my-shoes"
    empty = json.loads(host.write_scraper_json("tab-7", json.dumps({**picked, "name": " "})))
    assert empty["error"]["message"] == "the scraper spec's name is empty: leave it out for one made from the page's address, or give one"


@pytest.mark.parametrize(("url", "name"), [
    ("https://shop.example/shoes", "shop-example-shoes"),
    ("https://www.Forum.example/threads/x.123/page-5", "forum-example-threads"),
    ("https://news.example/section/world/europe/?p=2", "news-example-section-world"),
    ("http://127.0.0.1:8000/picker/page/2", "127-0-0-1-picker"),
])
def test_default_names_from_addresses(url, name):
    from gleaner.scraper_writer import default_name

    assert default_name(url) == name
