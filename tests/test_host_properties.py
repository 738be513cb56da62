"""Property tests for the host's page handling: whatever bytes arrive, nothing breaks.

Truncated, mutated and randomly encoded HTML goes through gleaner.page.decode_html
and the links and metadata built-ins: decoding never raises and round-trips
what a declared charset can carry; the built-ins never fail and yield JSON
records. (Feeds have their own robustness tests in test_corpus_robustness.py.)
"""

import codecs
import json

from hypothesis import HealthCheck, example, given, settings, strategies as st

from conftest import ROOT
from gleaner.host import load_builtins, run_plugin
from gleaner.page import Page, decode_html

BUILTINS = load_builtins(ROOT / "scrapers")
SEED_PAGES = [(ROOT / "tests" / "pages" / name).read_bytes() for name in ("shop.html", "with-feed.html")]
ENCODINGS = ["utf-8", "windows-1252", "iso-8859-2", "koi8-r", "shift_jis", "euc-jp", "gb18030", "big5", "euc-kr", "utf-16-le", "utf-16-be"]
CONTENT_TYPES = st.one_of(
    st.none(),
    st.sampled_from(["text/html", "text/html; charset=utf-8", "text/html; charset=bogus-9", "text/html;charset=\"latin1\"", "text/html; charset=utf-16", ";;charset="]),
    st.text(max_size=40),
)
# Pieces that stress a tolerant parser: broken tags, comments, entities, charset declarations, NUL.
FRAGMENTS = [
    b"<a href='", b"<a href=\"/x\">", b"</a>", b"<!--", b"-->", b"<script>", b"</script>", b"<![CDATA[", b"<base href='javascript:alert(1)'>",
    b"<meta charset=shift_jis>", b"<meta charset=\"utf-16\">", b"&#xD800;", b"&#0;", b"&amp", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf",
    b"<a href='http://[::1'>bad</a>", b"<a href='\x00:x'>nul</a>", b"<title>", b"<meta property='og:title' content='", b"<script type='application/ld+json'>{",
]


@st.composite
def mutated_pages(draw):
    data = bytearray(draw(st.sampled_from(SEED_PAGES)))
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "truncate", "random"]))
        if action == "insert":
            data[at:at] = draw(st.sampled_from(FRAGMENTS))
        elif action == "delete":
            del data[at:at + draw(st.integers(1, 200))]
        elif action == "truncate":
            del data[at:]
        else:
            data[at:at] = draw(st.binary(max_size=64))
    return bytes(data)


def run_builtin(name, html, url="https://example.org/dir/page.html"):
    result = run_plugin(BUILTINS[name], Page(url, html))
    assert result["ok"], result["error"]
    json.dumps(result["records"], allow_nan=False)
    return result["records"]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=4096), CONTENT_TYPES)
def test_decode_html_never_raises_on_any_bytes(data, content_type):
    assert isinstance(decode_html(data, content_type), str)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.sampled_from(ENCODINGS), st.booleans())
@example("\x00", "utf-16-le", False)  # BOM + NUL looks like UTF-32's BOM, which browsers ignore
def test_text_round_trips_through_its_declared_charset(text, encoding, in_meta):
    body = text.encode(encoding, errors="replace")
    text = body.decode(encoding)  # what the codec itself reads back (shift_jis maps ¥ to \\, say)
    if not body.isascii() and not encoding.startswith("utf-16"):
        try:
            # Valid UTF-8 is read as UTF-8 whatever the label (a deliberate rule of decode_html).
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            pass
    if encoding.startswith("utf-16"):
        # A UTF-16 page is recognised by its byte order mark; nothing else can declare it.
        bom = codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE
        assert decode_html(bom + body) == text
        return
    if in_meta:
        head = f'<meta charset="{encoding}">'.encode("ascii")
        assert decode_html(head + body) == head.decode("ascii") + text
    else:
        assert decode_html(body, f"text/html; charset={encoding}") == text


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=200), st.integers(0, 3))
def test_truncated_utf8_keeps_everything_before_the_cut(text, cut):
    data = text.encode("utf-8")
    truncated = data[: max(0, len(data) - cut)]
    decoded = decode_html(truncated, "text/html; charset=utf-8")
    whole = truncated.decode("utf-8", errors="ignore")
    assert decoded.startswith(whole) or decoded.replace("\ufffd", "") == whole


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_pages(), CONTENT_TYPES)
def test_links_and_metadata_survive_mutated_pages(data, content_type):
    html = decode_html(data, content_type)
    for record in run_builtin("links", html):
        assert set(record) == {"url", "text", "rel"}
        assert isinstance(record["url"], str) and isinstance(record["text"], str)
    [metadata] = run_builtin("metadata", html) or [{}]
    assert isinstance(metadata, dict)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=2000))
def test_links_and_metadata_survive_any_text(html):
    run_builtin("links", html)
    run_builtin("metadata", html)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS + [b"<a href=\"rel/p?q=1#f\">t</a>", b"text ", b"<p>", b"<div>"]), max_size=40), st.sampled_from(ENCODINGS[:-2]))
def test_fragment_soup_in_any_encoding(pieces, encoding):
    data = b"".join(pieces)
    html = decode_html(data, f"text/html; charset={encoding}")
    links = run_builtin("links", html)
    # Every href among the pieces is relative (resolved against the page), but for one invalid
    # absolute URL, which is kept as written.
    assert all(r["url"].startswith("https://example.org/") or r["url"] == "http://[::1" for r in links), links
    run_builtin("metadata", html)
