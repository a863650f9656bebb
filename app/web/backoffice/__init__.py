"""The agency's back office, for reviewers."""

from flask import Blueprint

bp = Blueprint("backoffice", __name__, url_prefix="/backoffice")

from app.web.backoffice import reviews, routes  # noqa: E402,F401
