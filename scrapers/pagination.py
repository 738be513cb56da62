"""Pagination links: the next page, the previous one, first, last and numbered pages, one record each.

Every link that leaves for another page of the same site is scored from
general cues, never from site names: ``rel="next"`` (on ``<a>`` and on
``<link>``), its text, ``title`` or ``aria-label`` in one of many languages or
as an arrow (Next, Suivant, Weiter, Следующая, 次へ, ›, », →…), the class and
id names on it and around it (next, pagination, pager…), whether it sits in
a paginator (a container named so, or a run of numbered links), and whether
its URL is the page's own with only a page number changed or added (page=N,
/page/N, p=N, offset=N, -N.html…). Numbered links around the current page
(``aria-current``, or a highlighted number that is not a link) give the
``page`` records and confirm the next and previous pages.

What counts against a link: a long text that names no direction (a "next
article" link carries the article's title), article navigation and carousel
names, another site's address.

Records come grouped by kind: ``next`` first, best first (the first one is
the page a crawl should go to next), then ``prev``, ``first``, ``last`` and the
numbered ``page`` links in page order. Each is ``{"kind", "url", "text"}``,
the URL absolute; a URL appears once per kind.
"""

import re
from difflib import SequenceMatcher
from urllib.parse import parse_qsl, urlencode, urlsplit

from bs4.element import NavigableString, Tag

from gleaner.tag_search import index

NAME = "pagination"
TITLE = "Pagination"
VERSION = "1.0.0"
DESCRIPTION = "One record per pagination link (next, prev, first, last, page) with its absolute URL; the first next is the next page."
MATCHES = ["*://*/*", "file:///*"]
INPUT = "html"
REQUIRES = []

NEXT, PREV, FIRST, LAST, PAGE = "next", "prev", "first", "last", "page"
DIRECTIONS = (NEXT, PREV, FIRST, LAST)

# Words people put on pagination links, lower case, as whole texts (after
# arrows and digits are set aside). A word list, not a translation model:
# what it lacks, the class names and the URL still find.
WORDS = {
    NEXT: """next|next page|nextpage|suivant|suivante|page suivante|weiter|nächste|nächste seite|naechste|vor|
        vorwärts|siguiente|sig|página siguiente|pagina siguiente|avanti|successiva|successivo|pagina successiva|
        pagina seguente|seguente|prossima|próxima|próximo|proxima|proximo|próxima página|seguinte|volgende|
        volgende pagina|następna|następne|następny|następna strona|dalej|следующая|следующие|следующая страница|
        далее|след|вперед|вперёд|наступна|далі|下一页|下一頁|下页|下頁|次へ|次のページ|次ページ|次|다음|다음 페이지|
        sonraki|ileri|sonraki sayfa|nästa|næste|neste|seuraava|další|dalsi|následující|következő|tovább|
        următoarea|înainte|επόμενη|التالي|التالية|הבא|הבאה|tiếp|tiếp theo|trang sau|berikutnya|selanjutnya|ถัดไป|
        अगला|अगले""",
    PREV: """previous|prev|previous page|prev page|précédent|précédente|page précédente|precedent|zurück|vorherige|
        vorherige seite|anterior|anteriores|página anterior|pagina anterior|ant|indietro|precedente|
        pagina precedente|vorige|vorige pagina|poprzednia|poprzednie|poprzedni|poprzednia strona|wstecz|
        предыдущая|предыдущие|предыдущая страница|назад|пред|попередня|上一页|上一頁|上页|上頁|前へ|前のページ|
        前ページ|前|이전|이전 페이지|önceki|geri|önceki sayfa|föregående|forrige|edellinen|předchozí|előző|vissza|
        anterioară|înapoi|προηγούμενη|السابق|السابقة|הקודם|הקודמת|trước|trang trước|sebelumnya|ก่อนหน้า|पिछला""",
    FIRST: """first|first page|erste|erste seite|première|premier|première page|primera|primero|primera página|
        prima|prima pagina|primeira|eerste|pierwsza|первая|в начало|начало|перша|最初|最初へ|先頭|首页|首頁|第一页|
        처음|맨처음|ilk|första|første|ensimmäinen|první|első|start""",
    LAST: """last|last page|letzte|letzte seite|dernière|dernier|dernière page|última|último|ultima|ultimo|
        última página|ultima pagina|laatste|ostatnia|последняя|в конец|конец|остання|最後|最後へ|末尾|尾页|末页|
        最后一页|마지막|sista|sidste|siste|viimeinen|poslední|utolsó|end""",
}
WORDS = {kind: {" ".join(w.split()) for w in words.split("|")} for kind, words in WORDS.items()}
# The words a direction's phrase can start with: a text starting with none of them names no direction.
FIRST_WORDS = {phrase.split(" ")[0] for words in WORDS.values() for phrase in words}
# Words that may follow a direction word: "Next page", "Nächste Seite", "Older posts".
FILLERS = {"page", "pages", "seite", "pagina", "página", "страница", "strona", "sayfa", "side", "sida", "sivu",
           "results", "entries", "posts", "articles", "items", "products", "threads", "topics", "comments",
           "reviews", "images", "photos", "videos", "news", "ergebnisse", "résultats", "resultados"}
