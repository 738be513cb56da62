"""Every link on the page: one record per <a href>, with its absolute URL."""

from bs4.element import NavigableString

from gleaner.tag_search import index

NAME = "links"
TITLE = "Links"
VERSION = "1.0.0"
DESCRIPTION = "One record per <a href>: absolute url, collapsed text, rel."
MATCHES = ["*://*/*"]
INPUT = "html"
REQUIRES = []

# Schemes that navigate nowhere a user could export usefully.
SKIPPED_SCHEMES = ("javascript:", "mailto:", "tel:", "data:")


def scrape(page):
    urls = {}  # href -> absolute URL: menus and footers repeat the same hrefs
    # The tree's index (gleaner/tag_search.py), not find_all("a"), which walks every node.
    for anchor in index(page.soup).named("a"):
        attrs = anchor.attrs  # anchor.get(name) is attrs.get(name), a call more per question
        href = attrs.get("href")
        if href is None:
            continue
        href = href.strip()
        if not href or href.lower().startswith(SKIPPED_SCHEMES):
            continue
        url = urls.get(href)
        if url is None:
            url = urls[href] = page.absolute(href)
        yield {
            "url": url,
            "text": _text(anchor),
            "rel": " ".join(attrs.get("rel") or []),
        }


def _text(anchor):
    """The link's text, whitespace collapsed: " ".join(anchor.get_text(" ").split())."""
    contents = anchor.contents
    if len(contents) == 1 and type(contents[0]) is NavigableString:  # most links: get_text's walk is most of their cost
        return " ".join(contents[0].split())
    return " ".join(anchor.get_text(" ").split())


TESTS = [
    {
        "name": "relative, base href and skipped schemes",
        "url": "https://example.org/news/today.html",
        "html": """<html><head><base href="/archive/"></head><body>
            <a href="2024/story.html">A  <b>story</b>
              here</a>
            <a href="https://other.example/" rel="nofollow noopener">Other</a>
            <a href="javascript:void(0)">JS</a><a href="mailto:x@example.org">Mail</a>
            <a name="anchor-without-href">no href</a>
            <a href="#top">Top</a>
        </body></html>""",
        "records": [
            {"url": "https://example.org/archive/2024/story.html", "text": "A story here", "rel": ""},
            {"url": "https://other.example/", "text": "Other", "rel": "nofollow noopener"},
            {"url": "https://example.org/archive/#top", "text": "Top", "rel": ""},
        ],
    },
]
