"""Accuracy of the built-in scrapers on the shared corpus, against established libraries.

Run natively from the repository root, after
``pip install -r bench/requirements-accuracy.txt``::

    python3 bench/accuracy.py            # scorecard per peer and per file
    python3 bench/accuracy.py --quiet    # totals only

Peers (test-only, never shipped): feedparser for feeds, extruct for JSON-LD,
OpenGraph and microdata, pandas.read_html for tables, and the corpus's own
gold files for article text and metadata. Each peer's score is the share of
files (or entries) where we agree; disagreements that are the peer's
mistake, not ours, are explained in NOTES and printed after the scorecard.
"""

import argparse
import calendar
import html
import io
import json
import re
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
sys.path.insert(0, str(ROOT / "py"))

from gleaner.host import load_builtins, run_plugin  # noqa: E402
from gleaner.page import make_page  # noqa: E402

TARGETS = {
    "feed entry counts": 0.95,
    "feed titles": 0.95,
    "feed links": 0.95,
    "json-ld": 0.95,
    "opengraph": 0.95,
    "tables": 0.90,
    "article F1": 0.85,
}

# Disagreements where the peer is wrong (or answers another question), keyed
# by (check, corpus file). Each is printed under "Notes" when it occurs.
NOTES = {
    ("feed titles", "feeds/atom-shift-jis-no-declaration.xml#0"):
        "undeclared Shift_JIS: feedparser without chardet reads it as windows-1252 (mojibake); "
        "decode_xml sniffs Shift_JIS, which the file's own test expects",
    ("feed titles", "feeds/rss-koi8-r-no-declaration.xml#0"):
        "undeclared KOI8-R: feedparser without chardet gives latin-1 mojibake; we sniff KOI8-R",
    ("feed titles", "feeds/rss20-hubspot-big.xml#32"):
        "the file itself holds the mojibake bytes 'Â\\xa0'; we keep the text as published, feedparser drops the 'Â'",
    ("feed links", "feeds/atom10-xml-base.xml#0"):
        "the entry has no <link>; feedparser copies the Atom id into link, but an Atom id is an identifier, "
        "not a location (RFC 4287 4.2.6); feed-rs's gold also has no link",
    ("opengraph", "html/news-bbc-1.html"): "extruct finds no OpenGraph at all although the page has 9 og: meta tags",
    ("opengraph", "html/news-ctvnews-20-tables.html"): "extruct finds no OpenGraph at all although the page has 7 og: meta tags",
    ("opengraph", "html/tiny-unescape-html-entities.html"):
        "<meta property=\"dc:description og:description\"> names two RDFa properties; extruct reads the "
        "attribute as one name, we split it as RDFa says",
    ("opengraph", "html/news-entermedia-ko-tables.html"):
        "the page writes <meta name=\"og:image1\">; extruct reads only property=, we read name= too, as Facebook does",
    ("table count (all tables pandas reads)", "*"):
        "pandas returns every <table> with text, layout tables included; tables.py skips them by the rule in its "
        "docstring (role=presentation, or no header cells and a nested table, one column or a prose cell)",
    ("tables", "html/wiki-wikipedia-2.html"):
        "pandas drops a header row that is one cell across the table, and counts rows differently where a "
        "rowspan runs past the last row; ours keeps spans expanded",
    ("feed ids", "*"): "feedparser makes up no id for RSS items without <guid>, but does take rdf:about on RSS 1.0 only sometimes",
    ("feed updated", "*"):
        "feedparser 6 copies published into updated for RSS; we report updated only from an update element "
        "(atom:updated, dcterms:modified), so a missing value stays missing",
    ("feed published", "*"):
        "feedparser copies Atom <updated> into published when there is no <published>; we do not",
}


def corpus_files(kind):
    index = json.loads((CORPUS / "index.json").read_text(encoding="utf-8"))
    return [entry for entry in index["files"] if entry["kind"] == kind]


def url_for(entry):
    return entry.get("original_url") or f"https://corpus.example/{entry['path']}"


def page_for(entry):
    data = (CORPUS / entry["path"]).read_bytes()
    return make_page(data, url_for(entry), "application/xml" if entry["kind"] == "feed" else "text/html"), data


def records(plugin, page):
    result = run_plugin(plugin, page)
    return result["records"] if result["ok"] else None


def plain(text):
    """Text as a reader sees it: tags gone, entities decoded, whitespace collapsed."""
    if text is None:
        return ""
    text = html.unescape(re.sub(r"<[^>]*>", "", str(text)))
    return " ".join(text.split())


def collapse(value):
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, list):
        return [collapse(v) for v in value]
    if isinstance(value, dict):
        return {k: collapse(v) for k, v in value.items()}
    return value


