"""What a scraper receives: the page (or feed) as the browser captured it."""

import codecs
import gc
import re
from contextlib import contextmanager
from functools import cached_property
from urllib.parse import urlsplit

from .errors import MissingPackage
from .urls import join

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_:.\-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._\-]+)["']""")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Browsers read these labels as windows-1252 and friends (WHATWG Encoding).
_LABEL_ALIASES = {
    "iso-8859-1": "windows-1252",
    "latin1": "windows-1252",
    "latin-1": "windows-1252",
    "us-ascii": "windows-1252",
    "ascii": "windows-1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-sjis": "shift_jis",
    "shift-jis": "shift_jis",
    "sjis": "shift_jis",
    "ks_c_5601-1987": "euc-kr",
    "tis-620": "cp874",
    "iso-8859-9": "cp1254",
}


def _codec(label):
    if not label:
        return None
    label = label.strip().lower()
    label = _LABEL_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def charset_from_content_type(content_type):
    match = re.search(r"charset\s*=\s*[\"']?([^\s;\"']+)", content_type or "", re.I)
    return match.group(1) if match else None


def decode_html(data, content_type=None):
    """Decode HTML bytes the way a browser would: BOM, HTTP charset, <meta>, then sniff.

    Used natively (CLI, tests); in the browser the page arrives already decoded.
    """
    # Browsers know no UTF-32 (WHATWG Encoding), so FF FE 00 00 is UTF-16LE here.
    for bom, name in _BOMS:
        if data.startswith(bom) and not name.startswith("utf-32"):
            return data[len(bom):].decode(name, errors="replace")
    # Bytes that are valid UTF-8 and not plain ASCII are UTF-8, whatever a
    # header or <meta> claims: legacy encodings almost never produce valid
    # UTF-8 by chance, and mislabelled pages are common. The extension's
    # capture applies the same rule (extension/content/capture.js).
    if not data.isascii():
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    candidates = [_codec(charset_from_content_type(content_type))]
    meta = _META_CHARSET.search(data[:4096])
    candidates.append(_codec(meta.group(1).decode("ascii", "replace")) if meta else None)
    for name in filter(None, candidates):
        if name.startswith("utf-16") or name.startswith("utf-32"):
            name = "utf-8"  # a <meta> cannot truthfully declare UTF-16 in ASCII bytes
        try:
            return data.decode(name)
        except UnicodeDecodeError:
            continue
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = next(filter(None, candidates), None)
    return data.decode(declared or "windows-1252", errors="replace")


