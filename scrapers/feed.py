"""Feed items: one record per RSS item or Atom entry.

Reads RSS 0.90 to 2.0, RSS 1.0 (RDF), Atom 0.3 and 1.0 (and the old CDF
format) with xmltodict. The core elements of every version arrive under the
same bare names ("title", "link", "item", "entry"); extensions keep a short
prefix ("dc|creator", "media|thumbnail", "content|encoded").

A feed that is not well-formed XML (bare "&", HTML entities, an unfinished
CDATA section, a truncated file, an undeclared prefix, control characters)
is repaired by gleaner.feeds.parse_xml and parsed again; every record then
carries the reasons in ``warnings`` (a broken feed with no item left is an
error instead). Text that is not a feed at all is an error, said in a
sentence.
"""

import base64
import binascii
import html
import re

from gleaner.dates import to_utc_iso
from gleaner.errors import GleanerError
from gleaner.urls import join
from gleaner.feeds import FeedSyntaxError, parse_xml

NAME = "feed"
TITLE = "Feed items"
VERSION = "1.0.0"
DESCRIPTION = "One record per RSS/RDF/Atom item: title, link, id, dates (UTC), author, summary, content, media."
MATCHES = ["*://*/*", "file:///*"]
INPUT = "feed"
REQUIRES = ["xmltodict"]

FIELDS = ("feed_title", "feed_link", "title", "link", "id", "published", "updated", "author",
          "summary", "content", "categories", "enclosures", "thumbnails", "warnings")


def scrape(page):
    try:
        document, warnings = parse_xml(page.xml)
    except FeedSyntaxError as exc:
        raise GleanerError(f"This is not a feed that can be read: {exc}.") from None
    root_name, root = next(iter(document.items()))
    root = root if isinstance(root, dict) else {}
    base = _join(page.url, _attr(root, "xml|base") or "")
    if root_name.lower() == "channel":  # CDF writes its element names in capitals
        root_name, root = "rss", _lowercase_keys(root)
        root = {"channel": root}
    if root_name == "feed":
        feed = root
        items = [(entry, _atom_entry) for entry in _list(root.get("entry"))]
        feed_title = _content_text(root.get("title"))
        feed_link = _atom_link(root, base)
        feed_author = _atom_authors(root)
    elif root_name in ("rss", "rdf|RDF"):
        feed = _first(root.get("channel")) or {}
        # RSS 1.0 and 0.90 put items beside the channel, RSS 2.0 inside it.
        found = _list(feed.get("item")) + _list(root.get("item"))
        items = [(item, _rss_item) for item in found]
        feed_title = _collapse(_text(feed.get("title")) or _text(feed.get("dc|title")))
        base = _join(base, _attr(feed, "xml|base") or "")
        feed_link = _absolute(base, _text(_first(feed.get("link"))) or _atom_link(feed, base))
        feed_author = _collapse(_text(feed.get("managingEditor")) or _text(feed.get("dc|creator")))
    else:
        raise GleanerError(f"This is not an RSS, RDF or Atom feed: its root element is <{root_name}>.")
    # Relative item links resolve against the site the feed names, else the feed's own URL.
    item_base = _join(page.url, feed_link) if feed_link and base == page.url else base
    feed_info = {"feed_title": feed_title or None, "feed_link": feed_link or None, "feed_author": feed_author}
    if warnings and not items:  # otherwise the warnings would reach no one
        raise GleanerError("This feed is broken and no item could be recovered from it: " + "; ".join(warnings))
    for item, read in items:
        if not isinstance(item, dict):
            item = {"#text": item} if item else {}
        record = read(item, item_base, feed_info)
        record["warnings"] = warnings + record.pop("_warnings", [])
        yield {key: record.get(key) for key in FIELDS}


