"""Public pages: home, guides, health checks."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from app.web.public import dev, routes, verify  # noqa: E402,F401
