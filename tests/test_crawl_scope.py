"""extension/common/crawl-scope.js under Node: a crawl's sites, same-page rule and URL lists."""

import json
import subprocess

from conftest import ROOT

CASES = {
    "siteOf": [
        ["https://shop.example.co.uk/a", "example.co.uk"],
        ["https://www.example.com/", "example.com"],
        ["https://a.b.example.com/x", "example.com"],
        ["https://example.com.au/", "example.com.au"],
        ["http://127.0.0.1:8000/p", "127.0.0.1"],
        ["http://localhost:3000/", "localhost"],
        ["https://user.github.io/repo", "github.io"],
    ],
    "canonicalUrl": [
        ["HTTP://Example.COM:80/a?b=2&a=1#frag", "http://example.com/a?a=1&b=2"],
        ["https://example.com/a?x=2&x=1", "https://example.com/a?x=2&x=1"],
        ["https://example.com:443/a/../b", "https://example.com/b"],
        ["mailto:someone@example.com", None],
        ["javascript:void(0)", None],
        ["not a url", None],
    ],
    "originPatterns": [
        ["example.com", ["http://example.com/*", "https://example.com/*", "http://*.example.com/*", "https://*.example.com/*"]],
        ["127.0.0.1", ["http://127.0.0.1/*", "https://127.0.0.1/*"]],
    ],
    "parseUrlList": [
        ["https://a.org/1\n\n  https://a.org/2#x  \nftp://a.org/3\nhello\n", {"urls": ["https://a.org/1", "https://a.org/2"], "skipped": 2}],
        ['name,url\nx,https://a.org/1\n"y, z","https://a.org/2?b=1&a=2"\nw,\n', {"urls": ["https://a.org/1", "https://a.org/2?a=2&b=1"], "skipped": 1}],
        ["https://a.org/1,first\nhttps://a.org/2,second\n", {"urls": ["https://a.org/1", "https://a.org/2"], "skipped": 0}],
    ],
}

SCRIPT = """
const scope = await import(process.argv[1]);
const cases = JSON.parse(process.argv[2]);
const out = {};
for (const [name, rows] of Object.entries(cases)) out[name] = rows.map(([input]) => scope[name](input));
console.log(JSON.stringify(out));
"""


def test_crawl_scope_cases():
    module = (ROOT / "extension" / "common" / "crawl-scope.js").as_uri()
    done = subprocess.run(["node", "--input-type=module", "-e", SCRIPT, module, json.dumps(CASES)], capture_output=True, text=True, check=True)
    got = json.loads(done.stdout)
    for name, rows in CASES.items():
        assert len(got[name]) == len(rows)
        for (given, expected), actual in zip(rows, got[name]):
            assert actual == expected, (name, given)
