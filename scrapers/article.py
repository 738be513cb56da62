"""The main article of a page: title, byline, date and text, as one record.

The text is found the way Mozilla's Readability finds it, on the bs4 tree
and without changing it: every paragraph scores points (one, plus one per
comma, plus one per 100 characters, up to three) for its parent, half as
many for its grandparent and a sixth for the next; class and id names that
smell of content (article, body, story) add to a container's score, those of
page furniture (comment, sidebar, share, promo) take away from it; a
container's score shrinks with the share of its text that sits in links. The
best container wins, together with siblings that score nearly as well or
read as one paragraph. Inside it, the headline, navigation, forms, asides,
link lists, teasers for other stories and the short blocks around a story
(bylines, date lines, captions, credits, ad labels, copyright lines,
breadcrumbs) are left out.

Text directly inside a <div> counts as a paragraph, as in Readability. When
the text is short, the scoring runs again without the class-name rules; when
the page's JSON-LD states a much longer articleBody, that is the text; when
no element scores at all, the whole body is the article; a page without any
text gives no record. Title, byline and date come from JSON-LD, meta tags
and the page, in that order (docs/article-extraction.md has the details).
"""

import functools
import re

from gleaner.html_text import BLOCK_TAGS, INVISIBLE_TAGS, block_text, inline_text
from gleaner import json_ld
from gleaner.page import collector_paused
from gleaner.soup import make_soup
from gleaner.tag_search import attribute_matches, first, index

NAME = "article"
TITLE = "Article text"
VERSION = "1.0.0"
DESCRIPTION = "One record: the page's main article as title, byline, published date and text (paragraphs split by blank lines)."
MATCHES = ["*://*/*", "file:///*"]
INPUT = "html"
REQUIRES = []

UNLIKELY = re.compile(
    r"-ad-|ai2html|banner|breadcrumb|combx|comment|community|cookie|cover-wrap|disqus|extra|footer|gdpr|header|legends|"
    r"menu|related|remark|replies|rss|shoutbox|sidebar|skyscraper|social|sponsor|supplemental|ad-break|agegate|"
    r"pagination|pager|popup|yom-remote|newsletter|subscribe|share|sharing|promo|outbrain|taboola|toolbar|signup|"
    r"(?:^|[\s_-])cta(?:$|[\s_-])",
    re.I,
)
MAYBE = re.compile(r"and|article|body|column|content|main|shadow|story|entry|post|text", re.I)
POSITIVE = re.compile(r"article|body|content|entry|hentry|h-entry|main|page|pagination|post|text|blog|story", re.I)
NEGATIVE = re.compile(
    r"-ad-|hidden|^hid$| hid$| hid |^hid |banner|combx|comment|com-|contact|foot|footer|footnote|gdpr|masthead|media|"
    r"meta|outbrain|promo|related|scroll|share|shoutbox|sidebar|skyscraper|sponsor|shopping|tags|tool|widget|byline|caption",
    re.I,
)
# re.IGNORECASE makes these long alternations some ten times slower; see _searcher().
# Class and id names of the short blocks around a story (see _is_furniture); whole words
# or word starts, so that "update" or "metadata" in a long container's name do not count.
BOILERPLATE = re.compile(
    r"byline|author|dateline|timestamp|publish|(?:^|[\s_-])(?:date|time|meta|credits?|posted)(?:$|[\s_-])|caption|credit|"
    r"gallery|slide|dfp|advert|(?:^|[\s_-])ads?(?:$|[\s_-])|teaser|rail|bio(?:$|[\s_-])|signature|copyright|"
    r"newsletter|subscri|promo|related|share|social|tags",
    re.I,
)
AD_LABELS = {"advertisement", "advert", "ad", "ads", "anzeige", "werbung", "publicité", "publicidad", "publicidade",
             "pubblicità", "реклама", "iklan", "sponsored", "continue reading below", "story continues below advertisement"}
