"""extension/service-worker/scraper-store.js's pure parts, run in Node: version
order, the archive's fixed field order, and archives it refuses."""

import json
import subprocess

from conftest import ROOT

RUNNER = """
import * as store from '%s';
const state = {
  scrapers: [
    { metadata: { name: 'b', version: '2.0' }, enabled: false, installedAt: 't1', updatedAt: 't2', source: 'NAME = "b"' },
    { metadata: { name: 'a', version: '1.0' }, enabled: true, installedAt: 't3', updatedAt: 't4', source: 'NAME = "a"' },
  ],
  settings: { builtins: { links: { enabled: false } }, offSites: { b: ['example.org'] } },
  lastRuns: {},
};
const refused = (text) => { try { store.parseArchive(text); return null; } catch (e) { return [e.name, e.message]; } };
console.log(JSON.stringify({
  versions: [['1.10.0', '1.9.0'], ['1.0', '1.0.0'], ['2', '10'], ['1.0.1', '1.0.0']].map(([x, y]) => store.compareVersions(x, y)),
  archive: store.archiveText(state, ['links', 'tables']),
  roundTrip: store.archiveText(state, ['links', 'tables']) === store.archiveText(JSON.parse(JSON.stringify(state)), ['links', 'tables']),
  offForSite: [store.isOffForSite(state, 'b', 'https://example.org/x'), store.isOffForSite(state, 'b', 'https://www.example.org/x'), store.isOffForSite(state, 'a', 'https://example.org/')],
  refused: [refused('not json'), refused('{"format": "other", "scrapers": []}'), refused('{"format": "gleaner-scrapers", "version": 99, "scrapers": []}')],
}));
"""


def run_store():
    module = (ROOT / "extension" / "service-worker" / "scraper-store.js").as_uri()
    done = subprocess.run(["node", "--input-type=module", "-e", RUNNER % module], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_store_pure_functions():
    out = run_store()
    assert out["versions"] == [1, 0, -1, 1]
    assert out["archive"] == json.dumps(
        {
            "format": "gleaner-scrapers",
            "version": 1,
            "scrapers": [
                {"name": "b", "version": "2.0", "enabled": False, "offSites": ["example.org"], "installedAt": "t1", "updatedAt": "t2", "source": 'NAME = "b"'},
                {"name": "a", "version": "1.0", "enabled": True, "offSites": [], "installedAt": "t3", "updatedAt": "t4", "source": 'NAME = "a"'},
            ],
            "builtins": {"links": {"enabled": False, "offSites": []}, "tables": {"enabled": True, "offSites": []}},
        },
        indent=2,
    ) + "\n"
    assert out["roundTrip"] is True
    assert out["offForSite"] == [True, False, False]
    assert [r[0] for r in out["refused"]] == ["UserError"] * 3
    assert out["refused"][0][1].startswith("This file is not a Gleaner archive: it is not JSON")
    assert out["refused"][1][1] == 'This file is not a Gleaner archive (export one with "Export all").'
    assert "archive version 99" in out["refused"][2][1]


FAILING_WRITE = """
import * as store from '%s';
// chrome.storage.local as Chrome behaves when a write fails (quota, disk):
// set() rejects and nothing of it lands. With unlimitedStorage a real browser
// cannot be made to fail, so this is the one place the path is exercised.
let saved = { scrapers: [{ metadata: { name: 'kept', version: '1.0' }, enabled: true, source: 'NAME = "kept"' }] };
let failNext = true;
globalThis.chrome = { storage: { local: {
  get: async (keys) => Object.fromEntries(keys.filter((k) => k in saved).map((k) => [k, structuredClone(saved[k])])),
  set: async (items) => {
    if (failNext) { failNext = false; throw new Error('QUOTA_BYTES quota exceeded'); }
    saved = { ...saved, ...structuredClone(items) };
  },
} } };
const add = (name) => store.update((state) => { state.scrapers.push({ metadata: { name, version: '1.0' }, enabled: true, source: '' }); });
let refused = null;
try { await add('too-big'); } catch (error) { refused = [error.name, error.user, error.message]; }
const afterFailure = (await store.read()).scrapers.map((s) => s.metadata.name);
await add('next');
console.log(JSON.stringify({ refused, afterFailure, afterRetry: (await store.read()).scrapers.map((s) => s.metadata.name) }));
"""


def test_a_failed_write_keeps_the_previous_state_says_so_and_later_writes_work():
    module = (ROOT / "extension" / "service-worker" / "scraper-store.js").as_uri()
    done = subprocess.run(["node", "--input-type=module", "-e", FAILING_WRITE % module], capture_output=True, text=True, check=True)
    out = json.loads(done.stdout)
    assert out["refused"] == [
        "UserError",
        True,
        "Gleaner could not save your change (QUOTA_BYTES quota exceeded); your scrapers and settings are as they were before.",
    ]
    assert out["afterFailure"] == ["kept"]
    assert out["afterRetry"] == ["kept", "next"]
