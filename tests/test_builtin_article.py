"""The article built-in on corpus pages, against their gold text."""

import json
import re
from collections import Counter

import pytest

from conftest import CORPUS, run_on_corpus


def scrape(name):
    result = run_on_corpus("article", name)
    assert result["ok"], result["error"]
    return result["records"]


def f1(predicted, gold):
    words = lambda text: Counter(re.findall(r"[^\W_]+", text.lower()))
    a, b = words(predicted), words(gold)
    common = sum((a & b).values())
    return 0.0 if not common else 2 * common / (sum(a.values()) + sum(b.values()))


def test_wsj_title_byline_date_and_paragraphs():
    [record] = scrape("news-wsj-stadia.html")
    assert record["title"] == "Google Stadia, Microsoft xCloud, Apple Arcade: So Many Ways to Play…and Pay"
    assert record["byline"] == "Sarah E. Needleman"
    assert record["published"] == "2019-11-19T13:03:00.000Z"
    assert record["text"].startswith("Gaming used to be so simple. We’d buy a game, sit down in front of a console or PC, "
                                     "grind our way to the end, then repeat.\n\nNow we spend money over and over")


def test_tiny_page_without_paragraph_scores_falls_back_to_the_body():
    assert scrape("tiny-unescape-html-entities.html") == [{"title": None, "byline": None, "published": None, "text": "Test"}]


@pytest.mark.parametrize("name", [
    "news-guardian-1.html",          # 1 MB, figures and share widgets inside the article
    "news-cnn-asian-markets.html",   # paragraphs are <div>s with text
    "news-entermedia-ko-tables.html",  # Korean, table layout, text directly in a div
    "news-thespacereview-tables.html",  # article inside a layout table cell
])
def test_text_matches_the_gold(name):
    gold = json.loads((CORPUS / "html" / name.replace(".html", ".expected.json")).read_text(encoding="utf-8"))
    expected = gold.get("article_text") or gold.get("articleBody") or gold.get("article_body")
    [record] = scrape(name)
    assert f1(record["text"], expected) > 0.9
    assert "\n\n" in record["text"]
