"""A scrape of ``/metrics`` names the node by its address, not the public host.

Prometheus asks each node directly (``Host: 10.0.0.11:8000``) and Debian's
Prometheus cannot send another Host header; production refuses any host but
PUBLIC_BASE_URL's (TRUSTED_HOSTS). Host checking is there so that no page
builds links to a host we do not serve; ``/metrics`` builds none, and who may
read it is decided by the connection's own address (``access.py``), never by
a header. So for that one path the public host is put in place of the one
sent, before Flask checks it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

METRICS_PATH = "/metrics"


class MetricsUnderAnyHost:
    def __init__(self, app: WSGIApplication, public_host: str) -> None:
        self.app = app
        self.public_host = public_host

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == METRICS_PATH:
            environ["HTTP_HOST"] = self.public_host
            environ.pop("HTTP_X_FORWARDED_HOST", None)
        return self.app(environ, start_response)
