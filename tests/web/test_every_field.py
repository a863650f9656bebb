"""A NUL byte in every field of every form, as each kind of user fills it in:
refused with a message on that field, the other answers shown again, and
nothing stored.

The fields are read from the pages themselves (each form's inputs, selects,
radios and text areas), so a field added to a form is covered the day it
appears."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AssistedSession
from tests.support.counter import end_session, search, serve_with_card
from tests.support.db_state import changed_tables, fingerprint
from tests.support.login import login_as
from tests.support.pages import CheckingClient, soup_of
from tests.support.registration import fill_everything, member_keys
from tests.support.reviews import taken_by_omar

# Said with the question's name: "Retirez les caractères invisibles ou de contrôle de votre réponse à « … »".
REFUSED = "caractères invisibles ou de contrôle"
NOT_AS_GIVEN = "ne nous est pas revenu tel qu'il a été donné"
TYPED = ("text", "tel", "date", "number", "search", "email", None)


@dataclass(frozen=True)
class Form:
    action: str
    multipart: bool
    values: dict[str, str]
    fields: tuple[str, ...]  # what a person fills in (not hidden, not buttons)


def forms_on(page: BeautifulSoup) -> Iterator[Form]:
    for tag in page.find_all("form", method="post"):
        values: dict[str, str] = {}
        fields: list[str] = []
        for element in tag.find_all(["input", "select", "textarea", "button"]):
            name = element.get("name")
            if not name:
                continue
            kind = element.get("type")
            if element.name == "input" and kind == "hidden":
                values[name] = str(element.get("value", ""))
            elif element.name == "input" and kind in ("radio", "checkbox"):
                fields.append(name)
                if element.has_attr("checked"):
                    values[name] = str(element.get("value", "y"))
                elif kind == "radio":
                    values.setdefault(name, str(element.get("value", "")))
            elif element.name == "input" and kind in TYPED:
                fields.append(name)
                values[name] = str(element.get("value", ""))
            elif element.name == "select":
                fields.append(name)
                chosen = element.find("option", selected=True) or element.find("option")
                values[name] = str(chosen.get("value", "")) if isinstance(chosen, Tag) else ""
            elif element.name == "textarea":
                fields.append(name)
                values[name] = element.get_text().lstrip("\r\n")
        if fields:
            multipart = tag.get("enctype") == "multipart/form-data"
            yield Form(str(tag["action"]), multipart, values, tuple(dict.fromkeys(fields)))


# Who fills in which pages, and what puts them there.
Setup = Callable[[CheckingClient, Session], list[str]]


def declarant(client: CheckingClient, _db: Session) -> list[str]:
    from app.domain.changes import CHANGE_KINDS

    login_as(client, "youssef")
    # member_situation asks whose situation changed first: its form is the one with ?member=.
    pages = [f"/household/changes/{kind}" for kind in CHANGE_KINDS if kind != "member_situation"]
    return [*pages, "/household/changes/member_situation?member=1", "/reviews/new",
            "/household/deregister"]  # fmt: skip


def registering(client: CheckingClient, _db: Session) -> list[str]:
    login_as(client, "amina")
    fill_everything(client)
    sections = ["residence", "members", "housing", "equipment", "spending", "check"]
    details = [f"/household/register/details/{key}" for key in member_keys(client)[:2]]
    return [*(f"/household/register/{s}" for s in sections), *details]


def agent(client: CheckingClient, _db: Session) -> list[str]:
    login_as(client, "agent.salma")
    assert search(client, "AB123456").status_code == 302
    return ["/counter", "/counter/citizen/code", "/counter/citizen/identity-check"]


def reviewer(client: CheckingClient, _db: Session) -> list[str]:
    number = taken_by_omar(client)
    return [f"/backoffice/reviews/{number}", f"/backoffice/reviews/{number}/correct/housing",
            f"/backoffice/reviews/{number}/correct/member_left"]  # fmt: skip


def supervisor(client: CheckingClient, db: Session) -> list[str]:
    assert serve_with_card(client).status_code == 302
    end_session(client)
    held = db.scalar(select(AssistedSession))
    assert held is not None
    login_as(client, "supervisor.latifa")
    return [f"/counter/supervision/{held.id}"]


def refused_on_its_field(response: Any, field: str) -> bool:
    page = soup_of(response)
    # A part of a date (day, month, year): the date, one answer, is refused.
    base, _, part = field.rpartition("-")
    if part in ("day", "month", "year"):
        field = base
    error = page.find(id=f"{field}-error")
    if error is not None:
        return REFUSED in error.get_text()
    # A field drawn outside the form macros (the member to leave): said for the form.
    summary = page.find(class_="error-summary")
    return summary is not None and NOT_AS_GIVEN in summary.get_text()


@pytest.mark.parametrize("setup", [declarant, registering, agent, reviewer, supervisor])
def test_a_nul_in_every_field_is_refused_with_a_message(
    app: Flask, client: CheckingClient, demo: None, db: Session, setup: Setup
) -> None:
    pages = setup(client, db)
    for path in pages:
        tried = 0
        for form in forms_on(soup_of(client.get(path))):
            for field in form.fields:
                before = fingerprint(db)
                data: dict[str, Any] = {**form.values, field: form.values.get(field, "") + "\x00"}
                response = client.post(
                    form.action,
                    data=data,
                    content_type="multipart/form-data" if form.multipart else None,
                    headers={"Accept-Language": "fr"},
                )
                where = (path, form.action, field)
                assert response.status_code == 400, (*where, response.status_code)
                assert refused_on_its_field(response, field), where
                assert changed_tables(before, fingerprint(db)) == [], where
                # The other answers come back as they were typed.
                shown = {f.action: f for f in forms_on(soup_of(response))}
                if form.action in shown:
                    for other in form.fields:
                        if other != field and other in form.values:
                            assert shown[form.action].values.get(other) == form.values[other], (
                                *where,
                                other,
                            )
                tried += 1
        assert tried, f"{path} has no field to fill in"
