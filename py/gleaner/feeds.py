"""Feed text: bytes to str by XML's own rules, and a tolerant path for broken feeds.

``decode_xml`` turns the bytes the browser fetched into text. ``parse_xml``
turns that text into nested dicts (xmltodict with namespace processing), and
when the text is not well-formed XML it repairs it first and says what it did,
so a feed scraper can recover every item a broken feed still holds.
"""

import codecs
import html.entities
import re
import unicodedata

from .page import _BOMS, _codec, charset_from_content_type

_DECLARATION = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:\-]+)["']""")
# Single-byte labels that UTF-8 bytes are often mislabelled as (see decode_xml).
_SINGLE_BYTE = {
    codecs.lookup(label).name
    for label in ("cp1252", "latin-1", "iso-8859-15", "ascii", "cp1250", "cp1251", "iso-8859-2", "koi8-r")
}
# Legacy encodings tried, in this order, when nothing declares one; ties go to the first.
SNIFF_CANDIDATES = (
    "shift_jis", "euc_jp", "gb18030", "big5", "euc_kr",
    "cp1251", "koi8_r", "cp1250", "cp1253", "cp1255", "cp1256", "cp874", "cp1252",
)


def decode_xml(data, content_type=None):
    """Decode a feed's bytes to text.

    In order, the first that applies wins:

    1. a byte order mark (UTF-8, UTF-16, UTF-32), or the XML spec's
       BOM-less UTF-16/32 patterns of ``<?`` (Appendix F);
    2. the HTTP charset, then the ``<?xml encoding=...?>`` declaration, each
       only if the bytes decode with it without error. One exception: bytes
       that are valid UTF-8 *and* contain non-ASCII text are UTF-8 even when
       a single-byte encoding (latin-1, windows-125x, koi8-r) is declared,
       because legacy text almost never forms valid UTF-8 sequences by chance
       while servers and templates often mislabel UTF-8 as latin-1;
    3. UTF-8, if the bytes are valid UTF-8 (ASCII included), or almost valid
       (a handful of bad bytes among many good multi-byte sequences: a broken
       UTF-8 file, not a legacy one; bad bytes become U+FFFD);
    4. otherwise :func:`sniff_encoding` picks the legacy encoding whose text
       reads most like natural language.
    """
    if isinstance(data, str):
        return data
    data = bytes(data)
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(name, errors="replace")
    for pattern, name in (
        (b"\x00\x00\x00<", "utf-32-be"),
        (b"<\x00\x00\x00", "utf-32-le"),
        (b"\x00<\x00?", "utf-16-be"),
        (b"<\x00?\x00", "utf-16-le"),
    ):
        if data.startswith(pattern):
            return data.decode(name, errors="replace")
    if data[:2] in (b"\x00<", b"<\x00"):  # UTF-16 without a declaration
        return data.decode("utf-16-be" if data[0] == 0 else "utf-16-le", errors="replace")
    declared = _DECLARATION.match(data[:1024])
    labels = [charset_from_content_type(content_type), declared.group(1).decode("ascii") if declared else None]
    utf8_ok = _is_utf8(data)
    has_non_ascii = not data.isascii()
    for label in labels:
        name = _codec(label)
        if not name or name.startswith(("utf-16", "utf-32")):
            continue  # an ASCII-compatible file cannot truthfully be UTF-16
        if utf8_ok and has_non_ascii and name in _SINGLE_BYTE:
            return data.decode("utf-8")
        try:
            return data.decode(name)
        except UnicodeDecodeError:
            continue
    if utf8_ok:
        return data.decode("utf-8")
    if _mostly_utf8(data):
        return data.decode("utf-8", errors="replace")
    if b"\x1b$" in data or b"\x1b(" in data:
        try:
            return data.decode("iso2022_jp")
        except UnicodeDecodeError:
            pass
    return data.decode(sniff_encoding(data), errors="replace")


