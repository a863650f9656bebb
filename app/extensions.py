"""Extensions, created unbound here and bound to an app in ``create_app``."""

from __future__ import annotations

from flask_babel import Babel
from flask_static_digest import FlaskStaticDigest
from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx

from app.db import Database

db = Database()
csrf = CSRFProtect()
babel = Babel()
htmx = Htmx()
static_digest = FlaskStaticDigest()
