"""Declaring changes through the web pages."""

from __future__ import annotations

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.support.pages import soup_of


def change_form(client: FlaskClient, kind: str, query: str = "") -> dict[str, str]:
    """The hidden fields of a change form: CSRF token, base version, submission key."""
    page = soup_of(client.get(f"/household/changes/{kind}{query}"))
    form = page.find("form", id="section-form")
    assert form is not None, page.get_text()[:500]
    return {
        str(i["name"]): str(i["value"])
        for i in form.find_all("input", attrs={"type": "hidden"})
        if i.get("name")
    }


def declare(
    client: FlaskClient,
    kind: str,
    answers: dict[str, str],
    query: str = "",
    hidden: dict[str, str] | None = None,
) -> TestResponse:
    fields = hidden or change_form(client, kind, query)
    return client.post(
        f"/household/changes/{kind}{query}", data={**fields, **answers, "continue": "1"}
    )