def _is_utf8(data):
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _mostly_utf8(data):
    """True when bad sequences are rare next to good multi-byte ones (a damaged UTF-8 file)."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 0x7F and ch != "\ufffd")
    return good >= 20 and bad * 20 <= good


def sniff_encoding(data, candidates=SNIFF_CANDIDATES):
    """Pick the legacy encoding under which ``data`` reads most like natural text.

    Every candidate that decodes the bytes without error is scored by
    :func:`_naturalness` (per non-ASCII character); the best score wins and
    ties go to the earlier candidate. Windows-1252 decodes almost anything,
    so it is last and is the fallback when nothing decodes cleanly.
    """
    sample = data[:65536]
    best, best_score = "cp1252", float("-inf")
    for name in candidates:
        try:
            text = sample.decode(name)
        except UnicodeDecodeError:
            try:  # the sample may end in the middle of a multi-byte character
                text = sample[:-3].decode(name) if len(sample) == 65536 else None
            except UnicodeDecodeError:
                text = None
        if text is None:
            continue
        score = _naturalness(text, name)
        if score > best_score:
            best, best_score = name, score
    return best


_SCRIPT_WORDS = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "CYRILLIC", "GREEK", "HEBREW", "ARABIC", "THAI", "LATIN")
# Where each multi-byte encoding keeps its most frequent characters (the first
# level of its national standard); text in the wrong encoding lands elsewhere.
_FREQUENT_LEAD_BYTES = {
    "gb18030": ("gb2312", 0xB0, 0xD7),
    "big5": ("big5", 0xA4, 0xC6),
    "shift_jis": ("euc_jp", 0xB0, 0xCF),
    "euc_jp": ("euc_jp", 0xB0, 0xCF),
    "euc_kr": ("euc_kr", 0xB0, 0xC8),
}


def _script(ch):
    name = unicodedata.name(ch, "")
    word = name.split(" ", 1)[0]
    if word in _SCRIPT_WORDS:
        return word
    if name.startswith("HALFWIDTH KATAKANA"):
        return "HALFWIDTH"
    return None


def _naturalness(text, encoding):
    """Score decoded text: letters of one script in words, lower case, common characters.

    Mojibake shows as symbols and control characters, letters of one script
    glued to ASCII letters, Latin accented letters in runs, upper case inside
    lower-case words (KOI8-R read as windows-1251 and back), half-width
    katakana, or rare ideographs outside the encoding's first level.
    """
    score, count = 0.0, 0
    frequent = _FREQUENT_LEAD_BYTES.get(encoding)
    previous = " "
    for index, ch in enumerate(text):
        if ord(ch) < 0x80:
            previous = ch
            continue
        count += 1
        category = unicodedata.category(ch)
        script = _script(ch)
        following = text[index + 1] if index + 1 < len(text) else " "
        if category in ("Cc", "Co", "Cn", "Cs"):
            score -= 5
        elif script == "HALFWIDTH":
            score -= 1
        elif script in ("HIRAGANA", "KATAKANA"):
            score += 2
        elif script in ("CJK", "HANGUL"):
            if script == "HANGUL" and (previous.isascii() or following.isascii()):
                score += 0.5  # Korean puts spaces between short words; Chinese and Japanese do not
            if frequent:
                try:
                    lead = ch.encode(frequent[0])[0]
                    score += 1 if frequent[1] <= lead <= frequent[2] else 0
                except UnicodeEncodeError:
                    score -= 1
            else:
                score += 0.5
        elif script == "LATIN":
            # Accented Latin letters sit between ASCII letters ("café"), not in runs.
            score += 1 if previous.isascii() and previous.isalpha() or following.isascii() and following.isalpha() else -1
        elif script is not None and category.startswith("L"):
            if (previous.isascii() and previous.isalpha()) or (following.isascii() and following.isalpha()):
                score -= 1
            elif category == "Lu" and previous.isalpha() and unicodedata.category(previous) == "Ll":
                score -= 2
            else:
                score += 1 if category == "Ll" else 0.4
        elif category.startswith("S") or category in ("Pc", "Pd") and ch not in "–—":
            score -= 0.5
        elif category.startswith("Z") or category.startswith("P"):
            score += 0
        else:
            score -= 0.5
        previous = ch
    return score / count if count else 0.0


# --- tolerant parsing --------------------------------------------------------

# Namespaces mapped to the short prefixes the feed scraper reads. The core
# vocabularies of every RSS and Atom version map to no prefix at all, so
# "title" means the same element in RSS 0.90, 1.0, 2.0 and Atom 0.3 and 1.0.
NAMESPACES = {
    "http://www.w3.org/2005/Atom": None,
    "http://purl.org/atom/ns#": None,
    "http://purl.org/rss/1.0/": None,
    "http://my.netscape.com/rdf/simple/0.9/": None,
    "http://backend.userland.com/rss2": None,
    "http://blogs.law.harvard.edu/tech/rss": None,
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://purl.org/dc/terms/": "dcterms",
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://search.yahoo.com/mrss/": "media",
    "http://search.yahoo.com/mrss": "media",
    "http://www.itunes.com/dtds/podcast-1.0.dtd": "itunes",
    "http://www.w3.org/XML/1998/namespace": "xml",
    "http://www.w3.org/1999/xhtml": "xhtml",
    "http://purl.org/syndication/thread/1.0": "thr",
}
# Where a feed forgets to declare a well-known prefix, this is what it meant.
KNOWN_PREFIXES = {prefix: uri for uri, prefix in NAMESPACES.items() if prefix}
KNOWN_PREFIXES.update({"atom": "http://www.w3.org/2005/Atom", "slash": "http://purl.org/rss/1.0/modules/slash/"})

XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}
_INVALID_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_DOCTYPE = re.compile(r"<!DOCTYPE\s[^\[>]*(?:\[(.*?)\]\s*)?>", re.S | re.I)
_ENTITY_DECL = re.compile(r"""<!ENTITY\s+([A-Za-z_][\w.\-]*)\s+(?:"([^"]*)"|'([^']*)')\s*>""")
_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<!\[CDATA\[.*?(?:\]\]>|\Z)"
    r"|<\?.*?(?:\?>|\Z)"
    r"|<![^>]*>?"
    r"|</\s*([^\s<>/]+)\s*>"
    r"|<([A-Za-z_][^\s<>/]*)((?:\s+[^\s=<>/]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s<>]+))?)*)\s*(/?)>",
    re.S,
)
_ATTRIBUTE = re.compile(r"""([^\s=<>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s<>]+)))?""")
_NAME = re.compile(r"^[A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?$")
_REFERENCE = re.compile(r"&(?:#[0-9]+;|#x[0-9A-Fa-f]+;|([A-Za-z][A-Za-z0-9]*);?)?")


