"""Supervisors check the counter sessions opened on an identity check."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AssistedSession, AuditEvent
from tests.support.counter import end_session, serve, serve_with_card
from tests.support.household import declare
from tests.support.login import login_as
from tests.support.pages import CheckingClient, csrf_token_in, soup_of, text_of


def flagged(db: Session) -> AssistedSession:
    db.expire_all()
    session = db.scalar(select(AssistedSession).where(AssistedSession.needs_supervisor_review))
    assert session is not None
    return session


def check(client: CheckingClient, session_id: int, **answers: str):  # type: ignore[no-untyped-def]
    page = f"/counter/supervision/{session_id}"
    return client.post(page, data={"csrf_token": csrf_token_in(client.get(page)), **answers})


def test_only_supervisors_open_the_queue(client: CheckingClient, demo: None) -> None:
    for login in ("youssef", "agent.salma", "reviewer.omar"):
        login_as(client, login)
        assert client.get("/counter/supervision").status_code == 403, login
        assert client.get("/counter/supervision/1").status_code == 403, login
    client.delete_cookie("rsu_session")
    assert client.get("/counter/supervision").status_code == 302  # to the login
    login_as(client, "supervisor.latifa")
    assert client.get("/counter/supervision").status_code == 200
    # A supervisor is not an agent: the desk itself stays closed to her.
    assert client.get("/counter").status_code == 403


def test_a_session_opened_on_a_card_waits_for_a_check(
    client: CheckingClient, demo: None, db: Session
) -> None:
    assert serve_with_card(client).status_code == 302
    declare(client, "phone", {"phone": "0611223344"})
    end_session(client)
    serve(client, db, cnie="BE123456")  # amina, with a code: nothing to check
    end_session(client)
    held = flagged(db)

    login_as(client, "supervisor.latifa")
    queue = client.get("/counter/supervision?lang=fr")
    assert "Salma Idrissi" in text_of(queue)
    links = soup_of(queue).select("a[href^='/counter/supervision/']")
    assert [a["href"] for a in links] == [f"/counter/supervision/{held.id}"]
    page = text_of(client.get(f"/counter/supervision/{held.id}?lang=fr"))
    assert "Youssef El Amrani" in page and "AB123456" in page
    assert "Le téléphone enregistré a été perdu ou volé" in page
    assert "A déclaré un changement des données du ménage" in page  # what the agent did


def test_the_check_is_recorded_once_and_the_citizen_sees_it(
    client: CheckingClient, demo: None, db: Session
) -> None:
    serve_with_card(client)
    end_session(client)
    held = flagged(db)
    login_as(client, "supervisor.latifa")
    missing = check(client, held.id, outcome="problem", comment=" ")
    assert soup_of(missing).find(id="comment-error") is not None
    assert flagged(db).supervised_at is None
    assert check(client, held.id, outcome="confirmed").status_code == 302
    again = check(client, held.id, outcome="problem", comment="changed my mind")  # double submit
    held = flagged(db)
    assert held.supervision_outcome == "confirmed" and held.supervised_at is not None
    assert again.status_code == 302  # harmless: the first check stands
    assert (
        soup_of(client.get("/counter/supervision")).select("a[href^='/counter/supervision/']") == []
    )
    recorded = db.scalars(select(AuditEvent).where(AuditEvent.action == "assisted_session_checked"))
    assert [e.details["outcome"] for e in recorded] == ["confirmed"]

    login_as(client, "youssef")
    privacy = text_of(client.get("/privacy?lang=fr"))
    assert "Latifa Cherkaoui" in privacy and "Supervision du service au guichet" in privacy
    copy = client.get("/privacy/my-data.json").get_json()
    assert copy["assisted_sessions"][0]["supervisor_outcome"] == "confirmed"
    assert "Vérifiée par un superviseur" in text_of(client.get("/privacy/my-data?lang=fr"))


def test_an_open_session_cannot_be_checked_yet(
    client: CheckingClient, demo: None, db: Session
) -> None:
    serve_with_card(client)
    held = flagged(db)
    login_as(client, "supervisor.latifa")
    response = check(client, held.id, outcome="confirmed")
    assert response.status_code == 409 and flagged(db).supervised_at is None


def test_unknown_or_unflagged_sessions_are_not_found(
    client: CheckingClient, demo: None, db: Session
) -> None:
    serve(client, db)  # by code: not flagged
    end_session(client)
    by_code = db.scalar(select(AssistedSession))
    assert by_code is not None
    login_as(client, "supervisor.latifa")
    assert client.get(f"/counter/supervision/{by_code.id}").status_code == 404
    assert client.get("/counter/supervision/999999").status_code == 404


def test_a_supervisor_sees_only_the_sessions_of_her_own_prefecture(
    client: CheckingClient, demo: None, db: Session
) -> None:
    # youssef is served by card at Sidi Moumen (agent.youness): Casablanca too,
    # but the Préfecture d'arrondissements de Sidi Bernoussi, not Hay Hassani.
    assert serve_with_card(client, agent="agent.youness").status_code == 302
    end_session(client)
    elsewhere = flagged(db)
    assert elsewhere.office == "sidi-moumen-caidat"

    login_as(client, "supervisor.latifa")  # Préfecture d'arrondissements de Hay Hassani
    queue = client.get("/counter/supervision")
    assert soup_of(queue).select("a[href^='/counter/supervision/']") == []
    assert client.get(f"/counter/supervision/{elsewhere.id}").status_code == 404
    token = csrf_token_in(queue)
    refused = client.post(f"/counter/supervision/{elsewhere.id}",
                          data={"csrf_token": token, "outcome": "confirmed"})  # fmt: skip
    assert refused.status_code == 404
    db.expire_all()
    assert flagged(db).supervised_at is None
    assert (
        db.scalar(select(AuditEvent).where(AuditEvent.action == "counter_session_examined")) is None
    )

    # A session at Hay Hassani's annex, in her prefecture, she does see.
    assert serve_with_card(client, cnie="AB654321").status_code == 302
    end_session(client)
    login_as(client, "supervisor.latifa")
    links = soup_of(client.get("/counter/supervision")).select("a[href^='/counter/supervision/']")
    assert len(links) == 1 and links[0]["href"] != f"/counter/supervision/{elsewhere.id}"


def test_arabic_pages_show_arabic_office_names(
    client: CheckingClient, demo: None, db: Session
) -> None:
    assert serve_with_card(client).status_code == 302
    assert "الملحقة الإدارية الحي الحسني" in text_of(client.get("/counter?lang=ar"))
    end_session(client)
    login_as(client, "supervisor.latifa")
    arabic = text_of(client.get("/counter/supervision?lang=ar"))
    assert "الملحقة الإدارية الحي الحسني" in arabic and "عمالة مقاطعات الحي الحسني" in arabic
    assert "Annexe administrative" not in arabic
    french = text_of(client.get("/counter/supervision?lang=fr"))
    assert "Annexe administrative Hay Hassani" in french
    login_as(client, "youssef")
    privacy = text_of(client.get("/privacy?lang=ar"))
    assert "الملحقة الإدارية الحي الحسني" in privacy and "Annexe" not in privacy