# Words that name no direction of their own but may stand on a next or previous link.
NEUTRAL_WORDS = {"older", "newer", "earlier", "later", "more", "posts", "entries", "articles", "page", "pages",
                 "results", "items", "comments", "ältere", "neuere", "beiträge", "anciens", "récents", "articles",
                 "antiguos", "recientes", "entradas", "vecchi", "recenti", "oudere", "nieuwere", "berichten",
                 "starsze", "nowsze", "старые", "новые", "записи", "go", "to", "the", "more"}
# Arrows and their likes, as a link's whole text.
SYMBOLS = {
    NEXT: {"»", "›", ">", "→", "⟩", "〉", "▶", "►", "▸", "⇒", "⟶", "❯", "❱", "➔", "➜", "➝", "⇨", "＞", ">>", "〉", "⏵", "▷"},
    PREV: {"«", "‹", "<", "←", "⟨", "〈", "◀", "◄", "◂", "⇐", "⟵", "❮", "❰", "⇦", "＜", "<<", "〈", "⏴", "◁"},
    FIRST: {"««", "|<", "|<<", "|«", "«|", "⇤", "⏮", "|←", "|‹", "<<|"},
    LAST: {"»»", ">|", ">>|", "»|", "|»", "⇥", "⏭", "→|", "›|", "|>>"},
}
SYMBOL_KIND = {symbol: kind for kind, symbols in SYMBOLS.items() for symbol in symbols}
_LABEL_END = re.compile(r"\s[-–—|:(]\s?|[:(]")  # "Next Page - Results 21 to 40"
_WORD = re.compile(r"[^\W\d_]+")
_NOT_SYMBOL = re.compile(r"[\w\s.,:;!?'\"()\[\]{}/\\-]+")
_NOT_DIGIT = re.compile(r"\D")
_NUMBER = re.compile(r"\d{1,3}(?:[,.\u00a0 ]\d{3})+|\d{1,6}")

# Class and id names, camelCase split ("PageNavNext" -> "page nav next").
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
NAME_CUES = {
    NEXT: re.compile(r"(?<![a-z])next"),
    PREV: re.compile(r"(?<![a-z])prev"),
    FIRST: re.compile(r"(?<![a-z])first(?![a-z-]*child)"),
    LAST: re.compile(r"(?<![a-z])last(?![a-z-]*child)"),
}
DIRECTION_NAMES = re.compile(r"(?<![a-z])(?:next|prev|first|last)")
PAGINATOR_NAMES = re.compile(
    r"pagin|pager|paging|pagenav|page-nav|page_nav|pagelink|page-link|page_link|page-?numbers|pages(?![a-z])|"
    r"nav-links|navlinks|wp-pagenavi|prev_?next|prevnext|pnav|page-list|pagelist"
)
# Article-to-article navigation, slideshows and carousels: "next" there is not the list's next page.
NOT_PAGINATION_NAMES = re.compile(
    r"post-?nav|nav-?single|single-?nav|adjacent|next-?post|prev-?post|previous-?post|next-?article|"
    r"prev-?article|related|carousel|slider|slick|owl-|swiper|glide|splide|flex-|bx-|lightbox|fancybox|mfp-|"
    r"gallery|slideshow|lSAction|lightSlider|tns-|flickity|jcarousel|calendar"
)
SESSION_PARAMS = re.compile(r"^(?:s|sid|phpsessid|jsessionid|sessionid|session|utm_\w+|fbclid|gclid)$", re.I)
FOLLOWABLE = ("http://", "https://", "file://")

