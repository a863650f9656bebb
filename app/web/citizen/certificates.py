"""/certificates: the household's certificates, issued on demand, downloaded as stored."""

from __future__ import annotations

import logging

from flask import abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from app.domain.errors import DomainError, NotFound
from app.extensions import db
from app.models.certificates import CERTIFICATE_KINDS
from app.services import certificates
from app.web.access import Rule, access, current_actor, signed_in_person_id
from app.web.certificate_pdf import print_certificate
from app.web.citizen import bp
from app.web.input_boundary import accepts, answer

log = logging.getLogger(__name__)


@bp.get("/certificates")
@access(Rule.CITIZEN)
def certificates_page() -> str:
    households = certificates.for_person(db.session, signed_in_person_id())
    return render_template("citizen/certificates.html", households=households)


@bp.post("/certificates/issue")
@access(Rule.CITIZEN)
@accepts(form=("kind",))
def certificate_issue() -> Response:
    kind = answer("kind")
    if kind not in CERTIFICATE_KINDS:
        abort(400)
    person_id = signed_in_person_id()
    try:
        household = certificates.household_for_issuing(db.session, person_id, kind)
        certificate = certificates.issue(
            db.session, household, kind, current_actor(), print_certificate
        )
    except DomainError:
        abort(403)
    flash("certificate_issued", "success")
    return redirect(url_for("citizen.certificates_page", _anchor=f"c-{certificate.number}"))


@bp.get("/certificates/<certificate_number:number>.pdf")
@access(Rule.CITIZEN)
def certificate_download(number: str) -> Response:
    """The bytes issued, never a new rendering: they match the stored SHA-256."""
    try:
        stored = certificates.download_for_person(db.session, signed_in_person_id(), number)
    except NotFound:
        abort(404)
    response = Response(stored.content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="rsu-{stored.kind}-{number}.pdf"'
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def issue_deregistration_certificate(household_id: int) -> None:
    """After deregistration: its certificate, at once. If it cannot be made now
    (signing unavailable), the deregistration stands and /certificates offers it."""
    from app.models import Household

    household = db.session.get(Household, household_id)
    assert household is not None
    try:
        certificates.issue(
            db.session, household, "deregistration", current_actor(), print_certificate
        )
    except Exception:
        db.session.rollback()
        log.exception("certificate of deregistration not issued for household %s", household_id)
