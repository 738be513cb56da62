"""Write a scraper plugin file from a list picked on a page: "Save as scraper" and ``build.py generate``.

The spec says what was picked::

    {
        "name": "shop-example-org",               # optional: the plugin's NAME (from url)
        "title": "Products on shop.example.org",  # optional: its TITLE ("List on <host>")
        "url": "https://shop.example.org/shoes",  # the page the picks were made on
        "matches": ["*://shop.example.org/shoes*"],  # optional: derived from url
        "item_selector": "ul.products > li.product",  # CSS, from the document
        "fields": [                                # one record key each, in order
            {"name": "title", "selector": "h2 > a", "attr": "text"},
            {"name": "url", "selector": "h2 > a", "attr": "href"},
            {"name": "id", "selector": "", "attr": "data-id"},  # "" is the item itself
        ],
        "next_selector": "a.next",                 # the next page's link, or None
    }

``attr`` is ``"text"`` (the element's text, whitespace collapsed), or the
name of an attribute; ``href`` and ``src`` (and ``data-*-src``-style lazy
image attributes) come back as absolute URLs.

The file written is an ordinary plugin: metadata literals, a ``scrape(page)``
a person can read and change, and ``TESTS`` with a trimmed copy of the page
(the first items with the elements around them, and the next link) and the
records those items give on the full page, so the scraper is checked against
the page it was made from.
"""

import re
import unicodedata
from urllib.parse import urlsplit

from .errors import GleanerError
from .page import make_page
from .plugins import NAME_RULE, load_plugin
from .runner import run_plugin
from .soup import make_soup

VERSION = "1.0.0"
# Items kept in the test fixture: enough to show the list repeats, few enough to read.
FIXTURE_ITEMS = 3
# A fixture larger than this keeps fewer items (forum posts can be long).
FIXTURE_MAX_CHARS = 24_000
ATTRIBUTE_NAME = re.compile(r"^[^\s\"'>/=\x00-\x1f]+$")
# Attributes that hold a URL: given back absolute.
URL_ATTRIBUTES = re.compile(r"^(?:href|src|data-(?:[\w-]*-)?(?:src|href|original|url))$")
# Attributes dropped from the fixture: they change no selector a picker writes and make it hard to read.
NOISE_ATTRIBUTES = re.compile(r"^(?:on\w+|style)$")
# Path segments that name one page of a list or one item, not the section: left to the "*".
PAGE_SEGMENT = re.compile(r"\d|^(?:page|pages|p|seite|pagina)$", re.I)


class SpecInvalid(GleanerError):
    """A scraper spec that cannot become a plugin file; the message says which part and why."""


def default_name(url):
    """A plugin NAME from the page's address: its host and first path words ("shop-example-org-shoes")."""
    parts = urlsplit(url)
    host = (parts.hostname or "page").removeprefix("www.")
    words = [s for s in parts.path.split("/") if s and not PAGE_SEGMENT.search(s)][:2]
    name = re.sub(r"[^a-z0-9]+", "-", "-".join([host, *words]).lower()).strip("-")
    return name[:64].rstrip("-") or "scraper"


def default_title(url):
    """A plugin TITLE from the page's address: "List on shop.example.org"."""
    return f"List on {urlsplit(url).hostname or 'this page'}"


def matches_for(url):
    """Match patterns for the page's list: its host and the path up to the first part that names one page.

    ``https://forum.example/threads/x.123/page-5`` -> ``*://forum.example/threads/*``;
    ``https://shop.example/shoes?page=2`` -> ``*://shop.example/shoes*``.
    """
    parts = urlsplit(url)
    if parts.scheme == "file":
        folder = parts.path.rsplit("/", 1)[0]
        return [f"file://{folder}/*"]
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SpecInvalid(f"the page's URL {url!r} is not an http(s) or file address, so no match pattern can be made from it")
    segments = parts.path.split("/")[1:]
    kept = []
    for segment in segments:
        if PAGE_SEGMENT.search(segment):
            break
        kept.append(segment)
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    if len(kept) == len(segments) and kept and kept[-1]:
        path = "/" + "/".join(kept) + "*"  # the whole path: its query (?page=2) and sub-paths too
    else:
        path = "/" + "".join(s + "/" for s in kept if s) + "*"
    return [f"*://{host}{path}"]


