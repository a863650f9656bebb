"""/privacy: who accessed my household's data, and a copy of all my data (Law 09-08).

These pages are the citizen's alone: an agent in an assisted session may
not open them.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from flask import render_template
from werkzeug.wrappers import Response

from app.extensions import db
from app.services import privacy
from app.web.access import Rule, access, current_actor, refuse_assisted, signed_in_person_id
from app.web.change_pages import people_of
from app.web.citizen import bp


@bp.get("/privacy")
@access(Rule.CITIZEN)
def privacy_page() -> str:
    refuse_assisted()
    entries = privacy.access_log(db.session, signed_in_person_id())
    return render_template("citizen/privacy.html", entries=entries)


def _as_json(value: Any) -> str:
    """Dates in ISO 8601; scores as exact decimal strings, never floats."""
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} has no place in the data copy")


@bp.get("/privacy/my-data")
@access(Rule.CITIZEN)
def my_data_page() -> str:
    """The copy, readable and printable."""
    refuse_assisted()
    data = privacy.my_data(db.session, signed_in_person_id(), current_actor())
    household = data["household"]
    declarations = [v["declaration"] for v in household["versions"]] if household else []
    return render_template("citizen/my_data.html", data=data, people=people_of(*declarations))


@bp.get("/privacy/my-data.json")
@access(Rule.CITIZEN)
def my_data_json() -> Response:
    """The same copy, as a file others' software can read."""
    refuse_assisted()
    data = privacy.my_data(db.session, signed_in_person_id(), current_actor())
    body = json.dumps(data, ensure_ascii=False, indent=2, default=_as_json)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="rsu-my-data.json"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
