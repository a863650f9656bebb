"""Registering a household through the web pages, with and without htmx."""

from __future__ import annotations

from datetime import timedelta

import requests
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import clock
from app.models import (
    AuditEvent,
    Household,
    Membership,
    Person,
    RegistrationDraft,
    RegistrationSubmission,
    Score,
)
from tests.support.login import login_as
from tests.support.pages import CheckingClient, soup_of, text_of
from tests.support.registration import (
    HOUSING,
    RESIDENCE,
    add_member,
    declaration,
    fill_everything,
    member_keys,
    post_form,
    submit,
)


def count(db: Session, model: type) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def test_amina_registers_her_household_end_to_end(
    client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "amina")
    me = client.get("/me?lang=fr")
    assert soup_of(me).find("a", href="/household/register") is not None

    tasks = client.get("/household/register?lang=fr")
    links = [a["href"] for a in soup_of(tasks).select("a.task-list__link")]
    assert len(links) >= 5
    assert "0 sections sur 6 terminées" in text_of(tasks) or "0 section sur 6 terminée" in text_of(
        tasks
    )

    fill_everything(client)
    tasks = text_of(client.get("/household/register?lang=fr"))
    assert "6 sections sur 6 terminées" in tasks

    check = client.get("/household/register/check?lang=fr")
    text = text_of(check)
    assert "Hassan Ouali" in text and "Casablanca" in text and "+212612345601" in text
    assert soup_of(check).find("a", href="/household/register/residence?return=check") is not None

    response = submit(client)
    assert (
        response.status_code == 302
        and response.headers["Location"] == "/household/register/confirmation"
    )
    confirmation = client.get("/household/register/confirmation?lang=fr")
    text = text_of(confirmation)
    assert "Votre ménage est inscrit" in text and "REC-" in text
    assert "Et maintenant ?" in text and "AMO Tadamon" in text
    assert soup_of(confirmation).find("a", href="/score") is not None

    household = db.scalar(select(Household))
    assert household is not None and count(db, Household) == 2  # youssef's and amina's
    amina_household = db.scalar(select(Household).order_by(Household.id.desc()))
    assert amina_household is not None
    members = db.scalars(
        select(Membership).where(Membership.household_id == amina_household.id)
    ).all()
    assert len(members) == 4
    assert db.scalar(select(Score).where(Score.household_id == amina_household.id)) is not None
    assert count(db, RegistrationDraft) == 0
    assert (
        db.scalar(select(AuditEvent).where(AuditEvent.action == "household_registered")) is not None
    )


def test_nothing_typed_is_lost_when_leaving_and_coming_back(
    client: CheckingClient, demo: None
) -> None:
    login_as(client, "amina")
    client.get("/household/register")
    post_form(client, "/household/register/housing", {**HOUSING, "rooms": "0", "continue": "1"})
    client.post(
        "/logout",
        data={
            "csrf_token": soup_of(client.get("/me")).find("input", attrs={"name": "csrf_token"})[
                "value"
            ]
        },
    )  # type: ignore[index]
    login_as(client, "amina")
    page = soup_of(client.get("/household/register/housing"))
    assert page.find("input", attrs={"name": "rooms"})["value"] == "0"  # type: ignore[index]
    assert page.find("input", attrs={"name": "monthly_rent"})["value"] == "1500"  # type: ignore[index]
    status = text_of(client.get("/household/register?lang=fr"))
    assert "En cours" in status


def test_section_errors_in_french(client: CheckingClient, demo: None) -> None:
    login_as(client, "amina")
    client.get("/household/register")
    response = post_form(
        client,
        "/household/register/housing?lang=fr",
        {**HOUSING, "rooms": "0", "monthly_rent": "", "continue": "1"},
        page="/household/register/housing",
    )
    page = soup_of(response)
    assert page.title is not None and page.title.get_text().startswith("Erreur\u00a0:")
    summary = page.select(".error-summary a")
    assert [a["href"] for a in summary] == ["#monthly_rent", "#rooms"]
    assert "au moins 1" in text_of(response)
    rooms = page.find("input", attrs={"name": "rooms"})
    assert rooms["aria-invalid"] == "true" and "rooms-error" in rooms["aria-describedby"]  # type: ignore[index]


