"""The RSU citizen portal."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import INSTANCE_DIR, settings_from_env, validate


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the portal. ``config`` overrides settings read from the environment."""
    settings = settings_from_env()
    if config:
        settings.update(config)
    validate(settings)

    app = Flask(__name__, instance_path=str(INSTANCE_DIR))
    app.config.from_mapping(settings)

    from app.logging_setup import configure_logging

    configure_logging(app.config["LOG_LEVEL"], app.config["LOG_FORMAT"])

    from app.extensions import babel, csrf, db, htmx
    from app.i18n import init_i18n, select_locale
    from app.integrations.document_store import init_document_store
    from app.integrations.identity import init_identity
    from app.integrations.virus_scanner import init_virus_scanner
    from app.web import init_web
    from app.web.database_away import init_database_away
    from app.web.input_boundary import init_input_boundary
    from app.web.reads_only import init_reads_only
    from app.web.request_tracing import RequestTracing, note_route
    from app.web.sessions import DatabaseSessionInterface
    from app.web.static_assets import init_static_assets

    db.init_app(app)
    # The first hooks of every request, in this order: the route is noted for
    # the metrics, the input boundary screens every value, then the database
    # is reached or the page is a 503, and the request enters a transaction
    # unless its view only reads.
    app.before_request(note_route)
    init_input_boundary(app)
    init_database_away(app)
    init_reads_only(app)
    csrf.init_app(app)
    htmx.init_app(app)
    babel.init_app(
        app, locale_selector=select_locale, default_translation_directories="translations"
    )
    init_i18n(app)
    app.session_interface = DatabaseSessionInterface()
    init_identity(app)
    init_document_store(app)
    init_virus_scanner(app)
    init_web(app)
    init_static_assets(app)
    if app.config["TRUSTED_HOSTS"]:
        from app.web.metrics_host import MetricsUnderAnyHost

        app.wsgi_app = MetricsUnderAnyHost(app.wsgi_app, app.config["TRUSTED_HOSTS"][0])  # type: ignore[method-assign]
    if app.config["PROXY_COUNT"]:
        # Visitors' own addresses, for per-visitor limits such as /verify's.
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)  # type: ignore[method-assign]
    # Outermost, around ProxyFix: it keeps the connection's own address (see the module).
    app.wsgi_app = RequestTracing(  # type: ignore[method-assign]
        app.wsgi_app, log_requests=app.config["LOG_FORMAT"] == "json"
    )

    from app.cli import register_commands

    register_commands(app)
    return app