# "Posted: Fri 6:45 PM, Feb 16, 2018", "Updated 10:01 pm PST, ...": a date line, not a sentence.
DATE_LINE = re.compile(r"(?i)(?:first |last )?(?:posted|updated|published|modified)(?: on| at)?:?\s.{0,60}\d.{0,30}$")
COPYRIGHT_LINE = re.compile(r"(?i)^\s*(?:copyright\b|[©ⓒ]|\(c\)\s*\d{4})|all rights reserved")
BREADCRUMB_LINE = re.compile(r"[»›].*[»›]")  # "Home » Section » Story"
SHORT_BLOCK = 500  # characters
# Inline elements, left in place whatever their class: they sit inside a sentence.
PHRASING_TAGS = frozenset("a abbr b bdi bdo cite code data dfn em i kbd mark q s samp small strong sub sup u var wbr".split())
TITLE_SEPARATOR = re.compile(r"\s+[|\-–—:»«·•/]\s+")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
AUTHOR_ITEMPROP = re.compile(r"\bauthor\b")
BYLINE_CLASS = re.compile(r"byline|author", re.I)
# Class names that the common CSS frameworks and themes hide (Bootstrap, WordPress, HTML5
# Boilerplate): whole names only, as "hidden-xs" hides on small screens alone.
HIDDEN_CLASSES = frozenset("hidden hide d-none invisible sr-only visually-hidden screen-reader-text element-invisible".split())
SKIPPED_TAGS = {"nav", "aside", "form", "footer", "header", "menu", "dialog", "figure", "figcaption", "select", "button"}
PARAGRAPH_TAGS = ("p", "pre", "td", "blockquote")
CANDIDATE_TAGS = frozenset(PARAGRAPH_TAGS + ("div", "section"))
# Visible text; bs4 gives comments, doctypes and script or style contents string types of their own.
TEXT_TYPES = ("NavigableString", "CData")
MIN_PARAGRAPH = 25
ENOUGH_TEXT = 500  # characters; less and the class-name rules may have hidden the article


def scrape(page):
    soup = page.soup
    with collector_paused():  # see _find_text
        text = _find_text(soup.body or soup)
    tags = index(soup)  # every element, by name and by attribute; see first()
    described = json_ld.blocks(tags.named("script"))
    hint = _json_ld_body(described)
    if hint and len(text) < len(hint) // 2:
        text = hint  # the page states its article but the markup hides it (scripted pages)
    if not text:
        return
    metas = [tag for tag in tags.named("meta") if tag.get("content") is not None]
    article = json_ld.main_item(described)
    yield {
        "title": _title(tags, metas, article),
        "byline": _byline(tags, metas, article),
        "published": _published(tags, metas, article),
        "text": text,
    }


def _find_text(body):
    """The article's text: the best container's, as block text.

    Python's collector is held off meanwhile: the analysis keeps an entry or
    two per element (200k on a 5 MB table), all freed by reference counting
    when it ends, and each collection they triggered walked all of them.
    """
    sizes, paragraphs = _measure(body)
    unlikely = {}  # id(tag) -> _is_unlikely(tag): scoring and the text's walk ask of the same tags
    text = _main_text(body, sizes, paragraphs, unlikely, strict=True)
    if len(text) < ENOUGH_TEXT:
        # Class names can mislead (a layout row called "pageRow" reads as a pager):
        # as Readability does, try again without them and keep the longer text.
        text = max(text, _main_text(body, sizes, paragraphs, unlikely, strict=False), key=len)
    return text


def _main_text(body, sizes, paragraphs, unlikely, strict):
    scores = _score_containers(body, sizes, paragraphs, unlikely, strict)
    if not scores:  # no paragraph anywhere: the body is all there is
        scores = {id(body): (body, 0)}
    top = max(scores.values(), key=lambda entry: entry[1])[0]
    # The winner's wrappers, kept even where their class names read as furniture (second pass).
    wrappers = {id(top)}
    # A winner holding nearly all of its parent's text is a fragment of the parent.
    while top.parent is not None and top.parent is not body and top.name not in ("article", "main"):
        parent_length = sizes.get(id(top.parent), (0, 0))[0]
        if parent_length and sizes[id(top)][0] / parent_length > 0.85:
            scores.setdefault(id(top.parent), (top.parent, scores[id(top)][1]))
            top = top.parent
            wrappers.add(id(top))
        else:
            break
    parts = _with_siblings(top, scores, sizes)

    def skip(tag):
        verdict = _is_furniture(tag, sizes, body, unlikely)
        return False if verdict and id(tag) in wrappers else verdict

    texts = [block_text(part, skip=skip) for part in parts]
    return "\n\n".join(t for t in texts if t)


