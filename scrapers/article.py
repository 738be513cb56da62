"""The main article of a page: title, byline, date and text, as one record.

The text is found the way Mozilla's Readability finds it, on the bs4 tree
and without changing it: every paragraph scores points (one, plus one per
comma, plus one per 100 characters, up to three) for its parent and half as
many for its grandparent; class and id names that smell of content (article,
body, story) add to a container's score, those of page furniture (comment,
sidebar, share, promo) take away from it; a container's score shrinks with
the share of its text that sits in links. The best container wins, together
with siblings that score nearly as well or hold clean paragraphs. Inside it,
navigation, forms, asides and link lists are left out.

When a page has no container that scores at all, there is no record.
"""

import re

from gleaner.html_text import block_text, inline_text

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
    r"pagination|pager|popup|yom-remote|newsletter|subscribe|share|sharing|promo|outbrain|taboola|toolbar|signup",
    re.I,
)
MAYBE = re.compile(r"and|article|body|column|content|main|shadow|story|entry|post|text", re.I)
POSITIVE = re.compile(r"article|body|content|entry|hentry|h-entry|main|page|pagination|post|text|blog|story", re.I)
NEGATIVE = re.compile(
    r"-ad-|hidden|^hid$| hid$| hid |^hid |banner|combx|comment|com-|contact|foot|footer|footnote|gdpr|masthead|media|"
    r"meta|outbrain|promo|related|scroll|share|shoutbox|sidebar|skyscraper|sponsor|shopping|tags|tool|widget|byline|caption",
    re.I,
)
SKIPPED_TAGS = {"nav", "aside", "form", "footer", "header", "menu", "dialog", "figure", "figcaption", "select", "button"}
PARAGRAPH_TAGS = ("p", "pre", "td", "blockquote")
MIN_PARAGRAPH = 25


def scrape(page):
    soup = page.soup
    body = soup.body or soup
    scores = _score_containers(body)
    if not scores:
        return
    top = max(scores, key=scores.get)
    # A lone top container that is only a sliver of its parent's text is a fragment of it.
    while top.parent is not None and top.parent is not body and top.name not in ("article", "main"):
        parent_text = len(inline_text(top.parent))
        if parent_text and len(inline_text(top)) / parent_text > 0.85:
            top = top.parent
        else:
            break
    parts = _with_siblings(top, scores)
    texts = [block_text(part, skip=_is_furniture) for part in parts]
    text = "\n\n".join(t for t in texts if t)
    if not text:
        return
    yield {
        "title": _title(soup),
        "byline": _byline(soup),
        "published": _published(soup),
        "text": text,
    }


def _class_and_id(tag):
    return " ".join(tag.get("class") or []) + " " + (tag.get("id") or "")


def _is_unlikely(tag):
    names = _class_and_id(tag)
    role = (tag.get("role") or "").lower()
    if role in ("navigation", "complementary", "banner", "contentinfo", "menu", "menubar", "dialog", "alert"):
        return True
    if tag.get("hidden") is not None or tag.get("aria-hidden") == "true" or "display:none" in (tag.get("style") or "").replace(" ", ""):
        return True
    return bool(UNLIKELY.search(names)) and not MAYBE.search(names) and tag.name not in ("body", "article", "main")


def _is_furniture(tag):
    """Inside the chosen container, what is not part of the story."""
    if tag.name in SKIPPED_TAGS or _is_unlikely(tag):
        return True
    if tag.name in ("ul", "ol", "div", "section", "table") and _link_density(tag) > 0.5:
        return True
    return False


def _link_density(tag):
    text = len(inline_text(tag))
    if not text:
        return 0.0
    links = sum(len(inline_text(a)) for a in tag.find_all("a"))
    return min(1.0, links / text)


def _class_weight(tag):
    names = _class_and_id(tag)
    weight = 0
    if POSITIVE.search(names):
        weight += 25
    if NEGATIVE.search(names):
        weight -= 25
    return weight