class Scorecard:
    def __init__(self):
        self.noted = Counter()  # check -> disagreements explained in NOTES
        self.checks = {}  # check -> [agreements, total]
        self.rows = []  # (check, file, ok, detail)
        self.notes = []

    def add(self, check, path, ok, detail="", weight=1):
        agree, total = self.checks.setdefault(check, [0, 0])
        self.checks[check] = [agree + (weight if ok is True else ok * weight if not isinstance(ok, bool) else 0), total + weight]
        self.rows.append((check, path, ok, detail))
        if ok is not True:
            if (check, path) in NOTES:
                self.noted[check] += weight
                self.notes.append(f"{check} / {path}: {NOTES[(check, path)]}")
            elif (check, "*") in NOTES:
                self.notes.append(f"{check} (all files): {NOTES[(check, '*')]}")

    def ratio(self, check):
        agree, total = self.checks.get(check, (0, 0))
        return agree / total if total else float("nan")


# --- feeds vs feedparser ------------------------------------------------------

def fp_date(entry, key):
    parsed = entry.get(f"{key}_parsed")
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(calendar.timegm(parsed))) if parsed else None


def bench_feeds(card, builtins):
    import feedparser

    for entry in corpus_files("feed"):
        page, data = page_for(entry)
        result = run_plugin(builtins["feed"], page)
        path = entry["path"]
        peer = feedparser.parse(data, response_headers={"content-location": page.url})
        if not result["ok"] and not result["error"]["user"]:
            card.add("feed entry counts", path, False, "our scraper crashed")
            continue
        # A broken feed with no item left is refused in a sentence: that is zero entries.
        ours = result["records"]
        said = "" if result["ok"] else f" (refused: {result['error']['message'][:60]}...)"
        card.add("feed entry counts", path, len(ours) == len(peer.entries), f"ours {len(ours)}{said}, feedparser {len(peer.entries)}")
        for index, (mine, theirs) in enumerate(zip(ours, peer.entries)):
            where = f"{path}#{index}"
            checks = (
                ("feed titles", plain(mine["title"]), plain(theirs.get("title"))),
                ("feed links", mine["link"] or "", theirs.get("link") or ""),
                ("feed ids", mine["id"] or "", theirs.get("id") or ""),
                ("feed published", mine["published"], fp_date(theirs, "published")),
                ("feed updated", mine["updated"], fp_date(theirs, "updated")),
            )
            for check, a, b in checks:
                card.add(check, where, a == b, f"ours {a!r} / feedparser {b!r}")


# --- structured data vs extruct ----------------------------------------------

def og_dict(extracted):
    values = {}
    for block in extracted or []:
        for key, value in block.get("properties", []):
            if key.lower().startswith("og:"):
                values.setdefault(key[3:].lower(), " ".join(value.split()))
    return values


def bench_structured(card, builtins):
    import extruct

    for entry in corpus_files("html"):
        page, data = page_for(entry)
        ours = records(builtins["metadata"], page)
        path = entry["path"]
        if not ours:
            for check in ("json-ld", "opengraph", "microdata"):
                card.add(check, path, False, "our scraper raised an error")
            continue
        mine = ours[0]
        for check, syntax in (("json-ld", "json-ld"), ("opengraph", "opengraph"), ("microdata", "microdata")):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    theirs = extruct.extract(page.html, base_url=page.url, syntaxes=[syntax], uniform=False, errors="strict")[syntax]
            except Exception as exc:  # extruct failed: nothing to compare with
                card.rows.append((check, path, None, f"extruct failed: {type(exc).__name__}"))
                continue
            if check == "json-ld":
                card.add(check, path, mine["json_ld"] == theirs, f"ours {len(mine['json_ld'])} blocks, extruct {len(theirs)}")
            elif check == "opengraph":
                card.add(check, path, mine["opengraph"] == og_dict(theirs), f"ours {mine['opengraph']} / extruct {og_dict(theirs)}"[:300])
            else:
                a, b = collapse(mine["microdata"]), collapse(theirs)
                card.add(check, path, a == b, f"ours {len(a)} items, extruct {len(b)}")


# --- tables vs pandas ----------------------------------------------------------

def bench_tables(card, builtins):
    import pandas
    from bs4 import BeautifulSoup

    for entry in corpus_files("html"):
        page, _ = page_for(entry)
        ours = records(builtins["tables"], page)
        path = entry["path"]
        if ours is None:
            card.add("tables", path, False, "our scraper raised an error")
            continue
        shapes = {}
        for record in ours:
            rows, columns = shapes.get(record["table"], (0, len(record) - 2))
            shapes[record["table"]] = (rows + 1, columns)
        # pandas reads every table with text; read each one alone to know which <table> it is.
        theirs = {}
        for index, table in enumerate(BeautifulSoup(page.html, "html.parser").find_all("table")):
            if table.find("table") is not None:
                continue  # pandas folds a nested table's rows into the outer one; not comparable
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    frame = pandas.read_html(io.StringIO(str(table)), flavor="lxml")[0]
            except (ValueError, IndexError):
                continue
            theirs[index] = frame.shape
        same_shapes = all(theirs.get(index) == shape for index, shape in shapes.items() if index in theirs)
        skipped = sorted(set(theirs) - set(shapes))
        card.add("tables", path, same_shapes, f"ours {len(shapes)} tables {dict(list(shapes.items())[:4])}, pandas {len(theirs)}; skipped as layout {skipped[:8]}")
        card.add("table count (all tables pandas reads)", path, len(shapes) == len(theirs), f"ours {len(shapes)}, pandas {len(theirs)}")


