"""The SMS gateway of the cluster test: it records every message the outbox
workers hand to it (through the portal's own ``HttpSms`` adapter).

Like an operator's gateway, it takes each message under its client reference
once: a message handed over again under a reference it already took (a
worker died after handing it over, before marking it sent, and another
worker sent it again) is answered as accepted and not delivered twice.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "cluster-test-gateway-token"


class RecordingGateway:
    def __init__(self, address: str) -> None:
        self.delivered: dict[str, tuple[str, str]] = {}  # reference -> (to, text), the first time
        self.handed: Counter[str] = Counter()  # reference -> times handed over
        self.refused = 0
        lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                message = json.loads(body) if body else {}
                reference = message.get("reference")
                if self.headers.get("Authorization") != f"Bearer {TOKEN}" or not reference:
                    with lock:
                        gateway.refused += 1
                    self.send_response(401 if reference else 400)
                else:
                    with lock:
                        gateway.handed[reference] += 1
                        gateway.delivered.setdefault(reference, (message["to"], message["text"]))
                    self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: object) -> None:
                pass  # phone numbers stay out of the test's output

        self.server = ThreadingHTTPServer((address, 0), Handler)
        self.url = f"http://{address}:{self.server.server_address[1]}/sms"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
