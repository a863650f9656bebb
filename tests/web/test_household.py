"""/household: the data, its history, declared changes, confirmation, deregistration."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import clock
from app.models import AuditEvent, Household, HouseholdVersion, Membership, Person, Score
from tests.support.household import change_form, declare
from tests.support.login import login_as
from tests.support.pages import CheckingClient, csrf_token_in, soup_of, text_of
from tests.support.registration import HOUSING, fill_everything, submit

YOUSSEF_HOUSING = {**HOUSING, "dwelling_type": "traditional_house", "monthly_rent": "900", "rooms": "2",
                   "roof_material": "tile_metal_sheet"}  # fmt: skip


def household(db: Session) -> Household:
    found = db.scalar(select(Household).order_by(Household.id).limit(1))
    assert found is not None
    return found


def versions(db: Session) -> list[HouseholdVersion]:
    return list(db.scalars(select(HouseholdVersion).order_by(HouseholdVersion.number)))


def test_youssef_sees_his_household_and_its_history(client: CheckingClient, demo: None) -> None:
    login_as(client, "youssef")
    page = client.get("/household?lang=fr")
    text = text_of(page)
    assert "Votre ménage" in text and "Fatima El Amrani" in text and "Khadija Bennani" in text
    assert "Historique des données de votre ménage" in text and "Inscription" in text
    links = soup_of(page)
    assert links.find("a", href="/household/changes/new") is not None
    assert links.find("a", href="/household/deregister") is not None


def test_youssef_is_offered_at_least_five_kinds_of_change(
    client: CheckingClient, demo: None
) -> None:
    login_as(client, "youssef")
    page = soup_of(client.get("/household/changes/new?lang=fr"))
    kinds = [a["href"] for a in page.select("a.task-list__link")]
    assert len(kinds) >= 5
    assert "/household/changes/birth" in kinds and "/household/changes/death" in kinds


def test_fatima_reads_but_cannot_declare_changes(
    client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "fatima")
    page = client.get("/household?lang=fr")
    assert page.status_code == 200
    assert soup_of(page).find("a", href="/household/changes/new") is None
    assert client.get("/household/changes/new").status_code == 403
    assert client.get("/household/changes/housing").status_code == 403
    token = csrf_token_in(page)
    response = client.post("/household/changes/housing", data={"csrf_token": token, **YOUSSEF_HOUSING,
                                                               "base_version": "1", "submission_key": "k"})  # fmt: skip
    assert response.status_code == 403
    assert client.post("/household/confirm", data={"csrf_token": token}).status_code == 403
    assert client.get("/household/deregister").status_code == 403
    assert len(versions(db)) == 1


def test_a_housing_change_makes_a_version_a_score_and_an_audit_record(
    client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "youssef")
    response = declare(
        client, "housing", {**YOUSSEF_HOUSING, "rooms": "4", "roof_material": "concrete_slab"}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/household/versions/2"
    page = client.get("/household/versions/2?lang=fr")
    text = text_of(page)
    assert "Votre changement est enregistré" in text
    assert "Nombre de pièces" in text and "2 → 4" in text.replace("  ", " ")
    assert "Avant" in text and "Après" in text
    assert [v.number for v in versions(db)] == [1, 2]
    scores = db.scalars(select(Score).order_by(Score.id)).all()
    assert [s.reason for s in scores] == ["registration", "change"] and scores[1].value > scores[
        0
    ].value
    db.expire_all()  # this session may still hold the household as the demo seed left it
    assert household(db).version_number == 2
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "household_changed")) is not None


def test_sending_the_same_change_twice_changes_once(
    client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "youssef")
    hidden = change_form(client, "spending")
    answers = {
        "electricity_bill": "300",
        "water_bill": "70",
        "telecom": "100",
        "butane_bottles": "3",
    }
    first = declare(client, "spending", answers, hidden=hidden)
    second = declare(client, "spending", answers, hidden=hidden)
    assert first.headers["Location"] == second.headers["Location"] == "/household/versions/2"
    assert len(versions(db)) == 2


def test_a_birth_adds_a_member_found_in_the_rnp(
    client: CheckingClient, demo: None, db: Session
) -> None:
    baby = Person(idcs="1000000299", first_name_ar="ياسين", last_name_ar="العمراني", first_name_latin="Yassine",
                  last_name_latin="El Amrani", birth_date=date.today() - timedelta(days=30), sex="M", in_rnp=True)  # fmt: skip
    db.add(baby)
    db.commit()
    login_as(client, "youssef")
    wrong = declare(client, "birth", {"idcs": "1000000299", "birth_date": "2001-01-01", "relation": "child",
                                      "marital_status": "single", "education": "none", "activity": "other",
                                      "disability": "no", "health_coverage": "amo_tadamon"})  # fmt: skip
    assert wrong.status_code == 200
    assert "لم يُعثر على أي شخص بهذا المعرف" in text_of(
        wrong
    )  # the pair was not found: no name, no hint
    assert len(versions(db)) == 1
    response = declare(client, "birth", {"idcs": "1000000299", "birth_date": baby.birth_date.isoformat(),
                                         "relation": "child", "marital_status": "single", "education": "none",
                                         "activity": "other", "disability": "no", "health_coverage": "amo_tadamon"})  # fmt: skip
    assert response.status_code == 302, text_of(response)
    assert db.scalar(
        select(Membership).where(Membership.person_id == baby.id, Membership.ended_at.is_(None))
    )
    latest = versions(db)[-1]
    assert latest.event == "birth" and len(latest.declaration["members"]) == 6
    assert "Yassine El Amrani" in text_of(client.get("/household/versions/2?lang=fr"))


def test_a_death_ends_the_membership(client: CheckingClient, demo: None, db: Session) -> None:
    login_as(client, "youssef")
    response = declare(client, "death", {"member": "4"})  # Khadija, fifth in the list
    assert response.status_code == 302
    khadija = db.scalar(select(Person).where(Person.idcs == "1000000205"))
    membership = db.scalar(select(Membership).where(Membership.person_id == khadija.id))  # type: ignore[union-attr]
    assert (
        membership is not None
        and membership.ended_at is not None
        and membership.end_reason == "death"
    )
    assert len(versions(db)[-1].declaration["members"]) == 4


def test_a_member_who_leaves_is_free_to_register_her_own_household(
    client: CheckingClient, demo: None, db: Session, app: object
) -> None:
    login_as(client, "youssef")
    assert declare(client, "member_left", {"member": "1", "reason": "divorce"}).status_code == 302
    fatima = app.test_client()  # type: ignore[attr-defined]
    login_as(fatima, "fatima")
    assert fatima.get("/household").status_code == 404  # no household any more
    start = fatima.get("/household/register")
    assert start.status_code == 200 and soup_of(start).select("a.task-list__link")


def test_the_declarant_cannot_leave_by_a_change(
    client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "youssef")
    response = declare(client, "member_left", {"member": "0", "reason": "moving_out"})
    assert response.status_code == 200 and len(versions(db)) == 1


def test_a_members_new_job(client: CheckingClient, demo: None, db: Session) -> None:
    login_as(client, "youssef")
    answers = {"relation": "spouse", "marital_status": "married", "education": "lower_secondary",
               "activity": "employed", "occupation": "private_employee", "disability": "no", "health_coverage": "amo_cnss"}  # fmt: skip
    response = declare(client, "member_situation", answers, query="?member=1")
    assert response.status_code == 302, text_of(response)
    fatima = versions(db)[-1].declaration["members"][1]
    assert fatima["activity"] == "employed" and fatima["occupation"] == "private_employee"


def test_a_new_phone_and_a_move_to_the_countryside(
    client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "youssef")
    assert declare(client, "phone", {"phone": "0700000001"}).status_code == 302
    assert versions(db)[-1].declaration["residence"]["phone"] == "+212700000001"
    move = {"region": "draa-tafilalet", "province": "ouarzazate", "milieu": "rural",
            "address": "Douar Ait Ouahi, commune Skoura", "phone": "0700000001"}  # fmt: skip
    assert declare(client, "residence", move).status_code == 302
    page = soup_of(client.get("/household/changes/equipment"))
    assert page.find("input", attrs={"name": "cattle"}) is not None


def test_two_people_changing_the_same_version_the_second_is_told_and_keeps_input(
    client: CheckingClient, demo: None, db: Session, app: object
) -> None:
    login_as(client, "youssef")
    other = app.test_client()  # type: ignore[attr-defined]
    login_as(other, "youssef")  # another tab, another phone, or a counter agent
    mine = change_form(client, "spending")
    theirs = change_form(other, "housing")
    assert (
        declare(other, "housing", {**YOUSSEF_HOUSING, "rooms": "3"}, hidden=theirs).status_code
        == 302
    )
    answers = {
        "electricity_bill": "321",
        "water_bill": "70",
        "telecom": "100",
        "butane_bottles": "3",
    }
    conflict = declare(client, "spending", answers, hidden=mine)
    assert conflict.status_code == 409
    page = soup_of(conflict)
    assert page.find("input", attrs={"name": "electricity_bill"})["value"] == "321"  # type: ignore[index]
    assert page.find("input", attrs={"name": "base_version"})["value"] == "2"  # type: ignore[index]
    assert "تغيرت الأسرة في هذه الأثناء" in text_of(conflict)
    resend = {
        str(i["name"]): str(i["value"]) for i in page.select("form#section-form input[type=hidden]")
    }
    assert declare(client, "spending", answers, hidden=resend).status_code == 302
    assert [v.number for v in versions(db)] == [1, 2, 3]


def test_yearly_confirmation_is_one_action_and_makes_no_score(
    client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "youssef")
    with clock.freeze(clock.now() + timedelta(days=400)):
        login_as(client, "youssef")
        me = text_of(client.get("/me?lang=fr"))
        assert "Votre confirmation est en retard" in me
        token = csrf_token_in(client.get("/me"))
        assert client.post("/household/confirm", data={"csrf_token": token}).status_code == 302
        me = text_of(client.get("/me?lang=fr"))
        assert "en retard" not in me and "Merci" in me
    assert db.scalar(select(func.count()).select_from(Score)) == 1
    assert household(db).confirmed_at is not None


def test_deregistration_states_the_consequences_then_takes_effect(
    client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "youssef")
    page = client.get("/household/deregister?lang=fr")
    text = text_of(page)
    assert "AMO Tadamon" in text and "Aide Sociale Directe" in text
    token = csrf_token_in(page)
    refused = client.post("/household/deregister?lang=fr", data={"csrf_token": token})
    assert refused.status_code == 200 and "Confirmez que vous comprenez" in text_of(refused)
    assert household(db).status == "active"
    done = client.post(
        "/household/deregister?lang=fr", data={"csrf_token": token, "understood": "y"}
    )
    assert "Votre ménage est radié" in text_of(done)
    db.expire_all()
    assert household(db).status == "deregistered"
    assert (
        db.scalar(select(func.count()).select_from(Membership).where(Membership.ended_at.is_(None)))
        == 0
    )
    assert (
        client.get("/score?lang=fr").status_code == 200
    )  # no household any more: the "no household" page
    assert "Pas encore de ménage" in text_of(client.get("/score?lang=fr"))


def test_household_pages_need_a_household_and_a_real_version(
    client: CheckingClient, demo: None
) -> None:
    login_as(client, "amina")  # in no household
    for path in ("/household", "/household/versions/1", "/household/changes/new", "/household/changes/housing",
                 "/household/deregister"):  # fmt: skip
        assert client.get(path).status_code in (403, 404), path
    login_as(client, "youssef")
    assert client.get("/household/versions/99").status_code == 404
    assert client.get("/household/changes/unknown").status_code == 404


def test_a_minor_member_cannot_read_the_household(
    client: CheckingClient, demo: None, db: Session
) -> None:
    fatima = db.scalar(select(Person).where(Person.idcs == "1000000202"))
    assert fatima is not None
    login_as(client, "fatima")
    assert client.get("/household").status_code == 200  # an adult member reads it
    fatima.birth_date = date.today().replace(year=date.today().year - 16)
    db.commit()
    assert client.get("/household").status_code == 403


def test_no_other_household_is_reachable(client: CheckingClient, demo: None) -> None:
    """Two registered households, each signed in: every page shows its own, never the other's."""
    pages = ("/household", "/household/versions/1", "/score", "/certificates", "/me", "/privacy")
    login_as(client, "amina")
    fill_everything(client)
    assert submit(client).status_code == 302
    households = {
        "amina": ("5 rue Ibn Battouta", "youssef", "12 rue Al Massira"),
        "youssef": ("12 rue Al Massira", "amina", "5 rue Ibn Battouta"),
    }
    for who, (own_address, other, other_address) in households.items():
        login_as(client, who)
        assert own_address in text_of(client.get("/household"))
        for path in pages:
            response = client.get(path)
            assert response.status_code == 200, (who, path)
            assert other_address not in response.get_data(as_text=True), (who, path, other)
