"""Every corpus file through every built-in: records or a plain error, never a crash or a hang.

Each run has a generous time bound (a hang, not a speed test): the scraper
runs in a worker thread and the test fails if it has not finished in time.
"""

import json
import threading

import pytest

from conftest import CORPUS, ROOT
from gleaner.host import load_builtins, run_plugin
from gleaner.page import make_page

BUILTINS = load_builtins(ROOT / "scrapers")
MY_SCRAPERS = ("feed", "tables", "article", "metadata", "pagination", "lists")
TIME_BOUND = 60  # seconds per file and scraper; the slowest takes about 2 s natively
FILES = json.loads((CORPUS / "index.json").read_text(encoding="utf-8"))["files"]


def run_bounded(plugin, page):
    outcome = {}
    worker = threading.Thread(target=lambda: outcome.update(result=run_plugin(plugin, page)), daemon=True)
    worker.start()
    worker.join(TIME_BOUND)
    assert not worker.is_alive(), f"{plugin.name} did not finish within {TIME_BOUND}s"
    return outcome["result"]


@pytest.mark.parametrize("entry", FILES, ids=[entry["path"] for entry in FILES])
def test_every_builtin_gives_records_or_a_plain_error(entry):
    data = (CORPUS / entry["path"]).read_bytes()
    # As fetched: the bytes, decoded by the one Page factory as the entry's kind says.
    page = make_page(data, f"https://example.org/{entry['path']}", kind=entry["kind"])
    for name in MY_SCRAPERS:
        plugin = BUILTINS[name]
        if plugin.input != page.kind:
            continue
        result = run_bounded(plugin, page)
        if not result["ok"]:
            # A broken input may be refused, but in a sentence for the user, not with a traceback.
            assert result["error"]["user"], f"{name} crashed on {entry['path']}:\n{result['error']['traceback']}"
        for record in result["records"]:
            json.dumps(record)
