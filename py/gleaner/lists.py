"""Repeated records on a page: product grids, search results, thread lists, comments, tables of divs.

How a list is found, in one walk of the page's tags and a little work per candidate:

1. Every tag's text, link text, links and images are summed bottom-up in
   one pass (no get_text per element).
2. A candidate is the children of one element that share a tag name (two
   or more; a list needs three in all). Their inner structure decides which belong: each child is
   described by the paths of tags and class names below it, and children
   far from the group's common structure (an ad, a promo, a heading) drop out.
3. Candidates whose parents and items look alike (the rows of a grid, one
   section's products after another's) become one list, as one CSS selector
   would select them. Table sections (``<tbody>``, which browsers imply and
   html.parser does not) make no step of a shape or a parent's likeness.
4. Lists are ranked by their content (each item's text, capped, so one
   long item does not outweigh many), how rich an item is (links, images,
   texts), and where they sit: inside nav, header, footer, aside, or
   elements named menu, sidebar, related, widget, ad... counts against a
   list; inside main content for it. A list whose items each hold several
   items of another good list is a container of lists, and yields to it
   (unless those are parts of one record: then they yield). A list whose
   items carry no value at all is no list.

Each list knows an item selector for the whole document and, per field, a
selector relative to the item and what to read from the element; the
``lists`` built-in reads records through those selectors, and
``spec_for_list`` hands them to gleaner/scraper_writer.py, so a written
scraper gives the records the built-in gave.

Selectors use tag and class names (never generated hash classes, numbers
or state classes such as ``odd``/``active``), ids that are words, and
where classes say nothing, attributes such as ``data-testid``; no
positions, but for the number of cells of a table row when nothing else
tells the rows apart. docs/lists.md has the rules and their numbers.
"""

import re

from bs4.element import NavigableString, Tag

from .errors import GleanerError
from .tag_search import index

MIN_ITEMS = 3
# Under one parent, two alike children may be a grid's row: they count once alike rows add up to MIN_ITEMS.
MIN_PER_PARENT = 2
MAX_LISTS = 8  # the built-in's output: the best lists only, it runs on every click
# How far the walk that describes an item goes: enough to tell a product card from an ad.
SHAPE_DEPTH = 3
SHAPE_TAGS = 60
FIELD_TAGS = 300  # tags of an item looked at for fields
FIELD_ITEMS = 40  # items looked at for fields
MAX_FIELDS = 10
TEXT_CAP = 300  # characters an item's text counts for, at most
SAMPLE_ITEMS = 12  # items a field selector is checked on
# Item structure: an item whose shape shares less than this with the group's is not one of them.
SHAPE_SIMILARITY = 0.45
MEDOID_SAMPLE = 16
LONE_SIMILARITY = 0.6  # a lone item beside a list (a grid's last row) must look more alike to join it
FIELD_PRESENCE = 0.4  # share of items a field must appear in

NEVER_ITEMS = {"script", "style", "noscript", "template", "head", "meta", "link", "title", "br", "hr", "wbr", "option",
               "optgroup", "source", "track", "param", "input", "td", "th", "col", "colgroup", "area", "path", "g",
               "defs", "use", "svg", "html", "body", "iframe", "p", "span", "b", "i", "em", "strong", "small", "label",
               "button", "img", "picture", "dd", "dt", "caption", "thead", "tfoot", "tbody", "circle", "rect", "stop"}
NEVER_PARENTS = {"select", "svg", "head", "picture", "video", "audio", "datalist", "map", "g", "defs", "p", "span"}
NO_TEXT = {"script", "style", "noscript", "template"}
TABLE_SECTIONS = {"tbody", "thead", "tfoot"}

_WORD_SPLIT = re.compile(r"[-_\s:.]+|(?<=[a-z])(?=[A-Z])")
# Words in class names and ids of what is not main content.
AWAY_WORDS = {
    "nav", "navbar", "navigation", "menu", "menubar", "submenu", "megamenu", "footer", "header", "masthead",
    "breadcrumb", "breadcrumbs", "sidebar", "aside", "widget", "widgets", "related", "recommended", "recommendations",
    "popular", "trending", "share", "sharing", "social", "ad", "ads", "advert", "adverts", "advertisement", "sponsor",
    "sponsored", "promo", "promotion", "banner", "toolbar", "dropdown", "pagination", "pager", "tagcloud", "cookie",
    "copyright", "topbar", "secondary", "offcanvas", "drawer", "modal", "popup", "newsletter", "login", "language",
    "languages", "lang", "flyout", "skip", "jump", "toc", "blogroll", "archives", "subnav",
}
AWAY_STEMS = ("foot", "menu", "navbar", "navig", "sidebar", "widget", "breadcrumb", "advert", "sponsor", "subnav")
# Carousels and sliders: often teasers of what the page lists anyway, sometimes the list itself.
ASIDE_WORDS = {"carousel", "slider", "slides", "slideshow", "swiper", "ticker", "marquee", "owl"}
# An element holding more than this share of the page's tags is a layout wrapper, not a region.
WRAPPER_SHARE = 0.4
AWAY_TAGS = {"nav", "header", "footer", "aside"}
AWAY_ROLES = {"navigation", "banner", "contentinfo", "complementary", "menu", "menubar", "search"}
MAIN_WORDS = {"main", "content", "results", "search-results", "primary", "products", "listing", "list", "posts",
              "threads", "topics", "forum", "items", "catalog", "grid", "feed", "stream", "articles", "entries"}
# Class tokens that change with state or position, never a selector's anchor.
STATE_CLASSES = {"odd", "even", "alt", "first", "last", "active", "selected", "current", "hover", "focus", "open",
                 "closed", "show", "hidden", "hide", "visible", "in", "fade", "new", "unread", "read", "sticky",
                 "disabled", "expanded", "collapsed", "clearfix", "cf", "group", "row-odd", "row-even", "is-active",
                 "lazy", "lazyload", "lazyloaded", "loaded", "js", "no-js", "selected-item", "focused"}
# Words that say nothing as a column name.
BLAND_WORDS = {"col", "cols", "row", "rows", "item", "items", "wrap", "wrapper", "inner", "outer", "container", "box",
               "block", "content", "text", "span", "div", "left", "right", "pull", "float", "hidden", "visible",
               "flex", "grid", "cell", "clearfix", "list", "entry", "post", "card", "body", "main", "small", "large",
               "big", "first", "last", "odd", "even", "xs", "sm", "md", "lg", "xl", "top", "bottom", "center",
               "align", "the", "and", "info", "detail", "details", "holder", "area", "section", "element", "el",
               "component", "module", "widget", "unit", "line", "group", "part", "field", "value", "data", "has",
               "is", "js", "col-", "of", "to", "with", "for", "a", "link", "links", "image", "img", "thumb", "wrapper",
               "product", "result", "thread", "topic", "article", "story", "tile", "media", "layout", "font",
               "color", "bold", "strong", "normal", "light", "dark", "bg", "hd", "bd", "ft", "mt", "mb", "ml", "mr",
               "pt", "pb", "pl", "pr", "px", "py", "mx", "my", "d", "w", "h", "p", "m", "fa", "icon", "ui", "td", "tr",
               "default", "html", "base", "primary", "secondary", "muted", "inline", "block", "xs", "std", "new",
               "button", "btn", "popup", "popupctrl", "ctrl", "toggle", "trigger", "hover", "windowbg", "understate"}
