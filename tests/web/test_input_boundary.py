"""The input boundary: the nine causes of 500s found by the attack each get a
4xx page in both languages, and hostile input is refused with a message,
the other answers kept and nothing stored."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.changes import CHANGE_KINDS
from app.models import Household, HouseholdVersion, RegistrationDraft, ReviewRequest
from app.web.access import safe_next_url
from tests.support.counter import search, serve_with_card
from tests.support.household import change_form
from tests.support.login import login_as
from tests.support.pages import CheckingClient, csrf_token_in, soup_of, text_of
from tests.support.refusals import LANGUAGES, assert_refused
from tests.support.registration import HOUSING, RESIDENCE, post_form
from tests.support.reviews import correction_form, file_review, review_form, taken_by_omar

SPENDING = {"electricity_bill": "250", "water_bill": "70", "telecom": "100", "butane_bottles": "3"}
FIVE_THOUSAND_DIGITS = "9" * 5000


def versions(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(HouseholdVersion)) or 0


# -- 1. base_version not an integer, or over 32 bits ---------------------------------------


@pytest.mark.parametrize("base_version", ["abc", "4294967297", FIVE_THOUSAND_DIGITS, "-1", ""])
def test_a_bad_base_version_on_every_change_form(
    app: Flask, client: CheckingClient, demo: None, db: Session, base_version: str
) -> None:
    login_as(client, "youssef")
    for index, kind in enumerate(CHANGE_KINDS):
        language = LANGUAGES[index % 2]
        hidden = change_form(client, kind)
        response = client.post(
            f"/household/changes/{kind}?lang={language}",
            data={**hidden, "base_version": base_version, "continue": "1"},
        )
        assert_refused(app, response, language)
        # The form comes back with the current version and a new key: sent again, it counts.
        page = soup_of(response)
        assert page.find("input", attrs={"name": "base_version"})["value"] == "1"  # type: ignore[index]
        fresh = page.find("input", attrs={"name": "submission_key"})["value"]  # type: ignore[index]
        assert fresh and fresh != hidden["submission_key"]
    assert versions(db) == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_bad_base_version_on_the_reviewers_correction(
    app: Flask, client: CheckingClient, demo: None, db: Session, language: str
) -> None:
    number = taken_by_omar(client)
    hidden = correction_form(client, number)
    response = client.post(
        f"/backoffice/reviews/{number}/correct/spending?lang={language}",
        data={**hidden, **SPENDING, "base_version": "99999999999", "continue": "1",
              "decision_reason": "Factures vérifiées."},
    )  # fmt: skip
    assert_refused(app, response, language)
    assert versions(db) == 1


# -- 2. numbers longer than Python converts, including the live check ----------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_five_thousand_digit_number(
    app: Flask, client: CheckingClient, demo: None, db: Session, language: str
) -> None:
    login_as(client, "youssef")
    hidden = change_form(client, "spending")
    answers = {**SPENDING, "electricity_bill": FIVE_THOUSAND_DIGITS}
    path = f"/household/changes/spending?lang={language}"
    sent = client.post(path, data={**hidden, **answers, "continue": "1"})
    assert_refused(app, sent, language)
    shown = soup_of(sent).find("input", attrs={"name": "water_bill"})
    assert shown is not None and shown["value"] == "70"  # the other answers stay
    # The live check (htmx, on change) answers with the fragment and its message.
    live = client.post(
        path,
        data={**hidden, **answers},
        headers={"HX-Request": "true", "HX-Trigger-Name": "electricity_bill"},
    )
    assert live.status_code == 200
    assert soup_of(live).find(id="electricity_bill-error") is not None
    assert versions(db) == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_five_thousand_digit_number_in_the_registration(
    app: Flask, client: CheckingClient, demo: None, db: Session, language: str
) -> None:
    login_as(client, "amina")
    client.get("/household/register")
    draft_before = db.scalar(select(RegistrationDraft.data))
    response = post_form(
        client,
        f"/household/register/housing?lang={language}",
        {**HOUSING, "rooms": FIVE_THOUSAND_DIGITS, "continue": "1"},
        page="/household/register/housing",
    )
    assert_refused(app, response, language)
    db.expire_all()
    assert db.scalar(select(RegistrationDraft.data)) == draft_before  # nothing stored


# -- 3. ?member= that is no position, or not one in this household --------------------------


@pytest.mark.parametrize(
    ("member", "status"), [("²", 400), (FIVE_THOUSAND_DIGITS, 400), ("-1", 400), ("5", 404)]
)
def test_a_member_position_that_is_none(
    app: Flask, client: CheckingClient, demo: None, member: str, status: int
) -> None:
    login_as(client, "youssef")
    for language in LANGUAGES:
        response = client.get(
            "/household/changes/member_situation",
            query_string={"member": member, "lang": language},
        )
        assert_refused(app, response, language, status)


def test_a_posted_member_position_out_of_range_is_a_message(
    client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "youssef")
    for kind in ("death", "member_left", "member_situation"):
        hidden = change_form(client, kind)
        response = client.post(
            f"/household/changes/{kind}?lang=fr",
            data={**hidden, "member": "99", "reason": "moving_out", "continue": "1"},
        )
        assert response.status_code == 200
        assert "Erreur" in text_of(response)
    assert versions(db) == 1


# -- 4. a submission key over 64 characters ------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_submission_key_over_64_characters(
    app: Flask, client: CheckingClient, demo: None, db: Session, language: str
) -> None:
    login_as(client, "youssef")
    hidden = change_form(client, "spending")
    response = client.post(
        f"/household/changes/spending?lang={language}",
        data={**hidden, **SPENDING, "submission_key": "k" * 65, "continue": "1"},
    )
    assert_refused(app, response, language)
    form = review_form(client)
    filed = file_review(client, hidden={**form, "submission_key": "k" * 500})
    assert filed.status_code == 400
    assert versions(db) == 1
    assert db.scalar(select(func.count()).select_from(ReviewRequest)) == 0


# -- 5. a NUL byte that reached PostgreSQL ------------------------------------------------------


def test_a_nul_in_review_and_certificate_numbers_in_the_path(
    app: Flask, client: CheckingClient, demo: None
) -> None:
    login_as(client, "youssef")
    for index, path in enumerate(
        [
            "/reviews/REV-2026-000001%00",
            "/reviews/%00",
            "/certificates/1234%00.pdf",
            "/verify/1234%00",
            "/verify/%00",
        ]
    ):
        language = LANGUAGES[index % 2]
        assert_refused(app, client.get(f"{path}?lang={language}"), language, 404)
    login_as(client, "reviewer.omar")
    for language in LANGUAGES:
        response = client.get(f"/backoffice/reviews/REV-2026-000001%00?lang={language}")
        assert_refused(app, response, language, 404)
        response = client.get(f"/backoffice/reviews?region=casa%00&lang={language}")
        assert_refused(app, response, language, 400)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_nul_in_the_counter_search(
    app: Flask, client: CheckingClient, demo: None, language: str
) -> None:
    login_as(client, "agent.salma")
    token = csrf_token_in(client.get("/counter"))
    response = client.post(
        f"/counter?lang={language}",
        data={"csrf_token": token, "id_type": "cnie", "number": "AB123456\x00"},
    )
    assert_refused(app, response, language)
    field = soup_of(response).find("input", attrs={"name": "number"})
    assert field is not None and field["value"] == "AB123456"  # shown again, without the NUL


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_nul_in_a_decision_reason(
    app: Flask, client: CheckingClient, demo: None, db: Session, language: str
) -> None:
    number = taken_by_omar(client)
    token = csrf_token_in(client.get(f"/backoffice/reviews/{number}"))
    response = client.post(
        f"/backoffice/reviews/{number}/uphold?lang={language}",
        data={"csrf_token": token, "decision_reason": "Le score est juste\x00"},
    )
    assert_refused(app, response, language)
    db.expire_all()
    assert db.scalar(select(ReviewRequest.status)) == "in_review"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_nul_in_an_identity_check_note(
    app: Flask, client: CheckingClient, demo: None, db: Session, language: str
) -> None:
    login_as(client, "agent.salma")
    assert search(client, "AB123456").status_code == 302
    form = "/counter/citizen/identity-check"
    token = csrf_token_in(client.get(form))
    response = client.post(
        f"{form}?lang={language}",
        data={"csrf_token": token, "cnie": "AB123456", "expires_on": "2031-01-01",
              "reason": "other", "note": "Téléphone volé\x00"},
    )  # fmt: skip
    assert_refused(app, response, language)
    from app.models import AssistedSession

    assert db.scalar(select(func.count()).select_from(AssistedSession)) == 0


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_nul_in_a_supervision_comment(
    app: Flask, client: CheckingClient, demo: None, db: Session, language: str
) -> None:
    from app.models import AssistedSession
    from tests.support.counter import end_session

    assert serve_with_card(client).status_code == 302
    end_session(client)
    held = db.scalar(select(AssistedSession))
    assert held is not None
    login_as(client, "supervisor.latifa")
    page = f"/counter/supervision/{held.id}"
    token = csrf_token_in(client.get(page))
    response = client.post(
        f"{page}?lang={language}",
        data={"csrf_token": token, "outcome": "problem", "comment": "Carte douteuse\x00"},
    )
    assert_refused(app, response, language)
    db.expire_all()
    assert db.scalar(select(AssistedSession.supervised_at)) is None


# -- 6. numbers in the path beyond PostgreSQL's INTEGER -------------------------------------


def test_path_numbers_over_two_to_the_31(app: Flask, client: CheckingClient, demo: None) -> None:
    login_as(client, "youssef")
    for language in LANGUAGES:
        for path in ("/household/versions/99999999999", "/household/versions/2147483648"):
            assert_refused(app, client.get(f"{path}?lang={language}"), language, 404)
    assert client.get("/household/versions/2147483647").status_code == 404  # in range: none
    login_as(client, "supervisor.latifa")
    for language in LANGUAGES:
        response = client.get(f"/counter/supervision/99999999999?lang={language}")
        assert_refused(app, response, language, 404)


# -- 7. ?page= with 5,000 digits ----------------------------------------------------------------


def test_a_page_number_of_five_thousand_digits(
    app: Flask, client: CheckingClient, demo: None
) -> None:
    login_as(client, "reviewer.omar")
    for language in LANGUAGES:
        for page in (FIVE_THOUSAND_DIGITS, "²", "-3"):
            response = client.get(
                "/backoffice/reviews", query_string={"page": page, "lang": language}
            )
            assert_refused(app, response, language)
    assert client.get("/backoffice/reviews?page=999").status_code == 200  # the last page


# -- 8. adding a member without a draft -----------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_adding_a_member_without_a_draft(
    app: Flask, client: CheckingClient, demo: None, db: Session, language: str
) -> None:
    login_as(client, "amina")
    token = csrf_token_in(client.get("/me"))
    for action, data in (
        ("add", {"relation": "child"}),
        ("add", {"cancel": "1"}),
        ("lookup", {"idcs": "1000000102", "birth_date": "1984-07-02"}),
    ):
        response = client.post(
            f"/household/register/members/{action}?lang={language}",
            data={"csrf_token": token, **data},
        )
        assert_refused(app, response, language, 404)
    assert db.scalar(select(func.count()).select_from(RegistrationDraft)) == 0


# -- 9. a line break in ?next= ----------------------------------------------------------------------


def test_a_line_break_in_next_is_refused(app: Flask, client: CheckingClient) -> None:
    for language in LANGUAGES:
        response = client.get(f"/login?next=/%0D%0ASet-Cookie:%20x=1&lang={language}")
        assert_refused(app, response, language)
    token = csrf_token_in(client.get("/login"))
    response = client.post(
        "/login?lang=fr", data={"csrf_token": token, "next": "/me\r\nSet-Cookie: x=1"}
    )
    assert_refused(app, response, "fr")
    assert safe_next_url("/me\r\nLocation: //evil.example") is None
    assert safe_next_url("/\\evil.example") is None
    assert safe_next_url("/household?lang=fr") == "/household?lang=fr"


def test_a_line_break_kept_from_before_is_not_followed_after_login(
    client: CheckingClient, demo: None
) -> None:
    """A ``next`` stored before the boundary existed: the login succeeds and lands at home."""
    from urllib.parse import urlsplit

    import requests

    from tests.support.login import start_login

    authorize_url = start_login(client)
    with client.session_transaction() as session:
        session["after_login"] = "/me\r\nSet-Cookie: x=1"
    answer = requests.post(
        authorize_url, data={"sub": "youssef"}, allow_redirects=False, timeout=10
    )
    callback = urlsplit(answer.headers["Location"])
    landed = client.get(f"{callback.path}?{callback.query}")
    assert landed.status_code == 302 and landed.headers["Location"] == "/me"


# -- hostile text -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "5 rue Ibn Battouta\u202e",  # right-to-left override
        "5 rue Ibn Battouta\u2066x\u2069",  # isolates
        "5 rue\x07 Ibn Battouta",  # a bell
        "5 rue\x85 Ibn Battouta",  # C1 next line
        "5 rue Ibn Battouta\ufffd",  # what a broken byte becomes
        "x" * 201,
    ],
)
def test_hostile_text_is_refused_on_its_field(
    client: CheckingClient, demo: None, db: Session, address: str
) -> None:
    login_as(client, "youssef")
    hidden = change_form(client, "residence")
    response = client.post(
        "/household/changes/residence?lang=fr",
        data={**hidden, **RESIDENCE, "address": address, "continue": "1"},
    )
    assert response.status_code == 400
    error = soup_of(response).find(id="address-error")
    assert error is not None
    assert versions(db) == 1
    shown = soup_of(response).find("textarea", attrs={"name": "address"})
    assert shown is not None
    kept = shown.get_text().strip()  # WTForms starts a textarea with a line break
    assert "\u202e" not in kept and "\x07" not in kept and len(kept) <= 200


def test_arabic_with_direction_marks_and_line_breaks_is_an_address(
    client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "youssef")
    hidden = change_form(client, "residence")
    address = "زنقة ابن بطوطة 5\u200f\r\nالحي المحمدي"
    response = client.post(
        "/household/changes/residence",
        data={**hidden, **RESIDENCE, "address": address, "continue": "1"},
    )
    assert response.status_code == 302
    assert versions(db) == 2


def test_broken_utf8_is_refused_in_a_form_and_a_query(
    app: Flask, client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "youssef")
    hidden = change_form(client, "residence")
    body = "&".join(f"{k}={v}" for k, v in {**hidden, **RESIDENCE, "continue": "1"}.items()
                    if k != "address")  # fmt: skip
    response = client.post(
        "/household/changes/residence?lang=fr",
        data=f"{body}&address=5%20rue%20%C3%28%FF".encode(),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    error = soup_of(response).find(id="address-error")
    assert error is not None and "n'ont pas pu être lus" in error.get_text()
    assert versions(db) == 1
    login_as(client, "reviewer.omar")
    assert_refused(app, client.get("/backoffice/reviews?region=%C3%28&lang=fr"), "fr")
    assert client.get("/household/versions/%FF").status_code == 404


def test_names_no_page_reads_are_dropped(client: CheckingClient, demo: None, db: Session) -> None:
    login_as(client, "youssef")
    hidden = change_form(client, "spending")
    response = client.post(
        "/household/changes/spending",
        data={**hidden, **SPENDING, "continue": "1", "evil\x00": "\x00" * 10, "address": "\x00"},
    )
    # ``address`` is a field of other change forms: sent here, it is refused with the form.
    assert response.status_code == 400
    response = client.post(
        "/household/changes/spending",
        data={**change_form(client, "spending"), **SPENDING, "continue": "1", "evil": "\x00"},
    )
    assert response.status_code == 302
    assert versions(db) == 2


# -- sizes -----------------------------------------------------------------------------------------


def test_a_25_mb_form_is_refused_with_413_and_nothing_is_stored(
    app: Flask, client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "amina")
    client.get("/household/register")
    before = db.scalar(select(RegistrationDraft.data))
    token = csrf_token_in(client.get("/household/register/residence"))
    for language in LANGUAGES:
        response = client.post(
            f"/household/register/residence?lang={language}",
            data={"csrf_token": token, **RESIDENCE, "address": "x" * (25 * 1024 * 1024)},
        )
        assert_refused(app, response, language, 413)
    db.expire_all()
    assert db.scalar(select(RegistrationDraft.data)) == before
    assert db.scalar(select(func.count()).select_from(Household)) == 1


def test_multipart_parts_are_bounded(client: CheckingClient, demo: None, db: Session) -> None:
    login_as(client, "youssef")
    form = review_form(client)
    too_long = file_review(client, hidden=form, explanation="x" * (70 * 1024))
    assert too_long.status_code == 413
    many = {**form, **{f"part{n}": "x" for n in range(250)}}
    response = client.post("/reviews/new", data=many, content_type="multipart/form-data")
    assert response.status_code == 413
    assert db.scalar(select(func.count()).select_from(ReviewRequest)) == 0


def test_a_draft_has_a_size_limit(db: Session, demo: None) -> None:
    from datetime import timedelta

    from app.domain.errors import DomainError
    from app.models import Person
    from app.services import registration
    from tests.support.actors import citizen

    amina = db.scalar(select(Person).where(Person.idcs == "1000000101"))
    assert amina is not None
    registration.start_or_resume(db, amina.id, citizen(db, amina), timedelta(days=1))
    with pytest.raises(DomainError) as refused:
        registration.save_section(
            db, amina.id, "residence", {"address": "x" * 70_000}, timedelta(days=1)
        )
    assert refused.value.code == "draft_too_large"
    assert db.scalar(select(RegistrationDraft.data))["sections"] == {}  # type: ignore[index]