# Points a link earns toward a kind; one at MIN_SCORE or above is a record.
REL_POINTS = 6
# <link rel> in the head names a URL; where the link itself shows another direction, what the reader sees wins.
HEAD_REL_POINTS = 4
WORD_POINTS = 5
LABEL_POINTS = 4  # title, aria-label, an image's alt
SYMBOL_POINTS = 3
NAME_POINTS = 3
PAGINATOR_POINTS = 2
PAGE_URL_POINTS = 2
SEQUENCE_POINTS = 3
LONG_TEXT_POINTS = -6
NOT_PAGINATION_POINTS = -8
OTHER_SITE_POINTS = -6
MIN_SCORE = 5
OTHER_TEXT_NAME_POINTS = 1
LONG_TEXT_WORDS = 4
ANCESTORS = 3  # how far up class names and paginators count
FAR_ANCESTORS = 6  # how far up a calendar or carousel still counts against a link


def scrape(page):
    current = _without_fragment(page.url)
    tags = index(page.soup)  # every element, by name and by attribute
    names = _Names()
    links = [tag for tag in tags.with_attribute("href") if tag.name in ("a", "area")]
    urls = {}  # href -> absolute URL, or None when a crawl cannot go there
    numbered = []  # (anchor, number, url) for links whose text is a page number
    found = {kind: {} for kind in DIRECTIONS}  # kind -> url -> [score, order, text]
    head_rel = {}  # URL without fragment or final slash -> the kind a <link rel> gives it
    for tag in tags.named("link"):
        if tag.get("href") and tag.get("rel"):
            kind = _rel_kind(tag.get("rel"))
            if kind:
                head_rel.setdefault(_same_page_key(page.absolute(tag["href"])), kind)
    # Elements whose class or id names a direction; most links have none near them and are passed over.
    named = {}  # id(tag) -> whether its class or id names a direction, for tags near links
    for order, anchor in enumerate(links):
        href = anchor["href"]
        if href.lstrip().startswith("#"):
            continue  # scripts' buttons (lightboxes, tabs), even where <base href> makes them leave the page
        text = _text(anchor)
        number = _page_number(text)
        if number is None and not _may_point(anchor, text, names, named) and not (head_rel and _may_be_one_of(href, head_rel)):
            continue
        if href not in urls:
            url = page.absolute(href)
            urls[href] = url if url.startswith(FOLLOWABLE) and _without_fragment(url) != current else None
        url = urls[href]
        if url is None:
            continue
        if number is not None:
            numbered.append((anchor, number, url))
            continue
        evidence = _evidence(anchor, text, names, head_rel.get(_same_page_key(url)) if head_rel else None)
        if evidence:
            _add(found, evidence, anchor, url, text, order, names, current)
    pages, sequence = _numbered_pages(numbered, names, current)
    for kind, url in sequence.items():
        if url in found[kind]:
            found[kind][url][0] += SEQUENCE_POINTS
    for url in found[NEXT].keys() & found[PREV].keys():  # one link cannot lead both ways: the stronger reading wins
        weaker = PREV if found[NEXT][url][0] >= found[PREV][url][0] else NEXT
        del found[weaker][url]
    for kind in DIRECTIONS:
        ranked = sorted(found[kind].items(), key=lambda item: (-item[1][0], item[1][1]))
        for url, (score, _order, text) in ranked:
            if score >= MIN_SCORE:
                yield {"kind": kind, "url": url, "text": text}
    for url, text in pages:
        yield {"kind": PAGE, "url": url, "text": text}


def _has_direction_name(tag, names, cache):
    """Whether the tag's class or id names a direction (next, prev, first, last); remembered per tag."""
    attrs = tag.attrs
    if "class" not in attrs and "id" not in attrs:
        return False  # most tags around links: nothing to remember
    key = id(tag)
    known = cache.get(key)
    if known is None:
        classes = attrs.get("class")
        raw = (" ".join(classes) if isinstance(classes, list) else classes or "") + (attrs.get("id") or "")
        raw = raw.lower()  # a cheap look before the exact one
        known = ("next" in raw or "prev" in raw or "first" in raw or "last" in raw) and bool(DIRECTION_NAMES.search(names.own(tag)))
        cache[key] = known
    return known