class Page:
    """One captured page or feed.

    ``html`` holds the document as text (for a feed, its XML; ``xml`` is the
    same string). ``soup`` parses it with ``html.parser`` (CPython 3.14's,
    bundled, see gleaner/soup.py) on first use, so scrapers that never touch it pay nothing,
    and all scrapers in one run share the same tree: treat it as read-only.
    In the browser the capture also sends ``tree``, the DOM the browser
    built, and ``soup`` is built from that instead: the same tree, in half
    the time (gleaner/dom_tree.py).
    """

    def __init__(self, url, html="", *, title="", content_type="text/html", feeds=(), kind="html", tree=None, data=None):
        self.url = url
        self.html = html
        self.title = title
        self.content_type = content_type
        self.feeds = list(feeds)
        self.kind = kind
        self.tree = tree
        # What the page that followed here passed on (page.follow(..., data=)); {} otherwise.
        self.data = dict(data or {})
        self.soup_source = None  # "dom" or "html" once soup is built

    @property
    def xml(self):
        return self.html

    @cached_property
    def soup(self):
        with collector_paused():
            return self._make_soup()

    def _make_soup(self):
        tree, self.tree = self.tree, None  # read once; it is as large as the HTML
        if tree:
            from .dom_tree import soup_from_dom

            try:
                soup = soup_from_dom(tree)
            except (ValueError, TypeError, IndexError, AttributeError):
                pass  # a walk this builder cannot read: the HTML gives the same tree
            else:
                self.soup_source = "dom"
                return soup
        from .soup import make_soup

        self.soup_source = "html"
        return make_soup(self.html)

    def absolute(self, href):
        """Resolve ``href`` against the page's base (``<base href>`` included)."""
        if href is None:
            return None
        href = href.strip()
        try:
            return join(self.base_url, href) if href else self.base_url
        except ValueError:
            # urljoin refuses some hrefs a browser would also fail on
            # (http://[::1 with its bracket unclosed): keep what the page says.
            return href

    @cached_property
    def base_url(self):
        if self.kind != "html":
            return self.url
        from .tag_search import index

        base = next((tag for tag in index(self.soup).named("base") if tag.get("href") is not None), None)
        try:
            resolved = join(self.url, base["href"].strip()) if base else self.url
        except ValueError:
            return self.url  # a <base href> urljoin cannot read is ignored, as browsers do
        # Browsers ignore a javascript: or data: base; links then resolve against the page.
        return resolved if urlsplit(resolved).scheme in ("http", "https", "file") else self.url

    def follow(self, url, callback=None, data=None):
        """A request for another page, to yield or return next to records (contract v2).

        ``url`` is resolved against ``base_url`` and loses its fragment; only
        http(s) pages can be followed. ``callback`` names the function of this
        scraper that takes that page (``scrape`` when None); ``data`` is a
        JSON-able dict that page receives as ``page.data``.
        """
        from .follow import make_follow

        return make_follow(self.base_url, url, callback, data)

    def require(self, package):
        """Import an optional package or explain that this build lacks it."""
        import importlib

        try:
            return importlib.import_module(package)
        except ImportError:
            raise MissingPackage(f"this build does not bundle {package}") from None

    @classmethod
    def from_dict(cls, data):
        """Build a page from what extension/content/capture.js sends (its ``kind`` is the capture's call)."""
        content = data.get("html") or data.get("xml") or ""
        if data.get("bytesBase64") is not None:
            import base64

            content = base64.b64decode(data["bytesBase64"])
        return make_page(
            content,
            data["url"],
            data.get("contentType") or None,
            kind=data.get("kind") or "html",
            title=data.get("title") or "",
            feeds=data.get("feeds") or (),
            tree=data.get("tree"),
            data=data.get("data"),
        )


@contextmanager
def collector_paused():
    """Python's cyclic garbage collector held off while a tree is built.

    A tree is millions of new objects, all kept: each collection the build
    would trigger walks every one made so far to find no garbage, and the
    full ones (a dozen on a 5 MB page) walk all of them, which made the
    build's cost grow faster than the page.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# A feed is what the browser's capture treats as one (FEED_TYPES in
# extension/content/capture.js): the same rule natively, in tests and in the browser.
FEED_TYPES = re.compile(r"^(application/((rss|atom|rdf|feed)\+)?xml|text/xml)$", re.I)
# What a local file is served as: by the CLI's and the tests' server, so the
# browser sees it so, and natively for a file:// or a test case's page.
CONTENT_TYPES = {".html": "text/html", ".htm": "text/html", ".xml": "application/xml", ".rss": "application/xml", ".atom": "application/xml"}


def content_type_for(url):
    """The content type a file at ``url`` is served with, from its suffix (None when unknown)."""
    path = urlsplit(url).path.lower()
    suffix = path[path.rfind("."):] if "." in path.rsplit("/", 1)[-1] else ""
    return CONTENT_TYPES.get(suffix)


def page_kind(content_type):
    """ "feed" for a feed's content type, "html" for anything else."""
    mime = (content_type or "").split(";")[0].strip()
    return "feed" if FEED_TYPES.match(mime) else "html"


def make_page(content, url, content_type=None, *, kind=None, title="", feeds=(), tree=None, data=None):
    """The one way to make a Page: from the bytes as fetched (decoded here as a
    browser would: decode_xml for a feed, decode_html for a page) or from text
    already decoded, plus the URL and the content type. Without a content
    type the URL's suffix gives one; without a kind the content type decides.
    """
    content_type = content_type or content_type_for(url)
    kind = kind or page_kind(content_type)
    if isinstance(content, (bytes, bytearray, memoryview)):
        if kind == "feed":
            from .feeds import decode_xml

            text = decode_xml(bytes(content), content_type)
        else:
            text = decode_html(bytes(content), content_type)
    else:
        text = content or ""
    return Page(url, text, title=title, content_type=content_type or "text/html", feeds=feeds, kind=kind, tree=tree, data=data)