# Three-letter words that do name a column.
SHORT_NAMES = {"tag", "tags", "day", "age", "sku", "fee", "tax", "qty", "cat", "vat", "map", "bio"}
# Generated class names: CSS-in-JS prefixes, CSS modules' hash suffixes, random-looking tokens.
_GENERATED = re.compile(
    r"^(?:css|sc|jsx|emotion|styled|svelte|astro|tw|chakra|mui|makeStyles|jss)-|__[A-Za-z0-9_-]{4,}$|"
    r"^_?[a-zA-Z]{0,3}[0-9][a-zA-Z0-9]*$|[0-9]"
)
_HEX = re.compile(r"^[0-9a-f]{6,}$|[0-9a-f]{8,}")
_GOOD_ID = re.compile(r"^[A-Za-z][A-Za-z_-]{1,40}$")
_PRICE = re.compile(
    r"^(?:[^\d]{0,12}?)(?:[$€£¥₹₽₩₺₪฿₫]|\b(?:USD|EUR|GBP|JPY|CHF|SEK|NOK|DKK|PLN|CZK|RUB|INR|AUD|CAD|BRL|MXN|CLP|"
    r"ARS|TRY|ZAR|Kč|zł|kr|Rs\.?|R\$|руб\.?|р\.|грн)\b)\s?\d[\d.,\s\u00a0']*\d?|"
    r"^\d[\d.,\s\u00a0']*\s?(?:[$€£¥₹₽₩₺₪฿₫]|(?:USD|EUR|GBP|CHF|SEK|NOK|DKK|PLN|CZK|RUB|zł|Kč|kr|руб\.?|р\.|грн|"
    r"лв|Ft|lei)\b)",
    re.I,
)
_MONTHS = (r"jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|"
           r"september|october|november|december|janv|févr|mars|avr|mai|juin|juil|août|sept|déc|januar|februar|"
           r"märz|juni|juli|oktober|dezember|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|"
           r"noviembre|diciembre|gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|"
           r"января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря")
_DATE = re.compile(
    r"\b\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b|\b\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b|"
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\.?\s+(?:{_MONTHS})\.?,?\s+\d{{2,4}}\b|\b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b|"
    r"\d{4}年\d{1,2}月\d{1,2}日|\b(?:today|yesterday|heute|gestern|hier|aujourd'hui|ayer|hoy|ieri|oggi|сегодня|вчера)\b|"
    r"\b\d+\s+(?:minutes?|hours?|days?|weeks?|months?|years?)\s+ago\b",
    re.I,
)
_PLACEHOLDER_IMAGE = re.compile(r"^data:|blank|spacer|placeholder|transparent|pixel|lazy|loading|grey\.gif|1x1", re.I)
LAZY_SOURCES = ("data-src", "data-original", "data-lazy-src", "data-lazy", "data-srcset")


def class_words(token):
    return [w.lower() for w in _WORD_SPLIT.split(token) if w]


def is_generated(token):
    """A class name or id a build tool made up (hashes, CSS modules, CSS-in-JS) or that holds a number."""
    if _GENERATED.search(token) or _HEX.search(token.lower()):
        return True
    # Obfuscated names such as "kCrYT" or "BNeawe": camel-case pieces too short to be words.
    pieces = [p for p in re.split(r"[-_]+|(?<=[a-z])(?=[A-Z])", token) if p]
    upper = sum(1 for c in token if c.isupper())
    if upper >= 2 and any(len(p) < 3 and not p.islower() for p in pieces):
        return True
    return upper >= 3 and len(token) <= 8 and not token.isupper()


_GOOD_CLASSES = {}  # tuple of class names -> the usable ones: pages repeat the same few hundred combinations


def good_classes(tag):
    """The tag's class names usable in a selector, in the page's order."""
    classes = tag.get("class")
    if not classes:
        return ()
    key = tuple(classes)
    good = _GOOD_CLASSES.get(key)
    if good is None:
        if len(_GOOD_CLASSES) > 100_000:
            _GOOD_CLASSES.clear()
        good = _GOOD_CLASSES[key] = tuple(
            c for c in classes if c.lower() not in STATE_CLASSES and not is_generated(c) and _css_ident(c))
    return good


def _css_ident(token):
    return re.fullmatch(r"-?[A-Za-z_][A-Za-z0-9_-]*", token) is not None


def step(tag):
    """A selector step for one tag: its name and first usable class."""
    classes = good_classes(tag)
    return f"{tag.name}.{classes[0]}" if classes else tag.name


class NoList(GleanerError):
    """The page has no repeated structure: nothing to list, nothing to write a scraper for."""


class FoundList:
    """One list on the page: its items (document order), how it ranks, and how to read its fields."""

    def __init__(self, items, score, shape, stats=None, positions=None):
        self.items = items
        self.score = score
        self.shape = shape  # item paths common to the list
        self.fields = None  # [(name, selector, attr)] once described
        self.why = ""
        # The page's pass (_Stats) and the items' places in it: records() reads an item's tags from there.
        self.stats = stats
        self.positions = positions

    def __repr__(self):
        return f"FoundList({len(self.items)} items, score {self.score:.0f}, {self.items[0].name})"


