"""Counter supervisors check the sessions opened on an identity check.

Session ids are in URLs (they name no one); the citizen's identity stays in
the page. Opening a session's page is an access to the citizen's data, and
is recorded for their /privacy page, as the check itself is.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from app.domain.errors import DomainError, Invalid, NotFound
from app.extensions import db
from app.services import counter_supervision
from app.services.actors import Actor
from app.web.access import Rule, access, current_staff_actor
from app.web.counter import bp
from app.web.counter.forms import SupervisionForm
from app.web.input_boundary import accepts, answers
from app.web.messages import refusal_text
from app.web.questionnaire_forms import show_invalid

CHANNEL = "supervision"


@bp.get("/supervision")
@access(Rule.COUNTER_SUPERVISOR)
def supervision_queue() -> str:
    return render_template(
        "counter/supervision_queue.html",
        to_check=counter_supervision.sessions_to_check(db.session, current_staff_actor(CHANNEL)),
    )


def _page(item: counter_supervision.SessionToCheck, form: SupervisionForm, status: int = 200,
          **extra: object) -> tuple[str, int]:  # fmt: skip
    return render_template(
        "counter/supervision_session.html", item=item, form=form, **extra
    ), status


@bp.route("/supervision/<int:session_id>", methods=["GET", "POST"])
@access(Rule.COUNTER_SUPERVISOR)
@accepts(form=("outcome", "comment"))
def supervision_session(session_id: int) -> tuple[str, int] | Response:
    """One session opened on an identity check: what the agent saw, and the check."""
    supervisor = current_staff_actor(CHANNEL)
    form = SupervisionForm()
    try:
        if not form.is_submitted():
            item = counter_supervision.open_session_to_check(db.session, supervisor, session_id)
            return _page(item, form)
        sent = answers("outcome", "comment")
        counter_supervision.record_check(db.session, supervisor, session_id,
                                         sent.get("outcome", ""), sent.get("comment", ""))  # fmt: skip
    except NotFound:
        abort(404)
    except DomainError as error:
        return _check_refused(supervisor, session_id, form, error)
    flash("session_checked", "success")
    return redirect(url_for("counter.supervision_queue"))


def _check_refused(
    supervisor: Actor, session_id: int, form: SupervisionForm, error: DomainError
) -> tuple[str, int]:
    """The session again, with the problems on their fields or the refusal."""
    try:
        item = counter_supervision.session_to_check(db.session, supervisor, session_id)
    except NotFound:
        abort(404)
    if isinstance(error, Invalid):
        status = show_invalid(form, error)
        return _page(item, form, status, page_has_errors=True)
    return _page(item, form, 409, refusal=refusal_text(error.code), page_has_errors=True)
