"""The `article` built-in on the article-extraction benchmark, beside the published extractors.

Scores the built-in's ``text`` on the development half of the benchmark
(``../shared/datasets/articles``: saved news and blog pages with a
human-annotated article body each), with the benchmark's own metric, and
prints the peers' scores on the same pages from their published outputs.
Then checks ``title``, ``byline`` and ``published`` against the corpus's
gold files (``../shared/corpus``), which the benchmark does not annotate.
From the repository root::

    python bench/articles.py              # scores, the worst pages, metadata
    python bench/articles.py --worst 20   # list more of the worst pages
    python bench/articles.py --timing     # also the scrape's ms on the pages of 150-250 KB

The metric (the benchmark's evaluate.py): tokens are ``\\w+`` runs; a text
is the multiset of its 4-token shingles (one shingle if it has fewer than 4
tokens). Per page tp, fp and fn are the shared, surplus and missing shingles,
each divided by their sum; precision and recall are the means over pages of
tp/(tp+fp) and tp/(tp+fn) (1.0 where fp = fn = 0, 0.0 where nothing was
predicted), F1 comes from the two means. The peers' published figures on
these 97 pages (rs_trafilatura 0.964, trafilatura 0.953, Readability.js
0.943) check the metric.

Each page is run as the browser runs it: the bytes decoded by
``make_page`` (``decode_html``), the host's ``run_plugin``. The last line is
machine-readable::

    ARTICLES f1=... precision=... recall=... empty=...
"""

import argparse
import gc
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DATASET = SHARED / "datasets" / "articles"
CORPUS = SHARED / "corpus"
sys.path.insert(0, str(ROOT / "py"))

from gleaner.host import load_builtins, run_plugin  # noqa: E402
from gleaner.page import make_page  # noqa: E402

PEERS = {"rs_trafilatura": "rs_trafilatura", "trafilatura": "trafilatura", "readability_js": "Readability.js",
         "readability": "readability-lxml"}
TOKEN = re.compile(r"\w+")
TIMING_RUNS = 5
CONJUNCTIONS = {"and", "und", "et", "y", "e", "i", "og", "en"}


# --- the benchmark's metric ---------------------------------------------------

def shingles(text, n=4):
    tokens = TOKEN.findall(text or "")
    return Counter(" ".join(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i:i + n])


def page_counts(predicted, expected):
    """(tp, fp, fn) of one page, normalised to sum to 1."""
    ours, gold = shingles(predicted), shingles(expected)
    tp = sum((ours & gold).values())
    fp = sum((ours - gold).values())
    fn = sum((gold - ours).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def page_precision(tp, fp, fn):
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fp) if tp + fp else 0.0


def page_recall(tp, fp, fn):
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fn) if tp + fn else 0.0


def score(outputs, truth):
    """{'f1', 'precision', 'recall', 'empty', 'pages': {key: (f1, precision, recall)}} over the keys of truth."""
    pages, precisions, recalls, empty = {}, [], [], 0
    for key, gold in truth.items():
        predicted = outputs.get(key) or ""
        empty += not predicted.strip()
        counts = page_counts(predicted, gold)
        precision, recall = page_precision(*counts), page_recall(*counts)
        precisions.append(precision)
        recalls.append(recall)
        pages[key] = (f1_of(precision, recall), precision, recall)
    precision, recall = statistics.fmean(precisions), statistics.fmean(recalls)
    return {"f1": f1_of(precision, recall), "precision": precision, "recall": recall, "empty": empty, "pages": pages}


def f1_of(precision, recall):
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


# --- running the built-in -----------------------------------------------------

