"""The counter desk, for agents who serve walk-in citizens."""

from flask import Blueprint

bp = Blueprint("counter", __name__, url_prefix="/counter")

from app.web.counter import routes, supervision  # noqa: E402,F401
