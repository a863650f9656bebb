"""Submission keys: issued with the form, bound to the account, the form and the
household; never a way to lose a declaration; a form sent again, one after the
other or twenty at once, shows what the first sending got."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Household, HouseholdVersion, ReviewDocument, ReviewRequest
from tests.support.household import change_form
from tests.support.login import login_as
from tests.support.pages import CheckingClient, soup_of, text_of
from tests.support.parallel import PARALLEL, at_once, same_browser
from tests.support.registration import fill_everything, submit
from tests.support.reviews import PDF, review_form

SPENDING = {"electricity_bill": "310", "water_bill": "75", "telecom": "120", "butane_bottles": "3"}
NOT_AS_GIVEN = "ne nous est pas revenu tel qu'il a été donné"


def version_numbers(db: Session) -> dict[int, int]:
    db.expire_all()
    return {h.id: h.version_number for h in db.scalars(select(Household).order_by(Household.id))}


def hidden_fields(response: Any) -> dict[str, str]:
    form = soup_of(response).find("form", id="section-form")
    assert form is not None
    return {
        str(i["name"]): str(i["value"]) for i in form.find_all("input", attrs={"type": "hidden"})
    }


def send_change(client: CheckingClient, hidden: dict[str, str], kind: str = "spending") -> Any:
    return client.post(
        f"/household/changes/{kind}?lang=fr", data={**hidden, **SPENDING, "continue": "1"}
    )


def another_accounts_key(client: CheckingClient) -> str:
    """A real key, issued to reviewer.omar for a correction form."""
    from tests.support.reviews import correction_form, taken_by_omar

    number = taken_by_omar(client)
    return correction_form(client, number)["submission_key"]


@pytest.mark.parametrize("case", ["empty", "missing", "made_up", "other_form", "other_account"])
def test_a_key_the_server_did_not_give_for_this_form_brings_the_form_back(
    client: CheckingClient, demo: None, db: Session, case: str
) -> None:
    foreign = another_accounts_key(client) if case == "other_account" else ""
    login_as(client, "youssef")
    hidden = change_form(client, "spending")
    if case == "empty":
        hidden["submission_key"] = ""
    elif case == "missing":
        del hidden["submission_key"]
    elif case == "made_up":
        hidden["submission_key"] = "x" * 24 + "." + "y" * 32
    elif case == "other_form":
        hidden["submission_key"] = change_form(client, "housing")["submission_key"]
    else:
        hidden["submission_key"] = foreign
    before = version_numbers(db)
    response = send_change(client, hidden)
    assert response.status_code == 400
    assert NOT_AS_GIVEN in text_of(response)
    assert version_numbers(db) == before  # nothing saved, nothing taken for a duplicate
    page = soup_of(response)
    assert page.find("input", attrs={"name": "electricity_bill"})["value"] == "310"  # type: ignore[index]
    fresh = hidden_fields(response)
    assert fresh["submission_key"] and fresh["submission_key"] != hidden.get("submission_key")
    # Sent again as it came back: saved.
    again = send_change(client, fresh)
    assert again.status_code == 302 and again.headers["Location"] == "/household/versions/2"


def test_two_households_sending_empty_keys_both_get_their_change_saved(
    client: CheckingClient, app: Flask, demo: None, db: Session
) -> None:
    login_as(client, "amina")
    fill_everything(client)
    assert submit(client).status_code == 302
    assert sorted(version_numbers(db).values()) == [1, 1]
    for declarant in ("youssef", "amina"):
        login_as(client, declarant)
        hidden = {**change_form(client, "spending"), "submission_key": ""}
        refused = send_change(client, hidden)
        assert refused.status_code == 400 and NOT_AS_GIVEN in text_of(refused)
        saved = send_change(client, hidden_fields(refused))
        assert saved.status_code == 302, text_of(saved)[:300]
    assert sorted(version_numbers(db).values()) == [2, 2]
    assert db.scalar(select(func.count()).select_from(HouseholdVersion)) == 4


def test_a_key_is_looked_up_within_the_household_only(
    client: CheckingClient, demo: None, db: Session
) -> None:
    """youssef's key, sent by amina for her own household, is not his change."""
    login_as(client, "amina")
    fill_everything(client)
    assert submit(client).status_code == 302
    login_as(client, "youssef")
    his = change_form(client, "spending")
    assert send_change(client, his).status_code == 302
    login_as(client, "amina")
    hers = {**change_form(client, "spending"), "submission_key": his["submission_key"]}
    response = send_change(client, hers)
    assert response.status_code == 400  # not hers: the form comes back, nothing is lost
    assert sorted(version_numbers(db).values()) == [1, 2]


def test_the_same_form_sent_again_shows_the_first_result(
    client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "youssef")
    hidden = change_form(client, "spending")
    first = send_change(client, hidden)
    again = send_change(client, hidden)
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"] == "/household/versions/2"
    assert "Votre changement est enregistré" in text_of(client.get(again.headers["Location"]))


@pytest.mark.usefixtures("integrity_checked")
def test_twenty_parallel_sendings_of_one_change_form_all_get_its_result(
    app: Flask, client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "youssef")
    hidden = change_form(client, "spending")
    tabs = same_browser(app, client)
    data = {**hidden, **SPENDING, "continue": "1"}
    results = at_once(lambda n: tabs[n].post("/household/changes/spending", data=data))
    assert [r.status_code for r in results] == [302] * PARALLEL
    assert {r.headers["Location"] for r in results} == {"/household/versions/2"}
    assert db.scalar(select(func.count()).select_from(HouseholdVersion)) == 2


@pytest.mark.usefixtures("integrity_checked")
def test_twenty_parallel_sendings_of_one_review_request_file_one(
    app: Flask, client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "youssef")
    hidden = review_form(client)
    tabs = same_browser(app, client)

    def send(n: int) -> Any:
        data = {**hidden, "reason": "declaration_error", "explanation": "Le loyer est faux.",
                "documents": (io.BytesIO(PDF), "a.pdf")}  # fmt: skip
        return tabs[n].post("/reviews/new", data=data, content_type="multipart/form-data")

    results = at_once(send)
    assert [r.status_code for r in results] == [302] * PARALLEL
    assert len({r.headers["Location"] for r in results}) == 1
    assert db.scalar(select(func.count()).select_from(ReviewRequest)) == 1
    # One document kept, and one file: the copies the twins stored were removed
    # (the integrity check afterwards finds every file with its row).
    assert db.scalar(select(func.count()).select_from(ReviewDocument)) == 1