def _json_ld_body(described):
    """The longest articleBody the page's JSON-LD states, as plain text, else None."""
    bodies, stack = [], list(described)
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            body = item.get("articleBody")
            if isinstance(body, str):
                bodies.append(body)
            stack.extend(value for key, value in item.items() if key != "articleBody")
        elif isinstance(item, list):
            stack.extend(item)
    if not bodies:
        return None
    body = max(bodies, key=len)
    if "<" in body:  # some sites put the article's HTML there
        body = block_text(make_soup(body))
    paragraphs = (" ".join(line.split()) for line in re.split(r"\n\s*", body))
    return "\n\n".join(line for line in paragraphs if line) or None


def _measure(root):
    """Sizes of every element, and the paragraphs that vote, in one pass over the tree.

    Returns ``(sizes, paragraphs)``: sizes maps id(element) to its text length
    and linked-text length; paragraphs lists, in document order, each <p>,
    <pre>, <td>, <blockquote>, <div> and <section> as (element, length, commas,
    mixed), where a div's length and commas count only its loose text (outside
    its block children) and mixed says whether it has block children.
    """
    sizes, paragraphs = {}, []
    if root.name in INVISIBLE_TAGS:
        return sizes, paragraphs
    text_classes = {}  # string class -> visible text or not (comments, doctypes, script text)
    # One entry per element, in document order: [element, text, links, commas, loose, loose commas,
    # mixed, its parent's entry]. Totals flow from each entry to its parent's, children before
    # parents, so no element is looked up by id() more than once (a 5 MB table has 200k of them).
    order, stack = [], [[root, 0, 0, 0, 0, 0, False, None]]
    while stack:
        entry = stack.pop()
        text = commas = 0
        children = []
        for child in entry[0].contents:
            if isinstance(child, str):  # bs4's strings are str, its elements are not
                visible = text_classes.get(child.__class__)
                if visible is None:
                    visible = text_classes[child.__class__] = child.__class__.__name__ in TEXT_TYPES
                if visible and not child.isspace():  # most strings are the whitespace between tags
                    text += len(" ".join(child.split()))
                    commas += child.count(",")
                    if not child.isascii():
                        commas += child.count("，") + child.count("、")
            elif child.name not in INVISIBLE_TAGS:
                children.append([child, 0, 0, 0, 0, 0, False, entry])
        entry[1] = entry[4] = text
        entry[3] = entry[5] = commas
        order.append(entry)
        if children:
            children.reverse()  # popped first to last: document order
            stack += children
    for entry in reversed(order):  # children before parents
        node, text, links, commas, loose, loose_commas, mixed, parent_entry = entry
        name = node.name
        if name == "a":
            links = text
        sizes[id(node)] = (text, links)
        if name in CANDIDATE_TAGS:
            if name in ("div", "section"):
                paragraphs.append((node, loose, loose_commas, mixed))
            else:
                paragraphs.append((node, text, commas, False))
        if parent_entry is not None:
            parent_entry[1] += text
            parent_entry[2] += links
            parent_entry[3] += commas
            if name in BLOCK_TAGS:
                parent_entry[6] = True
            else:
                parent_entry[4] += text
                parent_entry[5] += commas
    paragraphs.reverse()
    return sizes, paragraphs


def _class_and_id(tag):
    attrs = tag.attrs  # the dict itself: Tag.get() is a Python call, asked of every element of a big page
    return " ".join(attrs.get("class") or []) + " " + (attrs.get("id") or "")


def _is_unlikely_once(tag, unlikely):
    """_is_unlikely(tag), asked once per tag: ``unlikely`` keeps the answers by id(tag)."""
    answer = unlikely.get(id(tag))
    if answer is None:
        answer = unlikely[id(tag)] = _is_unlikely(tag)
    return answer


def _is_unlikely(tag):
    attrs = tag.attrs
    if not attrs:  # no class, id, role or style: nothing below can hold (most tags in a story)
        return False
    names = _class_and_id(tag)
    role = (attrs.get("role") or "").lower()
    if role in ("navigation", "complementary", "banner", "contentinfo", "menu", "menubar", "dialog", "alert"):
        return True
    if attrs.get("hidden") is not None or attrs.get("aria-hidden") == "true" or "display:none" in (attrs.get("style") or "").replace(" ", ""):
        return True
    if not HIDDEN_CLASSES.isdisjoint(attrs.get("class") or ()):
        return True
    return (_unlikely_names(names) and not _maybe_names(names) and tag.name not in ("body", "article", "main")
            and not _is_embedded_post(tag))


