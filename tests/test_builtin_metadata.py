"""The metadata built-in on corpus pages, with exact values."""

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, run_on_corpus
from gleaner.host import load_builtins, run_plugin
from gleaner.page import Page

METADATA = load_builtins(ROOT / "scrapers")["metadata"]
KEYS = {"title", "description", "canonical", "lang", "author", "published", "modified", "opengraph", "twitter",
        "json_ld", "microdata", "feeds"}


def scrape(name, url=None):
    result = run_on_corpus("metadata", name, url)
    assert result["ok"], result["error"]
    [record] = result["records"]
    return record


def test_json_ld_with_javascript_comments():
    assert scrape("structured-jsonld-with-js-comment.html")["json_ld"] == [{
        "@context": "http://schema.org",
        "@type": "NewsArticle",
        "thumbnailUrl": "https://uc.udn.com.tw/photo/2019/11/11/99/7053890.jpg",
        "keywords": "",
        "url": "https://money.udn.com/money/story/5635/4158094",
        "mainEntityOfPage": "https://money.udn.com/money/story/5635/4158094",
        "headline": "讓AI挑出感興趣 SparkAmplify精準行銷當紅",
        "articleSection": "商情",
    }]


def test_opengraph_dates_and_description():
    record = scrape("structured-opengraph-basic.html")
    assert record["opengraph"] == {
        "title": "Himanshu's Open Graph Protocol",
        "type": "article",
        "url": "https://www.eventeducation.com/test.php",
        "image": "https://www.eventeducation.com/images/982336_wedding_dayandouan_th.jpg",
        "site_name": "Event Education",
        "description": "Event Education provides free courses on event planning and management to event professionals worldwide.",
    }
    assert (record["published"], record["modified"]) == ("2012-04-04T19:50:00-07:00", "2016-12-13T12:35:52-07:00")


def test_feed_links_and_twitter_card():
    record = scrape("news-heise-feed-links.html", "https://www.heise.de/")
    assert record["feeds"] == [
        {"url": "https://www.heise.de/rss/heise-atom.xml", "type": "application/atom+xml", "title": "Aktuelle News von heise online"},
        {"url": "https://www.heise.de/rss/heise.rdf", "type": "application/rss+xml",
         "title": "Aktuelle News von heise online (für ältere RSS-Reader)"},
    ]
    assert record["twitter"] == {"card": "summary", "site": "@heiseonline", "domain": "heise.de"}
    assert record["lang"] == "de"


def test_rdfa_style_multiple_properties_and_escaped_entities_stay_literal():
    record = scrape("tiny-unescape-html-entities.html")
    assert record["opengraph"] == {"description": "&#xg; &#x1F62D; &#128557; &#xFFFFFFFF; &#x0;"}


def test_nested_microdata_items():
    [group] = scrape("structured-schemaorg-event-microdata.html")["microdata"][:1]
    assert group["type"] == "http://schema.org/MusicGroup"
    assert group["properties"]["video"]["properties"]["duration"] == "T1M33S"
    assert [t["properties"]["name"] for t in group["properties"]["track"]] == ["Rope", "Everlong"]


HTML_BITS = st.sampled_from([
    "<html>", "<head>", "<title>", "</title>", "<meta property='og:title' content='x'>", "<meta name=author content=A>",
    '<script type="application/ld+json">', "</script>", '{"@type": "Article", "author": {"name": "B"}', "}", ",",
    "<!--", "-->", "<![CDATA[", "]]>", "&quot;", "<div itemscope itemtype='t'>", "<span itemprop='name'>", "</span>",
    "</div>", "<link rel=alternate type='application/rss+xml' href='http://[bad'>", "<a itemprop=url href='/x'>", "é",
    "<table><tr><td>", "text", "<p>", " ",
])


@settings(max_examples=150, deadline=None)
@given(st.lists(HTML_BITS, max_size=40), st.integers(min_value=0, max_value=400))
def test_metadata_never_crashes_on_mangled_markup(bits, cut):
    html = "".join(bits)
    html = html[:cut] if cut < len(html) else html
    result = run_plugin(METADATA, Page("https://example.org/p", html))
    assert result["ok"], result["error"]
    assert set(result["records"][0]) == KEYS
