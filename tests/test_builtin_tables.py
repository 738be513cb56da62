"""The tables built-in on corpus pages: data tables kept row by row, layout tables skipped."""

from conftest import run_on_corpus


def scrape(name):
    result = run_on_corpus("tables", name)
    assert result["ok"], result["error"]
    return result["records"]


def test_headerless_schedule_in_a_page_with_broken_utf8():
    assert scrape("news-radiomaryja-broken-utf8.html") == [
        {"table": 0, "caption": None, "column_1": "11:45", "column_2": "Medytacja"},
        {"table": 0, "caption": None, "column_1": "12:00", "column_2": "Anioł Pański"},
        {"table": 0, "caption": None, "column_1": "12:03", "column_2": "Serwis informacyjny"},
        {"table": 0, "caption": None, "column_1": "12:10", "column_2": "Spotkania z Biblią"},
    ]


def test_header_row_keys_and_empty_cells():
    records = scrape("sport-swim-de-microdata-jsonld.html")
    assert len(records) == 8
    assert records[0] == {"table": 0, "caption": None, "Strecke": "400 m",
                          "Aufgabe": "einschwimmen, Lagen umgekehrte Reihenfolge (50 m Kombi und 50 m Gesamtschwimmart)",
                          "Pause": None}
    assert records[1]["Pause"] == "15 s"


def test_a_page_laid_out_with_tables_has_no_data_tables():
    assert scrape("news-thespacereview-tables.html") == []


def test_presentation_tables_are_skipped_and_indexes_stay_page_wide():
    records = scrape("news-ctvnews-20-tables.html")
    assert records == []  # all 20 are role="presentation" or hold other tables


def test_wikipedia_tables_keep_their_page_index_and_caption():
    records = scrape("wiki-wikipedia-2.html")
    tables = sorted({r["table"] for r in records})
    assert len(tables) == 19 and all(isinstance(i, int) for i in tables)
    assert all(set(r) >= {"table", "caption"} for r in records)