def _may_point(anchor, text, names, named):
    """Whether a link has any cue worth scoring: a cheap test that passes over menus, headlines and pictures."""
    attrs = anchor.attrs
    if "rel" in attrs and _rel_kind(attrs["rel"]):
        return True
    if _has_direction_name(anchor, names, named):
        return True
    if any(_has_direction_name(child, names, named) for child in anchor.children if type(child) is Tag):
        return True
    parent = anchor.parent
    for _ in range(2):
        if parent is None:
            break
        if _has_direction_name(parent, names, named):
            return True
        parent = parent.parent
    if _label_kind(attrs.get("title")) or _label_kind(attrs.get("aria-label")):
        return True
    if not text:
        image = _first(anchor, "img")
        return image is not None and (_label_kind(image.get("alt")) is not None or _name_kind((image.get("src") or "").lower()) is not None)
    return len(text) <= 40 and (_word_kind(text) is not None or _symbols(text) in SYMBOL_KIND and len(text.split()) <= 3)


def _may_be_one_of(href, keys):
    """Whether an href, resolved, could be one of these URLs (without fragment or final slash): a cheap string test."""
    tail = _same_page_key(href.strip()).lstrip("./")
    return bool(tail) and any(key.endswith(tail) for key in keys)


def _keep(found, url, score, order, text):
    entry = found.get(url)
    if entry is None:
        found[url] = [score, order, text]
    elif score > entry[0]:
        found[url] = [score, min(order, entry[1]), text or entry[2]]
    elif not entry[2] and text:
        entry[2] = text


def _add(found, evidence, anchor, url, text, order, names, current):
    """Score a link for the kind its cues point to and keep it."""
    kind = max(evidence, key=evidence.get)
    score = evidence[kind]
    around = names.around(anchor)
    if PAGINATOR_NAMES.search(around):
        score += PAGINATOR_POINTS
    if NOT_PAGINATION_NAMES.search(around) or NOT_PAGINATION_NAMES.search(names.far(anchor)):
        score += NOT_PAGINATION_POINTS
    words = text.split()
    if len(words) > LONG_TEXT_WORDS and _word_kind(text) is None:
        score += LONG_TEXT_POINTS
    score += _url_points(current, url)
    label = text or _label(anchor) or ""
    _keep(found[kind], url, score, order, label)


def _evidence(anchor, text, names, head_rel):
    """{kind: points} from the link's own rel, text, labels, image and class names."""
    points = {}

    def add(kind, value):
        if kind:
            points[kind] = points.get(kind, 0) + value

    add(_rel_kind(anchor.get("rel")), REL_POINTS)
    add(head_rel, HEAD_REL_POINTS)
    name_points = NAME_POINTS
    if text:
        kind = _word_kind(text)
        if kind:
            add(kind, WORD_POINTS)
        else:
            symbols = _symbols(text)
            arrow = symbols in SYMBOL_KIND and len(text.split()) <= 3
            if arrow:
                # an arrow beside unknown words ("Newer posts →") says less than an arrow alone
                add(SYMBOL_KIND[symbols], SYMBOL_POINTS if _WORD.search(text) is None else SYMBOL_POINTS - 1)
            elif _WORD.search(text) and not set(_WORD.findall(text.lower())) <= NEUTRAL_WORDS:
                name_points = OTHER_TEXT_NAME_POINTS  # class="next" on "Show all"
    for attribute in ("aria-label", "title"):
        add(_label_kind(anchor.get(attribute)), LABEL_POINTS)
    if not text:
        image = _first(anchor, "img")
        if image is not None:
            add(_label_kind(image.get("alt")), LABEL_POINTS)
            source = (image.get("src") or "").rsplit("/", 1)[-1].lower()
            add(_name_kind(source), name_points)
    add(_name_kind(names.own(anchor)) or _name_kind(names.inside(anchor)) or _wrapper_kind(anchor, names), name_points)
    return {kind: value for kind, value in points.items() if value > 0}


