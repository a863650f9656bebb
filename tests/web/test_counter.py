"""The counter desk: finding a citizen, consent, the assisted session, its limits."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import clock
from app.models import AssistedSession, AuditEvent, Household, HouseholdVersion, StaffUser
from app.web.access import Rule, rule_of
from tests.support.counter import end_session, enter_code, latest_code, search, send_code, serve
from tests.support.household import declare
from tests.support.login import login_as
from tests.support.pages import CheckingClient, csrf_token_in, soup_of, text_of
from tests.support.routes import fill


def open_sessions(db: Session) -> list[AssistedSession]:
    db.expire_all()
    return list(db.scalars(select(AssistedSession).where(AssistedSession.ended_at.is_(None))))


def test_citizens_and_reviewers_cannot_open_the_counter(client: CheckingClient, demo: None) -> None:
    login_as(client, "youssef")
    assert client.get("/counter").status_code == 403
    login_as(client, "reviewer.omar")
    assert client.get("/counter").status_code == 403
    client.delete_cookie("rsu_session")
    assert client.get("/counter").status_code == 302


def test_the_agent_finds_a_citizen_by_exact_card_number_only(
    client: CheckingClient, demo: None, db: Session, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    login_as(client, "agent.salma")
    response = search(client, "ab123456")  # typed in lower case: the same card
    assert response.status_code == 302 and response.headers["Location"] == "/counter/citizen"
    page = text_of(client.get("/counter/citizen?lang=fr"))
    assert (
        "Youssef El Amrani" in page and "1979" in page and "déclarant d'un ménage inscrit" in page
    )
    assert (
        "10 mai" not in page and "+212" not in page
    )  # only what identifies: no birth day, no phone
    assert search(client, "1000000201", id_type="idcs").status_code == 302
    for not_exact in ("AB12345", "Youssef", "El Amrani", "%", "AB123456%"):
        missing = search(client, not_exact)
        assert missing.status_code == 404, not_exact
        assert soup_of(missing).find(id="number-error") is not None
    # The number never travels in a URL, and never reaches the logs.
    assert all("AB123456" not in record.getMessage() for record in caplog.records)
    found = db.scalars(
        select(AuditEvent).where(AuditEvent.action == "citizen_found_at_counter")
    ).all()
    assert len(found) == 2 and found[0].channel == "counter"


def test_a_consent_code_opens_a_session_for_that_household(
    client: CheckingClient, demo: None, db: Session
) -> None:
    response = serve(client, db)
    assert response.status_code == 302 and response.headers["Location"] == "/me"
    page = client.get("/me?lang=fr")
    banner = soup_of(page).select_one(".assisted-banner")
    assert banner is not None
    assert "Vous agissez pour Youssef El Amrani jusqu'à" in banner.get_text(" ")
    assert banner.find("form", action="/counter/session/end") is not None
    assert "Youssef El Amrani" in text_of(client.get("/household?lang=fr"))
    session = open_sessions(db)[0]
    assert session.consent == "code" and not session.needs_supervisor_review
    assert (session.expires_at - session.started_at) == timedelta(minutes=30)


def test_wrong_codes_lock_the_desk_for_that_citizen(
    client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "agent.salma")
    search(client, "AB123456")
    send_code(client)
    code = latest_code(db)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        page = enter_code(client, wrong)
        assert page.status_code == 200 and soup_of(page).find(id="code-error") is not None
    locked = enter_code(client, code)  # even the right code, now
    assert locked.status_code == 429 and open_sessions(db) == []
    assert send_code(client).status_code == 409  # no new code either
    start = clock.now()
    with clock.freeze(start + timedelta(minutes=20)):
        client.get("/counter")  # the agent keeps working: their own sign-in stays alive
    with clock.freeze(start + timedelta(minutes=31)):
        assert send_code(client).status_code == 302
        assert enter_code(client, latest_code(db)).status_code == 302
    wrong_tries = db.scalars(select(AuditEvent).where(AuditEvent.action == "consent_code_wrong"))
    assert len(wrong_tries.all()) == 5


def test_an_expired_code_is_refused(client: CheckingClient, demo: None, db: Session) -> None:
    login_as(client, "agent.salma")
    search(client, "AB123456")
    send_code(client)
    code = latest_code(db)
    with clock.freeze(clock.now() + timedelta(minutes=11)):
        response = enter_code(client, code)
    error = soup_of(response).find(id="code-error")
    assert error is not None and "انتهت صلاحية هذا الرمز" in error.get_text()
    assert open_sessions(db) == []


def test_a_code_cannot_be_used_twice(client: CheckingClient, demo: None, db: Session) -> None:
    serve(client, db)
    code = latest_code(db)
    end_session(client)
    search(client, "AB123456")
    assert enter_code(client, code).status_code == 200  # refused: already used
    assert open_sessions(db) == []


def test_the_session_ends_when_its_time_is_up(
    database_url: str, oidc_provider: str, demo: None, db: Session
) -> None:
    from tests.conftest import make_test_app

    # A 5-minute session, so that the agent's own sign-in (30 idle minutes) outlives it.
    client = make_test_app(database_url, oidc_provider, ASSISTED_SESSION_MINUTES=5).test_client()
    serve(client, db)
    assert client.get("/household").status_code == 200
    with clock.freeze(clock.now() + timedelta(minutes=6)):
        response = client.get("/household")
        assert response.status_code == 302 and response.headers["Location"] == "/counter"
        assert client.get("/household").status_code == 403
    ended = db.scalar(select(AssistedSession))
    assert ended is not None and ended.end_reason == "expired"


def test_the_agent_ends_the_session(client: CheckingClient, demo: None, db: Session) -> None:
    serve(client, db)
    assert end_session(client).status_code == 302
    assert client.get("/household").status_code == 403
    ended = db.scalar(select(AssistedSession))
    assert ended is not None and ended.end_reason == "agent"


def test_two_agents_cannot_serve_one_household_at_once(
    client: CheckingClient, app: Flask, demo: None, db: Session
) -> None:
    serve(client, db, "AB123456", "agent.salma")
    other = app.test_client()
    login_as(other, "agent.youness")
    search(other, "AB654321")  # fatima, of the same household
    send_code(other)
    refused = enter_code(other, latest_code(db))
    error = soup_of(refused).find(id="code-error")
    assert error is not None and "موظف آخر يخدم هذه الأسرة" in error.get_text()
    assert len(open_sessions(db)) == 1
    # Once salma ends hers, youness may serve the household.
    end_session(client)
    search(other, "AB654321")
    send_code(other)
    assert enter_code(other, latest_code(db)).status_code == 302


def citizen_routes(app: Flask) -> list[tuple[str, str]]:
    values = {"kind": "housing", "section": "housing"}
    found = []
    for rule in app.url_map.iter_rules():
        if (
            rule.endpoint == "static"
            or rule_of(app.view_functions[rule.endpoint]) is not Rule.CITIZEN
        ):
            continue
        path = fill(rule, values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, path))
    return found


def test_outside_a_session_the_agent_opens_no_citizen_page(
    client: CheckingClient, app: Flask, demo: None
) -> None:
    routes = citizen_routes(app)
    assert len(routes) > 30
    login_as(client, "agent.salma")
    token = csrf_token_in(client.get("/counter"))
    for method, path in routes:
        response = client.open(
            path, method=method, data={"csrf_token": token} if method == "POST" else None
        )
        assert response.status_code == 403, (method, path, response.status_code)


def test_in_a_session_the_agent_reaches_that_household_only(
    client: CheckingClient, app: Flask, demo: None, db: Session
) -> None:
    from tests.support.registration import fill_everything, submit

    # amina registers her own household, and files nothing else.
    login_as(client, "amina")
    fill_everything(client)
    assert submit(client).status_code == 302
    amina_household = db.scalar(select(Household).order_by(Household.id.desc()).limit(1))
    assert amina_household is not None
    serve(client, db)  # salma, for youssef
    text = text_of(client.get("/household?lang=fr"))
    assert "Youssef El Amrani" in text and "Amina" not in text
    for version in (1,):
        assert client.get(f"/household/versions/{version}").status_code == 200
    # Nothing of amina's household: not its data, not its certificates, not its reviews.
    from app.models import Certificate

    assert db.scalar(select(func.count()).select_from(Certificate)) == 0
    assert client.get("/certificates/12345678901234567890.pdf").status_code == 404
    assert client.get("/reviews/REV-2026-000001").status_code == 404
    assert amina_household.rsu_number not in text_of(client.get("/certificates?lang=fr"))


def test_acts_in_a_session_record_the_agent_the_office_and_the_citizen(
    client: CheckingClient, demo: None, db: Session
) -> None:
    serve(client, db)
    assert declare(client, "phone", {"phone": "0677889900"}).status_code == 302
    version = db.scalar(select(HouseholdVersion).where(HouseholdVersion.number == 2))
    salma = db.scalar(select(StaffUser).where(StaffUser.display_name == "Salma Idrissi"))
    assert version is not None and salma is not None
    assert version.made_by == "agent" and version.made_by_account_id == salma.account_id
    changed = db.scalar(select(AuditEvent).where(AuditEvent.action == "household_changed"))
    assert changed is not None
    assert changed.actor_account_id == salma.account_id and changed.channel == "counter"
    assert changed.on_behalf_of_person_id == db.scalar(select(Household.declarant_id))
    assert changed.details["office"] == "hay-hassani-annex"
    assert changed.details["assisted_session"] == open_sessions(db)[0].id


def test_youssef_sees_salma_on_his_privacy_page(
    client: CheckingClient, demo: None, db: Session
) -> None:
    serve(client, db)
    declare(client, "phone", {"phone": "0677889900"})
    assert client.get("/privacy").status_code == 403  # the citizen's page alone
    end_session(client)
    login_as(client, "youssef")
    page = text_of(client.get("/privacy?lang=fr"))
    assert "Salma Idrissi" in page and "Annexe administrative Hay Hassani" in page
    assert "A commencé à agir pour vous, avec votre consentement" in page
    assert "A modifié les données de votre ménage" in page and "Au guichet, pour vous" in page
    login_as(client, "fatima")  # an adult member sees the accesses to her household too
    fatima_view = text_of(client.get("/privacy?lang=fr"))
    assert "Salma Idrissi" in fatima_view


def test_consent_without_a_phone_is_a_recorded_identity_check(
    client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "agent.salma")
    search(client, "A112233")  # khadija: no phone on file
    page = text_of(client.get("/counter/citizen?lang=fr"))
    assert "Aucun numéro de téléphone n'est enregistré" in page
    form = "/counter/citizen/identity-check"
    token = csrf_token_in(client.get(form))
    future = (clock.today() + timedelta(days=400)).isoformat()
    wrong = client.post(
        form,
        data={"csrf_token": token, "cnie": "A999999", "expires_on": future, "reason": "no_phone"},
    )
    assert soup_of(wrong).find(id="cnie-error") is not None
    expired = client.post(
        form,
        data={
            "csrf_token": token,
            "cnie": "A112233",
            "expires_on": "2020-01-01",
            "reason": "no_phone",
        },
    )
    assert soup_of(expired).find(id="expires_on-error") is not None
    # A CNIE is valid 10 years: an expiry of 31/12/2099 was not read off a card.
    for made_up in ("31/12/2099", "2099-12-31"):
        data = {"csrf_token": token, "cnie": "A112233", "expires_on": made_up, "reason": "no_phone"}
        too_far = client.post(f"{form}?lang=fr", data=data)
        assert "valable 10 ans au plus" in text_of(too_far)
        assert soup_of(too_far).find(id="expires_on-error") is not None
    no_note = client.post(
        form, data={"csrf_token": token, "cnie": "A112233", "expires_on": future, "reason": "other"}
    )
    assert soup_of(no_note).find(id="note-error") is not None
    assert open_sessions(db) == []
    ok = client.post(
        form,
        data={"csrf_token": token, "cnie": "a112233", "expires_on": future, "reason": "no_phone"},
    )
    assert ok.status_code == 302
    session = open_sessions(db)[0]
    assert session.consent == "identity_check" and session.needs_supervisor_review
    assert session.identity_check is not None and session.identity_check["reason"] == "no_phone"


def test_deregistering_for_a_citizen_needs_a_fresh_code(
    client: CheckingClient, demo: None, db: Session
) -> None:
    serve(client, db)
    page = client.get("/household/deregister?lang=fr")
    token = csrf_token_in(page)
    without = client.post(
        "/household/deregister", data={"csrf_token": token, "understood": "y", "code": ""}
    )
    assert without.status_code == 200 and soup_of(without).find(id="code-error") is not None
    session_code = latest_code(db)
    reused = client.post(
        "/household/deregister", data={"csrf_token": token, "understood": "y", "code": session_code}
    )
    assert soup_of(reused).find(id="code-error") is not None  # the session's code does not count
    assert (
        send_code(
            client, "/counter/session/deregistration-code", "/household/deregister"
        ).status_code
        == 302
    )
    done = client.post(
        "/household/deregister",
        data={"csrf_token": token, "understood": "y", "code": latest_code(db)},
    )
    assert done.status_code == 200
    household = db.scalar(select(Household))
    assert household is not None and household.status == "deregistered"
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "household_deregistered"))
    assert event is not None and event.channel == "counter"


def test_the_development_outbox_does_not_exist_outside_development(
    client: CheckingClient, database_url: str, oidc_provider: str, demo: None, db: Session
) -> None:
    assert client.get("/dev/outbox").status_code == 404  # tests run as RSU_ENV=test
    from tests.conftest import make_test_app

    production_like = make_test_app(database_url, oidc_provider, RSU_ENV="production", SECRET_KEY="p" * 40, AUDIT_CHAIN_KEY="a" * 40,
                                    SESSION_COOKIE_SECURE=False)  # fmt: skip
    assert production_like.test_client().get("/dev/outbox").status_code == 404
    development = make_test_app(database_url, oidc_provider, RSU_ENV="development").test_client()
    serve(client, db)
    page = development.get("/dev/outbox?lang=fr")
    assert page.status_code == 200 and latest_code(db) in text_of(page)


def test_my_data_copy(client: CheckingClient, demo: None, db: Session) -> None:
    serve(client, db)
    end_session(client)
    login_as(client, "youssef")
    response = client.get("/privacy/my-data.json")
    assert response.status_code == 200 and response.headers["Content-Disposition"].startswith(
        "attachment"
    )
    data = response.get_json()
    assert data["person"]["idcs"] == "1000000201" and data["person"]["first_name_ar"] == "يوسف"
    assert data["household"]["versions"][0]["declaration"]["members"]
    assert data["household"]["scores"] and data["assisted_sessions"][0]["agent"] == "Salma Idrissi"
    assert any(entry["staff"] == "Salma Idrissi" for entry in data["access_log"])
    assert all(m.get("code") is None for m in data["notifications"])
    assert data["generated_at"].startswith("20") and "T" in data["generated_at"]  # ISO 8601
    assert data["person"]["birth_date"] == "1979-05-10"
    page = client.get("/privacy/my-data?lang=ar")
    text = text_of(page)
    assert page.status_code == 200 and "1000000201" in text and "Salma Idrissi" in text
    # In words, not the file's field names or codes.
    assert "تاريخ الازدياد" in text and "رقم المعرف المدني والاجتماعي" in text
    assert "first_name_latin" not in text and "assisted_session_opened" not in text
    copied = db.scalars(select(AuditEvent).where(AuditEvent.action == "personal_data_copied")).all()
    assert len(copied) == 2


def test_signing_out_ends_the_agents_session(
    client: CheckingClient, demo: None, db: Session
) -> None:
    serve(client, db)
    assert len(open_sessions(db)) == 1
    token = csrf_token_in(client.get("/counter"))
    client.post("/logout", data={"csrf_token": token})
    assert open_sessions(db) == []
    serve(client, db, agent="agent.youness")  # the household is free at once


def test_the_declarant_sees_an_agent_serving_another_member(
    client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "agent.salma")
    search(client, "A112233")  # khadija, youssef's mother, has no phone
    form = "/counter/citizen/identity-check"
    token = csrf_token_in(client.get(form))
    card = {
        "csrf_token": token,
        "cnie": "A112233",
        "expires_on": "31/12/2031",
        "reason": "no_phone",
    }
    assert client.post(form, data=card).status_code == 302
    end_session(client)
    login_as(client, "youssef")
    assert "Salma Idrissi" in text_of(client.get("/privacy?lang=fr"))