def repair_double_utf8(text):
    """Undo UTF-8 encoded twice ("Ã©" for "é"); return ``(text, repaired)``.

    Text whose UTF-8 bytes were read as windows-1252 (or latin-1) and written
    out as UTF-8 again shows each accented letter as two or three characters.
    The repair encodes the text back to those single bytes and reads them as
    UTF-8. It applies only when the *whole* text round-trips: every character
    has a windows-1252 or latin-1 byte and the bytes are valid UTF-8 with
    multi-byte sequences. Genuine accented text almost never does ("é" then a
    space is no UTF-8 sequence), and text with any character beyond those
    code pages is left as it is, so a partly damaged text is never half fixed.
    """
    if text.isascii():
        return text, False
    try:
        raw = text.encode("cp1252", errors=_LATIN1_FALLBACK)
        return raw.decode("utf-8"), True
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text, False


def _encode_as_latin1(error):
    """Encoding error handler: windows-1252 leaves five bytes (0x81, 0x8D, 0x8F, 0x90, 0x9D) undefined,
    and a decoder that met them passed them on as U+0081..., which latin-1 writes back as the same byte."""
    chunk = error.object[error.start:error.end]
    if all(ord(ch) < 256 for ch in chunk):
        return chunk.encode("latin-1"), error.end
    raise error


_LATIN1_FALLBACK = "gleaner.cp1252-then-latin-1"
codecs.register_error(_LATIN1_FALLBACK, _encode_as_latin1)


class FeedSyntaxError(ValueError):
    """The text is not XML at all, even after repair."""


