"""The page's own description of itself, as one record.

Title, description, canonical URL, language, author and dates come from the
first source that has them (plain <meta> tags, then OpenGraph, then JSON-LD,
then microdata). OpenGraph and Twitter cards are dicts of their first values,
JSON-LD is the list of parsed blocks, microdata the list of top-level items
in the shape of the W3C "microdata to JSON" algorithm, and feeds the page's
<link rel="alternate"> feeds.
"""

import re

from gleaner import json_ld as json_ld_blocks
from gleaner.tag_search import attribute_matches, first, index

NAME = "metadata"
TITLE = "Page metadata"
VERSION = "1.1.0"
DESCRIPTION = ("One record: title, description, canonical, lang, author, published/modified, OpenGraph, "
               "Twitter cards, JSON-LD, microdata and feed links.")
MATCHES = ["*://*/*"]
INPUT = "html"
REQUIRES = []

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json",
              "application/rss", "text/xml", "application/xml")


def scrape(page):
    soup = page.soup
    tags = index(soup)  # every element, by name and by attribute; see first()
    metas = [tag for tag in tags.named("meta") if tag.get("content") is not None]
    links = [tag for tag in tags.named("link") if tag.get("href") is not None]
    with_itemprop = tags.with_attribute("itemprop")
    head_title = (soup.head.title if soup.head else None) or soup.title
    opengraph = _properties(metas, "og:")
    twitter = _properties(metas, "twitter:")
    json_ld = json_ld_blocks.blocks(tags.named("script"))
    microdata = _microdata(tags.with_attribute("itemscope"), soup, page)
    article = json_ld_blocks.main_item(json_ld)
    canonical = first(links, lambda link: attribute_matches(link.get("rel"), "canonical".__eq__))
    root = first(tags.named("html"), bool)
    yield {
        "title": _collapse(head_title.get_text(" ") if head_title else page.title) or opengraph.get("title"),
        "description": _meta(metas, "description") or opengraph.get("description") or twitter.get("description"),
        "canonical": _absolute(page, canonical["href"]) if canonical else None,
        "lang": (root.get("lang") or root.get("xml:lang") or "").strip() or None if root else None,
        "author": _meta(metas, "author", "byl", "dc.creator", "dcterms.creator", "parsely-author", "sailthru.author")
        or json_ld_blocks.person_names(article.get("author"))
        or _not_a_url(_meta(metas, "article:author"))
        or _itemprop_text(with_itemprop, "author"),
        "published": _meta(metas, "article:published_time", "datePublished", "pubdate", "publishdate", "date",
                           "dc.date", "dc.date.issued", "dcterms.created", "parsely-pub-date", "sailthru.date")
        or _string(article.get("datePublished"))
        or _itemprop_text(with_itemprop, "datePublished")
        or _time_pubdate(tags.named("time")),
        "modified": _meta(metas, "article:modified_time", "og:updated_time", "dateModified", "last-modified",
                          "dcterms.modified")
        or _string(article.get("dateModified"))
        or _itemprop_text(with_itemprop, "dateModified"),
        "opengraph": opengraph,
        "twitter": twitter,
        "json_ld": json_ld,
        "microdata": microdata,
        "feeds": _feeds(links, page),
    }


def _absolute(page, href):
    """page.absolute, keeping a malformed URL (say "http://[x") as written."""
    try:
        return page.absolute(href)
    except ValueError:
        return href


def _collapse(text):
    return " ".join((text or "").split()) or None


def _meta(metas, *names):
    """The first <meta name|property|itemprop=NAME content> among ``names``, case-insensitively."""
    wanted = [n.lower() for n in names]
    found = {}
    for tag in metas:
        for attribute in ("name", "property", "itemprop"):
            key = (tag.get(attribute) or "").strip().lower()
            if key in wanted and key not in found and tag["content"].strip():
                found[key] = _collapse(tag["content"])
    return next((found[n] for n in wanted if n in found), None)


def _properties(metas, prefix):
    """OpenGraph or Twitter meta tags as a dict, keyed without the prefix; the first value wins."""
    values = {}
    for tag in metas:
        # RDFa lets one tag carry several properties: property="dc:description og:description"
        for key in (tag.get("property") or tag.get("name") or "").split():
            if key.lower().startswith(prefix):
                values.setdefault(key[len(prefix):].lower(), _collapse(tag["content"]) or "")
    return values


def _string(value):
    return _collapse(value) if isinstance(value, str) else None


def _not_a_url(value):
    return None if not value or re.match(r"https?://", value) else value


def _itemprop_text(with_itemprop, name):
    pattern = re.compile(rf"(^|\s){name}(\s|$)")
    tag = first(with_itemprop, lambda tag: attribute_matches(tag["itemprop"], pattern.search))
    if tag is None:
        return None
    if tag.get("itemscope") is not None:
        inner = tag.find(attrs={"itemprop": re.compile(r"(^|\s)name(\s|$)")})
        tag = inner or tag
    return _collapse(tag.get("content") or tag.get("datetime") or tag.get_text(" "))


def _time_pubdate(times):
    tag = first(times, lambda tag: tag.get("pubdate") is not None)
    return _collapse(tag.get("datetime") or tag.get_text(" ")) if tag else None