def run_article(plugin, url, data, collect=True):
    """The record and (wall ms, CPU ms); ``collect=False`` keeps Python's garbage collector off during the run."""
    page = make_page(data, url, "text/html")
    page.soup  # noqa: B018 -- parsed before the clock starts: all scrapers of a run share the tree
    if not collect:
        gc.disable()
    started = time.process_time()
    try:
        result = run_plugin(plugin, page)
    finally:
        gc.enable()
    cpu_ms = (time.process_time() - started) * 1000
    if not result["ok"]:
        raise SystemExit(f"article failed on {url}: {result['error']}")
    return (result["records"] or [{}])[0], (result["ms"], cpu_ms)


def dataset_pages():
    truth = json.loads((DATASET / "ground-truth.json").read_text(encoding="utf-8"))
    for key in sorted(truth):
        yield key, truth[key]["url"], gzip.decompress((DATASET / "html" / f"{key}.html.gz").read_bytes()), truth[key]["articleBody"]


# --- corpus gold metadata -----------------------------------------------------

def normalised(text):
    return " ".join(str(text or "").split()).casefold()


def same_title(ours, gold, kind):
    """Readability's gold title is its exact output; trafilatura's annotation is the title's core, which ours must hold."""
    if kind == "readability_article":
        return normalised(ours) == normalised(gold)
    return normalised(gold) in normalised(ours)


def same_name(ours, gold, kind):
    """A byline matches when every word of the gold names is in ours, in any order, "and" aside
    ("By Ann Lee" == "Ann Lee", "A und B" == "A, B")."""
    ours_words = set(re.findall(r"\w+", normalised(ours)))
    gold_words = [word for word in re.findall(r"\w+", normalised(re.sub(r"^\s*by\s+", "", gold or "", flags=re.I)))
                  if word not in CONJUNCTIONS]
    return bool(gold_words) and all(word in ours_words for word in gold_words)


def same_day(ours, gold, kind):
    """A date matches when it names the gold's calendar day (ISO 8601 YYYY-MM-DD at the start)."""
    return bool(ours) and normalised(ours)[:10] == normalised(gold)[:10]


def corpus_gold():
    """(path, {'title', 'byline', 'published'}) for corpus pages whose gold has article metadata."""
    index = json.loads((CORPUS / "index.json").read_text(encoding="utf-8"))
    for entry in index["files"]:
        if entry["kind"] != "html" or entry.get("gold_kind") not in ("readability_article", "text_snippets_and_metadata"):
            continue
        gold = json.loads((CORPUS / entry["gold"]).read_text(encoding="utf-8"))
        if entry["gold_kind"] == "readability_article":
            meta = gold.get("expected_metadata") or {}
            fields = {"title": meta.get("title"), "byline": meta.get("byline"), "published": meta.get("publishedTime")}
        else:
            fields = {"title": gold.get("title"), "byline": gold.get("author"), "published": gold.get("date")}
        fields = {name: value.strip() for name, value in fields.items() if value and value.strip()}
        if fields:
            yield entry, entry["gold_kind"], fields