def _rss_item(item, base, feed):
    base = _join(base, _attr(item, "xml|base") or "")
    guid = _first(item.get("guid"))
    guid_text = _collapse(_text(guid))
    link = _collapse(_text(_first(item.get("link")))) or _atom_link(item, base) or _attr(item, "href")
    permalink = (_attr(guid, "isPermaLink") or "true").lower() != "false"
    if not link and guid_text and permalink and re.match(r"https?://", guid_text):
        link = guid_text  # RSS 2.0: a permalink guid is the item's URL
    published, updated, warnings = _dates(item, ("pubDate", "dc|date", "dcterms|issued", "dcterms|created"),
                                          ("atom|updated", "dcterms|modified"))
    authors = [_collapse(_text(a)) for key in ("author", "dc|creator", "itunes|author") for a in _list(item.get(key))]
    return {
        **feed,
        "title": _collapse(_text(item.get("title")) or _text(item.get("dc|title"))) or None,
        "link": _absolute(base, link),
        "id": guid_text or _attr(item, "rdf|about") or None,
        "published": published,
        "updated": updated,
        "author": ", ".join(_unique(a for a in authors if a)) or feed["feed_author"] or None,
        "summary": _text(_first(item.get("description"))) or _text(item.get("dc|description")) or None,
        "content": _text(_first(item.get("content|encoded"))) or None,
        "categories": _unique(_collapse(_text(c)) for key in ("category", "dc|subject") for c in _list(item.get(key))),
        "enclosures": _enclosures(item, base),
        "thumbnails": _thumbnails(item, base),
        "_warnings": warnings,
    }


def _atom_entry(entry, base, feed):
    base = _join(base, _attr(entry, "xml|base") or "")
    published, updated, warnings = _dates(entry, ("published", "issued", "created", "dc|date"), ("updated", "modified"))
    content = entry.get("content")
    entry_id = _collapse(_text(entry.get("id"))) or None
    link = _atom_link(entry, base)
    if not link and entry_id and re.match(r"https?://", entry_id, re.I):
        # An Atom id is a name, not an address (RFC 4287 4.2.6), but feedparser and
        # feed readers open an http(s) id when there is no link: so do we, saying so.
        link = entry_id
        warnings.append("the entry has no <link>; its <id> is an http(s) URL and is used as the link")
    return {
        **feed,
        "title": _content_text(entry.get("title")) or None,
        "link": link,
        "id": entry_id,
        "published": published,
        "updated": updated,
        "author": _atom_authors(entry) or _atom_authors(entry.get("source") or {}) or feed["feed_author"] or None,
        "summary": _content_body(entry.get("summary")) or None,
        "content": _content_body(content) or None,
        "categories": _unique(_attr(c, "term") or _attr(c, "label") or _collapse(_text(c)) for c in _list(entry.get("category"))),
        "enclosures": _enclosures(entry, base),
        "thumbnails": _thumbnails(entry, base),
        "_warnings": warnings,
    }


def _dates(node, published_keys, updated_keys):
    """First parseable date of each kind; unparseable ones become warnings, not guesses."""
    found, warnings = [], []
    for keys in (published_keys, updated_keys):
        value = None
        for key in keys:
            raw = _collapse(_text(_first(node.get(key))))
            if raw:
                value = to_utc_iso(raw)
                if value:
                    break
                warnings.append(f"{key.split('|')[-1]} {raw!r} is not a date this scraper can read")
        found.append(value)
    return found[0], found[1], warnings


def _atom_link(node, base):
    """The rel="alternate" link (rel defaults to it), preferring HTML."""
    candidates = []
    for key in ("link", "atom|link"):
        for link in _list(node.get(key)):
            if isinstance(link, dict) and _attr(link, "href") and (_attr(link, "rel") or "alternate") == "alternate":
                candidates.append(link)
    if not candidates:
        return None
    html_links = [c for c in candidates if (_attr(c, "type") or "text/html") in ("text/html", "application/xhtml+xml")]
    link = (html_links or candidates)[0]
    return _absolute(_join(base, _attr(link, "xml|base") or ""), _attr(link, "href"))


