"""Readable text from a bs4 tree: inline whitespace collapsed, blocks as paragraphs.

Scrapers use ``block_text`` instead of ``tag.get_text()`` when paragraph
breaks matter: it puts "\\n\\n" between block-level elements (and "\\n" at
<br>), leaves out scripts, styles and templates, and never changes the tree
(``page.soup`` is shared by every scraper of a run).
"""

import re

BLOCK_TAGS = frozenset(
    "address article aside blockquote dd details dialog div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hgroup hr li main nav ol p pre section summary table tbody thead tfoot tr ul "
    "caption center".split()
)
INVISIBLE_TAGS = frozenset("script style noscript template head title svg math iframe object embed canvas button select option".split())
_SPACES = re.compile(r"[ \t\r\n\f\u00a0\u200b]+")
# Visible text; bs4 gives comments, doctypes and script or style contents string types of their own.
_TEXT_TYPES = ("NavigableString", "CData")


def block_text(tag, skip=None):
    """Text of ``tag`` with "\\n\\n" between paragraphs.

    ``skip(element)`` may return True to leave an element (and everything
    inside it) out.
    """
    chunks = []  # strings, with None marking a paragraph break and "\n" a line break
    _walk(tag, chunks, skip)
    paragraphs, current = [], []
    for chunk in chunks + [None]:
        if chunk is None or chunk == "\n":
            line = _SPACES.sub(" ", "".join(current)).strip()
            current = []
            if line:
                if chunk == "\n" and paragraphs and paragraphs[-1][1] == "\n":
                    paragraphs[-1] = (paragraphs[-1][0] + "\n" + line, "\n")
                else:
                    paragraphs.append((line, chunk))
            elif chunk is None and paragraphs:
                paragraphs[-1] = (paragraphs[-1][0], None)
            continue
        current.append(chunk)
    return "\n\n".join(text for text, _ in paragraphs)


_BLOCK_END = object()
_CELL_END = object()


def _walk(node, chunks, skip):
    stack = [node]
    while stack:
        item = stack.pop()
        if item is _BLOCK_END:
            chunks.append(None)
            continue
        if item is _CELL_END:
            chunks.append(" ")
            continue
        if isinstance(item, str):  # bs4's strings are str, its elements are not
            if type(item).__name__ in _TEXT_TYPES:
                chunks.append(str(item))
            continue
        name = item.name
        if name in INVISIBLE_TAGS or (skip is not None and item is not node and skip(item)):
            continue
        if name == "br":
            chunks.append("\n")
            continue
        if name in BLOCK_TAGS:
            chunks.append(None)
            stack.append(_BLOCK_END)
        elif name in ("td", "th"):
            stack.append(_CELL_END)
        stack.extend(reversed(item.contents))


def inline_text(tag):
    """All text of ``tag`` on one line, without scripts and styles."""
    if tag is None:
        return ""
    # A plain walk of .descendants: find_all(string=True) visits the same
    # strings in the same order through bs4's generic matcher, several times
    # slower, and article scoring calls this for every paragraph.
    parts = [s for s in tag.descendants if type(s).__name__ in _TEXT_TYPES and s.parent.name not in INVISIBLE_TAGS]
    return _SPACES.sub(" ", " ".join(parts)).strip()