def check_spec(spec):
    """The spec with its defaults filled in, or SpecInvalid naming what is wrong."""
    import soupsieve

    if not isinstance(spec, dict):
        raise SpecInvalid("the scraper spec must be an object with url, item_selector and fields")
    for key in ("url", "item_selector"):
        if not isinstance(spec.get(key), str) or not spec[key].strip():
            raise SpecInvalid(f"the scraper spec has no {key}")
    # A spec without a name (the picker's) gets one from the page's address; a name given must be one.
    name = spec.get("name")
    if name is None:
        name = default_name(spec["url"].strip())
    elif not isinstance(name, str) or not name.strip():
        raise SpecInvalid("the scraper spec's name is empty: leave it out for one made from the page's address, or give one")
    name = name.strip()
    if not NAME_RULE.match(name):
        raise SpecInvalid(f"the name {name!r} must be 1-64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit")
    fields = spec.get("fields")
    if not isinstance(fields, list) or not fields:
        raise SpecInvalid("the scraper spec has no fields: pick at least one value inside an item")
    checked, seen = [], set()
    for number, field in enumerate(fields, 1):
        if not isinstance(field, dict) or not isinstance(field.get("name"), str) or not field["name"].strip():
            raise SpecInvalid(f"field {number} has no name")
        field_name = field["name"].strip()
        if field_name in seen:
            raise SpecInvalid(f"two fields are named {field_name!r}; each column needs a name of its own")
        seen.add(field_name)
        selector = field.get("selector") or ""
        attr = field.get("attr") or "text"
        if not isinstance(selector, str) or not isinstance(attr, str) or not ATTRIBUTE_NAME.match(attr):
            raise SpecInvalid(f"field {field_name!r} needs a CSS selector (text) and an attribute name, not {attr!r}")
        checked.append({"name": field_name, "selector": selector.strip(), "attr": attr})
    next_selector = spec.get("next_selector") or None
    if next_selector is not None and not isinstance(next_selector, str):
        raise SpecInvalid("next_selector must be a CSS selector or null")
    matches = spec.get("matches") or matches_for(spec["url"])
    if not isinstance(matches, list) or not all(isinstance(m, str) for m in matches):
        raise SpecInvalid("matches must be a list of match patterns")
    for what, selector in [("the item selector", spec["item_selector"]), ("the next-page selector", next_selector)] + [
        (f"field {f['name']!r}'s selector", f["selector"]) for f in checked
    ]:
        if selector:
            try:
                soupsieve.compile(selector)
            except Exception as exc:  # noqa: BLE001  (soupsieve's SelectorSyntaxError and its kin)
                first_line = str(exc).splitlines()[0]
                raise SpecInvalid(f"{what} {selector!r} is not CSS this scraper can use: {first_line}") from None
    return {
        "name": name,
        "title": (spec.get("title") or "").strip() or default_title(spec["url"].strip()),
        "url": spec["url"].strip(),
        "matches": matches,
        "item_selector": spec["item_selector"].strip(),
        "fields": checked,
        "next_selector": next_selector.strip() if next_selector else None,
    }


def write_scraper(spec, html):
    """The source of a plugin file that scrapes the spec's list, with TESTS made from ``html`` (the page it was picked on).

    Raises SpecInvalid with a sentence for a spec that cannot work on this
    page (a selector that finds nothing, CSS that does not parse).
    """
    spec = check_spec(spec)
    page = make_page(html, spec["url"], "text/html")
    bare = _render(spec, tests=None)
    result = run_plugin(load_plugin(bare, f"{spec['name']}.py"), page)
    if not result["ok"]:
        raise SpecInvalid(f"the scraper failed on the page it was made from: {result['error']['message']}")
    records = result["records"]
    if not records:
        raise SpecInvalid(f"the item selector {spec['item_selector']!r} finds nothing on {spec['url']}")
    fixture, expected, follows = _fixture(spec, html, records, result["follows"], bare)
    case = {
        "name": f"the first items of the list on {spec['url']}",
        "url": spec["url"],
        "html": fixture,
        "records": expected,
    }
    if spec["next_selector"]:
        case["follows"] = follows
    source = _render(spec, tests=[case])
    _check_written(source, spec["name"])
    return source


