from __future__ import annotations

from flask import render_template

from app.extensions import db
from app.services.households import overview_for_person
from app.web.access import Rule, access, signed_in_person_id
from app.web.citizen import bp


def mask_idcs(idcs: str | None) -> str:
    """Show only the last 4 digits: enough to recognise, not enough to reuse."""
    if not idcs:
        return ""
    return "•" * (len(idcs) - 4) + idcs[-4:]


@bp.get("/me")
@access(Rule.CITIZEN)
def me() -> str:
    overview = overview_for_person(db.session, signed_in_person_id())
    return render_template(
        "citizen/me.html",
        overview=overview,
        person=overview.person,
        masked_idcs=mask_idcs(overview.person.idcs),
    )