def _is_embedded_post(tag):
    """A quoted post the story embeds (a tweet, an Instagram post: a <blockquote> in a wrapper
    whose class says social or share): part of the story, whatever the wrapper's name."""
    # The quote is the wrapper's child or grandchild: no search through a large container's tree.
    children = [child for child in tag.contents if child.name]
    quote = next((child for child in children if child.name == "blockquote"), None) or next(
        (grandchild for child in children for grandchild in child.contents if grandchild.name == "blockquote"), None)
    return quote is not None and len(inline_text(quote)) >= 0.8 * len(inline_text(tag))


def _searcher(pattern):
    """Whether pattern.search(text) finds one of the case-insensitive patterns above, as a function
    of the text, without re.IGNORECASE where it can.

    The patterns are lowercase ASCII words, so for ASCII text (nearly every
    class and id) a case-sensitive search of the text lowercased finds the
    same match; other text may hold letters that fold to ASCII ones (the
    Kelvin sign, a dotted capital I), which only re.IGNORECASE knows.
    Cached by the text alone (hashing a compiled pattern hashes its whole
    program): a big page repeats a few class names on thousands of elements
    (every row of a table), each asked the same questions.
    """
    case_sensitive = re.compile(pattern.pattern)

    @functools.lru_cache(maxsize=4096)
    def search(text):
        if text.isascii():
            return case_sensitive.search(text.lower()) is not None
        return pattern.search(text) is not None

    return search


_unlikely_names, _maybe_names, _positive_names, _negative_names, _boilerplate_names = map(
    _searcher, (UNLIKELY, MAYBE, POSITIVE, NEGATIVE, BOILERPLATE))


def _is_skipped_tag(tag, sizes, body):
    """Navigation, asides, forms and the like; but a form around most of the page is its layout (ASP.NET)."""
    if tag.name not in SKIPPED_TAGS:
        return False
    return tag.name != "form" or sizes.get(id(tag), (0, 0))[0] < sizes.get(id(body), (0, 0))[0] // 2


# Short elements of these names are not read for ad labels, date lines and the like (see _is_furniture).
_TEXT_CHECK_EXEMPT = frozenset(("span", "li", "td"))


def _is_furniture(tag, sizes, body, unlikely):
    """Inside the chosen container, what is not part of the story: True, False, or for a short
    block, _is_furniture_line to be asked of its text (block_text's ``skip``)."""
    name = tag.name  # asked of every element of the container: a big table's every row and cell
    if name in PHRASING_TAGS:
        return False  # words inside a sentence: leaving them out would break it
    attrs = tag.attrs
    if not attrs and name in _TEXT_CHECK_EXEMPT:
        return False  # what follows needs a class name, a name of its own, or a text check these are spared
    if name == "h1" or _is_skipped_tag(tag, sizes, body) or (attrs and _is_unlikely_once(tag, unlikely)):
        return True  # the headline is the record's title, not its text
    if name == "article" and tag.find_parent("article") is not None:
        return True  # a story inside the story: a teaser for another one
    length = sizes.get(id(tag), (0, 0))[0]
    if tag.name in ("ul", "ol", "div", "section", "table") and _link_density(tag, sizes) > 0.5:
        return True
    if length > SHORT_BLOCK or not length:
        return False
    # Short blocks around the story: bylines, dates, captions, credits, ad labels, promotions.
    if attrs and _boilerplate_names(_class_and_id(tag)) and not _is_embedded_post(tag):
        return True
    if length <= 100 and name not in _TEXT_CHECK_EXEMPT:
        return _is_furniture_line  # decided on its text, which the walk reads anyway (see block_text)
    return False


def _is_furniture_line(text):
    """A short block's text that is an ad label, a date line, a copyright line or a breadcrumb trail."""
    return bool(text.casefold().strip(" :.-") in AD_LABELS or DATE_LINE.match(text) or COPYRIGHT_LINE.search(text)
                or BREADCRUMB_LINE.search(text))


def _link_density(tag, sizes):
    text, links = sizes.get(id(tag), (0, 0))
    return min(1.0, links / text) if text else 0.0


def _class_weight(tag):
    return _names_weight(_class_and_id(tag))


@functools.lru_cache(maxsize=4096)
def _names_weight(names):
    """The class weight of these class and id names: asked again for every row of a big table."""
    weight = 0
    if _positive_names(names):
        weight += 25
    if _negative_names(names):
        weight -= 25
    return weight


