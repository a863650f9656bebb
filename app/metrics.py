"""The portal's metrics, in Prometheus' text format (``/metrics``).

What is counted as it happens, in the process that sees it:
- requests, by method, route (the URL rule, never the path: a path holds
  review and certificate numbers, and would make a series per citizen) and
  status, and their latency;
- logins, by outcome and the refusal's reason code;
- submissions: acts whose audit record was committed (registration, a
  change, a yearly confirmation, a review filed or decided...), by kind and
  channel. They are counted when the transaction commits, from the audit
  records it wrote, so a rolled-back attempt or a replayed form (which
  writes no record) counts nothing.

What the database holds is read when Prometheus scrapes (``operations_figures``):
the outbox's backlog, retries and failures, and the progress of the latest
rescoring. Every node reports the same figures for those: the outbox and the
rescoring are shared by all of them.

Under gunicorn each worker is its own process. prometheus_client's
multiprocess mode keeps each worker's counts in files under
``PROMETHEUS_MULTIPROC_DIR`` (``gunicorn.conf.py`` makes the directory,
empties it when the master starts and marks dead workers); a scrape, served
by any worker, adds them all up. Without that variable (``flask run``,
tests), the counts are this process's own.

Counting costs a few dictionary look-ups and a lock per request: no query,
no I/O beyond the memory-mapped file; with the request id, about 6 µs a
request in multiprocess mode (``bench/request_tracing.py``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.services import audit
from app.services.operations_figures import OutboxFigures, RescoringFigures

CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4
MULTIPROCESS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"

# The *_created series say when a process first counted: noise across many workers.
disable_created_metrics()

# A client may send any method; a label must not take any value it is sent.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED_ROUTE = "unmatched"  # a 404 or a 405 before any route matched

REQUESTS = Counter(
    "rsu_http_requests",
    "Requests answered, by method, route (the URL rule, never the path) and status.",
    ("method", "route", "status"),
)
REQUEST_SECONDS = Histogram(
    "rsu_http_request_duration_seconds",
    "Time from a request's arrival at the portal to its response being ready, by route.",
    ("route",),
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
LOGINS = Counter(
    "rsu_logins",
    "Logins at the identity provider's return: success, refused (reason: the refusal's "
    "code) or provider_unavailable.",
    ("outcome", "reason"),
)
SUBMISSIONS = Counter(
    "rsu_submissions",
    "Acts committed with their audit record, by kind and channel (online, counter, backoffice).",
    ("kind", "channel"),
)

# The audit actions that are submissions, and the kind each counts as.
SUBMISSION_KINDS = {
    "household_registered": "registration",
    "household_changed": "change",
    "household_data_confirmed": "confirmation",
    "household_deregistered": "deregistration",
    "review_filed": "review",
    "review_upheld": "review_decision",
    "review_corrected": "review_decision",
    "certificate_issued": "certificate",
}


def method_label(method: str) -> str:
    return method if method in METHODS else "other"


def observe_request(method: str, route: str | None, status: str, seconds: float) -> None:
    label = route or UNMATCHED_ROUTE
    REQUESTS.labels(method_label(method), label, status).inc()
    REQUEST_SECONDS.labels(label).observe(seconds)


def count_login(outcome: str, reason: str = "") -> None:
    LOGINS.labels(outcome, reason).inc()


# -- submissions, counted at commit ------------------------------------------------------------


@event.listens_for(Session, "after_commit")
def _count_submissions(session: Session) -> None:
    # The records the transaction wrote: a Core INSERT each, which no ORM
    # flush event sees, so the audit service lists them.
    for action, channel in audit.take_recorded(session):
        if action in SUBMISSION_KINDS:
            SUBMISSIONS.labels(SUBMISSION_KINDS[action], channel).inc()


@event.listens_for(Session, "after_rollback")
def _forget_submissions(session: Session) -> None:
    audit.take_recorded(session)


# -- the scrape ---------------------------------------------------------------------------------


class _ThisProcess(Collector):
    """The default registry's metrics, when there is one process to report."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


class _Figures(Collector):
    """Families computed at scrape time (from the database)."""

    def __init__(self, families: Callable[[], list[GaugeMetricFamily]]) -> None:
        self.families = families

    def collect(self) -> Iterator[Metric]:
        yield from self.families()


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROCESS_DIR_VARIABLE) or None


def exposition(figures: Callable[[], list[GaugeMetricFamily]]) -> bytes:
    """Every metric, as Prometheus reads them: all workers' counts, and ``figures``."""
    registry = CollectorRegistry(auto_describe=False)
    directory = multiprocess_dir()
    if directory:
        MultiProcessCollector(registry, path=directory)
    else:
        registry.register(_ThisProcess())
    registry.register(_Figures(figures))
    return generate_latest(registry)


# -- what the database holds, read at scrape time ------------------------------------------------

CHANNELS = ("sms", "email")


def _by_channel(name: str, documentation: str, counts: dict[str, int]) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation, labels=("channel",))
    for channel in CHANNELS:  # 0 rather than no series, so that alerts see the channel
        family.add_metric((channel,), counts.get(channel, 0))
    return family


def database_figures_read(read: bool) -> GaugeMetricFamily:
    return GaugeMetricFamily(
        "rsu_database_figures_up",
        "1 when this scrape read the outbox and rescoring figures; 0 when the database was away.",
        value=int(read),
    )


def database_families(
    outbox: OutboxFigures, rescoring: RescoringFigures | None
) -> list[GaugeMetricFamily]:
    families = [
        database_figures_read(True),
        _by_channel(
            "rsu_outbox_backlog",
            "Outbox messages not sent yet, due or waiting for their next try.",
            outbox.pending,
        ),
        _by_channel(
            "rsu_outbox_retrying",
            "Outbox messages not sent yet after at least one failed try.",
            outbox.retrying,
        ),
        _by_channel(
            "rsu_outbox_failed",
            "Outbox messages given up for good (every try failed, or no address).",
            outbox.failed,
        ),
        GaugeMetricFamily(
            "rsu_outbox_oldest_due_seconds",
            "How long the oldest message that is due has waited past its time (0: none due).",
            value=outbox.oldest_due_seconds,
        ),
    ]
    progress = {
        "rsu_rescoring_chunks_planned": "Chunks planned by the latest rescoring run.",
        "rsu_rescoring_chunks_done": "Chunks of the latest rescoring run done.",
        "rsu_rescoring_households_planned": "Households the latest rescoring run covers.",
        "rsu_rescoring_households_done": "Households rescored by the latest run's chunks done.",
        "rsu_rescoring_running": "1 while the latest rescoring run has not finished.",
    }
    if rescoring is None:
        return families + [GaugeMetricFamily(n, d, labels=("model",)) for n, d in progress.items()]
    values = (
        rescoring.chunks_planned,
        rescoring.chunks_done,
        rescoring.households_planned,
        rescoring.households_done,
        int(rescoring.running),
    )
    for (name, documentation), value in zip(progress.items(), values, strict=True):
        family = GaugeMetricFamily(name, documentation, labels=("model",))
        family.add_metric((rescoring.model_id,), value)
        families.append(family)
    return families
