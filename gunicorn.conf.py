"""gunicorn settings for production: `gunicorn wsgi:app` reads this file.

Logs. With ``LOG_FORMAT=text`` (the default) gunicorn writes the access log:
the path without its query string (%(U)s), since OIDC callbacks carry an
authorization code there and no token or id may reach the logs, and the
request's id (the ``X-Request-ID`` response header). With ``LOG_FORMAT=json``
the access log is off: the portal writes each request's line itself, as JSON
with its id, route, status and duration (``app/web/request_tracing.py``), and
gunicorn's own messages are JSON too, through the portal's redacting filter.

Metrics. Each worker counts in its own files under
``PROMETHEUS_MULTIPROC_DIR`` (prometheus_client's multiprocess mode); any
worker answering ``/metrics`` adds up all of them. The systemd unit gives a
fresh directory (RuntimeDirectory); without one, a temporary directory is
made here and removed at exit. The master empties it at start (counts of an
earlier run are not this run's) and marks each worker that exits as dead.
"""

import multiprocessing
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Two single-threaded worker processes per core. A request is mostly Python
# (templates, the ORM), so a second thread in a process only waits for the
# GIL and lengthens the tail: on the 2-core test machine (bench/pages.py,
# 32 connections, 2,000 households, 2 December 2026), 4 workers x 1 thread
# kept the req/s of /score, /household and /me of 5 x 2 (280/298/326 against
# 277/302/321, and 274/300/329 against 244/208/183 in a second pass) and cut
# their p95 from 171/193/126 ms (up to 312/257/214) to 122/114/106 ms.
# The proxy in front (README) buffers slow clients, so a single-threaded
# worker is never held by one.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = 30
graceful_timeout = 30
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

JSON_LOGS = os.environ.get("LOG_FORMAT", "text") == "json"
if JSON_LOGS:
    accesslog = None
    # Replaces gunicorn's logging defaults: gunicorn.error in JSON, and no
    # handler on the root logger, where the portal puts its own.
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "app.logging_setup.formatter_for", "log_format": "json"}},
        "filters": {
            "redact": {"()": "app.logging_setup.RedactingFilter"},
            "request_id": {"()": "app.logging_setup.RequestIdFilter"},
        },
        "handlers": {
            "json": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["redact", "request_id"],
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": "INFO", "handlers": []},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["json"], "propagate": False},
        },
    }
else:
    accesslog = "-"
    access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms %({x-request-id}o)s'

_MADE_HERE = "RSU_METRICS_DIR_MADE_BY_GUNICORN"  # survives a reload (HUP reads this file again)
_metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if not _metrics_dir:
    _metrics_dir = tempfile.mkdtemp(prefix="rsu-metrics-")
    # Set before any worker is forked: prometheus_client reads it at import.
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _metrics_dir
    os.environ[_MADE_HERE] = "1"


def on_starting(server: Any) -> None:
    """Counts left by an earlier run are not this run's. Only prometheus_client's
    files go (``counter_<pid>.db``...), whatever else the directory holds."""
    Path(_metrics_dir).mkdir(parents=True, exist_ok=True)
    for stale in Path(_metrics_dir).glob("*_*.db"):
        stale.unlink()


def child_exit(server: Any, worker: Any) -> None:
    """A worker that exited: its counts stay, its live gauges go."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid, _metrics_dir)


def on_exit(server: Any) -> None:
    if os.environ.get(_MADE_HERE) == "1":
        shutil.rmtree(_metrics_dir, ignore_errors=True)
