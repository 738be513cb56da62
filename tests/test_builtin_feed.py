"""The feed built-in and gleaner.feeds on real corpus feeds, with exact records."""

import codecs

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CORPUS, ROOT, run_on_corpus
from gleaner.feeds import decode_xml, parse_xml, repair_xml
from gleaner.host import load_builtins, run_plugin
from gleaner.page import Page

FEED = load_builtins(ROOT / "scrapers")["feed"]
EMPTY = {"feed_title": None, "feed_link": None, "title": None, "link": None, "id": None, "published": None,
         "updated": None, "author": None, "summary": None, "content": None, "categories": [], "enclosures": [],
         "thumbnails": [], "warnings": []}


def scrape(name, url=None):
    return run_on_corpus("feed", name, url)


def test_atom_xml_base_and_html_title():
    result = scrape("atom10-xml-base.xml")
    assert result["records"] == [{
        **EMPTY,
        "feed_title": "my cool website title",
        "title": "my cool entry title",
        # No <link>: the http(s) id stands in, as in feedparser (see tests/test_feed_repairs.py).
        "link": "https://numi.st/post/2022/travel-uke",
        "id": "https://numi.st/post/2022/travel-uke",
        "updated": "2022-04-21T00:00:00Z",
        "author": "Not Blank",
        "content": '<p><img src="IMG_1232.jpeg" /></p>',
        "warnings": ["the entry has no <link>; its <id> is an http(s) URL and is used as the link"],
    }]


def test_bare_ampersand_and_unclosed_root_are_repaired_with_a_warning():
    [record] = scrape("broken-rss-bare-ampersands.xml")["records"]
    assert record["link"] == "http://link/get?a=1&b=2"
    assert len(record["warnings"]) == 1 and "not well-formed" in record["warnings"][0]


def test_entity_declared_in_doctype_is_expanded_without_warning():
    assert scrape("rss-entity-in-doctype.xml")["records"] == [{**EMPTY, "id": "tag:example.com,2006-05-04:/blog/"}]


def test_html_entity_in_xml_becomes_its_character():
    text = decode_xml((CORPUS / "feeds" / "entity-html-hellip-undeclared.xml").read_bytes())
    document, warnings = parse_xml(text)
    assert document["rss"]["channel"]["title"] == "testing \u2026 entity"
    assert warnings and "HTML entities" in warnings[0]


@pytest.mark.parametrize(
    "name, title",
    [
        ("rss-koi8-r-no-declaration.xml", "Как пережить новогоднюю ночь"),
        ("atom-shift-jis-no-declaration.xml", "DrecomRSSに記事投稿が反映されない…"),
    ],
)
def test_undeclared_legacy_encodings_are_sniffed(name, title):
    [record] = scrape(name)["records"]
    assert record["title"] == title and record["warnings"] == []


def test_rss_relative_links_dates_and_authors():
    records = scrape("rss20-relative-urls.xml")["records"]
    assert [(r["link"], r["published"], r["author"]) for r in records] == [
        ("https://insanity.industries/post/pareto-optimal-compression/", "2021-03-02T22:39:15Z",
         "jonas@insanity.industries (Jonas Große Sundrup)"),
        ("https://insanity.industries/post/pacman-tracking-leftover-packages/", "2021-02-13T00:00:00Z",
         "jonas@insanity.industries (Jonas Große Sundrup)"),
    ]


def test_podcast_enclosures_and_an_impossible_date_offset():
    records = scrape("rss20-itunes-podcast.xml")["records"]
    assert records[0]["enclosures"] == [{
        "url": "http://example.com/podcasts/everything/AllAboutEverythingEpisode3.m4a",
        "type": "audio/x-m4a",
        "length": 8727310,
    }]
    assert records[3]["published"] is None and "not a date" in records[3]["warnings"][0]


def test_a_truncated_feed_without_items_is_a_plain_error():
    result = scrape("rss20-reuters-truncated-invalid.xml")
    assert not result["ok"] and result["error"]["user"] and "no item could be recovered" in result["error"]["message"]


def test_an_html_page_is_not_a_feed():
    result = run_plugin(FEED, Page("https://example.org/", "<html><body><p>Hi</p></body></html>", kind="feed"))
    assert not result["ok"] and "root element is <html>" in result["error"]["message"]


