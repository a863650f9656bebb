from __future__ import annotations

from flask import render_template

from app.web.access import Rule, access
from app.web.backoffice import bp


@bp.get("")
@access(Rule.REVIEWER)
def home() -> str:
    return render_template("backoffice/home.html")
