"""The CLI's --format xlsx|jsonl, natively (the browser's exports are tested in test_everyday_chromium.py)."""

import subprocess
import sys

import openpyxl

from conftest import ROOT

HARVEST = ROOT / "tests" / "pages" / "harvest.html"


def scrape(*args):
    return subprocess.run([sys.executable, "build.py", "scrape", str(HARVEST), "--native", *args], cwd=ROOT, capture_output=True, timeout=120)


def test_xlsx_has_a_sheet_per_scraper(tmp_path):
    out = tmp_path / "harvest.xlsx"
    done = scrape("--format", "xlsx", "-o", str(out))
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["article", "links", "lists", "metadata", "pagination", "tables"]
    assert [list(row) for row in book["tables"].iter_rows(values_only=True)] == [
        ["table", "caption", "Crop", "Price", "Note", "Fruit", "Crates"],
        [0, "Grain", "Wheat", "212.5", "'=rising", None, None],
        [0, "Grain", "Barley", "180", "steady", None, None],
        [1, "Fruit", None, None, None, "Apples", "40"],
        [1, "Fruit", None, None, None, "Pears", "12"],
    ]


def test_jsonl_of_one_scraper_is_a_record_per_line():
    done = scrape("--scraper", "links", "--format", "jsonl")
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode("utf-8") == (
        '{"url":"file:///market","text":"market hall","rel":""}\n'
        '{"url":"file:///archive","text":"archive","rel":""}\n'
    )
