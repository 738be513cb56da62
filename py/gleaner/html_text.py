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
    inside it) out, or a function that decides from the element's text: once
    the element has been read, it is given the element's ``inline_text`` and
    the element is left out where it returns true. The walk has read that
    text already, so a page's many short blocks are not read twice.
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


class _Verdict:
    """The end of an element whose skip() waits for its text: where its chunks start, and how many
    elements inside it the walk had left out when it started."""

    __slots__ = ("element", "check", "start", "left_out")

    def __init__(self, element, check, start, left_out):
        self.element, self.check, self.start, self.left_out = element, check, start, left_out


def _walk(node, chunks, skip):
    stack = [node]
    left_out = 0  # elements left out so far; an element none of whose parts was left out has its whole text in chunks
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
        if type(item) is _Verdict:
            if left_out == item.left_out:
                # Its text as inline_text gives it: the chunks the walk took, breaks aside (the
                # markers for a <br> or a cell's end are spaces, which inline_text collapses anyway).
                text = _SPACES.sub(" ", " ".join([chunk for chunk in chunks[item.start:] if chunk is not None])).strip()
            else:  # the walk left part of it out (a script, a caption): inline_text reads some of that
                text = inline_text(item.element)
            if item.check(text):
                del chunks[item.start:]
                left_out += 1
            continue
        name = item.name
        if name in INVISIBLE_TAGS:
            left_out += 1
            continue
        if skip is not None and item is not node:
            verdict = skip(item)
            if verdict:
                if verdict is True or not callable(verdict):
                    left_out += 1
                    continue
                stack.append(_Verdict(item, verdict, len(chunks), left_out))
        if name == "br":
            chunks.append("\n")
            if item.contents:  # never from a parser; a tree built otherwise might
                left_out += 1
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