def test_section_errors_in_arabic(client: CheckingClient, demo: None) -> None:
    login_as(client, "amina")
    client.get("/household/register")
    response = post_form(
        client,
        "/household/register/residence?lang=ar",
        {**RESIDENCE, "phone": "12345", "province": "tanger-assilah", "continue": "1"},
        page="/household/register/residence",
    )
    text = text_of(response)
    assert "أدخل رقم هاتف محمول مغربي" in text
    assert "اختر إقليماً أو عمالة تابعة للجهة التي اخترتها" in text


def test_impossible_values_are_refused_and_unusual_ones_accepted(
    client: CheckingClient, demo: None
) -> None:
    login_as(client, "amina")
    client.get("/household/register")
    equipment = {
        name: "0"
        for name in (
            "motorcycles",
            "tvs",
            "satellite_dishes",
            "refrigerators",
            "washing_machines",
            "computers",
            "smartphones",
            "air_conditioners",
        )
    }
    response = post_form(
        client,
        "/household/register/equipment?lang=fr",
        {**equipment, "cars": "40", "home_internet": "no", "continue": "1"},
        page="/household/register/equipment",
    )
    assert "Saisissez un nombre entre 0 et 10" in text_of(response)
    response = post_form(
        client,
        "/household/register/spending?lang=fr",
        {
            "electricity_bill": "-5",
            "water_bill": "0",
            "telecom": "0",
            "butane_bottles": "0",
            "continue": "1",
        },
        page="/household/register/spending",
    )
    assert "égal ou supérieur à 0" in text_of(response)
    response = post_form(
        client,
        "/household/register/spending",
        {
            "electricity_bill": "0",
            "water_bill": "0",
            "telecom": "0",
            "butane_bottles": "0",
            "continue": "1",
        },
    )
    assert response.status_code == 302  # no spending at all is possible


def test_rent_is_asked_only_of_tenants(client: CheckingClient, demo: None) -> None:
    login_as(client, "amina")
    client.get("/household/register")
    owner = {**HOUSING, "occupancy": "owner", "monthly_rent": "", "continue": "1"}
    assert post_form(client, "/household/register/housing", owner).status_code == 302
    page = soup_of(client.get("/household/register/housing"))
    assert page.find("input", attrs={"name": "monthly_rent"}) is None
    tenant = {**HOUSING, "monthly_rent": "", "continue": "1"}
    response = post_form(
        client, "/household/register/housing?lang=fr", tenant, page="/household/register/housing"
    )
    assert "Saisissez un nombre" in text_of(response)


def test_inline_check_with_htmx_returns_the_form_with_only_touched_fields(
    client: CheckingClient, demo: None
) -> None:
    login_as(client, "amina")
    client.get("/household/register")
    token = soup_of(client.get("/household/register/housing")).find(
        "input", attrs={"name": "csrf_token"}
    )["value"]  # type: ignore[index]
    response = client.post(
        "/household/register/housing?lang=fr",
        data={"csrf_token": token, "rooms": "0", "occupancy": "owner"},
        headers={"HX-Request": "true", "HX-Trigger-Name": "rooms"},
    )
    assert response.status_code == 200
    fragment = soup_of(response)
    assert fragment.find("html") is None and fragment.find("form", id="section-form") is not None
    errors = [p.get_text() for p in fragment.select(".field-error")]
    assert len(errors) == 1 and "au moins 1" in errors[0]  # untouched fields stay quiet
    assert fragment.find("input", attrs={"name": "monthly_rent"}) is None  # owners pay no rent


def test_member_lookup_mismatch_reveals_nothing(client: CheckingClient, demo: None) -> None:
    login_as(client, "amina")
    client.get("/household/register")
    page = "/household/register/members"
    wrong_date = post_form(
        client,
        "/household/register/members/lookup?lang=fr",
        {"idcs": "1000000102", "birth_date": "1984-07-03"},
        page=page,
    )
    unknown = post_form(
        client,
        "/household/register/members/lookup?lang=fr",
        {"idcs": "1999999999", "birth_date": "1984-07-02"},
        page=page,
    )
    message = "Aucune personne n'a été trouvée avec cet IDCS et cette date de naissance"
    for response in (wrong_date, unknown):
        text = text_of(response)
        assert (
            message in text
            and "Hassan" not in text
            and "Ouali" not in text.replace("Amina Ouali", "")
        )
    assert text_of(wrong_date).replace("1000000102", "") == text_of(unknown).replace(
        "1999999999", ""
    )