def _score_containers(body):
    """Readability's scoring: paragraphs vote for their parent and grandparent."""
    scores = {}
    for paragraph in body.find_all(PARAGRAPH_TAGS):
        if any(_is_unlikely(a) or a.name in SKIPPED_TAGS for a in [paragraph] + list(paragraph.parents)[:-1]):
            continue
        text = inline_text(paragraph)
        if len(text) < MIN_PARAGRAPH:
            continue
        points = 1 + text.count(",") + text.count("，") + text.count("、") + min(len(text) // 100, 3)
        for level, ancestor in enumerate(list(paragraph.parents)[:3]):
            if ancestor.name in (None, "[document]", "html"):
                break
            if ancestor not in scores:
                scores[ancestor] = _initial_score(ancestor)
            scores[ancestor] += points / (1, 2, 6)[level]
    # Text mostly inside links is navigation, however long.
    return {tag: score * (1 - _link_density(tag)) for tag, score in scores.items()}


def _initial_score(tag):
    base = {"div": 5, "article": 10, "main": 5, "section": 3, "pre": 3, "td": 3, "blockquote": 3,
            "ol": -3, "ul": -3, "form": -3, "li": -3, "th": -5, "h1": -5, "h2": -5, "h3": -5}
    return base.get(tag.name, 0) + _class_weight(tag)


def _with_siblings(top, scores):
    """The winner plus siblings that score nearly as well or are clean paragraphs."""
    if top.parent is None:
        return [top]
    threshold = max(10, scores[top] * 0.2)
    parts = []
    for sibling in top.parent.find_all(recursive=False):
        if sibling is top:
            parts.append(sibling)
            continue
        bonus = scores[top] * 0.2 if sibling.get("class") and sibling.get("class") == top.get("class") else 0
        if scores.get(sibling, -1e9) + bonus >= threshold and not _is_unlikely(sibling):
            parts.append(sibling)
        elif sibling.name == "p":
            text = inline_text(sibling)
            density = _link_density(sibling)
            if (len(text) > 80 and density < 0.25) or (0 < len(text) <= 80 and density == 0 and re.search(r"\.( |$)", text)):
                parts.append(sibling)
    return parts


def _meta(soup, *names):
    for name in names:
        tag = soup.find("meta", attrs={"property": name}, content=True) or soup.find("meta", attrs={"name": name}, content=True)
        if tag and tag["content"].strip():
            return " ".join(tag["content"].split())
    return None


def _title(soup):
    """og:title, else the <h1> that the <title> starts with, else the <title> without its site suffix."""
    title = inline_text(soup.title) if soup.title else ""
    og_title = _meta(soup, "og:title", "twitter:title")
    if og_title:
        return og_title
    for h1 in soup.find_all("h1"):
        heading = inline_text(h1)
        if heading and (not title or heading in title):
            return heading
    if title:
        parts = re.split(r"\s+[|\-–—:»«]\s+", title)
        return max(parts, key=len) if len(parts) > 1 and len(max(parts, key=len).split()) >= 3 else title
    return None


def _byline(soup):
    meta = _meta(soup, "author", "article:author", "byl", "parsely-author", "dc.creator")
    if meta and not meta.startswith("http"):
        return re.sub(r"^by\s+", "", meta, flags=re.I)
    tag = soup.find(attrs={"rel": "author"}) or soup.find(attrs={"itemprop": re.compile(r"\bauthor\b")}) or soup.find(
        class_=re.compile(r"byline|author", re.I)
    )
    if tag is not None:
        text = inline_text(tag)
        if 0 < len(text) < 100:
            return re.sub(r"^by\s+", "", text, flags=re.I)
    return None


def _published(soup):
    meta = _meta(soup, "article:published_time", "datePublished", "pubdate", "parsely-pub-date", "dc.date", "date")
    if meta:
        return meta
    tag = soup.find(attrs={"itemprop": "datePublished"})
    if tag is not None:
        return tag.get("content") or tag.get("datetime") or inline_text(tag) or None
    tag = soup.find("time", datetime=True)
    return tag["datetime"].strip() if tag is not None else None


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
                "text": "Rain returns\n\nAfter months of drought, rain fell across the region on Friday, filling reservoirs, "
                "rivers and wells.\n\nFarmers welcomed the change, though many said it came too late for this year's harvest.",
            }
        ],
    },
]