# --- decode_xml -----------------------------------------------------------------

def test_declared_latin1_that_is_really_utf8():
    text = decode_xml((CORPUS / "feeds" / "rss20-declared-latin1-actually-utf8.xml").read_bytes())
    assert "Ã" not in text and "ü" in text


# Texts read by a person in the corpus files (and what they say), for the feeds below.
KOI8_R_TITLE = "Как пережить новогоднюю ночь"  # "how to get through New Year's night"
KOI8_R_SUMMARY_START = "Наверное, единственное, во что сегодня можно верить безоговорочно"
SHIFT_JIS_TITLE = "DrecomRSSに記事投稿が反映されない…"  # "posts to DrecomRSS do not show up…"
SHIFT_JIS_SUMMARY_START = "色々調べてたら、MT3.2がRSS1.0をサポートしていないことが判明。"
CHINESE_TITLE = "這是一個繁體中文的句子"  # "this is a sentence in traditional Chinese"


def redeclared(name, source_encoding, encoding, bom=b""):
    """A corpus feed in another encoding, with that encoding declared (as servers in the wild do)."""
    text = (CORPUS / "feeds" / name).read_bytes().decode(source_encoding)
    return bom + f'<?xml version="1.0" encoding="{encoding}"?>\n{text}'.encode(encoding.replace("utf-16", "utf-16-le") if bom else encoding)


@pytest.mark.parametrize("data, title, summary_start", [
    pytest.param(redeclared("rss-koi8-r-no-declaration.xml", "koi8_r", "koi8-r"), KOI8_R_TITLE, KOI8_R_SUMMARY_START, id="koi8-r"),
    pytest.param(redeclared("rss-koi8-r-no-declaration.xml", "koi8_r", "windows-1251"), KOI8_R_TITLE, KOI8_R_SUMMARY_START, id="windows-1251"),
    pytest.param(redeclared("rss-koi8-r-no-declaration.xml", "koi8_r", "iso-8859-5"), KOI8_R_TITLE, KOI8_R_SUMMARY_START, id="iso-8859-5"),
    pytest.param(redeclared("rss-koi8-r-no-declaration.xml", "koi8_r", "utf-16", codecs.BOM_UTF16_LE), KOI8_R_TITLE,
                 KOI8_R_SUMMARY_START, id="utf-16le-bom"),
    pytest.param(redeclared("atom-shift-jis-no-declaration.xml", "shift_jis", "shift_jis"), SHIFT_JIS_TITLE, SHIFT_JIS_SUMMARY_START, id="shift_jis"),
    pytest.param(redeclared("atom-shift-jis-no-declaration.xml", "shift_jis", "euc-jp"), SHIFT_JIS_TITLE, SHIFT_JIS_SUMMARY_START, id="euc-jp"),
    pytest.param(redeclared("atom-shift-jis-no-declaration.xml", "shift_jis", "iso-2022-jp"), SHIFT_JIS_TITLE, SHIFT_JIS_SUMMARY_START, id="iso-2022-jp"),
    pytest.param(f'<?xml version="1.0" encoding="big5"?><rss><channel><item><title>{CHINESE_TITLE}</title>'
                 f'<description>{CHINESE_TITLE}。</description></item></channel></rss>'.encode("big5"), CHINESE_TITLE, CHINESE_TITLE, id="big5"),
    pytest.param(f'<?xml version="1.0" encoding="gbk"?><rss><channel><item><title>{CHINESE_TITLE}</title>'
                 f'<description>{CHINESE_TITLE}。</description></item></channel></rss>'.encode("gbk"), CHINESE_TITLE, CHINESE_TITLE, id="gbk"),
])
def test_declared_legacy_encodings_give_the_exact_text(data, title, summary_start):
    [record] = run_plugin(FEED, Page("https://example.org/feed.xml", decode_xml(data), kind="feed"))["records"]
    assert record["title"] == title
    assert record["summary"].startswith(summary_start)


@pytest.mark.parametrize("name, title", [
    # all three declare ISO-8859-1
    ("rss091-encoding.xml", "bash - Expansão de Parâmetros"),  # Portuguese: "bash: parameter expansion"
    ("rss20-iso-8859-1.xml", "SVART MÅNAD - DÖDSOLYCKA i Vetlanda"),  # Swedish: "black month: fatal accident"
    ("rdf-rss10-iso-8859-1.xml", "Digitalministerium: Neue Glasfaserförderung mit Schnellkasse"),
])
def test_declared_latin1_feeds_give_the_exact_first_title(name, title):
    assert scrape(name)["records"][0]["title"] == title