class _Stats:
    """One bottom-up pass over the page's tags (document order), each tag known by its position there:
    its text, link text, links, images and tags below; its parent and element children; and its
    structure's number (equal numbers: the same tags and class names below, in the same order).

    Positions, not tags, go from question to question: a big page has 200k
    tags, and a table from id(tag) cost more than most questions asked of it.
    """

    __slots__ = ("tags", "text", "link_text", "links", "images", "size", "parent", "children", "only_child",
                 "structure", "steps", "_position")

    def __init__(self, tags):
        count = len(tags)
        self.tags = tags
        self.text = text = [0] * count
        self.link_text = link_text = [0] * count
        self.links = links = [0] * count
        self.images = images = [0] * count
        self.size = size = [0] * count
        self.parent = parent = [-1] * count  # -1: the document
        self.children = children = [None] * count  # positions of the element children, for tags with two or more
        self.only_child = only_child = [None] * count  # the position of the element child of a tag with one
        self.structure = structure = [0] * count
        self.steps = {}  # structure number -> step() of its tags, made when asked: most tags are in no shape
        self._position = None
        structures = {}  # (name, class names, children's structures) -> its number
        plain_string, element, no_text = NavigableString, Tag, NO_TEXT
        for index in range(count - 1, -1, -1):
            tag = tags[index]
            name = tag.name
            chars = linked = link_count = image_count = below = 0
            first = elements = None
            after = index + 1  # where the next element child sits, in document order
            for child in tag.contents:
                if type(child) is plain_string:
                    if name not in no_text:
                        chars += len(child.strip())
                elif isinstance(child, element):
                    if after < count and tags[after] is child:
                        at = after
                    else:
                        at = self.of(child)
                        if at is None:
                            continue
                    child_size = size[at]
                    after = at + child_size + 1
                    parent[at] = index
                    if first is None:
                        first = at
                    elif elements is None:
                        elements = [first, at]
                    else:
                        elements.append(at)
                    chars += text[at]
                    linked += link_text[at]
                    link_count += links[at]
                    image_count += images[at]
                    below += child_size + 1
            if name == "a":
                if tag.get("href") is not None:
                    link_count += 1
                    linked = chars
            elif name == "img":
                image_count += 1
            text[index], link_text[index], links[index], images[index], size[index] = (chars, linked, link_count,
                                                                                       image_count, below)
            classes = tag.attrs.get("class")
            classes = tuple(classes) if classes else None
            if elements is not None:
                children[index] = elements
                key = (name, classes, *[structure[at] for at in elements])
            elif first is not None:
                only_child[index] = first
                key = (name, classes, structure[first])
            else:
                key = (name, classes)
            number = structures.get(key)
            if number is None:
                number = structures[key] = len(structures)
            structure[index] = number

    def of(self, tag):
        """A tag's position, None for a tag not in the list (the table is made on the first question)."""
        if self._position is None:
            self._position = dict(zip(map(id, self.tags), range(len(self.tags))))
        return self._position.get(id(tag))

    def step(self, at):
        made = self.steps.get(self.structure[at])
        if made is None:
            made = self.steps[self.structure[at]] = step(self.tags[at])
        return made

    def below(self, at):
        """The tags below the tag at ``at``, in document order."""
        return self.tags[at + 1: at + 1 + self.size[at]]

    def element_children(self, at):
        below = self.children[at]
        if below is not None:
            return below
        below = self.only_child[at]
        return () if below is None else (below,)


def find_lists(soup):
    """The lists on a parsed page, best first."""
    tags = index(soup).all  # soup.find_all(True), from the index the other built-ins share
    if not tags:
        return []
    stats = _Stats(tags)
    total = len(tags)
    away = _AwayMemo(stats, total)
    shapes = _Shapes(stats)
    text, images, links, structure = stats.text, stats.images, stats.links, stats.structure
    groups = {}  # signature -> [parents' items...], merged across parents that look alike
    # Per structure: the names two or more children could be items under (a table's 33k rows, each of
    # four cells, hold none: their structure says so once).
    item_names = {}
    for parent_at, children in enumerate(stats.children):
        if children is None:  # no two element children (MIN_PER_PARENT)
            continue
        names = item_names.get(structure[parent_at])
        if names is None:
            names = item_names[structure[parent_at]] = _item_names(tags, parent_at, children)
        if not names:
            continue
        parent = tags[parent_at]
        by_name = {}
        for at in children:
            name = tags[at].name
            if name in names and (text[at] or images[at]):  # an empty slot is no record
                same = by_name.get(name)
                if same is None:
                    by_name[name] = [at]
                else:
                    same.append(at)
        for name, same in by_name.items():
            if len(same) < MIN_PER_PARENT:
                continue
            if not any(links[at] or images[at] for at in same):
                continue  # no link, no image: text blocks (paragraphs, cells of prose), not records
            rest = [(at, shapes(at)) for at in same]
            while len(rest) >= MIN_PER_PARENT:
                kept, rest, shape = _alike(rest)
                if not kept:
                    break
                if len(kept) < MIN_PER_PARENT:
                    continue
                # Alike parents with alike items: one list, as one selector would see it.
                clusters = groups.setdefault((_parent_signature(parent), _item_signature(kept, stats)), [])
                for cluster in clusters:
                    if _similarity(cluster[0][1], shape) >= SHAPE_SIMILARITY:
                        cluster.append((kept, shape))
                        break
                else:
                    clusters.append([(kept, shape)])
    found = []
    for parts in (cluster for clusters in groups.values() for cluster in clusters):
        positions = [at for kept, _ in parts for at in kept]
        if len(positions) < MIN_ITEMS:
            continue
        positions = _with_lone_items(positions, parts[0][1], stats, shapes)
        shape = parts[0][1]
        scored = _score(positions, shape, stats, total, away)
        if scored is not None:
            found.append(scored)
    _yield_to_finer_lists(found, stats)
    found.sort(key=lambda found_list: (-found_list.score, found_list.positions[0]))
    return found


def _item_names(tags, parent_at, children):
    """The tag names of which the parent has two or more children that may be items."""
    if tags[parent_at].name in NEVER_PARENTS:
        return frozenset()
    counts = {}
    for at in children:
        name = tags[at].name
        if name not in NEVER_ITEMS:
            counts[name] = counts.get(name, 0) + 1
    return frozenset(name for name, count in counts.items() if count >= MIN_PER_PARENT)


def _with_lone_items(positions, shape, stats, shapes):
    """The items of a list spread over alike parents (a grid's rows), with the one item a last row may hold
    (a lone item counts when it has a link or an image: a header row has neither)."""
    tags, parent_of = stats.tags, stats.parent
    parents = dict.fromkeys(parent_of[at] for at in positions)
    seen = set(positions)
    name, parent_step = tags[positions[0]].name, stats.step(parent_of[positions[0]])
    added = []
    for parent in list(parents):
        grand = parent_of[parent]
        for uncle in (stats.children[grand] or ()) if grand >= 0 else ():
            if uncle in parents or stats.step(uncle) != parent_step:
                continue
            parents[uncle] = None
            for at in stats.element_children(uncle):
                if tags[at].name == name and at not in seen and (stats.links[at] or stats.images[at]) \
                        and _similarity(shapes(at), shape) >= LONE_SIMILARITY:
                    seen.add(at)
                    added.append(at)
    if not added:
        return positions
    return sorted(positions + added)


