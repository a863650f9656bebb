"""Around every request: its id, its metrics and, with ``LOG_FORMAT=json``, its log line.

A WSGI middleware, the outermost layer of the app (around ProxyFix), so that:
- the id is bound before any of our code runs, and every log record of the
  request carries it (``app.request_ids``); it goes back in the response's
  ``X-Request-ID`` header, and the header the app reads is the checked one;
- the connection's own address is kept (``peer_address``) before ProxyFix
  replaces ``REMOTE_ADDR`` with what ``X-Forwarded-For`` says: ``/metrics``
  is for the operators' network, and a header anyone can write must not
  open it;
- the time counts all the portal does for the request, reading and saving
  the session included.

The route (the URL rule) is noted by the app's first ``before_request`` hook
(``note_route``), once Flask has matched it.

In text format gunicorn's access log is the request line (``gunicorn.conf.py``
adds the id to it); in json format gunicorn's is off and this line replaces it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from flask import request

from app import metrics, request_ids

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger("app.requests")

PEER_ADDRESS = "rsu.peer_address"
ROUTE = "rsu.route"
ID_ENVIRON_KEY = "HTTP_" + request_ids.HEADER.upper().replace("-", "_")


def note_route() -> None:
    """before_request, first of all: the matched URL rule, for the metrics and the log."""
    if request.url_rule is not None:
        request.environ[ROUTE] = request.url_rule.rule


def peer_address() -> str | None:
    """The address of the connection this request came on (the balancer's,
    behind one), whatever ``X-Forwarded-For`` says."""
    address: str | None = request.environ.get(PEER_ADDRESS)
    return address


class RequestTracing:
    def __init__(self, app: WSGIApplication, *, log_requests: bool) -> None:
        self.app = app
        self.log_requests = log_requests

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        request_id = request_ids.accepted(environ.get(ID_ENVIRON_KEY)) or request_ids.new()
        environ[ID_ENVIRON_KEY] = request_id
        environ[PEER_ADDRESS] = environ.get("REMOTE_ADDR")
        status = ["500"]  # if the app raises before answering

        def start_with_id(
            status_line: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            status[0] = status_line[:3]
            headers.append((request_ids.HEADER, request_id))
            return start_response(status_line, headers, exc_info)

        token = request_ids.bind(request_id)
        try:
            return self.app(environ, start_with_id)
        finally:
            self._record(environ, status[0], time.perf_counter() - started)
            request_ids.unbind(token)

    def _record(self, environ: WSGIEnvironment, status: str, seconds: float) -> None:
        method = metrics.method_label(environ.get("REQUEST_METHOD", ""))
        route = environ.get(ROUTE)
        metrics.observe_request(method, route, status, seconds)
        if self.log_requests:
            milliseconds = round(seconds * 1000, 1)
            log.info(
                "%s %s %s %s ms",
                method,
                route or metrics.UNMATCHED_ROUTE,
                status,
                milliseconds,
                extra={
                    "method": method,
                    "route": route or metrics.UNMATCHED_ROUTE,
                    "status": int(status) if status.isdigit() else status,
                    "duration_ms": milliseconds,
                },
            )
