from __future__ import annotations

import logging

from flask import jsonify, render_template
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from app import metrics
from app.db import answers as database_answers
from app.extensions import db
from app.services import operations_figures
from app.web.access import Rule, access
from app.web.database_away import is_database_unreachable
from app.web.public import bp

log = logging.getLogger(__name__)


@bp.get("/")
@access(Rule.PUBLIC)
def home() -> str:
    return render_template("public/home.html")


@bp.get("/guide/idcs")
@access(Rule.PUBLIC)
def idcs_guide() -> str:
    """How to get an IDCS: every member of a household must be in the RNP first."""
    return render_template("public/idcs_guide.html")


@bp.get("/healthz")
@access(Rule.PUBLIC)
def healthz() -> Response:
    """Liveness: the process answers."""
    return jsonify(status="ok")


@bp.get("/readyz")
@access(Rule.PUBLIC)
def readyz() -> tuple[Response, int]:
    """Readiness: the database answers too."""
    if not database_answers(db.session):
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok"), 200


@bp.get("/metrics")
@access(Rule.OPERATORS_NETWORK)
def prometheus_metrics() -> Response:
    """Prometheus' text format, for the operators' network only (``app.metrics``)."""

    def from_database() -> list[metrics.GaugeMetricFamily]:
        try:
            return metrics.database_families(
                operations_figures.outbox_figures(db.session),
                operations_figures.rescoring_figures(db.session),
            )
        except SQLAlchemyError as error:
            if not is_database_unreachable(error):
                raise
            log.warning("metrics without the database's figures: %s", type(error).__name__)
            db.session.rollback()
            return [metrics.database_figures_read(False)]

    return Response(
        metrics.exposition(from_database), mimetype=None, content_type=metrics.CONTENT_TYPE
    )
