"""A loopback server that records every connection made to it.

It stands for "anywhere on the internet" in the tests that prove plugins
cannot send data out: it counts TCP connections (so a request that never
finishes its headers, a WebSocket handshake or a TLS hello still counts), and
every HTTP request line it manages to read, and answers each with a
permissive 200 so nothing fails for want of a reply.
"""

import contextlib
import http.server
import threading
import time


class RecordingHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _answer(self):
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.requests.append({"method": self.command, "path": self.path, "body": body[:200]})
        reply = b"ok"
        self.send_response(200)
        self.send_header("content-type", "text/plain")
        self.send_header("access-control-allow-origin", "*")
        self.send_header("content-length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    do_GET = do_POST = do_PUT = do_OPTIONS = do_HEAD = _answer


class RecordingServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), RecordingHandler)
        self.connections = []
        self.connected_at = []  # time.time() of each connection, in the same order
        self.requests = []

    def verify_request(self, request, client_address):
        self.connections.append(client_address)
        self.connected_at.append(time.time())
        return True

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"


@contextlib.contextmanager
def recording_server():
    server = RecordingServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
