from __future__ import annotations

from flask import render_template

from app.web.access import Rule, access
from app.web.counter import bp


@bp.get("")
@access(Rule.COUNTER_AGENT)
def home() -> str:
    return render_template("counter/home.html")