def _wrapper_kind(anchor, names):
    """next or prev from the names of a parent or grandparent that wraps this link alone (<li class="next"><a>)."""
    for parent in _parents(anchor):
        kind = _name_kind(names.own(parent))
        if kind:
            return kind if _first(parent, "a", skip=1) is None else None
    return None


def _rel_kind(rel):
    values = rel if isinstance(rel, list) else (rel or "").split()
    for value in values:
        value = value.lower()
        if value == "next":
            return NEXT
        if value in ("prev", "previous"):
            return PREV
        if value in ("first", "start"):
            return FIRST
        if value == "last":
            return LAST
    return None


def _word_kind(text):
    """The kind a text's words name: "Next page »" -> next, "Older posts" -> None."""
    words = _WORD.findall(text.lower())
    if not words or len(words) > LONG_TEXT_WORDS or words[0] not in FIRST_WORDS:
        return None
    for kind in DIRECTIONS:
        vocabulary = WORDS[kind]
        for cut in range(len(words), 0, -1):
            if " ".join(words[:cut]) in vocabulary and all(w in FILLERS for w in words[cut:]):
                return kind
    return None


def _label_kind(label):
    """The kind a title or aria-label names: "Next Page - Results 21 to 40", "Go to next page"."""
    if not label:
        return None
    head = _LABEL_END.split(label.strip(), maxsplit=1)[0].lower()
    words = _WORD.findall(head)
    if not words or len(words) > 6:
        return _symbol_kind(label)
    kind = _word_kind(head)
    if kind:
        return kind
    for start in range(1, len(words)):  # "go to next page", "zur nächsten Seite"
        kind = _word_kind(" ".join(words[start:]))
        if kind and len(words[start]) >= 4:
            return kind
    return _symbol_kind(label)


def _symbol_kind(text):
    return SYMBOL_KIND.get(_symbols(text)) if text and not _WORD.search(text) else None


def _symbols(text):
    return _NOT_SYMBOL.sub("", text)


def _name_kind(name):
    """next or prev from class and id names (or an image file name); None when both or neither."""
    if not name:
        return None
    kinds = [kind for kind in (NEXT, PREV) if NAME_CUES[kind].search(name)]
    return kinds[0] if len(kinds) == 1 else None


def _label(anchor):
    image = _first(anchor, "img")
    for value in (anchor.get("aria-label"), image.get("alt") if image is not None else None, anchor.get("title")):
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    return ""


def _first(tag, name, skip=0):
    """tag.find(name) without bs4's filter machinery (slow for a question this small); skip that many first."""
    for element in tag.descendants:
        if type(element) is Tag and element.name == name:
            if not skip:
                return element
            skip -= 1
    return None


def _text(anchor):
    """The link's text, whitespace collapsed (comments and scripts left out, as get_text does)."""
    contents = anchor.contents
    if len(contents) == 1 and type(contents[0]) is NavigableString:
        return " ".join(contents[0].split())
    return " ".join(anchor.get_text(" ").split())


def _page_number(text):
    if text and text[0].isdigit() and _NUMBER.fullmatch(text):
        return int(_NOT_DIGIT.sub("", text))
    return None


class _Names:
    """Class and id names of tags, lower case, camelCase split; cached, as links share ancestors."""

    def __init__(self):
        self.cache = {}

    def own(self, tag):
        key = id(tag)
        names = self.cache.get(key)
        if names is None:
            attrs = tag.attrs
            classes = attrs.get("class") or ()
            raw = " ".join(classes) if isinstance(classes, list) else classes
            if attrs.get("id"):
                raw = f"{raw} {attrs['id']}"
            names = "" if not raw else raw if raw.islower() else _CAMEL.sub("-", raw).lower()
            self.cache[key] = names
        return names

    def inside(self, tag):
        return " ".join(self.own(child) for child in tag.children if isinstance(child, Tag))

    def far(self, tag):
        """Names of the ancestors beyond ANCESTORS, up to FAR_ANCESTORS: widgets wrap their links deep."""
        parts = []
        parent = tag.parent
        for level in range(FAR_ANCESTORS):
            if parent is None or parent.name in ("body", "html", "[document]"):
                break
            if level >= ANCESTORS:
                parts.append(self.own(parent))
            parent = parent.parent
        return " ".join(part for part in parts if part)

    def around(self, tag):
        """Names of the tag, its children and ANCESTORS ancestors."""
        parts = [self.own(tag)]
        parts += [self.own(child) for child in tag.children if isinstance(child, Tag)]
        parent = tag.parent
        for _ in range(ANCESTORS):
            if parent is None or parent.name in ("body", "html", "[document]"):
                break
            parts.append(self.own(parent))
            parent = parent.parent
        return " ".join(part for part in parts if part)


