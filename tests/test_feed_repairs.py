"""Two repairs the feed built-in shares with feedparser: an Atom entry's http(s) id as its link,
and text that was UTF-8 encoded twice. The fixtures are small feeds in tests/pages/feeds; the
expected values are the titles as a person reads them."""

import pytest

from conftest import ROOT
from gleaner.feeds import repair_double_utf8
from gleaner.host import load_builtins, run_plugin
from gleaner.page import make_page

FEEDS = ROOT / "tests" / "pages" / "feeds"
FEED = load_builtins(ROOT / "scrapers")["feed"]
ID_AS_LINK = "the entry has no <link>; its <id> is an http(s) URL and is used as the link"
ENCODED_TWICE = "the feed's text was UTF-8 encoded twice (mojibake such as 'Ã©' for 'é'); decoded it once more"


def records(name):
    data = (FEEDS / name).read_bytes()
    result = run_plugin(FEED, make_page(data, f"https://example.org/{name}", "application/xml"))
    assert result["ok"], result["error"]
    return result["records"]


def test_an_http_id_is_the_link_of_an_entry_without_one():
    assert [(r["title"], r["link"], r["warnings"]) for r in records("atom-entries-without-link.xml")] == [
        ("An http id and no link", "https://notes.example/2024/first", [ID_AS_LINK]),
        ("A tag id and no link", None, []),  # a tag: URI names the entry but is no address
        ("A link of its own", "https://notes.example/third.html", []),
    ]


def test_text_encoded_twice_is_decoded_once_more():
    found = records("rss-utf8-encoded-twice.xml")
    assert [r["title"] for r in found] == [
        "Café crème brûlée",
        "Größe: 10 €",
        "Ação rápida em São Paulo",
        "Álvaro’s “quoted” notes",  # "Á" is C3 81, and 81 is one of the five bytes windows-1252 leaves undefined
    ]
    assert all(r["warnings"] == [ENCODED_TWICE] for r in found)
    assert found[0]["feed_title"] == "Mojibake news"


def test_genuine_a_tilde_and_copyright_sign_stay():
    [record] = records("rss-genuine-a-tilde.xml")
    assert record["title"] == 'Por que "Ã©" aparece no lugar de "é" em São Paulo?'
    assert record["feed_title"] == "Dicas de codificação"
    assert record["warnings"] == []


def test_latin_1_feed_is_read_as_declared_and_left_alone():
    [record] = records("rss-latin-1.xml")
    assert (record["feed_title"], record["title"], record["warnings"]) == ("Café du matin", "Café au lait à Noël, déjà", [])


@pytest.mark.parametrize("text, expected", [
    ("CafÃ© crÃ¨me", ("Café crème", True)),
    ("naÃ¯ve â€” yes", ("naïve — yes", True)),
    ("Café crème", ("Café crème", False)),  # é then a space is no UTF-8 sequence
    ("Señor Ã©", ("Señor Ã©", False)),  # one genuine letter keeps the whole text as it is
    ("日本語 Ã©", ("日本語 Ã©", False)),  # beyond windows-1252 and latin-1: no single bytes to go back to
    ("plain ASCII", ("plain ASCII", False)),
])
def test_repair_applies_only_when_the_whole_text_round_trips(text, expected):
    assert repair_double_utf8(text) == expected
