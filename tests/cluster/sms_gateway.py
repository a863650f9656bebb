"""The SMS gateway of the cluster test: it records every message the outbox
workers hand to it (through the portal's own ``HttpSms`` adapter)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "cluster-test-gateway-token"


class RecordingGateway:
    def __init__(self, address: str) -> None:
        self.received: list[tuple[str, str]] = []
        self.refused = 0
        lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    with lock:
                        gateway.refused += 1
                    self.send_response(401)
                else:
                    message = json.loads(body)
                    with lock:
                        gateway.received.append((message["to"], message["text"]))
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