def _fixture(spec, html, records, follows, bare_source):
    """(fixture HTML, its records, its follows): the first items and the next link inside the elements around them.

    Without sibling elements, a selector that counts positions could pick
    something else; the fixture then keeps every sibling of the path as an
    empty element, and if even that gives other records, the case records
    what the fixture gives, which still pins the scraper's behaviour down.
    """
    soup = make_soup(html)
    items = soup.select(spec["item_selector"])
    next_link = soup.select_one(spec["next_selector"]) if spec["next_selector"] else None
    plugin = load_plugin(bare_source, f"{spec['name']}.py")
    fixture = outcome = None
    for count in range(min(FIXTURE_ITEMS, len(items)), 0, -1):
        keep = items[:count] + ([next_link] if next_link is not None else [])
        for with_siblings in (False, True):
            fixture = _trimmed(soup, keep, with_siblings)
            outcome = run_plugin(plugin, make_page(fixture, spec["url"], "text/html"))
            if outcome["ok"] and outcome["records"] == records[:count] and outcome["follows"] == follows[:1]:
                return fixture, outcome["records"], outcome["follows"]
        if len(fixture) <= FIXTURE_MAX_CHARS:
            break
    if not outcome["ok"]:
        raise SpecInvalid(f"the scraper fails on a trimmed copy of the page: {outcome['error']['message']}")
    return fixture, outcome["records"], outcome["follows"]


def _trimmed(soup, keep, with_siblings):
    """HTML of the kept elements whole, inside bare copies of their ancestors (and of <base>, which moves every URL)."""
    from bs4 import Comment, Tag

    base = soup.find("base", href=True)
    whole = {id(tag) for tag in keep}
    if base is not None:
        keep = keep + [base]
        whole.add(id(base))
    path = set()
    for tag in keep:
        for parent in tag.parents:
            if parent.name == "[document]":
                break
            path.add(id(parent))

    def opening(tag):
        attrs = "".join(
            f' {name}="{_attribute_text(value)}"' for name, value in tag.attrs.items() if not NOISE_ATTRIBUTES.match(name)
        )
        return f"<{tag.name}{attrs}>"

    def whole_markup(tag):
        copy = make_soup(str(tag))
        for junk in copy.find_all(["script", "style", "noscript", "template"]):
            junk.decompose()
        for comment in copy.find_all(string=lambda s: isinstance(s, Comment)):
            comment.extract()
        for element in copy.find_all(True):
            for name in [n for n in element.attrs if NOISE_ATTRIBUTES.match(n)]:
                del element[name]
        return str(copy).strip()

    lines = []

    def emit(tag, depth):
        indent = " " * depth
        if id(tag) in whole:
            lines.append(indent + whole_markup(tag))
            return
        lines.append(indent + opening(tag))
        for child in tag.children:
            if not isinstance(child, Tag):
                continue
            if id(child) in path or id(child) in whole:
                emit(child, depth + 1)
            elif with_siblings:
                lines.append(" " * (depth + 1) + opening(child) + f"</{child.name}>")
        lines.append(f"{indent}</{tag.name}>")

    for top in soup.children:
        if isinstance(top, Tag) and (id(top) in path or id(top) in whole):
            emit(top, 0)
    # Carriage returns would not survive the file's own line endings; the records never depend on them.
    return "\n".join(lines).replace("\r\n", "\n").replace("\r", "\n") + "\n"


def _attribute_text(value):
    if isinstance(value, list):
        value = " ".join(value)
    return str(value).replace("&", "&amp;").replace('"', "&quot;")


def _check_written(source, name):
    """The file passes the contract and its own TESTS, or this is a bug in the writer, said plainly."""
    from .testing import refuse_cases_that_check_nothing, run_tests

    plugin = load_plugin(source, f"{name}.py")
    refuse_cases_that_check_nothing(source)
    failed = [case for case in run_tests(plugin) if not case["ok"]]
    if failed:
        raise GleanerError(f"the scraper written for {name!r} fails its own test: {'; '.join(failed[0]['problems'])}")


# --- the file's text ---------------------------------------------------------


