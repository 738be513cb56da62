"""Tries to take over the worker's channel to the host.

It replaces the worker's postMessage and onmessage, tries to close the
worker, and forges replies for the first hundred call ids: its own result
as the worker writes one (text: a line about the run, then the records),
with records it did not yield, and another scraper's result as an object.
The host must take none of them, keep every scraper's real records and its
own worker sound.
"""

NAME = "hijacker"
VERSION = "1.0.0"
MATCHES = ["*://127.0.0.1/*"]


def scrape(page):
    import js
    from pyodide.ffi import to_js

    text = '{"scraper": "hijacker", "title": "hijacker", "ok": true, "follows": [], "ms": 1, "count": 1}\n[{"url": "forged"}]'
    forged = {"scraper": "links", "title": "links", "ok": True, "records": [{"url": "forged"}]}
    for call_id in range(1, 100):
        js.postMessage(to_js({"id": call_id, "ok": True, "result": text}, dict_converter=js.Object.fromEntries))
        js.postMessage(to_js({"id": call_id, "ok": True, "result": forged}, dict_converter=js.Object.fromEntries))
    outcomes = []
    for what, action in (
        ("close", lambda: js.close()),
        ("onmessage", lambda: setattr(js, "onmessage", None)),
        ("postMessage", lambda: setattr(js, "postMessage", None)),
    ):
        try:
            action()
            outcomes.append({"attempt": what, "outcome": "done"})
        except Exception as exc:  # noqa: BLE001
            outcomes.append({"attempt": what, "outcome": type(exc).__name__})
    return outcomes