def _score_containers(body, sizes, paragraphs, unlikely, strict=True):
    """Readability's scoring: paragraphs vote for their parent and grandparent.

    Returns {id(tag): (tag, score)}: bs4 hashes a tag by serialising it, far
    too slow for a dict of thousands of elements.
    """
    scores, tags, out = {}, {}, {}  # by id(tag): score; the tag; whether it or an ancestor is left out

    def excluded(tag):
        chain = []  # the tags asked, up to one whose answer is known: all share it
        while True:
            answer = out.get(id(tag))
            if answer is not None:
                break
            chain.append(tag)
            if _is_skipped_tag(tag, sizes, body) or (strict and tag.attrs and _is_unlikely_once(tag, unlikely)):
                answer = True
                break
            tag = tag.parent
            if tag is None or tag is body:
                answer = False
                break
        for tag in chain:
            out[id(tag)] = answer
        return answer

    for paragraph, length, commas, mixed in paragraphs:
        if length < MIN_PARAGRAPH or excluded(paragraph):
            continue
        points = 1 + commas + min(length // 100, 3)
        # A div of text alone is a paragraph; a div mixing loose text with blocks holds
        # that text as a paragraph of its own, as Readability wraps it in a <p>.
        ancestor = paragraph if mixed else paragraph.parent
        for divisor in (1, 2, 6):
            if ancestor is None or ancestor.name in ("[document]", "html"):
                break
            key = id(ancestor)
            score = scores.get(key)
            if score is None:
                tags[key] = ancestor
                score = _initial_score(ancestor)
            scores[key] = score + points / divisor
            ancestor = ancestor.parent
    # Text mostly inside links is navigation, however long.
    weighted = {}
    for key, score in scores.items():
        text, links = sizes.get(key, (0, 0))
        weighted[key] = (tags[key], score * (1 - min(1.0, links / text)) if text else score)
    return weighted


_BASE_SCORES = {"div": 5, "article": 10, "main": 5, "section": 3, "pre": 3, "td": 3, "blockquote": 3,
                "ol": -3, "ul": -3, "form": -3, "li": -3, "th": -5, "h1": -5, "h2": -5, "h3": -5}


def _initial_score(tag):
    return _BASE_SCORES.get(tag.name, 0) + (_class_weight(tag) if tag.attrs else 0)


def _with_siblings(top, scores, sizes):
    """The winner plus siblings that score nearly as well or are clean paragraphs."""
    if top.parent is None:
        return [top]
    top_score = scores[id(top)][1]
    threshold = max(10, top_score * 0.2)
    parts = []
    for sibling in top.parent.find_all(recursive=False):
        if sibling is top:
            parts.append(sibling)
            continue
        bonus = top_score * 0.2 if sibling.get("class") and sibling.get("class") == top.get("class") else 0
        if scores.get(id(sibling), (None, -1e9))[1] + bonus >= threshold and not _is_unlikely(sibling):
            parts.append(sibling)
        elif sibling.name == "p" or (sibling.name in ("div", "section") and not _is_unlikely(sibling)
                                     and _is_paragraph_wrapper(sibling)):
            length = sizes.get(id(sibling), (0, 0))[0]
            density = _link_density(sibling, sizes)
            if (length > 80 and density < 0.25) or (0 < length <= 80 and density == 0 and re.search(r"\.( |$)", inline_text(sibling))):
                parts.append(sibling)
    return parts


def _is_paragraph_wrapper(tag):
    """A div of text alone, or holding one paragraph and nothing else of note (CNN sets its lead apart so)."""
    elements = [child for child in tag.find_all(True) if child.name not in PHRASING_TAGS and child.name not in ("span", "br")]
    return not elements or (len(elements) == 1 and elements[0].name == "p")


def _meta(metas, *names):
    for name in names:
        tag = first(metas, lambda tag: attribute_matches(tag.get("property"), name.__eq__)) or first(
            metas, lambda tag: attribute_matches(tag.get("name"), name.__eq__)
        )
        if tag and tag["content"].strip():
            return " ".join(tag["content"].split())
    return None


def _title(tags, metas, article):
    """The headline as the page states it (OpenGraph, Twitter, JSON-LD, else <title>), without the site's name.

    The site's name is cut off at either end where the page names its site
    (og:site_name, application-name, the JSON-LD publisher), or where the
    JSON-LD headline or an <h1> is the title up to a separator.
    """
    title_tag = first(tags.named("title"), bool)
    page_title = " ".join(title_tag.get_text().split()) if title_tag else ""  # inline_text leaves <title> out
    # JSON-LD's headline is sometimes a description (Wikipedia's): trusted where the <title> agrees.
    headline = next((text for text in map(_json_ld_text, (article.get("headline"), article.get("name")))
                     if text and (not page_title or _words(text) & _words(page_title))), None)
    title = _meta(metas, "og:title", "twitter:title") or headline or page_title
    if not title:
        heading = first(tags.named("h1"), bool)
        return (inline_text(heading) or None) if heading else None
    publisher = article.get("publisher")
    sites = [_meta(metas, "og:site_name"), _meta(metas, "application-name"),
             _json_ld_text(publisher.get("name")) if isinstance(publisher, dict) else None]
    parts = TITLE_SEPARATOR.split(title)
    if len(parts) > 1:
        for site in filter(None, sites):
            if _same_site(parts[-1], site):
                return title[: title.rindex(parts[-1])].rstrip(" |-–—:»«·•/")
            if _same_site(parts[0], site):
                return title[len(parts[0]):].lstrip(" |-–—:»«·•/")
    # "Headline - Site" where the page's JSON-LD headline or <h1> is the headline.
    headings = [headline] + [inline_text(tag) for tag in tags.named("h1")]
    for heading in filter(None, headings):
        if heading != title and title.startswith(heading) and TITLE_SEPARATOR.match(title[len(heading):]):
            return heading
        if heading != title and title.endswith(heading) and TITLE_SEPARATOR.search(title[: -len(heading)] + " "):
            return heading
    return title


def _words(text):
    return set(re.findall(r"\w+", text.casefold()))


def _same_site(part, site):
    """Whether a piece of the title names the site ("Aktuálně.cz" for "Aktuálně.cz - Víte, co se právě děje")."""
    part, site = part.strip().casefold(), site.strip().casefold()
    return bool(part) and (part == site or site.startswith(part) or part.startswith(site))


def _json_ld_text(value):
    return " ".join(value.split()) or None if isinstance(value, str) else None


def _byline(tags, metas, article):
    """The author's names: JSON-LD authors, else meta tags, else the page's byline element."""
    names = json_ld.person_names(article.get("author"))
    if names:
        return names
    meta = _meta(metas, "author", "article:author", "og:article:author", "byl", "parsely-author", "dc.creator")
    if meta and not meta.startswith("http"):
        return re.sub(r"^by\s+", "", meta, flags=re.I)
    tag = (
        first(tags.with_attribute("rel"), lambda tag: attribute_matches(tag.get("rel"), "author".__eq__))
        or first(tags.with_attribute("itemprop"), lambda tag: attribute_matches(tag.get("itemprop"), AUTHOR_ITEMPROP.search))
        or first(tags.with_attribute("class"), lambda tag: attribute_matches(tag.get("class"), BYLINE_CLASS.search))
    )
    if tag is not None:
        text = inline_text(tag)
        if 0 < len(text) < 100:
            return re.sub(r"^by\s+", "", text, flags=re.I)
    return None


def _published(tags, metas, article):
    """The publication date as written; an ISO 8601 date (JSON-LD, meta tags, <time>) comes before any other."""
    def stated():
        yield _json_ld_text(article.get("datePublished"))
        yield _meta(metas, "article:published_time", "datePublished", "pubdate", "parsely-pub-date", "dc.date", "date")
        tag = first(tags.with_attribute("itemprop"), lambda tag: attribute_matches(tag.get("itemprop"), "datePublished".__eq__))
        if tag is not None:
            yield tag.get("content") or tag.get("datetime") or inline_text(tag)
        tag = first(tags.named("time"), lambda tag: tag.get("datetime") is not None)
        if tag is not None:
            yield tag["datetime"].strip()

    other = None
    for value in filter(None, stated()):
        if ISO_DATE.match(value):
            return value
        other = other or value
    return other


TESTS = [
    {
        "name": "the story wins over navigation, comments and a sidebar",
        "url": "https://news.example/story",
        "html": """<html><head><title>Rain returns - Example News</title>
            <meta name="author" content="Ann Lee"><meta property="article:published_time" content="2024-03-01T08:00:00Z">
            </head><body>
            <nav><a href="/">Home</a> <a href="/world">World</a></nav>
            <div class="sidebar"><p>Most read, today, everywhere, all the time, and more and more.</p></div>
            <article class="story"><h1>Rain returns</h1>
              <p>After months of drought, rain fell across the region on Friday, filling reservoirs, rivers and wells.</p>
              <p>Farmers welcomed the change, though many said it came too late for this year's harvest.</p>
              <div class="share"><a href="#">Share</a> <a href="#">Tweet</a></div>
            </article>
            <div id="comments"><p>First! This comment, like all comments, is not the story at all.</p></div>
            </body></html>""",
        "records": [
            {
                "title": "Rain returns",
                "byline": "Ann Lee",
                "published": "2024-03-01T08:00:00Z",
                "text": "After months of drought, rain fell across the region on Friday, filling reservoirs, "
                "rivers and wells.\n\nFarmers welcomed the change, though many said it came too late for this year's harvest.",
            }
        ],
    },
    {
        "name": "JSON-LD names the authors and date; the site's name, the byline, a date line and a caption stay out",
        "url": "https://paper.example/2024/rain",
        "html": """<html><head><title>Rain returns | The Paper</title>
            <meta property="og:site_name" content="The Paper">
            <script type="application/ld+json">{"@type": "NewsArticle", "headline": "Rain returns",
              "datePublished": "2024-03-01T08:00:00Z", "author": [{"@type": "Person", "name": "Ann Lee"},
              {"@type": "Person", "name": "Bo Chen"}]}</script>
            </head><body><main><article>
              <h1>Rain returns</h1>
              <div class="byline">By Ann Lee and Bo Chen</div>
              <p>Posted: Fri 8:00 AM, Mar 1, 2024</p>
              <p>After months of drought, rain fell across the region on Friday, filling reservoirs, rivers and wells.</p>
              <div class="image-caption">Rain over the hills, Friday.</div>
              <p>Farmers welcomed the change, though many said it came too late for this year's harvest.</p>
            </article></main></body></html>""",
        "records": [
            {
                "title": "Rain returns",
                "byline": "Ann Lee, Bo Chen",
                "published": "2024-03-01T08:00:00Z",
                "text": "After months of drought, rain fell across the region on Friday, filling reservoirs, "
                "rivers and wells.\n\nFarmers welcomed the change, though many said it came too late for this year's harvest.",
            }
        ],
    },
    {
        "name": "a page whose script draws the story gives the JSON-LD articleBody",
        "url": "https://app.example/story/1",
        "html": """<html><head><title>Rain returns</title>
            <script type="application/ld+json">{"@type": "NewsArticle", "headline": "Rain returns",
              "articleBody": "After months of drought, rain fell across the region on Friday.\\nFarmers welcomed it."}</script>
            </head><body><div id="root"><p>Loading…</p></div></body></html>""",
        "records": [
            {
                "title": "Rain returns",
                "byline": None,
                "published": None,
                "text": "After months of drought, rain fell across the region on Friday.\n\nFarmers welcomed it.",
            }
        ],
    },
    {
        "name": "a tweet the story embeds stays in its text; the share buttons, a call to action and text the page hides do not",
        "url": "https://news.example/rain",
        "html": """<html><head><title>Rain returns</title></head><body><article>
            <h1>Rain returns</h1>
            <span class="hidden">admin 2024-03-01 10:33 Rain returns in the region</span>
            <p>After months of drought, rain fell across the region on Friday, filling reservoirs, rivers and wells.</p>
            <div class="social-media-embed"><blockquote class="twitter-tweet"><p>Rain at last, the first in four months!</p>
              &mdash; Ann Lee (@annlee) March 1, 2024</blockquote></div>
            <p>Farmers welcomed the change, though many said it came too late for this year's harvest.</p>
            <div class="social-share"><a href="#">Share</a> <a href="#">Tweet</a></div>
            <div class="box cta"><p>Our reporting is free for everyone who reads it, and it costs us dearly to make.</p>
              <p>Give today, however little, and keep it free for the readers who need it most.</p></div>
            </article></body></html>""",
        "records": [
            {
                "title": "Rain returns",
                "byline": None,
                "published": None,
                "text": "After months of drought, rain fell across the region on Friday, filling reservoirs, rivers and wells."
                "\n\nRain at last, the first in four months!\n\n\u2014 Ann Lee (@annlee) March 1, 2024\n\n"
                "Farmers welcomed the change, though many said it came too late for this year's harvest.",
            }
        ],
    },
]
