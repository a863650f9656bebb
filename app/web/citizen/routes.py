from __future__ import annotations

from flask import abort, render_template

from app import clock
from app.domain.errors import DomainError
from app.extensions import db
from app.services.citizen_home import citizen_home
from app.services.score_overview import score_overview
from app.web.access import Rule, access, acting_for, current_account, signed_in_person_id
from app.web.citizen import bp
from app.web.citizen.message_language import message_language_form
from app.web.citizen.score_facts import describe as describe_fact
from app.web.reads_only import reads_only


def mask_idcs(idcs: str | None) -> str:
    """Show only the last 4 digits: enough to recognise, not enough to reuse."""
    if not idcs:
        return ""
    return "•" * (len(idcs) - 4) + idcs[-4:]


@bp.get("/me")
@access(Rule.CITIZEN)
@reads_only
def me() -> str:
    """The person's space: their household, what to do next, their requests."""
    home = citizen_home(db.session, signed_in_person_id())
    account = current_account()
    assert account is not None
    person = home.overview.person
    return render_template("citizen/me.html", overview=home.overview, person=person,
                           masked_idcs=mask_idcs(person.idcs), draft=home.draft,
                           blocker=home.blocker, due=home.confirmation_due, today=clock.today(),
                           receipt=home.receipt, reviews=home.reviews,
                           language_form=None if acting_for()
                           else message_language_form(account.preferred_locale))  # fmt: skip


@bp.get("/score")
@access(Rule.CITIZEN)
@reads_only
def score() -> str | tuple[str, int]:
    """The household's score, its explanation, eligibility and history (adult members)."""
    try:
        overview = score_overview(db.session, signed_in_person_id())
    except DomainError as error:
        if error.code == "no_household":
            return render_template("citizen/no_household.html")
        abort(403)
    return render_template(
        "citizen/score.html",
        overview=overview,
        describe_fact=describe_fact,
        is_declarant=overview.household.declarant_id == signed_in_person_id(),
        reviews=overview.reviews,
    )
