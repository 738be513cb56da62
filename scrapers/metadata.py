"""The page's own description of itself: title, description, canonical URL, language,
OpenGraph and JSON-LD, as one record."""

import json
import re

NAME = "metadata"
TITLE = "Page metadata"
VERSION = "1.0.0"
DESCRIPTION = "One record: title, description, canonical, lang, OpenGraph (dict) and JSON-LD blocks (parsed)."
MATCHES = ["*://*/*"]
INPUT = "html"
REQUIRES = []

_CDATA = re.compile(r"^\s*(?:<!--|<!\[CDATA\[)|(?:-->|\]\]>)\s*$")


def _meta(soup, **attrs):
    tag = soup.find("meta", attrs=attrs, content=True)
    return " ".join(tag["content"].split()) if tag else None


def _json_ld(soup):
    blocks = []
    for script in soup.find_all("script", type=re.compile(r"^\s*application/ld\+json\s*$", re.I)):
        text = _CDATA.sub("", script.string or script.get_text() or "").strip()
        if not text:
            continue
        try:
            blocks.append(json.loads(text, strict=False))
        except ValueError:
            continue  # a broken block should not hide the others
    return blocks


def _opengraph(soup):
    graph = {}
    for tag in soup.find_all("meta", content=True):
        key = tag.get("property") or tag.get("name") or ""
        if key.lower().startswith("og:"):
            graph.setdefault(key[3:].lower(), " ".join(tag["content"].split()))
    return graph


def scrape(page):
    soup = page.soup
    title = soup.title.get_text(" ", strip=True) if soup.title else page.title
    canonical = soup.find("link", rel="canonical", href=True)
    html = soup.find("html")
    yield {
        "title": " ".join((title or "").split()) or None,
        "description": _meta(soup, name=re.compile("^description$", re.I)),
        "canonical": page.absolute(canonical["href"]) if canonical else None,
        "lang": (html.get("lang") or html.get("xml:lang") or "").strip() or None if html else None,
        "opengraph": _opengraph(soup),
        "json_ld": _json_ld(soup),
    }


TESTS = [
    {
        "name": "every field from a small page",
        "url": "https://example.org/post/1?ref=x",
        "html": """<!doctype html><html lang="en-GB"><head>
            <title> A   post </title>
            <meta name="Description" content="About  things.">
            <link rel="canonical" href="/post/1">
            <meta property="og:title" content="OG title"><meta property="og:type" content="article">
            <script type="application/ld+json"><!--
              {"@context": "https://schema.org", "@type": "Article", "headline": "A post"}
            --></script>
            <script type="application/ld+json">{broken</script>
        </head><body></body></html>""",
        "records": [
            {
                "title": "A post",
                "description": "About things.",
                "canonical": "https://example.org/post/1",
                "lang": "en-GB",
                "opengraph": {"title": "OG title", "type": "article"},
                "json_ld": [{"@context": "https://schema.org", "@type": "Article", "headline": "A post"}],
            }
        ],
    },
]