# --- gold files ---------------------------------------------------------------

def tokens(text):
    # CJK has no spaces between words: count its characters one by one.
    return re.findall(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]|[^\W_]+", (text or "").lower())


def token_f1(predicted, gold):
    a, b = Counter(tokens(predicted)), Counter(tokens(gold))
    common = sum((a & b).values())
    if not common:
        return 0.0
    precision, recall = common / sum(a.values()), common / sum(b.values())
    return 2 * precision * recall / (precision + recall)


def bench_gold(card, builtins):
    for entry in corpus_files("html"):
        if not entry.get("gold"):
            continue
        gold = json.loads((CORPUS / entry["gold"]).read_text(encoding="utf-8"))
        kind = gold.get("gold_kind") or entry.get("gold_kind")
        page, _ = page_for(entry)
        path = entry["path"]
        article = (records(builtins["article"], page) or [{}])[0] if kind != "extruct_expected" else {}
        meta = (records(builtins["metadata"], page) or [{}])[0]
        text = article.get("text", "")
        if kind == "readability_article":
            f1 = token_f1(text, gold["article_text"])
            card.add("article F1", path, f1, f"F1 {f1:.3f}")
            expected = gold.get("expected_metadata") or {}
            if expected.get("title"):
                card.add("gold title", path, plain(article.get("title")) == plain(expected["title"]),
                         f"ours {article.get('title')!r} / gold {expected['title']!r}")
            if expected.get("lang"):
                card.add("gold lang", path, (meta.get("lang") or "") == expected["lang"], f"ours {meta.get('lang')!r} / gold {expected['lang']!r}")
        elif kind == "article_body":
            f1 = token_f1(text, gold.get("articleBody") or gold.get("article_body") or "")
            card.add("article F1", path, f1, f"F1 {f1:.3f}")
        elif kind == "text_snippets_and_metadata":
            found = [s for s in gold.get("with", []) if plain(s) in plain(text)]
            absent = [s for s in gold.get("without", []) if plain(s) not in plain(text)]
            total = len(gold.get("with", [])) + len(gold.get("without", []))
            if total:
                card.add("article snippets", path, (len(found) + len(absent)) / total,
                         f"{len(found)}/{len(gold.get('with', []))} wanted found, {len(absent)}/{len(gold.get('without', []))} unwanted absent")
            if gold.get("title"):
                card.add("gold title", path, plain(gold["title"]) in plain(article.get("title") or meta.get("title")),
                         f"ours {article.get('title')!r} / gold {gold['title']!r}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quiet", action="store_true", help="print the totals only")
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"no corpus at {CORPUS}")
    builtins = load_builtins(ROOT / "scrapers")
    card = Scorecard()
    for name, bench in (("feedparser", bench_feeds), ("extruct", bench_structured), ("pandas", bench_tables), ("gold", bench_gold)):
        started = time.perf_counter()
        try:
            bench(card, builtins)
        except ImportError as exc:
            print(f"{name}: skipped ({exc}); pip install -r bench/requirements-accuracy.txt")
        print(f"[{name} done in {time.perf_counter() - started:.1f}s]", file=sys.stderr)
    if not args.quiet:
        print("# Per file\n")
        for check, path, ok, detail in card.rows:
            mark = "ok " if ok is True or (not isinstance(ok, bool) and ok is not None and ok >= 0.85) else "-- " if ok is not None else "n/a"
            print(f"{mark} {check:<38} {path:<58} {detail}")
    print("\n# Scorecard\n")
    for check, (agree, total) in card.checks.items():
        target = TARGETS.get(check)
        verdict = "" if target is None else ("  meets target" if agree / total >= target else "  BELOW target") + f" {target:.0%}"
        line = f"{check:<40} {agree / total:7.1%}  ({agree:.1f} of {total}){verdict}"
        if card.noted[check]:
            rest = total - card.noted[check]
            line += f"; {agree / rest:.1%} without the {card.noted[check]} noted peer mistakes"
        print(line)
    if card.notes:
        print("\n# Notes: disagreements where the peer is wrong\n")
        for note in dict.fromkeys(card.notes):
            print("- " + note)


if __name__ == "__main__":
    main()