def _render(spec, tests):
    fields = spec["fields"]
    uses = {_helper(field["attr"]) for field in fields}
    lines = [
        f'"""{_docstring(spec)}"""',
        "",
        f"NAME = {_string(spec['name'])}",
        f"TITLE = {_string(spec['title'])}",
        f"VERSION = {_string(VERSION)}",
        f"DESCRIPTION = {_string(_description(spec))}",
        f"MATCHES = {_literal(spec['matches'])}",
        'INPUT = "html"',
        "REQUIRES = []",
        "",
        f"ITEMS = {_string(spec['item_selector'])}",
    ]
    if spec["next_selector"]:
        lines.append(f"NEXT_PAGE = {_string(spec['next_selector'])}")
    lines += ["", "", "def scrape(page):", "    for item in page.soup.select(ITEMS):", "        yield {"]
    for field in fields:
        lines.append(f"            {_string(field['name'])}: {_value_code(field)},")
    lines.append("        }")
    if spec["next_selector"]:
        lines += [
            "    next_link = page.soup.select_one(NEXT_PAGE)",
            '    next_url = page.absolute(next_link.get("href")) if next_link is not None else None',
            '    if next_url and next_url.startswith(("http://", "https://")):  # a saved file:// page leads nowhere',
            "        yield page.follow(next_url)",
        ]
    if "text" in uses:
        lines += [
            "",
            "",
            "def text(element):",
            '    """The element\'s text, whitespace collapsed; None when it is missing or empty."""',
            "    if element is None:",
            "        return None",
            '    return " ".join(element.get_text(" ").split()) or None',
        ]
    if "url" in uses:
        lines += [
            "",
            "",
            "def url(page, element, attribute):",
            '    """The absolute URL an attribute of the element holds; None when it is missing or empty."""',
            "    value = element.get(attribute) if element is not None else None",
            "    return page.absolute(value) if value and value.strip() else None",
        ]
    if "attribute" in uses:
        lines += [
            "",
            "",
            "def attribute(element, name):",
            '    """An attribute\'s value (several values joined by spaces); None when it is missing."""',
            "    value = element.get(name) if element is not None else None",
            '    return " ".join(value) if isinstance(value, list) else value',
        ]
    lines += ["", ""]
    lines += _tests_code(tests or [])
    return "\n".join(lines) + "\n"


def _docstring(spec):
    return f"{spec['title']}: one record per item of the list picked on {spec['url']}.\n\nWritten by Gleaner; yours to change.\n".replace('"""', "'''").replace("\\", "/")


def _description(spec):
    names = ", ".join(field["name"] for field in spec["fields"])
    more = "; follows the next page" if spec["next_selector"] else ""
    return f"One record per item ({names}){more}."


def _helper(attr):
    if attr == "text":
        return "text"
    return "url" if URL_ATTRIBUTES.match(attr) else "attribute"


def _value_code(field):
    element = f"item.select_one({_string(field['selector'])})" if field["selector"] else "item"
    helper = _helper(field["attr"])
    if helper == "text":
        return f"text({element})"
    if helper == "url":
        return f"url(page, {element}, {_string(field['attr'])})"
    return f"attribute({element}, {_string(field['attr'])})"


def _string(value):
    """A Python string literal, double-quoted where it can be (as CSS with quotes in it reads best)."""
    text = repr(value)
    if text.startswith("'") and '"' not in value and "\\" not in text:
        return '"' + value + '"'
    return text


def _tests_code(cases):
    lines = ["TESTS = ["]
    for case in cases:
        lines.append("    {")
        for key, value in case.items():
            if key == "html":
                lines.append(f'        "html": {_long_string(value)},')
            elif key in ("records", "follows"):
                lines.append(f'        "{key}": [')
                for record in value:
                    lines.append("            {")
                    for name, item in record.items():
                        lines.append(f"                {_string(name)}: {_literal(item)},")
                    lines.append("            },")
                lines.append("        ],")
            else:
                lines.append(f"        {_string(key)}: {_literal(value)},")
        lines.append("    },")
    lines.append("]")
    return lines


def _literal(value):
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_string(k)}: {_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    return repr(value)


def _long_string(text):
    """The fixture as a triple-quoted string a person can read, or repr() when its characters forbid that."""
    printable = not any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in text)
    if printable and '"""' not in text and not text.endswith(('"', "\\")):
        return ('r"""' if "\\" in text else '"""') + text + '"""'
    return repr(text)