def test_utf16_bom_and_big5_declarations_with_ascii_bodies():
    assert "<rss>\n</rss>" in decode_xml((CORPUS / "feeds" / "utf-16le-bom.xml").read_bytes())
    assert "<rss>\n</rss>" in decode_xml((CORPUS / "feeds" / "rss-big5-declared.xml").read_bytes())


def test_http_charset_and_bomless_utf32():
    assert decode_xml("<a>é</a>".encode("cp1252"), "application/xml; charset=windows-1252") == "<a>é</a>"
    assert decode_xml('<?xml version="1.0"?><a/>'.encode("utf-32-be")) == '<?xml version="1.0"?><a/>'


@pytest.mark.parametrize("encoding, text", [
    ("euc_jp", "日本語のテキストです。ひらがなとカタカナを含みます。"),
    ("shift_jis", "日本語のテキストです。ひらがなとカタカナを含みます。"),
    ("gb18030", "这是一个简体中文的句子，我们用它来测试编码识别。"),
    ("big5", "這是一個繁體中文的句子，我們用它來測試編碼識別。"),
    ("euc_kr", "한국어 문장입니다. 인코딩 감지를 시험합니다."),
    ("cp1251", "Это предложение на русском языке для проверки."),
    ("koi8_r", "Это предложение на русском языке для проверки."),
    ("cp1252", "Ein schöner Satz über Straßen und Bäume."),
])
def test_sniffing_recovers_the_text(encoding, text):
    data = f"<rss><channel><title>{text}</title></channel></rss>".encode(encoding)
    assert text in decode_xml(data)


# --- properties: never crash, never hang ------------------------------------------

SAMPLE = (CORPUS / "feeds" / "rss20-relative-urls.xml").read_bytes()
ENCODINGS = ["utf-8", "utf-16", "utf-16-le", "utf-32", "cp1252", "koi8_r", "shift_jis", "euc_jp", "gb18030", "big5"]
FEED_LIKE = st.text(alphabet=st.sampled_from(list("<>/&;!?[]=\"' abcitemtlnkrsshannel:CDATA#x0\u00e9\u4e2d\x01")), max_size=400)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600))
def test_decode_xml_takes_any_bytes(data):
    assert isinstance(decode_xml(data), str)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200), st.sampled_from(ENCODINGS))
def test_decode_xml_round_trips_declared_text(text, encoding):
    try:
        data = f'<?xml version="1.0" encoding="{encoding}"?><a>{text}</a>'.encode(encoding)
    except UnicodeEncodeError:
        return
    if encoding.startswith(("utf-16", "utf-32")) and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE,
                                                                          codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return
    expected = f'<?xml version="1.0" encoding="{encoding}"?><a>{text}</a>'
    if data.decode(encoding).lstrip("\ufeff") != expected:
        return  # the codec itself does not carry this text both ways (Shift_JIS writes ¥ as the byte of \\)
    if encoding in ("cp1252", "koi8_r") and not data.isascii():
        try:  # documented exception: valid UTF-8 wins over a declared single-byte encoding
            expected = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    assert decode_xml(data).lstrip("\ufeff") == expected


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=0, max_value=len(SAMPLE)), st.integers(min_value=0, max_value=len(SAMPLE)), st.binary(max_size=8))
def test_feed_survives_truncation_and_mutation(cut, at, junk):
    data = SAMPLE[:cut] if cut % 2 else SAMPLE[:at] + junk + SAMPLE[at:]
    result = run_plugin(FEED, Page("https://example.org/f.xml", decode_xml(data), kind="feed"))
    assert result["ok"] or result["error"]["user"], result["error"]
    for record in result["records"]:
        assert set(record) == set(EMPTY)


@settings(max_examples=200, deadline=None)
@given(FEED_LIKE)
def test_repair_xml_output_always_parses(text):
    try:
        repaired, _ = repair_xml(text)
    except ValueError:
        return  # no element at all: reported as "not XML"
    import xmltodict

    xmltodict.parse(repaired, process_namespaces=True, namespace_separator="|")
