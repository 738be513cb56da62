"""The CLI's --format xlsx through the browser (headless Chromium, the offscreen
document's Pyodide writes the workbook): the file opened with openpyxl, cell by
cell against the JSON records of the same run.

The CLI runs in this process, in a thread of its own (its Playwright browser
cannot share the session's thread); the browser run's records are kept as
``run_in_browser`` hands them to the CLI, so the workbook and the records come
from one scrape.
"""

import json
from concurrent.futures import ThreadPoolExecutor

import openpyxl
import pytest

from conftest import ROOT
from gleaner_cli import scrape

PLAYWRIGHT_THREAD = ThreadPoolExecutor(max_workers=1)
HARVEST = ROOT / "tests" / "pages" / "harvest.html"
URL = "https://harvest.example/prices/week.html"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def run_cli(monkeypatch, *argv):
    """The CLI's main() on argv, and the results of the browser run it wrote out."""
    runs = []
    in_browser = scrape.run_in_browser

    def keeping_the_run(args):
        results, data = in_browser(args)
        runs.append((json.loads(json.dumps(results)), data))
        return results, data

    monkeypatch.setattr(scrape, "run_in_browser", keeping_the_run)
    code = scrape.main([str(HARVEST), "--url", URL, *argv])
    [(results, exported)] = runs
    return code, results, exported


def cell(value):
    """What a spreadsheet cell holds for a record's value, as docs/exports.md describes it."""
    if value is None or value == "":
        return None  # openpyxl reads an empty text cell back as None
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def sheet_from_records(records):
    header = list(dict.fromkeys(key for record in records for key in record))
    return [header] + [[cell(record.get(key)) for key in header] for record in records]


def rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture(scope="module")
def built(extension_dir):
    return extension_dir


def test_every_scraper_in_one_workbook_made_by_the_browser(built, tmp_path, monkeypatch):
    out = tmp_path / "harvest.xlsx"
    code, results, exported = run_cli(monkeypatch, "--format", "xlsx", "-o", str(out))
    assert code == 0
    # The browser's own workbook (All as XLSX), written out as it came.
    assert exported is not None and out.read_bytes() == exported
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == [r["scraper"] for r in results] == ["article", "links", "lists", "metadata", "pagination", "tables"]
    for result in results:
        assert result["ok"], result
        if result["records"]:
            assert rows(book[result["scraper"]]) == sheet_from_records(result["records"]), result["scraper"]
        else:
            assert rows(book[result["scraper"]]) == []  # a sheet of its own, empty
    # And against literals read off the page: the addresses --url gave, numbers
    # left as the page's text, a formula neutralised.
    assert rows(book["links"]) == [
        ["url", "text", "rel"],
        ["https://harvest.example/market", "market hall", None],
        ["https://harvest.example/archive", "archive", None],
    ]
    assert rows(book["tables"]) == [
        ["table", "caption", "Crop", "Price", "Note", "Fruit", "Crates"],
        [0, "Grain", "Wheat", "212.5", "'=rising", None, None],
        [0, "Grain", "Barley", "180", "steady", None, None],
        [1, "Fruit", None, None, None, "Apples", "40"],
        [1, "Fruit", None, None, None, "Pears", "12"],
    ]
    [metadata] = rows(book["metadata"])[1:]
    header = rows(book["metadata"])[0]
    assert metadata[header.index("title")] == "Harvest prices"
    assert metadata[header.index("lang")] == "en"
    assert json.loads(metadata[header.index("json_ld")]) == []


def test_one_scraper_is_a_workbook_of_one_sheet(built, tmp_path, monkeypatch):
    out = tmp_path / "tables.xlsx"
    code, results, exported = run_cli(monkeypatch, "--scraper", "tables", "--format", "xlsx", "-o", str(out))
    assert code == 0 and out.read_bytes() == exported
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["tables"]
    [result] = results
    assert rows(book["tables"]) == sheet_from_records(result["records"])
    assert rows(book["tables"])[1] == [0, "Grain", "Wheat", "212.5", "'=rising", None, None]