def _same_page_key(url):
    return _without_fragment(url).rstrip("/")


def _without_fragment(url):
    return url.split("#", 1)[0]


def _url_shape(url):
    """The URL without scheme, fragment and session parameters, digits as '#', for comparing page addresses."""
    parts = urlsplit(url)
    host = parts.netloc.lower()
    host = host[4:] if host.startswith("www.") else host
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not SESSION_PARAMS.match(k)]
    path = parts.path.rstrip("/")
    text = path + ("?" + urlencode(sorted(query)) if query else "")
    return host, re.sub(r"\d+", "#", text.lower())


def _url_points(current, url):
    """Points for a URL that is the page's own with a page number changed or added; less for another site's."""
    try:
        here_host, here = _url_shape(current)
        there_host, there = _url_shape(url)
    except ValueError:
        return 0
    if here_host != there_host:
        return OTHER_SITE_POINTS
    if here == there:
        return PAGE_URL_POINTS if _without_fragment(current) != _without_fragment(url) else 0
    removed, added = "", ""
    for op, a1, a2, b1, b2 in SequenceMatcher(None, here, there, autojunk=False).get_opcodes():
        if op != "equal":
            removed += here[a1:a2]
            added += there[b1:b2]
    # A page number changed or added ("/page/#", "&start=#"), or taken away (back to page 1).
    page_like = ("#" in added or not added and "#" in removed) and len(removed) + len(added) <= 20
    return PAGE_URL_POINTS if page_like else 0


def _numbered_pages(numbered, names, current):
    """The numbered page links, and the next and previous pages the numbering around the current page points to.

    Numbered links are grouped by their nearest shared ancestor (up to three
    levels up). The current page is the number in the group that is not a
    link (or a link marked aria-current, or one to this very page).
    """
    counts = {}
    for anchor, _number, _url in numbered:
        for parent in _parents(anchor):
            counts[id(parent)] = counts.get(id(parent), 0) + 1
    groups = {}
    for anchor, number, url in numbered:
        parents = list(_parents(anchor)) or [anchor.parent]
        container = next((p for p in parents if counts[id(p)] >= 2), parents[min(1, len(parents) - 1)])
        groups.setdefault(id(container), (container, []))[1].append((anchor, number, url))
    pages = []
    sequence = {}
    seen = set()
    for container, members in groups.values():
        if NOT_PAGINATION_NAMES.search(names.around(container)) or re.search(r"calend|date", names.own(container)):
            continue
        current_number = _current_number(container, members, current)
        in_paginator = bool(PAGINATOR_NAMES.search(names.around(members[0][0])))
        if current_number is None and not in_paginator and len(members) < 3:
            continue
        if current_number is None and min(number for _a, number, _u in members) > 1000:
            continue  # years, not pages
        for anchor, number, url in members:
            if url not in seen:
                seen.add(url)
                pages.append((url, str(number)))
        if current_number is not None:
            for anchor, number, url in members:
                if number == current_number + 1:
                    sequence.setdefault(NEXT, url)
                elif number == current_number - 1:
                    sequence.setdefault(PREV, url)
    return pages, sequence


def _parents(tag):
    parent = tag.parent
    for _ in range(ANCESTORS):
        if parent is None or parent.name in ("body", "html", "[document]"):
            return
        yield parent
        parent = parent.parent


def _current_number(container, members, current):
    for anchor, number, url in members:
        if anchor.get("aria-current") or _without_fragment(url) == current:
            return number
    numbers = {number for _a, number, _u in members}
    seen = 0
    for element in container.descendants:
        if type(element) is not Tag:
            continue
        seen += 1
        if seen > 400:
            break
        contents = element.contents
        if len(contents) != 1 or type(contents[0]) is not NavigableString:
            continue  # the number is a tag's only text: <strong>1</strong>, <li class="current">3</li>
        if element.name == "a" and not element.get("href", "javascript:").lstrip().startswith(("javascript:", "#")):
            continue
        number = _page_number(contents[0].strip())
        if number is not None and number not in numbers and (number + 1 in numbers or number - 1 in numbers):
            return number
    return None


