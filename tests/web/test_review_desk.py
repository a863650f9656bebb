"""The reviewers' desk: who may open it, the queue, taking, deciding, four eyes."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import (
    AuditEvent,
    Household,
    HouseholdVersion,
    OutboxMessage,
    ReviewDocument,
    ReviewRequest,
    Score,
)
from app.services import outbox
from tests.support.household import declare
from tests.support.login import login_as
from tests.support.pages import CheckingClient, csrf_token_in, soup_of, text_of
from tests.support.reviews import (
    correct,
    filed_review,
    post_on_case,
    taken_by_omar,
)
from tests.support.routes import fill

SPENDING = {"electricity_bill": "180", "water_bill": "70", "telecom": "100", "butane_bottles": "3"}
# Slightly more spending: the score rises but stays under every threshold.
SMALL_CORRECTION = {**SPENDING, "electricity_bill": "220", "telecom": "120"}
# Much more: the household leaves AMO Tadamon for AMO Achamil.
ELIGIBILITY_CORRECTION = {**SPENDING, "electricity_bill": "400", "telecom": "300"}


def review_row(db: Session) -> ReviewRequest:
    db.expire_all()
    review = db.scalar(select(ReviewRequest))
    assert review is not None
    return review


def backoffice_paths(app: Flask, number: str, document_id: int) -> list[tuple[str, str]]:
    """Every back-office route, with real values for its parameters."""
    values = {"number": number, "document_id": str(document_id), "kind": "spending"}
    paths = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/backoffice"):
            continue
        path = fill(rule, values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.append((method, path))
    return paths


def test_a_citizen_cannot_open_the_back_office_and_a_reviewer_can(
    client: CheckingClient, demo: None
) -> None:
    login_as(client, "youssef")
    assert client.get("/backoffice/reviews").status_code == 403
    login_as(client, "reviewer.omar")
    page = client.get("/backoffice/reviews?lang=fr")
    assert page.status_code == 200 and "Demandes de révision" in text_of(page)


@pytest.mark.parametrize(
    "who", ["anonymous", "youssef", "amina", "agent.salma", "supervisor.latifa"]
)
def test_every_back_office_route_is_closed_to_everyone_but_reviewers(
    app: Flask, client: CheckingClient, demo: None, db: Session, who: str
) -> None:
    number = filed_review(client)
    document = db.scalar(select(ReviewDocument))
    assert document is not None
    paths = backoffice_paths(app, number, document.id)
    assert len(paths) >= 9
    if who == "anonymous":
        client.delete_cookie("rsu_session")
    else:
        login_as(client, who)
    for method, path in paths:
        response = client.open(path, method=method)
        if who == "anonymous":
            # Sent to sign in (GET), or refused outright: a POST carries no valid CSRF token.
            assert response.status_code in (302, 400), (method, path, response.status_code)
            assert response.status_code == 302 or method == "POST"
        else:
            assert response.status_code in (403, 400), (method, path, response.status_code)
            assert response.status_code == 403 or method == "POST"
    assert review_row(db).status == "submitted"


def test_the_agent_is_refused_even_with_a_valid_form(
    client: CheckingClient, demo: None, db: Session
) -> None:
    number = filed_review(client)
    login_as(client, "agent.salma")
    token = csrf_token_in(client.get("/counter"))
    response = client.post(f"/backoffice/reviews/{number}/take", data={"csrf_token": token})
    assert response.status_code == 403
    assert review_row(db).status == "submitted"


def test_queue_filters(client: CheckingClient, demo: None, db: Session) -> None:
    number = filed_review(client)
    login_as(client, "reviewer.omar")

    def listed(query: str) -> bool:
        return number in text_of(client.get(f"/backoffice/reviews?lang=fr&{query}"))

    assert listed("")
    assert listed("reason=declaration_error") and not listed("reason=computation_error")
    assert listed("region=casablanca-settat") and not listed("region=oriental")
    assert listed("status=submitted") and not listed("status=decided")
    assert not listed("due=overdue") and not listed("due=soon")
    assert not listed("mine=1")
    db.execute(ReviewRequest.__table__.update().values(due_on=func.current_date() - 1))
    db.commit()
    assert listed("due=overdue")
    assert "En retard" in text_of(client.get("/backoffice/reviews?lang=fr"))


def test_a_review_decided_end_to_end_and_the_citizen_reads_the_decision(
    client: CheckingClient, demo: None, db: Session
) -> None:
    number = filed_review(client)
    login_as(client, "reviewer.omar")
    page = client.get(f"/backoffice/reviews/{number}?lang=fr")
    text = text_of(page)
    assert "Youssef El Amrani" in text and "quittance.pdf" in text
    assert "Version 1" in text and "Ce qui a le plus augmenté l'indice" in text
    viewed = db.scalars(
        select(AuditEvent).where(AuditEvent.action == "household_data_viewed")
    ).all()
    assert len(viewed) == 1 and viewed[0].details["purpose"] == "review"
    assert viewed[0].on_behalf_of_person_id == db.scalar(select(Household.declarant_id))

    assert post_on_case(client, number, "take").status_code == 302
    assert review_row(db).status == "in_review"
    missing = post_on_case(client, number, "uphold", {"decision_reason": "  "})
    assert (
        missing.status_code == 200 and soup_of(missing).find(id="decision_reason-error") is not None
    )
    assert review_row(db).status == "in_review"
    reason = "Les factures envoyées correspondent aux montants déclarés : l'indice est maintenu."
    assert post_on_case(client, number, "uphold", {"decision_reason": reason}).status_code == 302
    review = review_row(db)
    assert (review.status, review.decision, review.decision_reason) == ("decided", "upheld", reason)
    decided = db.scalars(select(OutboxMessage).where(OutboxMessage.kind == "review_decided")).all()
    assert len(decided) == 1 and decided[0].payload == {"number": number, "decision": "upheld"}

    login_as(client, "youssef")
    text = text_of(client.get(f"/reviews/{number}?lang=fr"))
    assert "Indice confirmé" in text and reason in text and "Décision" in text
    # Decided: a new request can be filed.
    assert "Demander la révision de l'indice" in text_of(client.get("/score?lang=fr"))


def test_only_the_reviewer_who_took_it_decides(
    client: CheckingClient, demo: None, db: Session
) -> None:
    number = taken_by_omar(client)
    login_as(client, "reviewer.nadia")
    assert "En cours d'examen par Omar Benali" in text_of(
        client.get(f"/backoffice/reviews/{number}?lang=fr")
    )
    assert post_on_case(client, number, "take").status_code == 409
    assert post_on_case(client, number, "uphold", {"decision_reason": "Non."}).status_code == 409
    assert client.get(f"/backoffice/reviews/{number}/correct/spending").status_code == 409
    assert (
        review_row(db).assigned_to_account_id is not None and review_row(db).status == "in_review"
    )


def test_a_correction_that_keeps_eligibility_takes_effect_at_once(
    client: CheckingClient, demo: None, db: Session
) -> None:
    number = taken_by_omar(client)
    # The same form and the same checks as the declarant's: a wrong answer is refused.
    wrong = correct(client, number, {**SMALL_CORRECTION, "telecom": "beaucoup"})
    assert wrong.status_code == 200 and soup_of(wrong).find(id="telecom-error") is not None
    no_reason = correct(client, number, SMALL_CORRECTION, reason="")
    assert soup_of(no_reason).find(id="decision_reason-error") is not None
    assert review_row(db).status == "in_review"

    opened = len(
        db.scalars(select(AuditEvent).where(AuditEvent.action == "household_data_viewed")).all()
    )
    assert correct(client, number, SMALL_CORRECTION).status_code == 302
    # Opening the correction form shows the household's data: recorded like the case page.
    assert (
        len(
            db.scalars(select(AuditEvent).where(AuditEvent.action == "household_data_viewed")).all()
        )
        == opened + 1
    )
    review = review_row(db)
    assert (review.status, review.decision, review.corrected_version_number) == (
        "decided",
        "corrected",
        2,
    )
    version = db.scalar(select(HouseholdVersion).where(HouseholdVersion.number == 2))
    assert version is not None and version.made_by == "reviewer"
    assert version.made_by_account_id == review.assigned_to_account_id
    score = db.scalar(select(Score).order_by(Score.id.desc()).limit(1))
    assert score is not None and score.reason == "review" and score.version.number == 2

    login_as(client, "youssef")
    text = text_of(client.get(f"/reviews/{number}?lang=fr"))
    assert "Données corrigées, nouvel indice" in text and "Factures vérifiées." in text
    assert "un instructeur de l'ANR" in text_of(client.get("/household/versions/2?lang=fr"))


def test_a_correction_that_changes_eligibility_needs_a_second_reviewer(
    client: CheckingClient, demo: None, db: Session
) -> None:
    number = taken_by_omar(client)
    assert correct(client, number, ELIGIBILITY_CORRECTION).status_code == 302
    review = review_row(db)
    assert review.status == "awaiting_approval"
    assert review.pending_correction is not None and review.pending_correction["lost"] == [
        "amo_tadamon"
    ]
    assert db.scalar(select(func.max(HouseholdVersion.number))) == 1  # nothing applied yet
    # omar cannot approve his own correction.
    assert post_on_case(client, number, "approve").status_code == 409
    assert review_row(db).status == "awaiting_approval"

    login_as(client, "reviewer.nadia")
    page = text_of(client.get(f"/backoffice/reviews/{number}?lang=fr"))
    assert "Perd AMO Tadamon." in page and "Écrite par Omar Benali" in page
    assert post_on_case(client, number, "approve").status_code == 302
    review = review_row(db)
    assert (review.status, review.decision, review.corrected_version_number) == (
        "decided",
        "corrected",
        2,
    )
    assert review.approved_by_account_id is not None
    assert review.approved_by_account_id != review.decided_by_account_id
    version = db.scalar(select(HouseholdVersion).where(HouseholdVersion.number == 2))
    assert version is not None and version.made_by == "reviewer"
    approved = db.scalar(
        select(AuditEvent).where(AuditEvent.action == "review_correction_approved")
    )
    assert approved is not None and approved.actor_account_id == review.approved_by_account_id


def test_a_correction_overtaken_by_the_household_goes_back_to_its_reviewer(
    client: CheckingClient, demo: None, db: Session
) -> None:
    number = taken_by_omar(client)
    correct(client, number, ELIGIBILITY_CORRECTION)
    # Meanwhile youssef declares a change himself.
    login_as(client, "youssef")
    assert declare(client, "phone", {"phone": "0677889900"}).status_code == 302
    login_as(client, "reviewer.nadia")
    assert "ne peut plus être appliquée" in text_of(
        client.get(f"/backoffice/reviews/{number}?lang=fr")
    )
    assert post_on_case(client, number, "approve").status_code == 302
    review = review_row(db)
    assert review.status == "in_review" and review.pending_correction is None
    # Version 2 is youssef's phone; the correction made nothing.
    assert db.scalar(select(func.max(HouseholdVersion.number))) == 2


def test_a_second_reviewer_can_send_a_correction_back(
    client: CheckingClient, demo: None, db: Session
) -> None:
    number = taken_by_omar(client)
    correct(client, number, ELIGIBILITY_CORRECTION)
    login_as(client, "reviewer.nadia")
    assert post_on_case(client, number, "refuse", {"decision_reason": ""}).status_code == 200
    assert (
        post_on_case(
            client, number, "refuse", {"decision_reason": "Les factures ne sont pas lisibles."}
        ).status_code
        == 302
    )
    review = review_row(db)
    assert review.status == "in_review" and review.pending_correction is None
    assert db.scalar(select(func.max(HouseholdVersion.number))) == 1


def test_a_decision_is_all_or_nothing(
    client: CheckingClient, demo: None, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = taken_by_omar(client)

    def gateway_down(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the outbox table is unavailable")

    # The last write of a decision fails: nothing of the decision may remain.
    monkeypatch.setattr("app.services.review_desk.notify", gateway_down)
    response = correct(client, number, SMALL_CORRECTION)
    assert response.status_code == 500
    review = review_row(db)
    assert review.status == "in_review" and review.decision is None
    assert db.scalar(select(func.max(HouseholdVersion.number))) == 1
    assert db.scalar(select(func.count()).select_from(Score)) == 1
    actions = set(db.scalars(select(AuditEvent.action)))
    assert "review_corrected" not in actions and "household_changed" not in actions


def test_the_outbox_delivers_the_decision_in_the_citizens_language(
    app: Flask, client: CheckingClient, demo: None, db: Session
) -> None:
    number = filed_review(client)
    token = csrf_token_in(client.get("/me?lang=fr"))  # youssef asks for his messages in French
    client.post("/me/message-language", data={"csrf_token": token, "language": "fr"})
    login_as(client, "reviewer.omar")
    post_on_case(client, number, "take")
    post_on_case(client, number, "uphold", {"decision_reason": "Maintenu."})

    sent: list[tuple[str, str]] = []

    class Recorder:
        def send(self, address: str, subject: str, body: str, *, reference: str) -> None:
            sent.append((address, body))

    from app.web.notifications import compose

    with app.app_context():
        from app.extensions import db as database

        report = outbox.deliver(database.session, {"sms": Recorder(), "email": Recorder()}, compose)
    assert report.sent == 2
    assert all(address == "+212661234567" for address, _ in sent)
    assert "demande de révision" in sent[0][1] and number in sent[0][1]
    assert "Indice confirmé" in sent[1][1]