def _atom_authors(node):
    names = []
    for author in _list(node.get("author")) + _list(node.get("dc|creator")):
        if isinstance(author, dict):
            names.append(_collapse(_text(author.get("name")) or _text(author.get("email")) or _text(author)))
        else:
            names.append(_collapse(_text(author)))
    return ", ".join(_unique(n for n in names if n))


def _content_body(node):
    """An Atom text construct as a string: HTML stays HTML, base64 (Atom 0.3) is decoded."""
    if node is None:
        return ""
    text = _text(node)
    if (_attr(node, "mode") or "").lower() == "base64":
        try:
            text = base64.b64decode("".join(text.split())).decode("utf-8", "replace")
        except (binascii.Error, ValueError):
            pass
    return text.strip()


def _content_text(node):
    """An Atom text construct as plain text (titles): markup removed when it is HTML."""
    text = _content_body(node)
    kind = (_attr(node, "type") or "text").lower()
    if kind in ("html", "xhtml", "text/html", "application/xhtml+xml") or (_attr(node, "mode") or "") == "escaped":
        text = html.unescape(re.sub(r"<[^>]*>", "", text))
    return _collapse(text)


def _enclosures(node, base):
    found = []
    for enclosure in _list(node.get("enclosure")):
        found.append((_attr(enclosure, "url"), _attr(enclosure, "type"), _attr(enclosure, "length")))
    for link in _list(node.get("link")):
        if isinstance(link, dict) and _attr(link, "rel") == "enclosure":
            found.append((_attr(link, "href"), _attr(link, "type"), _attr(link, "length")))
    for media in _media(node, "content"):
        found.append((_attr(media, "url"), _attr(media, "type") or _attr(media, "medium"), _attr(media, "fileSize")))
    seen, result = set(), []
    for url, kind, length in found:
        url = _absolute(base, url)
        if url and url not in seen:
            seen.add(url)
            length = (length or "").strip()
            result.append({"url": url, "type": kind or None, "length": int(length) if length.isdigit() else None})
    return result


def _thumbnails(node, base):
    found = []
    for thumbnail in _media(node, "thumbnail"):
        url = _absolute(base, _attr(thumbnail, "url"))
        if url and url not in [t["url"] for t in found]:
            width, height = _attr(thumbnail, "width") or "", _attr(thumbnail, "height") or ""
            found.append({"url": url, "width": int(width) if width.isdigit() else None,
                          "height": int(height) if height.isdigit() else None})
    for image in _list(node.get("itunes|image")):
        url = _absolute(base, _attr(image, "href"))
        if url and url not in [t["url"] for t in found]:
            found.append({"url": url, "width": None, "height": None})
    return found


def _media(node, name):
    """media:NAME elements in the item, in media:group and inside media:content."""
    groups = [node] + _list(node.get("media|group"))
    nodes = [n for group in groups if isinstance(group, dict) for n in _list(group.get(f"media|{name}"))]
    if name != "content":
        contents = [c for group in groups if isinstance(group, dict) for c in _list(group.get("media|content"))]
        nodes += [n for c in contents if isinstance(c, dict) for n in _list(c.get(f"media|{name}"))]
    return [n for n in nodes if isinstance(n, dict)]


# --- small helpers for xmltodict's shapes: a str, a dict with "#text" and "@attrs", or a list ---

def _list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _first(value):
    values = _list(value)
    return values[0] if values else None


def _text(node):
    if isinstance(node, list):
        node = next((n for n in node if _text(n)), None)
    if isinstance(node, dict):
        return node.get("#text") or ""
    return node or ""


def _attr(node, name):
    value = node.get("@" + name) if isinstance(node, dict) else None
    return value.strip() if isinstance(value, str) else None


def _collapse(text):
    return " ".join((text or "").split())