def _feeds(links, page):
    feeds = []
    for link in links:
        rel = [r.lower() for r in link.get("rel") or []]
        kind = (link.get("type") or "").strip().lower()
        if "alternate" in rel and kind in FEED_TYPES:
            url = _absolute(page, link["href"])
            if url not in [f["url"] for f in feeds]:
                feeds.append({"url": url, "type": kind, "title": _collapse(link.get("title"))})
    return feeds


# --- microdata (WHATWG HTML, "microdata"; JSON shape of the W3C note) ---------

URL_ATTRIBUTES = {"a": "href", "area": "href", "link": "href", "audio": "src", "embed": "src", "iframe": "src",
                  "img": "src", "source": "src", "track": "src", "video": "src", "object": "data"}


def _microdata(scopes, soup, page):
    """Top-level items: every itemscope (``scopes``, in document order) that is not already a property of another item."""
    seen = set()
    items = []
    for element in scopes:
        if id(element) not in seen:
            items.append(_item(element, soup, page, seen, ()))
    return items


def _item(element, soup, page, seen, path):
    seen.add(id(element))
    item = {}
    types = (element.get("itemtype") or "").split()
    if types:
        item["type"] = types[0] if len(types) == 1 else types
    if element.get("itemid"):
        item["id"] = element["itemid"].strip()
    properties = {}
    roots = [element]
    for ref in (element.get("itemref") or "").split():
        target = soup.find(id=ref)
        if target is not None:
            roots.append(target)
    for root, include_self in [(element, False)] + [(r, True) for r in roots[1:]]:
        for prop in _property_elements(root, include_self):
            if id(prop) in path:  # an item that refers back to itself would never end
                continue
            value = _value(prop, soup, page, seen, path + (id(element),))
            for name in prop["itemprop"].split():
                properties.setdefault(name, []).append(value)
    item["properties"] = {k: v[0] if len(v) == 1 else v for k, v in properties.items()}
    return item


def _property_elements(root, include_self):
    """Elements with itemprop that belong to ``root``'s item: stop at nested itemscopes."""
    if include_self and root.get("itemprop") is not None:
        yield root
        if root.get("itemscope") is not None:
            return
    stack = list(reversed([c for c in root.children if getattr(c, "name", None)]))
    while stack:
        node = stack.pop()
        if node.get("itemprop") is not None:
            yield node
        if node.get("itemscope") is None:
            stack.extend(reversed([c for c in node.children if getattr(c, "name", None)]))


def _value(element, soup, page, seen, path):
    if element.get("itemscope") is not None:
        return _item(element, soup, page, seen, path)
    name = element.name
    if name == "meta":
        return (element.get("content") or "").strip()
    if name in URL_ATTRIBUTES:
        return _absolute(page, element.get(URL_ATTRIBUTES[name]) or "")
    if name in ("data", "meter"):
        return (element.get("value") or "").strip()
    if name == "time" and element.get("datetime"):
        return element["datetime"].strip()
    if element.get("content"):  # not in the standard, but search engines read it and pages use it
        return element["content"].strip()
    return _collapse(" ".join(s for s in element.find_all(string=True) if s.parent.name not in ("script", "style"))) or ""


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
        "expect": [
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
    {
        "name": "author and dates from JSON-LD (comments, CDATA, @graph), Twitter card, feed link",
        "url": "https://example.org/a",
        "html": """<html><head><title>T</title>
            <meta name="twitter:card" content="summary"><meta name="twitter:site" content="@ex">
            <link rel="alternate" type="application/rss+xml" title="News" href="/rss">
            <script type="application/ld+json">//<![CDATA[
              {"@context": "https://schema.org", "@graph": [{"@type": "NewsArticle", // the story
                "author": [{"@type": "Person", "name": "Ann"}], "datePublished": "2024-05-01T10:00:00Z",}]}
            //]]></script></head><body></body></html>""",
        "expect": [
            {
                "author": "Ann",
                "published": "2024-05-01T10:00:00Z",
                "twitter": {"card": "summary", "site": "@ex"},
                "feeds": [{"url": "https://example.org/rss", "type": "application/rss+xml", "title": "News"}],
                "json_ld": "count:1",
            }
        ],
    },
    {
        "name": "microdata: nested item, itemref, value rules",
        "url": "https://shop.example/p",
        "html": """<div itemscope itemtype="https://schema.org/Product" itemref="extra">
              <span itemprop="name">Lamp</span><img itemprop="image" src="/l.jpg">
              <div itemprop="offers" itemscope itemtype="https://schema.org/Offer">
                <meta itemprop="priceCurrency" content="EUR"><data itemprop="price" value="9.5">9,50</data>
                <time itemprop="validFrom" datetime="2024-01-01">New Year</time></div></div>
            <p id="extra"><a itemprop="url" href="lamp">more</a></p>""",
        "expect": [
            {
                "microdata": [
                    {
                        "type": "https://schema.org/Product",
                        "properties": {
                            "name": "Lamp",
                            "image": "https://shop.example/l.jpg",
                            "offers": {
                                "type": "https://schema.org/Offer",
                                "properties": {"priceCurrency": "EUR", "price": "9.5", "validFrom": "2024-01-01"},
                            },
                            "url": "https://shop.example/lamp",
                        },
                    }
                ]
            }
        ],
    },
]
