"""The signed-in citizen's space."""

from flask import Blueprint

bp = Blueprint("citizen", __name__)

from app.web.citizen import (  # noqa: E402,F401
    certificates,
    household,
    message_language,
    privacy,
    register,
    register_members,
    reviews,
    routes,
)
