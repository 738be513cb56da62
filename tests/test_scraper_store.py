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
const settings = { historyLimitMB: 7, csvNeutralizeFormulas: false, scraperTimeoutSeconds: 25, keepWarmMinutes: 5 };
const refused = (text) => { try { store.parseArchive(text); return null; } catch (e) { return [e.name, e.message]; } };
console.log(JSON.stringify({
  versions: [['1.10.0', '1.9.0'], ['1.0', '1.0.0'], ['2', '10'], ['1.0.1', '1.0.0']].map(([x, y]) => store.compareVersions(x, y)),
  archive: store.archiveText(state, ['links', 'tables'], settings),
  roundTrip: store.archiveText(state, ['links', 'tables'], settings) === store.archiveText(JSON.parse(JSON.stringify(state)), ['links', 'tables'], { ...settings }),
  parsedSettings: store.parseArchive(store.archiveText(state, ['links'], settings)).settings,
  offForSite: [store.isOffForSite(state, 'b', 'https://example.org/x'), store.isOffForSite(state, 'b', 'https://www.example.org/x'), store.isOffForSite(state, 'a', 'https://example.org/')],
  refused: [refused('not json'), refused('{"format": "other", "scrapers": []}'), refused('{"format": "gleaner-scrapers", "version": 99, "scrapers": []}'),
    refused('{"format": "gleaner-scrapers", "version": 1, "scrapers": [], "settings": {"scraperTimeoutSeconds": 301}}'),
    refused('{"format": "gleaner-scrapers", "version": 1, "scrapers": [], "settings": {"csvNeutralizeFormulas": "no"}}'),
    refused('{"format": "gleaner-scrapers", "version": 1, "scrapers": [], "settings": {"darkMode": true}}'),
    refused('{"format": "gleaner-scrapers", "version": 1, "scrapers": [], "settings": {"historyLimitMB": 0}}')],
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
            "settings": {"scraperTimeoutSeconds": 25, "csvNeutralizeFormulas": False, "historyLimitMB": 7, "keepWarmMinutes": 5},
        },
        indent=2,
    ) + "\n"
    assert out["roundTrip"] is True
    assert out["offForSite"] == [True, False, False]
    assert out["parsedSettings"] == {"scraperTimeoutSeconds": 25, "csvNeutralizeFormulas": False, "historyLimitMB": 7, "keepWarmMinutes": 5}
    assert [r[0] for r in out["refused"]] == ["UserError"] * 7
    assert out["refused"][0][1].startswith("This file is not a Gleaner archive: it is not JSON")
    assert out["refused"][1][1] == 'This file is not a Gleaner archive (export one with "Export all").'
    assert "archive version 99" in out["refused"][2][1]
    assert [r[1] for r in out["refused"][3:]] == [
        "This archive's settings cannot be used: the setting scraperTimeoutSeconds must be a number of seconds above 0, at most 300, not 301. Nothing was imported.",
        "This archive's settings cannot be used: the setting csvNeutralizeFormulas must be true or false, not \"no\". Nothing was imported.",
        "This archive's settings cannot be used: there is no setting named darkMode. Nothing was imported.",
        "This archive's settings cannot be used: the setting historyLimitMB must be a number of MB above 0, not 0. Nothing was imported.",
    ]


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
// An import writes its scrapers and its settings together.
const add = (name, settings) => store.update((state) => { state.scrapers.push({ metadata: { name, version: '1.0' }, enabled: true, source: '' }); }, settings);
let refused = null;
try { await add('too-big', { scraperTimeoutSeconds: 20 }); } catch (error) { refused = [error.name, error.user, error.message]; }
const afterFailure = [(await store.read()).scrapers.map((s) => s.metadata.name), saved.scraperTimeoutSeconds ?? null];
await add('next', { scraperTimeoutSeconds: 30 });
console.log(JSON.stringify({ refused, afterFailure, afterRetry: [(await store.read()).scrapers.map((s) => s.metadata.name), saved.scraperTimeoutSeconds] }));
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
    assert out["afterFailure"] == [["kept"], None]
    assert out["afterRetry"] == [["kept", "next"], 30]