def _join(base, href):
    """urljoin that keeps a malformed URL as written instead of raising."""
    try:
        return join(base, href)
    except ValueError:
        return href or base


def _absolute(base, href):
    href = (href or "").strip()
    return _join(base, href) if href else None


def _unique(values):
    result = []
    for value in values:
        if value and value not in result:
            result.append(value)
    return result


def _lowercase_keys(node):
    if isinstance(node, dict):
        return {key.lower(): _lowercase_keys(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_lowercase_keys(value) for value in node]
    return node


TESTS = [
    {
        "name": "RSS 2.0 with a relative link, a permalink guid, an enclosure and a media thumbnail",
        "url": "https://example.org/feed.xml",
        "xml": """<?xml version="1.0"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" xmlns:dc="http://purl.org/dc/elements/1.1/">
 <channel><title>Example</title><link>https://example.org/</link>
  <item><title>First  post</title><link>/posts/1</link><guid>urn:post:1</guid>
   <pubDate>Tue, 02 Mar 2021 23:39:15 +0100</pubDate><dc:creator>Ann</dc:creator>
   <description>&lt;p&gt;Hello&lt;/p&gt;</description><category>news</category><category>news</category>
   <enclosure url="/a.mp3" type="audio/mpeg" length="123"/>
   <media:thumbnail url="https://img.example.org/1.jpg" width="120" height="90"/></item>
  <item><guid>https://example.org/posts/2</guid></item>
 </channel></rss>""",
        "records": [
            {"feed_title": "Example", "feed_link": "https://example.org/", "title": "First post",
             "link": "https://example.org/posts/1", "id": "urn:post:1", "published": "2021-03-02T22:39:15Z",
             "updated": None, "author": "Ann", "summary": "<p>Hello</p>", "content": None, "categories": ["news"],
             "enclosures": [{"url": "https://example.org/a.mp3", "type": "audio/mpeg", "length": 123}],
             "thumbnails": [{"url": "https://img.example.org/1.jpg", "width": 120, "height": 90}], "warnings": []},
            {"feed_title": "Example", "feed_link": "https://example.org/", "title": None,
             "link": "https://example.org/posts/2", "id": "https://example.org/posts/2", "published": None,
             "updated": None, "author": None, "summary": None, "content": None, "categories": [],
             "enclosures": [], "thumbnails": [], "warnings": []},
        ],
    },
    {
        "name": "Atom 1.0 with xml:base and HTML content",
        "url": "https://example.org/atom.xml",
        "xml": """<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://example.org/blog/">
 <title type="html">A &lt;b&gt;blog&lt;/b&gt;</title><author><name>Bo</name></author>
 <entry><title>Hi</title><id>tag:example.org,2024:1</id><link href="2024/hi"/>
  <link rel="enclosure" href="hi.ogg" type="audio/ogg" length="9"/>
  <updated>2024-01-02T03:04:05+02:00</updated><content type="html">&lt;p&gt;Body&lt;/p&gt;</content>
  <category term="misc"/></entry></feed>""",
        "expect": [{"feed_title": "A blog", "title": "Hi", "link": "https://example.org/blog/2024/hi",
                    "updated": "2024-01-02T01:04:05Z", "author": "Bo", "content": "<p>Body</p>", "categories": ["misc"],
                    "enclosures": [{"url": "https://example.org/blog/hi.ogg", "type": "audio/ogg", "length": 9}]}],
    },
    {
        "name": "a broken feed: bare &, an HTML entity, truncated",
        "url": "https://example.org/rss",
        "xml": "<rss><channel><title>Caf&eacute; & bar</title><item><title>One</title><link>/1?a=1&b=2</link></item><item><title>Tw",
        "expect": [{"feed_title": "Café & bar", "title": "One", "link": "https://example.org/1?a=1&b=2",
                    "warnings": "count:1"}, {"title": "Tw"}],
    },
]
