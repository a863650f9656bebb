"""What the request tracing middleware costs per request (app/web/request_tracing.py).

Calls a bare WSGI app, and the same app inside ``RequestTracing`` (id, metrics,
no log line), in interleaved rounds, in this process: with one process's
metrics, then with prometheus_client's multiprocess mode as under gunicorn
(a subprocess, since the mode is chosen at import). Prints microseconds per
request, medians of the rounds.

    flock -x /work/bench.lock .venv/bin/python bench/request_tracing.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

CALLS = 20_000
ROUNDS = 7


def bare(_environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


def measure() -> tuple[float, float]:
    from app.web.request_tracing import ROUTE, RequestTracing

    traced = RequestTracing(bare, log_requests=False)

    def per_call(app: Any) -> float:
        started = time.perf_counter()
        for _ in range(CALLS):
            environ = {"REQUEST_METHOD": "GET", "REMOTE_ADDR": "127.0.0.1", ROUTE: "/healthz"}
            app(environ, lambda status, headers, exc_info=None: None)
        return (time.perf_counter() - started) / CALLS * 1e6

    plain, wrapped = [], []
    for _ in range(ROUNDS):
        plain.append(per_call(bare))
        wrapped.append(per_call(traced))
    return statistics.median(plain), statistics.median(wrapped)


def main() -> None:
    if "--child" in sys.argv:
        plain, wrapped = measure()
        print(f"{plain:.2f} {wrapped:.2f}")
        return
    for mode in ("one process", "multiprocess"):
        env = dict(os.environ)
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        with tempfile.TemporaryDirectory() as directory:
            if mode == "multiprocess":
                env["PROMETHEUS_MULTIPROC_DIR"] = directory
            out = subprocess.run(
                [sys.executable, __file__, "--child"],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
        plain, wrapped = float(out[-2]), float(out[-1])
        print(
            f"{mode:>13}: bare {plain:.2f} µs, traced {wrapped:.2f} µs, cost {wrapped - plain:.2f} µs/request"
        )


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    main()
