"""Reading a page's JSON-LD blocks the way real pages write them, for the built-in scrapers.

Pages wrap JSON-LD in HTML comments or CDATA, leave JavaScript comments and
trailing commas in it, escape it twice, or put several objects in one block:
``blocks`` forgives all of these and skips what cannot be read.
"""

import html
import json
import re

from .tag_search import attribute_matches

JSON_LD_TYPE = re.compile(r"^\s*application/ld\+json\s*(;.*)?$", re.I)
ARTICLE_TYPES = re.compile(r"Article|BlogPosting|Report|NewsArticle|WebPage|Review|Posting", re.I)
# Wrappers people put around JSON-LD so old parsers skip it.
_WRAPPER = re.compile(r"^\s*(?://\s*)?(?:<!--|<!\[CDATA\[)|(?://\s*)?(?:-->|\]\]>)\s*$")
_JS_COMMENT_OR_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|//[^\n]*|/\*.*?\*/', re.S)
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")


def blocks(tags):
    """The parsed JSON-LD blocks among ``tags`` (a page's elements in document order); a top-level array is split."""
    found = []
    scripts = [tag for tag in tags if tag.name == "script" and attribute_matches(tag.get("type"), JSON_LD_TYPE.search)]
    for script in scripts:
        data = parse(script.string or script.get_text() or "")
        if isinstance(data, list):  # a top-level array holds separate items
            found.extend(data)
        elif data is not None:
            found.append(data)
    return found


def parse(text):
    """Parse one JSON-LD block, forgiving what real pages get wrong; None when hopeless."""
    previous = None
    while previous != text:  # wrappers may be nested (<!--//<![CDATA[ ... //]]>-->)
        previous, text = text, _WRAPPER.sub("", text).strip()
    if not text:
        return None
    attempts = (
        lambda t: t,
        # JavaScript comments and trailing commas are not JSON, but pages have them.
        lambda t: _TRAILING_COMMA.sub(r"\1", _JS_COMMENT_OR_STRING.sub(lambda m: m.group(0) if m.group(0)[0] == '"' else "", t)),
        # Entity-escaped JSON (&quot;) comes from templates that escape twice.
        lambda t: html.unescape(t),
    )
    for clean in attempts:
        try:
            return json.loads(clean(text), strict=False)
        except ValueError:
            continue
    # Several objects one after another in one block.
    decoder, items, index = json.JSONDecoder(strict=False), [], 0
    text = attempts[1](text)
    try:
        while index < len(text):
            item, index = decoder.raw_decode(text, index)
            items.append(item)
            while index < len(text) and text[index] in " \t\r\n,;":
                index += 1
    except ValueError:
        pass
    return items or None


def nodes(found):
    """Every top-level object of the blocks, and the objects of their @graph."""
    for block in found:
        if isinstance(block, dict):
            yield block
            for node in block.get("@graph") or []:
                if isinstance(node, dict):
                    yield node


def main_item(found):
    """The object describing the page's article (or, failing that, the first with an author or date); {} if none."""
    candidates = list(nodes(found))
    for node in candidates:
        types = node.get("@type")
        types = types if isinstance(types, list) else [types]
        if any(isinstance(t, str) and ARTICLE_TYPES.search(t) for t in types) and ("author" in node or "datePublished" in node):
            return node
    return next((n for n in candidates if "datePublished" in n or "author" in n), {})


def person_names(value):
    """An author value (a name, a Person or Organization, or a list of them) as "Name, Name"; None if it has none."""
    people = value if isinstance(value, list) else [value]
    names = []
    for person in people:
        name = person.get("name") if isinstance(person, dict) else person
        if isinstance(name, str) and " ".join(name.split()) and not re.match(r"https?://", name.strip()):
            names.append(" ".join(name.split()))
    return ", ".join(dict.fromkeys(names)) or None
