import json

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


def test_unknown_format_is_refused_loudly():
    with pytest.raises(ValueError, match="unknown export format 'xlsx'"):
        export(RECORDS, "xlsx")


def test_several_scrapers_in_one_file():
    results = [
        {"scraper": "a", "ok": True, "records": [{"x": 1}]},
        {"scraper": "b", "ok": False, "records": [], "error": {"type": "ValueError", "message": "bad"}},
    ]
    assert json.loads(export_results(results, "json")) == {"a": [{"x": 1}], "b": {"error": {"type": "ValueError", "message": "bad"}}}
    assert export_results(results, "csv") == b"scraper,x\r\na,1\r\n"