def bench_corpus_metadata(plugin):
    """Agreement with the corpus gold on title (see same_title), byline (all gold words) and day."""
    checks = {"title": same_title, "byline": same_name, "published": same_day}
    tally = {name: [0, 0] for name in checks}
    misses = []
    for entry, kind, fields in corpus_gold():
        data = (CORPUS / entry["path"]).read_bytes()
        record, _ = run_article(plugin, entry.get("original_url") or f"https://corpus.example/{entry['path']}", data)
        for name, gold in fields.items():
            ok = checks[name](record.get(name), gold, kind)
            tally[name][0] += ok
            tally[name][1] += 1
            if not ok:
                misses.append(f"  {name:<9} {entry['path']:<50} ours {record.get(name)!r:.70} / gold {gold!r:.70}")
    return tally, misses


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--worst", type=int, default=10, help="how many of the worst pages to list")
    parser.add_argument("--timing", action="store_true", help="time the scrape on dataset pages of 150-250 KB")
    args = parser.parse_args()
    if not DATASET.exists():
        sys.exit(f"no dataset at {DATASET}")
    plugin = load_builtins(ROOT / "scrapers")["article"]
    truth, ours, urls, timings = {}, {}, {}, []
    for key, url, data, gold in dataset_pages():
        truth[key], urls[key] = gold, url
        record, ms = run_article(plugin, url, data)
        ours[key] = record.get("text") or ""
        if args.timing and 150_000 <= len(data) <= 250_000:
            runs = [ms] + [run_article(plugin, url, data)[1] for _ in range(TIMING_RUNS - 1)]
            quiet = [run_article(plugin, url, data, collect=False)[1][1] for _ in range(TIMING_RUNS)]
            # [wall, cpu] as medians, then the worst CPU time with and without the garbage collector
            timings.append([statistics.median(kind) for kind in zip(*runs)] + [max(cpu for _, cpu in runs), max(quiet)])

    results = {"Gleaner article": score(ours, truth)}
    for name, label in PEERS.items():
        path = DATASET / "peers" / f"{name}.json"
        if path.exists():
            output = json.loads(path.read_text(encoding="utf-8"))["output"]
            results[label] = score({key: value.get("articleBody") for key, value in output.items()}, truth)
    print(f"# {len(truth)} pages of the article-extraction benchmark (development half)\n")
    print(f"{'extractor':<18} {'F1':>6} {'prec.':>6} {'recall':>6} {'empty':>5}")
    for label, result in sorted(results.items(), key=lambda item: -item[1]["f1"]):
        print(f"{label:<18} {result['f1']:6.3f} {result['precision']:6.3f} {result['recall']:6.3f} {result['empty']:5d}")

    mine = results["Gleaner article"]["pages"]
    best_peer = results.get("rs_trafilatura", {}).get("pages", {})
    print(f"\n# Worst {args.worst} pages (F1, precision, recall; rs_trafilatura's F1)\n")
    for key in sorted(mine, key=lambda key: mine[key][0])[:args.worst]:
        f1, precision, recall = mine[key]
        peer = f"{best_peer[key][0]:.3f}" if key in best_peer else "  -  "
        print(f"{f1:.3f} p={precision:.3f} r={recall:.3f} peer={peer}  {key[:12]}  {urls[key]}")
    if best_peer:
        behind = sum(mine[key][0] < best_peer[key][0] - 0.01 for key in mine)
        ahead = sum(mine[key][0] > best_peer[key][0] + 0.01 for key in mine)
        print(f"\npages ahead of rs_trafilatura by more than 0.01 F1: {ahead}; behind: {behind}")

    if CORPUS.exists():
        tally, misses = bench_corpus_metadata(plugin)
        print("\n# Corpus gold metadata (title as the gold, byline all gold words, published same day)\n")
        for name, (agree, total) in tally.items():
            print(f"{name:<10} {agree} of {total}")
        print("misses:")
        print("\n".join(misses) or "  none")
        print("ARTICLE_META " + " ".join(f"{name}={agree}/{total}" for name, (agree, total) in tally.items()))

    if timings:
        # Wall time is the run's own "ms"; CPU time is less disturbed by other work on a shared machine.
        print(f"\nscrape ms (the plugin's run, the page parsed before), {len(timings)} pages of 150-250 KB, "
              f"median of {TIMING_RUNS} runs each:")
        for label, values in (("wall", [row[0] for row in timings]), ("cpu", [row[1] for row in timings])):
            print(f"  {label:<4} median {statistics.median(values):.1f}, range {min(values):.1f}-{max(values):.1f}")
        print(f"  worst single run's CPU time: {max(row[2] for row in timings):.1f} ms; with the garbage collector "
              f"off during the run: {max(row[3] for row in timings):.1f} ms")
    result = results["Gleaner article"]
    print(f"ARTICLES f1={result['f1']:.3f} precision={result['precision']:.3f} recall={result['recall']:.3f} "
          f"empty={result['empty']}")


if __name__ == "__main__":
    main()