TESTS = [
    {
        "name": "a forum's paginator: image links with rel and titles, the highlighted current page, a calendar left out",
        "url": "https://forum.example.de/f42-bestellungen-3.html",
        "file": "fixtures/pagination-forum.html",
        "records": [
            {"kind": "next", "url": "https://forum.example.de/f42-bestellungen-4.html", "text": "Nächste"},
            {"kind": "prev", "url": "https://forum.example.de/f42-bestellungen-2.html", "text": "Vorherige"},
            {"kind": "first", "url": "https://forum.example.de/f42-bestellungen", "text": "Erste"},
            {"kind": "last", "url": "https://forum.example.de/f42-bestellungen-57.html", "text": "Letzte"},
            {"kind": "page", "url": "https://forum.example.de/t1001-lieferzeit.html", "text": "1"},
            {"kind": "page", "url": "https://forum.example.de/t1001-lieferzeit-2.html", "text": "2"},
            {"kind": "page", "url": "https://forum.example.de/t1001-lieferzeit-3.html", "text": "3"},
            {"kind": "page", "url": "https://forum.example.de/t1003-rma.html", "text": "1"},
            {"kind": "page", "url": "https://forum.example.de/t1003-rma-2.html", "text": "2"},
            {"kind": "page", "url": "https://forum.example.de/f42-bestellungen", "text": "1"},
            {"kind": "page", "url": "https://forum.example.de/f42-bestellungen-2.html", "text": "2"},
            {"kind": "page", "url": "https://forum.example.de/f42-bestellungen-4.html", "text": "4"},
            {"kind": "page", "url": "https://forum.example.de/f42-bestellungen-5.html", "text": "5"},
        ],
    },
    {
        "name": "a list's pager: a word and an arrow",
        "url": "https://quotes.toscrape.com/",
        "file": "fixtures/example-quotes.html",
        "records": [{"kind": "next", "url": "https://quotes.toscrape.com/page/2/", "text": "Next →"}],
    },
    {
        "name": "French words, arrows, aria-current and ?page=N",
        "url": "https://boutique.example.fr/robes?page=4",
        "html": """<main><ul class="produits"><li><a href="/robes/bleue">Robe bleue</a></li></ul>
            <nav aria-label="Pages"><a href="/robes?page=3">« Précédent</a>
            <a href="/robes?page=1">1</a> <a href="/robes?page=3">3</a>
            <a href="/robes?page=4" aria-current="page">4</a> <a href="/robes?page=5">5</a>
            <a href="/robes?page=5">Suivant »</a></nav></main>""",
        "records": [
            {"kind": "next", "url": "https://boutique.example.fr/robes?page=5", "text": "Suivant »"},
            {"kind": "prev", "url": "https://boutique.example.fr/robes?page=3", "text": "« Précédent"},
            {"kind": "page", "url": "https://boutique.example.fr/robes?page=1", "text": "1"},
            {"kind": "page", "url": "https://boutique.example.fr/robes?page=3", "text": "3"},
            {"kind": "page", "url": "https://boutique.example.fr/robes?page=5", "text": "5"},
        ],
    },
    {
        "name": "a blog post: the next article, a related rail and a slider are not pagination",
        "url": "https://blog.example.org/2024/05/a-walk-in-the-hills/",
        "html": """<article><h1>A walk in the hills</h1><p>Text.</p></article>
            <nav class="navigation post-navigation"><div class="nav-next">
              <a href="https://blog.example.org/2024/06/rain-again/" rel="next">Rain again <span>→</span></a></div></nav>
            <aside class="related"><a class="next" href="https://blog.example.org/2024/07/summer/">Next article</a></aside>
            <div class="slider"><a class="slick-next" href="https://blog.example.org/gallery/2">›</a></div>""",
        "records": [],
    },
    {
        "name": "page 1 of 1: a disabled next is no link",
        "url": "https://shop.example.com/search?q=teapot",
        "html": """<p>1 result</p><div class="pagination"><span class="prev disabled">Previous</span>
            <span class="current">1</span><span class="next disabled">Next</span></div>""",
        "records": [],
    },
]