def parse_xml(text):
    """Parse feed text into nested dicts; return ``(document, warnings)``.

    Well-formed XML is parsed as it is. Otherwise the text is repaired by
    :func:`repair_xml` and parsed again, and ``warnings`` says why (the
    parser's own message first). Entities declared in an internal DOCTYPE
    subset are expanded here (one level, no recursion, so no entity bombs).
    """
    import xmltodict
    from xml.parsers.expat import ExpatError

    warnings = []
    text, repaired = repair_double_utf8(text)
    if repaired:
        warnings.append("the feed's text was UTF-8 encoded twice (mojibake such as 'Ã©' for 'é'); decoded it once more")
    if _INVALID_CHARS.search(text):
        text = _INVALID_CHARS.sub("", text)
        warnings.append("removed control characters that XML does not allow")
    start = text.find("<")
    if start < 0:
        raise FeedSyntaxError("there is no markup in this text")
    text = _expand_doctype(text[start:])
    if re.search(r"""\stype\s*=\s*["']xhtml["']""", text):
        text = _escape_xhtml_content(text)
    options = {"process_namespaces": True, "namespaces": NAMESPACES, "namespace_separator": "|", "force_list": None}
    try:
        return xmltodict.parse(text, **options), warnings
    except (ExpatError, ValueError) as exc:
        reason = str(exc)
    repaired, fixes = repair_xml(text)
    warnings.append(f"the feed is not well-formed XML ({reason}); repaired it: " + "; ".join(fixes or ["nothing to fix"]))
    try:
        return xmltodict.parse(repaired, **options), warnings
    except (ExpatError, ValueError) as exc:
        raise FeedSyntaxError(f"the feed is not XML, even after repair ({exc})") from None


def _expand_doctype(text):
    match = _DOCTYPE.search(text[:65536])
    if not match:
        return text
    entities = {}
    for decl in _ENTITY_DECL.finditer(match.group(1) or ""):
        value = decl.group(2) if decl.group(2) is not None else decl.group(3)
        if "<" not in value and "&" not in value:  # plain text only: no markup, no nesting
            entities[decl.group(1)] = value
    body = text[: match.start()] + text[match.end():]
    if not entities:
        return body
    pattern = re.compile("&(" + "|".join(re.escape(name) for name in entities) + ");")
    return pattern.sub(lambda m: _escape_text(entities[m.group(1)]), body)


def _escape_text(value):
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_xhtml_content(text):
    """Turn Atom ``type="xhtml"`` bodies into escaped HTML text.

    xmltodict keeps an element's text and its children apart, so inline
    markup would lose its order; escaped, it arrives as one HTML string.
    """
    pattern = re.compile(
        r"(<((?:[\w.\-]+:)?(?:title|subtitle|summary|content|rights))\b[^>]*?\stype\s*=\s*[\"']xhtml[\"'][^>]*>)(.*?)(</\2\s*>)",
        re.S,
    )

    def escape(match):
        inner = re.sub(r"^\s*<(?:[\w.\-]+:)?div\b[^>]*>(.*)</(?:[\w.\-]+:)?div\s*>\s*$", r"\1", match.group(3), flags=re.S)
        inner = re.sub(r"<(/?)[\w.\-]+:", r"<\1", inner)  # xhtml:p -> p
        start = re.sub(r"""type\s*=\s*["']xhtml["']""", 'type="html"', match.group(1))
        return start + inner.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + match.group(4)

    return pattern.sub(escape, text)


