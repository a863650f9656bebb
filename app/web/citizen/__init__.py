"""The signed-in citizen's space."""

from flask import Blueprint

bp = Blueprint("citizen", __name__)

from app.web.citizen import certificates, household, privacy, register, reviews, routes  # noqa: E402,F401