def _alike(children):
    """(items, the rest as (child, shape) pairs, common shape): of (child, shape) pairs, the children most like
    the group's most typical one.

    The typical child (the one most like the others, among a sample) picks
    its kin; the paths most of them share then decide, so one odd item does
    not set the pattern. Alike children share one shape object (_Shapes):
    each distinct shape is compared once.
    """
    shapes = [shape for _, shape in children]
    first = shapes[0]
    if shapes.count(first) == len(shapes):
        # One structure (a table's rows, a grid's cards): all alike, and their paths are the common ones.
        return [child for child, _ in children], [], first
    step_size = max(1, len(children) // MEDOID_SAMPLE)
    sample = shapes[::step_size][:MEDOID_SAMPLE]
    likeness = {}
    for shape in sample:
        if id(shape) not in likeness:
            likeness[id(shape)] = sum([_similarity(shape, other) for other in sample])
    medoid = max(sample, key=lambda shape: likeness[id(shape)])
    distinct = {id(shape): [shape, 0] for shape in shapes}  # id -> [shape, how many children have it]
    for shape in shapes:
        distinct[id(shape)][1] += 1
    near = [(shape, times) for shape, times in distinct.values() if _similarity(shape, medoid) >= SHAPE_SIMILARITY]
    common = _common_paths(near)
    belongs = {key: _similarity(shape, common) >= SHAPE_SIMILARITY for key, (shape, _) in distinct.items()}
    kept, rest = [], []
    for child, shape in children:
        if belongs[id(shape)]:
            kept.append(child)
        else:
            rest.append((child, shape))
    return kept, rest, common


def _common_paths(near):
    """The paths at least half of the shapes hold, of [(shape, how many have it)]."""
    if len(near) == 1:
        return near[0][0]
    if len(near) == 2:
        (one, many), (other, more) = near
        common = one & other
        if many >= more:
            common |= one
        if more >= many:
            common |= other
        return common
    counts = {}
    for shape, times in near:
        for path in shape:
            counts[path] = counts.get(path, 0) + times
    half = sum(times for _, times in near) / 2
    return frozenset(path for path, count in counts.items() if count >= half)


def _similarity(one, other):
    if one is other:
        return 1.0
    shared = len(one & other)
    union = len(one) + len(other) - shared
    return shared / union if union else 1.0


class _Shapes:
    """Each item's shape (_shape), made once per structure, and one object per distinct shape: the 33k
    rows of a big table have one structure, so one shape, that _alike compares once."""

    def __init__(self, stats):
        self.stats = stats
        self.made = {}  # structure number -> shape
        self.distinct = {}

    def __call__(self, at):
        number = self.stats.structure[at]
        shape = self.made.get(number)
        if shape is None:
            shape = _shape(at, self.stats)
            shape = self.made[number] = self.distinct.setdefault(shape, shape)
        return shape


def _shape(at, stats):
    """The item's structure: the set of paths (tag and first class) below it, a few levels deep."""
    tags, children, only_child, structure, steps = (stats.tags, stats.children, stats.only_child, stats.structure,
                                                    stats.steps)
    paths = ["@" + stats.step(at)]
    stack = [(at, "", 0)] if children[at] is not None or only_child[at] is not None else []
    seen = 0
    while stack and seen < SHAPE_TAGS:
        at, prefix, depth = stack.pop()
        below = children[at]
        if below is None:
            below = (only_child[at],)
        depth += 1
        for child in below:
            name = tags[child].name
            if name in TABLE_SECTIONS:  # <tbody> is implied where the HTML has none: a step of no one's shape
                if children[child] is not None or only_child[child] is not None:
                    stack.append((child, prefix, depth - 1))
            elif name not in NO_TEXT:
                path = f"{prefix}/{steps.get(structure[child]) or stats.step(child)}"
                paths.append(path)
                seen += 1
                # Only what has tags below, and is not at the depth limit, is looked into.
                if depth < SHAPE_DEPTH and (children[child] is not None or only_child[child] is not None):
                    stack.append((child, path, depth))
    return frozenset(paths)


def _parent_signature(parent):
    parent = _outside_section(parent)
    grand = _outside_section(parent.parent)
    return step(parent) + "<" + (step(grand) if grand is not None and grand.name else "")


def _outside_section(tag):
    """The tag, or the table that holds it when it is a table section: browsers imply a <tbody> that
    html.parser does not, and a table's rows must be alike whether the HTML wrote one or not."""
    while tag is not None and tag.name in TABLE_SECTIONS and tag.parent is not None:
        tag = tag.parent
    return tag


def _item_signature(positions, stats):
    common = None
    for at in {stats.structure[at]: at for at in positions}.values():  # one item per structure: the same classes
        classes = set(good_classes(stats.tags[at]))
        common = classes if common is None else common & classes
    return stats.tags[positions[0]].name + "".join(f".{c}" for c in sorted(common or ()))


class _AwayMemo:
    """Whether an element sits in navigation, header, footer, sidebar or an ad ("away"), in a carousel ("aside"),
    or in main content (memoised, by position). A wrapper that holds most of the page's text is none of these,
    whatever its name says ("right-sidebar" columns, "gutterAd" layouts)."""

    NOWHERE = (False, False, False)

    def __init__(self, stats, page_tags):
        self.memo = {}
        self.stats = stats
        self.wrapper_size = WRAPPER_SHARE * page_tags

    def __call__(self, at):
        if at < 0:
            return self.NOWHERE
        known = self.memo.get(at)
        if known is not None:
            return known
        tag = self.stats.tags[at]
        if tag.name in ("html", "body"):
            return self.NOWHERE
        parent_away, parent_aside, parent_main = self(self.stats.parent[at])
        words = set()
        for value in (tag.get("id"), tag.get("class")):
            for token in value if isinstance(value, list) else [value] if isinstance(value, str) else []:
                words.update(class_words(token))
                words.add(token.lower())
        role = tag.get("role") if isinstance(tag.get("role"), str) else ""
        wrapper = self.stats.size[at] > self.wrapper_size
        away = aside = False
        if not wrapper:
            away = tag.name in AWAY_TAGS or role.lower() in AWAY_ROLES or bool(words & AWAY_WORDS) or any(
                word.startswith(AWAY_STEMS) for word in words)
            aside = bool(words & ASIDE_WORDS)
        main = parent_main or tag.name in ("main", "article") or role == "main" or bool(words & MAIN_WORDS)
        self.memo[at] = (parent_away or away, parent_aside or aside, main)
        return self.memo[at]


def _score(positions, shape, stats, total, away):
    texts = [stats.text[at] for at in positions]
    all_text = sum(texts)
    with_link_or_image = sum(1 for at in positions if stats.links[at] or stats.images[at])
    if with_link_or_image < max(MIN_ITEMS, len(positions) / 2) or all_text < 20:
        return None
    mass = sum(min(t, TEXT_CAP) for t in texts)
    richness = min(len([p for p in shape if not p.startswith("@")]), 8) / 8
    score = mass * (0.35 + 0.65 * richness) + 10 * len(positions)
    link_share = sum(stats.link_text[at] for at in positions) / all_text
    links = sum(stats.links[at] for at in positions) or 1
    images = sum(1 for at in positions if stats.images[at])
    why = []
    if link_share > 0.8 and images < len(positions) / 2 and (
            all_text / len(positions) < 30 or all_text / links < 30 and _dominant_link_share(positions, stats) < 0.5):
        # A menu: short links, one an item or many in a row, none of them the item's title.
        score *= 0.3
        why.append("menu-like")
    is_away, is_aside, is_main = away(stats.parent[positions[0]])
    if is_away:
        score *= 0.12
        why.append("away")
    elif is_main:
        score *= 1.4
        why.append("main")
    if is_aside:
        score *= 0.25
        why.append("carousel")
    where = positions[0] / total
    if where > 0.85:
        score *= 0.7
        why.append("late")
    found = FoundList([stats.tags[at] for at in positions], score, shape, stats, positions)
    found.why = " ".join(why)
    return found


def _dominant_link_share(positions, stats):
    """The median share of an item's text its longest link holds: high for a title link, low for a row of menu links."""
    tags, text = stats.tags, stats.text
    shares = []
    for at in positions[:SAMPLE_ITEMS]:
        longest = found = 0
        for below in range(at + 1, at + 1 + stats.size[at]):  # the item's tags, in document order
            if tags[below].name == "a":
                longest = max(longest, text[below])
                found += 1
                if found == 40:
                    break
        shares.append(longest / text[at] if text[at] else 0)
    shares.sort()
    return shares[len(shares) // 2]


def _yield_to_finer_lists(found, stats):
    """A list whose items each hold two or more items of another good list is a container (grid rows,
    sections): it yields. Unless those inner items are parts of one record rather than records: a title
    row, a text row and a "read more" row of one table differ in what they hold (links, images), where a
    grid row's products are alike. Then the parts yield."""
    parent_of = stats.parent
    owner = {}
    for number, found_list in enumerate(found):
        for at in found_list.positions:
            owner[at] = number
    for number, finer in enumerate(found):
        holders = {}
        holder_above = {}  # an item's parent -> (the list, its item) holding the items below that parent
        for at in finer.positions:
            parent = parent_of[at]
            held = holder_above.get(parent, False)
            if held is False:
                held = None
                ancestor = parent
                for _ in range(6):
                    if ancestor < 0:
                        break
                    other = owner.get(ancestor)
                    if other is not None and other != number:
                        held = (other, ancestor)
                        break
                    ancestor = parent_of[ancestor]
                holder_above[parent] = held
            if held is not None:
                holders.setdefault(held[0], {}).setdefault(held[1], []).append(at)
        for other, per_item in holders.items():
            coarse = found[other]
            if len(per_item) >= len(coarse.items) * 0.6 and sum(map(len, per_item.values())) >= 2 * len(per_item) \
                    and finer.score >= 0.4 * coarse.score:
                mixed = sum(1 for inner in per_item.values() if len({_holds(stats, at) for at in inner}) > 1)
                if mixed > len(per_item) / 2:
                    finer.score *= 0.3
                    finer.why += " parts"
                else:
                    coarse.score *= 0.3
                    coarse.why += " container"


def _holds(stats, at):
    return bool(stats.links[at]), bool(stats.images[at])


# --- fields -------------------------------------------------------------------


def describe(found_list):
    """Fill in found_list.fields: [(name, selector relative to the item, attr)], named from the items' structure."""
    if found_list.fields is not None:
        return found_list.fields
    items = found_list.items[:FIELD_ITEMS]  # the fields are the same for all: a sample decides them
    stats, positions = found_list.stats, found_list.positions[:FIELD_ITEMS]
    slots = {}  # path -> {"order", "items": {item number: first tag}, "link", "image", "text"}
    for number, at in enumerate(positions):
        for path, tag, order in _walk(stats, at):
            slot = slots.get(path)
            if slot is None:
                slot = slots[path] = {"path": path, "order": order, "items": {}}
            if number not in slot["items"]:
                slot["items"][number] = tag
    needed = max(2, FIELD_PRESENCE * len(items))
    present = [slot for slot in slots.values() if len(slot["items"]) >= needed]
    present.sort(key=lambda slot: slot["order"])
    fields = []
    taken = set()

    def add(name, slot_or_none, attr):
        if slot_or_none is None:
            selector = ""
        else:
            selector = _slot_selector(slot_or_none, items, stats, positions)
            if selector is None:
                return False
        base = name
        count = 2
        while name in taken:
            name, count = f"{base}_{count}", count + 1
        taken.add(name)
        fields.append((name, selector, attr))
        return True

    links = [s for s in present if s["path"][-1].split(".")[0] == "a" and _has_href(s)]
    main_link = max(links, key=_link_rank) if links else None
    if main_link is not None and not _link_rank(main_link)[1]:
        main_link = None  # "#" and javascript: links lead nowhere a record could point to
    if items[0].name == "a" and items[0].get("href") is not None:
        add("title", None, "text")
        add("url", None, "href")
        main_path = ()
    elif main_link is not None:
        if _text_total(main_link) > 0 and _link_rank(main_link)[2]:  # "Details" on every item is no title
            add(_main_link_name(main_link), main_link, "text")
        add("url", main_link, "href")
        main_path = main_link["path"]
    else:
        main_path = None
    images = [s for s in present if s["path"][-1].split(".")[0] == "img"]
    if images:
        image = images[0]
        add("image", image, _image_attribute(image))
    for slot in present:
        if len(fields) >= MAX_FIELDS:
            break
        path = slot["path"]
        tag_name = path[-1].split(".")[0]
        if tag_name == "img" or main_path is not None and path[: len(main_path)] == main_path:
            continue
        values = [_own_text(tag) for tag in list(slot["items"].values())[:SAMPLE_ITEMS * 2]]
        values = [v for v in values if v]
        if len(values) < needed / 2 or len(set(values)) < 2:
            continue  # no text of its own, or a label every item repeats ("Reply", "Add to cart")
        full = [_collapsed(tag) for tag in list(slot["items"].values())[:SAMPLE_ITEMS * 2]]
        name = _field_name(slot, full)
        add(name, slot, "text")
    found_list.fields = fields
    return fields


def _walk(stats, at):
    """(path from the item, tag, order) for the tags below the item at ``at`` in document order (as select_one
    meets them), up to FIELD_TAGS."""
    tags, parent_of = stats.tags, stats.parent
    paths = {at: ()}  # position -> the path to it; the tags inside a script or style have none
    out = []
    for below in range(at + 1, at + 1 + stats.size[at]):
        prefix = paths.get(parent_of[below])
        if prefix is None:
            continue
        name = tags[below].name
        if name in NO_TEXT:
            continue
        if name in TABLE_SECTIONS:  # no step: selectors leave them out (join_steps), browsers imply them
            paths[below] = prefix
            continue
        path = paths[below] = prefix + (stats.step(below),)
        out.append((path, tags[below], len(out)))
        if len(out) == FIELD_TAGS:
            break
    return out


def _link_rank(slot):
    """The main link of an item: present in most items, going somewhere, saying something that changes
    from item to item ("Reply" and "Read more" do not), and the most of it."""
    tags = list(slot["items"].values())[:SAMPLE_ITEMS]
    real = sum(1 for tag in tags if not (tag.get("href") or "").strip().lower().startswith(("#", "javascript:")))
    texts = {_collapsed(tag) for tag in tags}
    return (len(slot["items"]), real >= len(tags) / 2, len(texts) > 1 or len(tags) == 1, _text_total(slot))


def _main_link_name(slot):
    """``title``, unless the link's class names say what it is (``author``, ``name``)."""
    words = _name_words(next(iter(slot["items"].values())))
    return words[-1] if words else "title"


def _name_words(tag):
    """The words of a tag's class names that could name a column (not "col", "wrap", "item"..., nor
    three-letter abbreviations other than a few common ones)."""
    return [w for token in good_classes(tag) for w in class_words(token)
            if w.isalpha() and (len(w) > 3 or w in SHORT_NAMES) and w not in BLAND_WORDS]


def _has_href(slot):
    return any(tag.get("href") for tag in slot["items"].values())


def _text_total(slot):
    return sum(len(_collapsed(tag)) for tag in list(slot["items"].values())[:SAMPLE_ITEMS])


def _own_text(tag):
    return " ".join(" ".join(s.split()) for s in tag.contents if type(s) is NavigableString and s.strip())


def _collapsed(tag):
    """``" ".join(tag.get_text(" ").split())``, without get_text's generators (it reads every field of every
    record): the same strings, those bs4 picks for this tag, met as bs4 meets them, then the same words."""
    kinds = tag.interesting_string_types
    if kinds is None:
        kinds = Tag.MAIN_CONTENT_STRING_TYPES
    one_kind = isinstance(kinds, type)
    contents = tag.contents
    if len(contents) == 1 and type(contents[0]) is not Tag:  # most fields: one string
        only = contents[0]
        return " ".join(only.split()) if (type(only) is kinds if one_kind else type(only) in kinds) else ""
    if not contents:
        return ""
    # Tag.descendants: the elements from the first child up to the one after the last descendant.
    if tag.next_sibling is not None:
        last = tag.next_sibling.previous_element
    else:
        last = tag
        while isinstance(last, Tag) and last.contents:
            last = last.contents[-1]
    stop = last.next_element
    strings = []
    node = contents[0]
    while node is not stop and node is not None:
        if isinstance(node, NavigableString) and (type(node) is kinds if one_kind else type(node) in kinds):
            strings.append(node)
        node = node.next_element
    return " ".join(" ".join(strings).split())


def _image_attribute(slot):
    tags = list(slot["items"].values())[:SAMPLE_ITEMS]
    real = sum(1 for tag in tags if tag.get("src") and not _PLACEHOLDER_IMAGE.search(tag["src"]))
    if real >= len(tags) / 2:
        return "src"
    for attribute in LAZY_SOURCES:
        if sum(1 for tag in tags if tag.get(attribute)) >= len(tags) / 2:
            return attribute
    return "src"


def _field_name(slot, values):
    """price, date, or a word from the element's class names, else its tag's kind of text."""
    values = [v for v in values if v]
    tag = next(iter(slot["items"].values()))
    words = _name_words(tag)
    if not words and len(slot["path"]) > 1 and tag.parent is not None:
        words = _name_words(tag.parent)  # <div class="starter">by <a>...</a></div>
    # The length first: a long text is neither, and searching it for one costs more than the rest of this.
    if values and len(values[0]) < 40 and sum(1 for v in values if _PRICE.search(v)) >= 0.6 * len(values):
        return "price"
    if tag.name == "time" or values and len(values[0]) < 60 \
            and sum(1 for v in values if _DATE.search(v)) >= 0.6 * len(values):
        return "date"
    if words:
        return words[-1]
    if tag.name in ("h1", "h2", "h3", "h4", "h5", "h6"):
        return "heading"
    if tag.name == "a":
        return "link_text"
    return "text"


def _slot_selector(slot, items, stats, positions):
    """The shortest selector from the item that finds the slot's first tag in every item that has one (and, but
    for one in ten, nothing in the others)."""
    path = slot["path"]
    candidates = [join_steps(path[start:]) for start in range(len(path) - 1, -1, -1)]
    candidates.append(join_steps((":scope",) + path))
    sample = range(min(len(items), SAMPLE_ITEMS))
    below = [stats.below(positions[number]) for number in sample]
    for selector in candidates:
        chain = _Chain.of(selector)
        found = [(chain.first(items[number], below[number]), slot["items"].get(number)) for number in sample]
        # Every item that has the slot must get it; one that lacks it may get a near stand-in now and then.
        if all(got is want for got, want in found if want is not None) and \
                sum(1 for got, want in found if want is None and got is not None) <= max(1, len(found) // 10):
            return selector
    return None


def join_steps(steps):
    """Steps joined as children (" > "), except that a table row is any descendant of what holds it and
    table sections are left out: html.parser adds no <tbody>, browsers do, and the selector must work on both."""
    out = ""
    for part in steps:
        name = part.split(".")[0]
        if name in TABLE_SECTIONS:
            continue
        if not out:
            out = part
        elif name == "tr":
            out += " " + part
        else:
            out += " > " + part
    return out


def _select_one(item, selector):
    """item.select_one(selector) for the selectors this module writes, without soupsieve's cost (see _Chain)."""
    return _Chain.of(selector).first(item)


class _Chain:
    """A selector of the form this module writes (``tag.class`` steps joined by " > ", or by " " before a
    table row, maybe led by ``:scope``), matched the way soupsieve matches it.

    The built-in reads every field of every item of several lists on each
    click; soupsieve would spend most of a second on that on a large page.
    The written scraper uses soupsieve itself, and gives the same records:
    tests/test_builtin_lists.py runs both on the same pages.
    """

    _cache = {}

    def __init__(self, selector):
        tokens = re.split(r"\s*(>)\s*|\s+", selector.strip())
        self.steps = []  # (name or None for :scope, class or None, combinator to the step before: ">" or " ")
        combinator = " "
        for token in tokens:
            if token is None or token == "":
                continue
            if token == ">":
                combinator = ">"
                continue
            if token == ":scope":
                self.steps.append((None, None, combinator))
            else:
                name, _, cls = token.partition(".")
                self.steps.append((name, cls or None, combinator))
            combinator = " "
        self.last = self.steps[-1][0]
        self.plain = len(self.steps) == 1 and self.last is not None and self.steps[0][1] is None  # a tag name alone

    @classmethod
    def of(cls, selector):
        chain = cls._cache.get(selector)
        if chain is None:
            chain = cls._cache[selector] = cls(selector)
        return chain

    def first(self, item, below=None):
        """The first tag below the item that the selector matches; ``below``: the item's tags in document
        order, when the caller has them."""
        if below is None:
            below = (tag for tag in item.descendants if isinstance(tag, Tag))
        last = self.last
        for tag in below:
            if tag.name == last and (self.plain or self.matches(tag, item)):
                return tag
        return None

    def matches(self, tag, item, index=None):
        index = len(self.steps) - 1 if index is None else index
        name, cls, combinator = self.steps[index]
        if name is None:
            if tag is not item:
                return False
        elif tag.name != name or cls is not None and cls not in (tag.get("class") or ()):
            return False
        if index == 0:
            return True
        parent = tag.parent
        if combinator == ">":
            return parent is not None and parent.name != "[document]" and self.matches(parent, item, index - 1)
        while parent is not None and parent.name != "[document]":
            if self.matches(parent, item, index - 1):
                return True
            parent = parent.parent
        return False


def page_records(page, limit=MAX_LISTS):
    """Every record of the page's best ``limit`` lists, ``list`` first: what the built-in yields.

    Python's cycle collector is paused meanwhile: this makes many small
    objects, and each collection would walk the whole parsed page (hundreds
    of thousands of objects), which costs more than the work itself in the
    browser's Python. Nothing made here holds a cycle.
    """
    import gc

    paused = gc.isenabled()
    gc.disable()
    try:
        return [record for number, found in enumerate(lists_of(page, limit)) for record in records(page, found, number)]
    finally:
        if paused:
            gc.enable()


def records(page, found_list, number=None):
    """The list's records, each field read through its selector as the written scraper reads it (select_one,
    then the text collapsed or an attribute, URLs made absolute; None when missing).

    One look at each item's tags serves all its fields: they are the tags
    that follow the item in the page's list, as many as it holds, in the
    order select_one meets them. With ``number``, each record starts with
    ``"list": number``.
    """
    fields = describe(found_list)
    wanted = {}  # the tag name a selector ends in -> [(selector, chain)]
    for _, selector, _ in fields:
        if selector:
            chain = _Chain.of(selector)
            ending = wanted.setdefault(chain.last, [])
            if (selector, chain) not in ending:
                ending.append((selector, chain))
    selectors = sum(map(len, wanted.values()))
    reading = [(name, selector, attr, attr != "text" and _url_attribute(attr)) for name, selector, attr in fields]
    tags, size = found_list.stats.tags, found_list.stats.size
    for item, at in zip(found_list.items, found_list.positions):
        found = {}
        if selectors:
            for tag in tags[at + 1: at + 1 + size[at]]:
                ending = wanted.get(tag.name)
                if ending is None:
                    continue
                for selector, chain in ending:
                    if selector not in found and (chain.plain or chain.matches(tag, item)):
                        found[selector] = tag
                if len(found) == selectors:
                    break
        record = {} if number is None else {"list": number}
        for name, selector, attr, kind in reading:
            element = found.get(selector) if selector else item
            if element is None:
                value = None
            elif attr == "text":
                value = _collapsed(element) or None
            else:
                value = element.get(attr)
                if isinstance(value, list):
                    value = " ".join(value)
                elif kind:
                    value = page.absolute(value) if value and value.strip() else None
            record[name] = value
        yield record


_URL_ATTRIBUTES = {}


def _url_attribute(attr):
    """Whether the attribute holds a URL (written scrapers make those absolute)."""
    known = _URL_ATTRIBUTES.get(attr)
    if known is None:
        from .scraper_writer import URL_ATTRIBUTES

        known = _URL_ATTRIBUTES[attr] = bool(URL_ATTRIBUTES.match(attr))
    return known


# --- selectors for the whole document ------------------------------------------


def item_selector(soup, found_list):
    """A document selector that finds exactly the list's items, or the closest one that can be made."""
    import soupsieve

    items = found_list.items
    wanted = {id(item) for item in items}
    candidates_by_name = [tag for tag in soup.find_all(items[0].name)]
    common = None
    for item in items:
        classes = good_classes(item)
        common = [c for c in classes if common is None or c in common]
    last = items[0].name + (f".{common[0]}" if common else _attribute_anchor(items))

    def exact(selector):
        compiled = soupsieve.compile(selector)
        chosen = [tag for tag in candidates_by_name if compiled.match(tag)]
        return {id(tag) for tag in chosen} == wanted, chosen

    parents = _shared_ancestry(items)
    steps = [last]
    selector = last
    ok, chosen = exact(selector)
    for ancestor in parents:
        if ok:
            break
        if ancestor.name in TABLE_SECTIONS:
            continue
        anchor = _anchor(ancestor)
        steps.insert(0, anchor)
        selector = join_steps(steps)
        ok, chosen = exact(selector)
        if anchor.startswith("#"):
            break
    if not ok:
        extra = [tag for tag in chosen if id(tag) not in wanted]
        refined = _exclude(selector, found_list, extra)
        if refined and exact(refined)[0]:
            return refined
    return selector


# Attributes that name what an element is, the same on every item: anchors where class names are generated.
ANCHOR_ATTRIBUTES = ("itemtype", "itemprop", "data-testid", "data-test-id", "data-test", "data-qa", "data-component",
                     "data-type", "data-role", "role")
_ANCHOR_VALUE = re.compile(r"^[A-Za-z][\w:/.#-]{0,80}$")


def _attribute_anchor(items):
    """``[data-testid="result"]`` for an attribute every item carries with one value that is no number or hash."""
    for attribute in ANCHOR_ATTRIBUTES:
        value = items[0].get(attribute)
        if not isinstance(value, str) or not _ANCHOR_VALUE.match(value) or re.search(r"\d{3}", value):
            continue
        if all(item.get(attribute) == value for item in items):
            return f'[{attribute}="{value}"]'
    return ""


def _shared_ancestry(items):
    """Ancestors from the items' parent up, one step per level: the first item's, as the signature merged alike parents."""
    out = []
    parent = items[0].parent
    while parent is not None and parent.name not in (None, "[document]", "html"):
        out.append(parent)
        parent = parent.parent
    return out


def _anchor(tag):
    identifier = tag.get("id")
    if isinstance(identifier, str) and _GOOD_ID.match(identifier) and not is_generated(identifier):
        return f"#{identifier}"
    return step(tag)


def _exclude(selector, found_list, extra):
    """The selector narrowed so it leaves out ``extra`` and keeps every item, or None.

    Conditions are tried one by one, each keeping all items, the one that
    leaves out most of what remains first (three at most): a class only the
    others have (``:not(.ad)``), a child or a descendant every item has and
    they lack (``:has(> h2)``, ``:has(a.title)``), or as many cells as a row
    of the list has (``:has(> td:nth-of-type(5))``).
    """
    import soupsieve

    items = found_list.items
    conditions = []
    item_classes = set()
    for item in items:
        item_classes.update(item.get("class") or [])
    seen = set()
    for tag in extra:
        for token in good_classes(tag):
            if token not in item_classes and token not in seen:
                seen.add(token)
                conditions.append(f":not(.{token})")
    children = _common(items, lambda item: {step(c) for c in item.children if isinstance(c, Tag)})
    conditions += [f":has(> {child})" for child in children]
    below = _common(found_list.positions[:SAMPLE_ITEMS],
                    lambda at: {path[-1] for path, _, _ in _walk(found_list.stats, at)})
    # Named descendants first (a.forum), bare tag names (font) last: sorted() puts no order on meaning.
    conditions += [f":has({tag_step})" for tag_step in below if "." in tag_step]
    conditions += [f":has({tag_step})" for tag_step in below if "." not in tag_step]
    cells = min(sum(1 for c in item.children if isinstance(c, Tag) and c.name == "td") for item in items)
    if items[0].name == "tr" and cells >= 2:
        conditions.append(f":has(> td:nth-of-type({cells}))")  # soupsieve takes no "td + td" inside :has()
    kept = list(extra)
    chosen = ""
    for _ in range(3):
        best = None
        for condition in conditions:
            try:
                compiled = soupsieve.compile(f"{items[0].name}{condition}")
            except Exception:  # noqa: BLE001
                continue
            if not all(compiled.match(item) for item in items):
                continue
            left = [tag for tag in kept if compiled.match(tag)]
            if best is None or len(left) < len(best[1]):
                best = (condition, left)
        if best is None or len(best[1]) == len(kept):
            return None
        chosen += best[0]
        kept = best[1]
        if not kept:
            return selector + chosen
    return None


def _common(items, steps_of):
    """The steps every item has, in a stable order."""
    common = None
    for item in items:
        steps = steps_of(item)
        common = steps if common is None else common & steps
    return sorted(common or ())


# --- specs for the writer -----------------------------------------------------


def lists_of(page, limit=None):
    """The page's lists, best first, described: all of them, or the first ``limit``.

    Found once and kept on the page object for the host's repeated
    questions. Whether a list carries values is asked only as far down the
    ranking as a caller looks: the built-in wants eight of a page's dozens.
    """
    state = page.__dict__.get("_gleaner_lists")
    if state is None:
        state = page.__dict__["_gleaner_lists"] = {"ranked": find_lists(page.soup), "checked": 0, "kept": []}
    ranked, kept = state["ranked"], state["kept"]
    while (limit is None or len(kept) < limit) and state["checked"] < len(ranked):
        candidate = ranked[state["checked"]]
        if carries_values(page, candidate):
            kept.append(candidate)
        state["checked"] += 1
    return kept[:limit] if limit is not None else list(kept)


def carries_values(page, found_list):
    """Whether any item of the list has a value: items with no field, or every field null in every
    item (layout tables around the page, empty slots), are structure without records, not a list."""
    if not describe(found_list):
        return False
    return any(value is not None for record in records(page, found_list) for value in record.values())


def spec_for_list(page, index, next_url=None):
    """The scraper spec (gleaner/scraper_writer.py) for list ``index`` of the page.

    ``next_url`` is the page's next page (the pagination built-in's first
    ``next``); without it, a ``rel="next"`` link stands in.
    """
    from .scraper_writer import default_name, default_title, matches_for

    found = lists_of(page, index + 1) if index >= 0 else []
    if not 0 <= index < len(found):
        found = lists_of(page)
        if not found:
            raise NoList(f"no list found on {page.url}: the page has no repeated structure of {MIN_ITEMS} or more items")
        raise GleanerError(f"the page has {len(found)} lists (0 to {len(found) - 1}); there is no list {index}")
    found_list = found[index]
    fields = describe(found_list)
    name = default_name(page.url) + (f"-list{index}" if index else "")
    return {
        "name": name,
        "title": default_title(page.url) + (f" ({index})" if index else ""),
        "url": page.url,
        "matches": matches_for(page.url),
        "item_selector": item_selector(page.soup, found_list),
        "fields": [{"name": n, "selector": s, "attr": a} for n, s, a in fields],
        "next_selector": next_selector(page, next_url),
    }


def list_specs(page, next_url=None, limit=MAX_LISTS):
    """[{"index", "items", "spec"}] for the page's lists, best first."""
    found = lists_of(page, limit)
    return [{"index": index, "items": len(found_list.items), "spec": spec_for_list(page, index, next_url)}
            for index, found_list in enumerate(found)]


def next_page_url(builtins, page):
    """The page's next page as the pagination built-in finds it (its first ``next``), or None."""
    from .runner import run_plugin

    pagination = builtins.get("pagination")
    if pagination is None:
        return None
    result = run_plugin(pagination, page)
    return next((r["url"] for r in result["records"] if r.get("kind") == "next"), None) if result["ok"] else None


# Words and arrows a next-page link says (a short list: pagination.py knows more; this only names the link it found).
_NEXT_WORDS = re.compile(
    r"^(?:next|next page|next »|more|older|older posts|suivant|suivante|weiter|nächste|nächste seite|siguiente|"
    r"avanti|successiva|próxima|proxima|volgende|następna|dalej|следующая|далее|наступна|次へ|次|下一页|下一頁|다음|"
    r"sonraki|nästa|næste|neste|seuraava|další|következő|[»›→>]|>>|»»|›|next\s*[»›→>])$",
    re.I,
)


def next_selector(page, next_url=None):
    """A selector for the next page's link, that names it by what it says (rel, a "next" class, its words,
    an arrow) so that it finds the next page's link on the next page too; None when there is none."""
    soup = page.soup
    links = [a for a in soup.find_all("a") if a.get("href")]
    if next_url:
        wanted = next_url.partition("#")[0]
        leading = [a for a in links if page.absolute(a["href"]).partition("#")[0] == wanted]
    else:
        leading = [a for a in links if "next" in [r.lower() for r in a.get("rel") or []]]
    directions = [a for a in leading if _says_next(a)]
    for link in directions:
        for selector in _link_selectors(link):
            try:
                found = soup.select_one(selector)
            except Exception:  # noqa: BLE001  (a class name soupsieve refuses: try the next way)
                continue
            if found is not None and found in directions:
                return selector
    return None


def _says_next(link):
    if [r for r in link.get("rel") or [] if r.lower() == "next"]:
        return True
    names = " ".join(link.get("class") or []) + " " + " ".join((link.parent.get("class") or []) if link.parent else [])
    if re.search(r"next", names, re.I) and not re.search(r"prev", names, re.I):
        return True
    words = [" ".join(link.get_text(" ").split()), link.get("title") or "", link.get("aria-label") or ""]
    words += [img.get("alt") or "" for img in link.find_all("img")]
    return any(_NEXT_WORDS.match(word.strip().split(" - ")[0].strip()) for word in words if isinstance(word, str))


def _link_selectors(link):
    """Ways to name a next link, most robust first: rel, a "next" class, its words, with its container's names."""
    if [r for r in link.get("rel") or [] if r.lower() == "next"]:
        yield 'a[rel~="next"]'
    for token in good_classes(link):
        if "next" in token.lower():
            yield f"a.{token}"
    parent = link.parent
    if parent is not None:
        for token in good_classes(parent):
            if "next" in token.lower() and "prev" not in token.lower():
                yield f"{parent.name}.{token} > a"
    containers = [""]
    for ancestor in list(link.parents)[:4]:
        if ancestor.name in (None, "[document]", "html", "body"):
            break
        anchor = _anchor(ancestor)
        if anchor != ancestor.name:
            containers.insert(len(containers) - 1, anchor)
    for attribute in ("title", "aria-label"):
        value = (link.get(attribute) or "").strip() if isinstance(link.get(attribute), str) else ""
        if value and _NEXT_WORDS.match(value) and '"' not in value:
            yield f'a[{attribute}="{value}"]'
    for img in link.find_all("img"):
        alt = (img.get("alt") or "").strip()
        if alt and _NEXT_WORDS.match(alt) and '"' not in alt:
            for container in containers:
                yield f'{container} a:has(> img[alt="{alt}"])'.strip()
    text = " ".join(link.get_text(" ").split())
    if text and _NEXT_WORDS.match(text) and '"' not in text and "\\" not in text:
        for container in containers:
            yield f'{container} a:-soup-contains("{text}")'.strip()