def repair_xml(text):
    """Rebuild ``text`` as well-formed XML; return ``(xml, fixes)``.

    A regular-expression tokenizer walks the text once (linear time, so no
    input can make it hang) and re-emits it: bare ``&`` escaped, HTML named
    entities turned into their characters, stray ``<`` escaped, an
    unfinished CDATA section or comment closed at the end of the text,
    undeclared namespace prefixes declared, mismatched end tags closed, and
    elements still open at the end (a truncated file) closed.
    """
    fixes = set()
    if _INVALID_CHARS.search(text):
        text = _INVALID_CHARS.sub("", text)
        fixes.add("removed control characters that XML does not allow")
    out = []
    stack = []
    prefixes = set()
    declared = set(re.findall(r"xmlns:([\w.\-]+)\s*=", text))
    root_index = None
    position = 0

    def add_text(chunk):
        if not chunk:
            return
        if "<" in chunk or ">" in chunk:
            fixes.add("escaped stray '<'")
            chunk = chunk.replace("<", "&lt;").replace(">", "&gt;")
        if stack:
            out.append(_fix_references(chunk, fixes))

    for match in _TOKEN.finditer(text):
        add_text(text[position: match.start()])
        position = match.end()
        token = match.group(0)
        if token.startswith("<!--"):
            if not token.endswith("-->"):
                fixes.add("closed an unfinished comment")
            continue
        if token.startswith("<![CDATA["):
            body = token[9:]
            if body.endswith("]]>"):
                body = body[:-3]
            else:
                fixes.add("closed an unfinished CDATA section")
            if stack:
                out.append(_escape_text(body))
            continue
        if token.startswith("<?") or token.startswith("<!"):
            continue
        if match.group(1) is not None:  # end tag
            name = match.group(1)
            if name in stack:
                while stack[-1] != name:
                    fixes.add(f"closed <{stack[-1]}> that was left open")
                    out.append(f"</{stack.pop()}>")
                out.append(f"</{stack.pop()}>")
            else:
                fixes.add(f"dropped a stray </{name}>")
            continue
        name, attributes, empty = match.group(2), match.group(3), match.group(4)
        if not _NAME.match(name):
            fixes.add("escaped markup that is not a tag")
            add_text(token)
            continue
        if not stack and root_index is not None:
            fixes.add(f"dropped <{name}> after the end of the document")
            continue
        _note_prefix(name, prefixes)
        attrs = _repair_attributes(attributes, prefixes, fixes)
        if root_index is None:
            root_index = len(out)
        out.append(f"<{name}{attrs}{'/' if empty else ''}>")
        if not empty:
            stack.append(name)
    tail = text[position:]
    if tail.strip():
        if "<" in tail:
            fixes.add("dropped an unfinished tag at the end")
            tail = tail[: tail.index("<")]
        add_text(tail)
    if stack:
        fixes.add("closed elements left open at the end (the file looks truncated)")
        out.extend(f"</{name}>" for name in reversed(stack))
    missing = sorted(prefixes - declared - {"xml", "xmlns"})
    if missing and root_index is not None:
        fixes.add("declared undefined namespace prefixes " + ", ".join(missing))
        declarations = "".join(
            f' xmlns:{prefix}="{KNOWN_PREFIXES.get(prefix, "urn:x-undeclared:" + prefix)}"' for prefix in missing
        )
        root = out[root_index]
        cut = len(root) - (2 if root.endswith("/>") else 1)
        out[root_index] = root[:cut] + declarations + root[cut:]
    if root_index is None:
        raise FeedSyntaxError("there is no element in this text")
    return "".join(out), sorted(fixes)


def _note_prefix(name, prefixes):
    if ":" in name:
        prefixes.add(name.split(":", 1)[0])


def _repair_attributes(source, prefixes, fixes):
    seen = set()
    parts = []
    for match in _ATTRIBUTE.finditer(source or ""):
        name = match.group(1)
        if not _NAME.match(name) and not name.startswith("xmlns:"):
            fixes.add("dropped a malformed attribute")
            continue
        if name in seen:
            fixes.add("dropped a repeated attribute")
            continue
        seen.add(name)
        value = next((g for g in match.group(2, 3, 4) if g is not None), None)
        if value is None:
            fixes.add("gave a value to an attribute without one")
            value = name
        if not name.startswith("xmlns"):
            _note_prefix(name, prefixes)
        value = _fix_references(value, fixes).replace("<", "&lt;").replace('"', "&quot;")
        parts.append(f' {name}="{value}"')
    return "".join(parts)


def _fix_references(chunk, fixes):
    def fix(match):
        name = match.group(1)
        token = match.group(0)
        if token.startswith("&#"):
            try:
                code = int(token[3:-1], 16) if token[2] in "xX" else int(token[2:-1])
                if code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF:
                    return token
            except ValueError:
                pass
            fixes.add("dropped a reference to a character XML does not allow")
            return ""
        if name and token.endswith(";"):
            if name in XML_ENTITIES:
                return token
            if name + ";" in html.entities.html5:
                fixes.add("replaced HTML entities that XML does not define")
                return _escape_text(html.entities.html5[name + ";"])
        fixes.add("escaped bare '&'")
        return "&amp;" + token[1:]

    return _REFERENCE.sub(fix, chunk)
