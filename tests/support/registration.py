"""Filling in the registration questionnaire through the web pages, as amina would."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.support.pages import csrf_token_in, soup_of
from tests.support.statements import Sent, statements_sent

RESIDENCE = {
    "region": "casablanca-settat",
    "province": "casablanca",
    "milieu": "urban",
    "address": "5 rue Ibn Battouta, Hay Mohammadi",
    "phone": "06 12 34 56 01",
}
AMINA_FAMILY = (
    ("1000000102", "1984-07-02", "spouse"),
    ("1000000103", "2012-09-15", "child"),
    ("1000000104", "2017-01-20", "child"),
)
ADULT = {
    "marital_status": "married",
    "education": "upper_secondary",
    "activity": "employed",
    "occupation": "private_employee",
    "disability": "no",
    "health_coverage": "amo_cnss",
}
CHILD = {
    "marital_status": "single",
    "education": "primary",
    "in_school": "yes",
    "activity": "student",
    "disability": "no",
    "health_coverage": "amo_cnss",
}
HOUSING = {
    "dwelling_type": "apartment",
    "occupancy": "tenant",
    "monthly_rent": "1500",
    "rooms": "3",
    "wall_material": "concrete_brick",
    "roof_material": "concrete_slab",
    "water_source": "network_in_dwelling",
    "sanitation": "public_sewer",
    "electricity": "individual_meter",
    "cooking_energy": "butane",
}
EQUIPMENT = {
    "cars": "0",
    "motorcycles": "1",
    "tvs": "1",
    "satellite_dishes": "1",
    "refrigerators": "1",
    "washing_machines": "1",
    "computers": "0",
    "smartphones": "2",
    "air_conditioners": "0",
    "home_internet": "no",
}
SPENDING = {"electricity_bill": "220", "water_bill": "80", "telecom": "150", "butane_bottles": "2"}


def post_form(
    client: FlaskClient, path: str, data: dict[str, str], **kwargs: object
) -> TestResponse:
    """GET the page for its CSRF token, then POST the answers to ``path``."""
    token = csrf_token_in(client.get(kwargs.pop("page", path)))  # type: ignore[arg-type]
    return client.post(path, data={"csrf_token": token, **data}, **kwargs)  # type: ignore[arg-type]


def member_keys(client: FlaskClient) -> list[str]:
    page = soup_of(client.get("/household/register/details"))
    return [
        re.search(r"/details/([0-9a-f]+)", a["href"]).group(1)  # type: ignore[union-attr]
        for a in page.select("a.task-list__link")
    ]


def add_member(client: FlaskClient, idcs: str, birth_date: str, relation: str) -> TestResponse:
    page = "/household/register/members"
    post_form(
        client,
        "/household/register/members/lookup",
        {"idcs": idcs, "birth_date": birth_date},
        page=page,
    )
    return post_form(client, "/household/register/members/add", {"relation": relation}, page=page)


def fill_everything(
    client: FlaskClient, family: tuple[tuple[str, str, str], ...] = AMINA_FAMILY
) -> None:
    """Every section of the questionnaire, completed."""
    client.get("/household/register")
    post_form(client, "/household/register/residence", {**RESIDENCE, "continue": "1"})
    for idcs, born, relation in family:
        add_member(client, idcs, born, relation)
    post_form(client, "/household/register/members/done", {}, page="/household/register/members")
    keys = member_keys(client)
    for index, key in enumerate(keys):
        answers = dict(ADULT if index < 2 else CHILD)
        selected = soup_of(client.get(f"/household/register/details/{key}")).select_one(
            "select[name=relation] option[selected]"
        )
        if selected is not None:  # the relation chosen when the member was added
            answers["relation"] = str(selected["value"])
        response = post_form(
            client, f"/household/register/details/{key}", {**answers, "continue": "1"}
        )
        assert response.status_code == 302, [
            a.get_text() for a in soup_of(response).select(".error-summary a")
        ]
    for section, answers in (
        ("housing", HOUSING),
        ("equipment", EQUIPMENT),
        ("spending", SPENDING),
    ):
        response = post_form(client, f"/household/register/{section}", {**answers, "continue": "1"})
        assert response.status_code == 302, section


def declaration(client: FlaskClient) -> dict[str, str]:
    """The check page's form, declared on one's honour and consented to."""
    page = client.get("/household/register/check")
    key = soup_of(page).find("input", attrs={"name": "submission_key"})["value"]  # type: ignore[index]
    return {"csrf_token": csrf_token_in(page), "submission_key": key, "honour": "y", "consent": "y"}


def submit(client: FlaskClient) -> TestResponse:
    return client.post("/household/register/check", data=declaration(client))


def statements_of_a_submit(app: Flask, client: FlaskClient) -> list[Sent]:
    """Every section filled by the signed-in declarant, then the statements
    the submit alone sent, in order (it must register: a 302)."""
    fill_everything(client)
    form = declaration(client)
    with statements_sent(app) as sent:
        assert client.post("/household/register/check", data=form).status_code == 302
    return sent
