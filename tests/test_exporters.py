import io
import json

import openpyxl
import pytest

from gleaner.exporters import export, export_results

RECORDS = [
    {"name": "Café", "tags": ["a", "b"], "price": 3.5},
    {"name": 'Quote "me", please', "extra": {"k": None}, "ok": True},
    {"name": "line\nbreak", "price": None},
]


def test_json_is_a_utf8_array_with_non_ascii_kept():
    data = export(RECORDS, "json")
    assert data.startswith(b"[\n")
    assert "Café".encode() in data
    assert json.loads(data) == RECORDS


def test_csv_header_is_the_union_of_keys_in_first_seen_order_and_nested_values_are_json():
    assert export(RECORDS, "csv").decode("utf-8") == (
        "name,tags,price,extra,ok\r\n"
        'Café,"[""a"",""b""]",3.5,,\r\n'
        '"Quote ""me"", please",,,"{""k"":null}",true\r\n'
        '"line\nbreak",,,,\r\n'
    )


def test_csv_neutralises_formulas_unless_asked_not_to():
    records = [{"a": "=1+2", "b": "+x", "c": "-3", "d": "@SUM(A1)", "e": "\tx", "f": "plain", "g": -3}]
    assert export(records, "csv").decode() == "a,b,c,d,e,f,g\r\n'=1+2,'+x,'-3,'@SUM(A1),'\tx,plain,-3\r\n"
    assert export(records, "csv", neutralize_formulas=False).decode() == "a,b,c,d,e,f,g\r\n=1+2,+x,-3,@SUM(A1),\tx,plain,-3\r\n"


def test_empty_records_give_empty_files():
    assert export([], "csv") == b""
    assert export([], "json") == b"[]\n"


def test_unknown_format_and_unknown_options_are_refused_loudly():
    with pytest.raises(ValueError, match="unknown export format 'xls'; choose one of json, jsonl, csv, tsv, xlsx"):
        export(RECORDS, "xls")
    with pytest.raises(ValueError, match="the xlsx exporter takes no such option"):
        export(RECORDS, "xlsx", delimiter=";")


def test_several_scrapers_in_one_file():
    results = [
        {"scraper": "a", "ok": True, "records": [{"x": 1}]},
        {"scraper": "b", "ok": False, "records": [], "error": {"type": "ValueError", "message": "bad"}},
    ]
    assert json.loads(export_results(results, "json")) == {"a": [{"x": 1}], "b": {"error": {"type": "ValueError", "message": "bad"}}}
    assert export_results(results, "csv") == b"scraper,x\r\na,1\r\n"


def test_jsonl_is_one_compact_record_per_line():
    assert export(RECORDS, "jsonl").decode("utf-8") == (
        '{"name":"Café","tags":["a","b"],"price":3.5}\n'
        '{"name":"Quote \\"me\\", please","extra":{"k":null},"ok":true}\n'
        '{"name":"line\\nbreak","price":null}\n'
    )
    assert export([], "jsonl") == b""
    assert export_results([{"scraper": "a", "ok": True, "records": [{"x": 1}]}], "jsonl") == b'{"scraper":"a","x":1}\n'


def test_tsv_is_what_a_spreadsheet_pastes_as_rows_and_columns():
    records = [{"a": "x", "b": 2}, {"a": "tab\there", "b": "=1+2"}, {"a": "two\nlines", "c": True}]
    assert export(records, "tsv").decode() == 'a\tb\tc\r\nx\t2\t\r\n"tab\there"\t\'=1+2\t\r\n"two\nlines"\t\ttrue\r\n'


def workbook(data):
    return openpyxl.load_workbook(io.BytesIO(data))


def rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_xlsx_keeps_numbers_as_numbers_and_everything_else_as_text():
    records = [
        {"name": "Café", "price": 3.5, "stock": 12, "on_sale": True, "tags": ["a", "b"], "note": None},
        {"name": "#N/A", "price": 10**20, "stock": -7, "on_sale": False, "extra": {"k": 1}, "note": "=SUM(A1)"},
        {"name": "2026-01-01", "price": float("inf"), "stock": 0, "note": "bell\x07here"},
    ]
    book = workbook(export(records, "xlsx", sheet_name="shop"))
    assert book.sheetnames == ["shop"]
    sheet = book["shop"]
    assert rows(sheet) == [
        ["name", "price", "stock", "on_sale", "tags", "note", "extra"],
        ["Café", 3.5, 12, True, '["a","b"]', None, None],
        ["#N/A", "100000000000000000000", -7, False, None, "'=SUM(A1)", '{"k":1}'],
        ["2026-01-01", "inf", 0, None, None, "bell\ufffdhere", None],
    ]
    # Types as stored in the file: numbers, booleans, and text (never a formula or an error).
    assert [cell.data_type for cell in sheet[2]] == ["s", "n", "n", "b", "s", "n", "n"]
    assert [cell.data_type for cell in sheet[3][:3]] == ["s", "s", "n"]
    assert sheet["F3"].data_type == "s"


def test_xlsx_formula_neutralisation_can_be_turned_off_but_text_stays_text():
    sheet = workbook(export([{"a": "=1+2", "b": "+x", "c": "@SUM(A1)"}], "xlsx", neutralize_formulas=False)).active
    assert rows(sheet) == [["a", "b", "c"], ["=1+2", "+x", "@SUM(A1)"]]
    assert sheet["A2"].data_type == "s"


def test_xlsx_splits_rows_past_a_sheets_limit_onto_more_sheets():
    records = [{"n": i, "s": f"row {i}"} for i in range(7)]
    book = workbook(export(records, "xlsx", sheet_name="links", max_rows=3))
    assert book.sheetnames == ["links", "links (2)", "links (3)", "links (4)", "Notes"]
    assert rows(book["links"]) == [["n", "s"], [0, "row 0"], [1, "row 1"]]
    assert rows(book["links (2)"]) == [["n", "s"], [2, "row 2"], [3, "row 3"]]
    assert rows(book["links (4)"]) == [["n", "s"], [6, "row 6"]]
    assert rows(book["Notes"]) == [
        ["Note"],
        ["links: 7 records are more than one sheet's 3 rows hold with its header, so they continue on the sheets links (2), links (3), links (4)."],
    ]


def test_xlsx_at_exactly_a_sheets_limit_needs_no_second_sheet():
    book = workbook(export([{"n": 1}, {"n": 2}], "xlsx", max_rows=3))
    assert book.sheetnames == ["records"]


def test_xlsx_cuts_text_past_a_cells_limit_and_says_where():
    long = "ab" * 20_000  # 40,000 characters
    book = workbook(export([{"id": 1, "body": "short"}, {"id": 2, "body": long}], "xlsx", sheet_name="article"))
    assert book.sheetnames == ["article", "Notes"]
    cut = book["article"]["B3"].value
    assert len(cut) == 32_767 and cut == long[:32_766] + "…"
    assert rows(book["Notes"])[1] == ["article!B3: the text had 40,000 characters; a cell holds 32,767, so it was cut there (ending in …)."]


def test_xlsx_has_a_sheet_per_scraper_and_notes_a_failed_one():
    results = [
        {"scraper": "links", "ok": True, "records": [{"url": "https://example.org/"}]},
        {"scraper": "broken", "ok": False, "records": [], "error": {"type": "ValueError", "message": "bad input"}},
        {"scraper": "tables", "ok": True, "records": []},
        {"scraper": "Links", "ok": True, "records": [{"x": 1}]},
        {"scraper": "a/b:c*d?[e]" + "x" * 40, "ok": True, "records": [{"y": 2}]},
        {"scraper": "history", "ok": True, "records": [{"z": 3}]},
    ]
    book = workbook(export_results(results, "xlsx"))
    # Excel's rules: names unique ignoring case, at most 31 characters, none of \\ / ? * [ ] :, "History" reserved.
    assert book.sheetnames == ["links", "tables", "Links (2)", "a_b_c_d__e_xxxxxxxxxxxxxxxxxxxx", "history (2)", "Notes"]
    assert rows(book["links"]) == [["url"], ["https://example.org/"]]
    assert rows(book["tables"]) == []
    assert rows(book["Notes"]) == [["Note"], ["broken failed: bad input"]]


def test_xlsx_of_no_records_is_still_a_workbook():
    book = workbook(export([], "xlsx"))
    assert book.sheetnames == ["records"] and rows(book.active) == []
