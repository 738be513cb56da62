"""extension/common/settings.js in Node: every setting's default, and what a
stored value that is missing or no longer valid reads as (the options page
and the service worker both read through it; the browser tests write them)."""

import json
import subprocess

from conftest import ROOT

RUNNER = """
import * as settings from '%s';
const reads = (key, values) => values.map((value) => settings.effective(key, value));
console.log(JSON.stringify({
  keys: settings.SETTING_KEYS,
  defaults: settings.defaultSettings(),
  timeout: reads('scraperTimeoutSeconds', [undefined, 25, 0.5, 300, 301, 0, -3, '25', NaN, null]),
  csv: reads('csvNeutralizeFormulas', [undefined, false, true, 'false', 0]),
  history: reads('historyLimitMB', [undefined, 7, 1e6, 0, 'x']),
  keepWarm: reads('keepWarmMinutes', [undefined, 1, 0, Infinity]),
  startWithBrowser: reads('startPythonWithBrowser', [undefined, true, false, 'true', 1]),
  index: reads('packageIndexUrl', [undefined, 'http://127.0.0.1:8080/simple/', 'ftp://example.org/', 'https://user:pw@example.org/simple/', 'not a url', 7]),
  limit: reads('packageLimitMB', [undefined, 5, 0, 2000]),
  unknown: (() => { try { settings.effective('darkMode', true); return null; } catch (error) { return error.message; } })(),
}));
"""


def test_defaults_and_what_invalid_stored_values_read_as():
    module = (ROOT / "extension" / "common" / "settings.js").as_uri()
    out = json.loads(subprocess.run(["node", "--input-type=module", "-e", RUNNER % module], capture_output=True, text=True, check=True).stdout)
    assert out["keys"] == ["scraperTimeoutSeconds", "csvNeutralizeFormulas", "historyLimitMB", "keepWarmMinutes", "startPythonWithBrowser", "packageIndexUrl", "packageLimitMB"]
    assert out["defaults"] == {
        "scraperTimeoutSeconds": 10, "csvNeutralizeFormulas": True, "historyLimitMB": 50, "keepWarmMinutes": 5, "startPythonWithBrowser": False,
        "packageIndexUrl": "https://pypi.org/simple/", "packageLimitMB": 20,
    }
    assert out["timeout"] == [10, 25, 0.5, 300, 10, 10, 10, 10, 10, 10]
    assert out["csv"] == [True, False, True, True, True]
    assert out["history"] == [50, 7, 1e6, 50, 50]
    assert out["keepWarm"] == [5, 1, 5, 5]
    assert out["startWithBrowser"] == [False, True, False, False, False]
    pypi = "https://pypi.org/simple/"
    assert out["index"] == [pypi, "http://127.0.0.1:8080/simple/", pypi, pypi, pypi, pypi]
    assert out["limit"] == [20, 5, 20, 20]
    assert out["unknown"] == "unknown setting darkMode"