def test_failed_lookups_are_limited_per_account(client: CheckingClient, demo: None) -> None:
    login_as(client, "amina")
    client.get("/household/register")
    page = "/household/register/members"
    for _ in range(10):
        post_form(
            client,
            "/household/register/members/lookup",
            {"idcs": "1999999999", "birth_date": "1990-01-01"},
            page=page,
        )
    blocked = post_form(
        client,
        "/household/register/members/lookup?lang=fr",
        {"idcs": "1000000102", "birth_date": "1984-07-02"},
        page=page,
    )
    assert blocked.status_code == 429
    assert "attendez une heure" in text_of(blocked)
    with clock.freeze(clock.now() + timedelta(hours=1, minutes=1)):
        login_as(client, "amina")  # the session itself timed out meanwhile
        again = post_form(
            client,
            "/household/register/members/lookup",
            {"idcs": "1000000102", "birth_date": "1984-07-02"},
            page=page,
        )
        assert again.status_code == 302


def test_a_member_of_another_household_cannot_be_added(client: CheckingClient, demo: None) -> None:
    login_as(client, "amina")
    client.get("/household/register")
    response = post_form(
        client,
        "/household/register/members/lookup?lang=fr",
        {"idcs": "1000000202", "birth_date": "1983-11-22"},
        page="/household/register/members",
    )
    text = text_of(response)
    assert "déjà membre d'un autre ménage inscrit" in text
    assert "El Amrani" not in text and "RSU-" not in text


def test_members_are_added_and_removed_in_place_with_htmx(
    client: CheckingClient, demo: None
) -> None:
    login_as(client, "amina")
    client.get("/household/register?lang=fr")
    token = soup_of(client.get("/household/register/members")).find(
        "input", attrs={"name": "csrf_token"}
    )["value"]  # type: ignore[index]
    headers = {"HX-Request": "true"}
    found = client.post(
        "/household/register/members/lookup",
        data={"csrf_token": token, "idcs": "1000000103", "birth_date": "2012-09-15"},
        headers=headers,
    )
    assert found.status_code == 200 and soup_of(found).find(id="members-section") is not None
    assert "Salma" in text_of(found)
    added = client.post(
        "/household/register/members/add",
        data={"csrf_token": token, "relation": "child"},
        headers=headers,
    )
    assert len(soup_of(added).select(".member-list__item")) == 2
    keys = member_keys(client)
    removed = client.post(
        f"/household/register/members/{keys[1]}/remove", data={"csrf_token": token}, headers=headers
    )
    assert len(soup_of(removed).select(".member-list__item")) == 1


def test_youssef_is_not_offered_a_second_registration(client: CheckingClient, demo: None) -> None:
    login_as(client, "youssef")
    assert soup_of(client.get("/me")).find("a", href="/household/register") is None
    response = client.get("/household/register")
    assert response.status_code == 302 and response.headers["Location"] == "/me"


def test_karim_cannot_start_one(client: CheckingClient, demo: None, db: Session) -> None:
    login_as(client, "karim")
    page = client.get("/household/register?lang=fr")
    text = text_of(page)
    assert "Vous ne pouvez pas inscrire de ménage" in text and "IDCS" in text
    assert count(db, RegistrationDraft) == 0


def test_double_submit_gives_the_same_receipt_and_one_household(
    client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "amina")
    fill_everything(client)
    data = declaration(client)
    first = client.post("/household/register/check", data=data)
    second = client.post("/household/register/check", data=data)  # the back button, a double click
    assert first.status_code == second.status_code == 302
    assert count(db, Household) == 2
    receipts = {text_of(client.get("/household/register/confirmation")) for _ in range(2)}
    assert len(receipts) == 1
    # /me names the same receipt (read with the household, in its first query).
    number = db.scalar(select(RegistrationSubmission.receipt_number))
    assert number is not None and number in receipts.pop()
    me = text_of(client.get("/me?lang=fr"))
    assert "Récépissé d'inscription" in me and number in me


def test_consent_and_honour_are_required(client: CheckingClient, demo: None, db: Session) -> None:
    login_as(client, "amina")
    fill_everything(client)
    unticked = {k: v for k, v in declaration(client).items() if k not in ("honour", "consent")}
    response = client.post("/household/register/check?lang=fr", data=unticked)
    text = text_of(response)
    assert "Confirmez que les informations données sont exactes" in text
    assert "Donnez votre consentement" in text
    assert count(db, Household) == 1


def register_hassan_login(oidc_provider: str) -> None:
    """A login for Hassan (amina's husband), added to the running provider."""
    claims = {
        "idcs": "1000000102",
        "given_name": "Hassan",
        "family_name": "Ouali",
        "birthdate": "1984-07-02",
    }
    requests.put(f"{oidc_provider}/users/hassan", json=claims, timeout=5).raise_for_status()


def test_a_declarant_cannot_read_or_change_another_persons_draft(
    client: CheckingClient, demo: None, db: Session, oidc_provider: str, app: object
) -> None:
    login_as(client, "amina")
    client.get("/household/register")
    post_form(client, "/household/register/residence", {**RESIDENCE, "continue": "1"})
    add_member(client, "1000000103", "2012-09-15", "child")
    amina_keys = member_keys(client)

    register_hassan_login(oidc_provider)
    other = app.test_client()  # type: ignore[attr-defined]
    login_as(other, "hassan")
    other.get("/household/register")
    hassan_residence = soup_of(other.get("/household/register/residence"))
    assert hassan_residence.find("textarea", attrs={"name": "address"}).get_text().strip() == ""  # type: ignore[union-attr]
    # amina's member keys mean nothing in hassan's draft.
    assert other.get(f"/household/register/details/{amina_keys[1]}").status_code == 302
    token = hassan_residence.find("input", attrs={"name": "csrf_token"})["value"]  # type: ignore[index]
    other.post(f"/household/register/members/{amina_keys[1]}/remove", data={"csrf_token": token})
    assert len(member_keys(client)) == 2  # amina's draft is untouched
    assert "Salma" not in text_of(other.get("/household/register/members"))


def test_an_expired_draft_is_not_resumed(client: CheckingClient, demo: None, db: Session) -> None:
    login_as(client, "amina")
    client.get("/household/register")
    post_form(client, "/household/register/residence", {**RESIDENCE, "continue": "1"})
    with clock.freeze(clock.now() + timedelta(days=91)):
        login_as(client, "amina")
        client.get("/household/register")
        page = soup_of(client.get("/household/register/residence"))
        assert page.find("textarea", attrs={"name": "address"}).get_text().strip() == ""  # type: ignore[union-attr]
    person = db.scalar(select(Person).where(Person.idcs == "1000000101"))
    assert person is not None


SECTION_ERRORS = {
    "residence": (
        {"region": "", "continue": "1"},
        {"fr": "Choisissez l'une des réponses", "ar": "اختر أحد الأجوبة"},
    ),
    "housing": (
        {**HOUSING, "rooms": "abc", "continue": "1"},
        {"fr": "Saisissez un nombre entier", "ar": "أدخل عدداً صحيحاً"},
    ),
    "equipment": (
        {"cars": "-1", "continue": "1"},
        {"fr": "égal ou supérieur à 0", "ar": "يساوي 0 أو أكثر"},
    ),
    "spending": (
        {"electricity_bill": "99999999", "continue": "1"},
        {"fr": "Saisissez un nombre entre 0 et 20", "ar": "أدخل عدداً بين 0 و"},
    ),
}


def test_every_section_explains_its_errors_in_both_languages(
    client: CheckingClient, demo: None
) -> None:
    login_as(client, "amina")
    client.get("/household/register")
    for section, (answers, messages) in SECTION_ERRORS.items():
        for language, message in messages.items():
            path = f"/household/register/{section}"
            response = post_form(client, f"{path}?lang={language}", answers, page=path)
            page = soup_of(response)
            assert response.status_code == 200, section
            assert page.select(".error-summary a"), section
            assert message in text_of(response), (section, language)
    # Member details too.
    key = member_keys(client)[0]
    for language, message in {
        "fr": "Choisissez l'une des réponses",
        "ar": "اختر أحد الأجوبة",
    }.items():
        path = f"/household/register/details/{key}"
        response = post_form(client, f"{path}?lang={language}", {"continue": "1"}, page=path)
        assert message in text_of(response)
