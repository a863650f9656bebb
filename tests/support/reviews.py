"""Filing and deciding review requests through the web pages."""

from __future__ import annotations

import io

import pikepdf
from flask.testing import FlaskClient
from PIL import Image
from werkzeug.test import TestResponse

from tests.support.login import login_as
from tests.support.pages import csrf_token_in, soup_of


def _blank_pdf() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _image(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 60)).save(out, kind)
    return out.getvalue()


# Small, whole files of each accepted type: they are read through, not only sniffed.
PDF = _blank_pdf()
PNG = _image("PNG")
JPEG = _image("JPEG")


def review_form(client: FlaskClient) -> dict[str, str]:
    page = soup_of(client.get("/reviews/new"))
    form = page.find("form", enctype="multipart/form-data")
    assert form is not None, page.get_text()[:400]
    return {
        str(i["name"]): str(i["value"])
        for i in form.find_all("input", attrs={"type": "hidden"})
        if i.get("name")
    }


def file_review(
    client: FlaskClient,
    files: list[tuple[str, bytes]] = (),  # type: ignore[assignment]
    *,
    reason: str = "declaration_error",
    explanation: str = "Nous avons déclaré un loyer de 900 DH, il est de 600 DH.",
    hidden: dict[str, str] | None = None,
) -> TestResponse:
    fields = hidden or review_form(client)
    data: dict[str, object] = {**fields, "reason": reason, "explanation": explanation}
    data["documents"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post("/reviews/new", data=data, content_type="multipart/form-data")


def post_with_csrf(
    client: FlaskClient, page_path: str, action: str, data: dict[str, str] | None = None
) -> TestResponse:
    token = csrf_token_in(client.get(page_path))
    return client.post(action, data={"csrf_token": token, **(data or {})})


def filed_review(client: FlaskClient) -> str:
    """youssef, signed in, files a request with one document; returns its number."""
    login_as(client, "youssef")
    response = file_review(client, [("quittance.pdf", PDF)])
    assert response.status_code == 302
    return response.headers["Location"].rsplit("/", 1)[-1]


def post_on_case(
    client: FlaskClient, number: str, action: str, data: dict[str, str] | None = None
) -> TestResponse:
    """A reviewer's button on the case page (take, uphold, approve...)."""
    token = csrf_token_in(client.get(f"/backoffice/reviews/{number}?lang=fr"))
    return client.post(
        f"/backoffice/reviews/{number}/{action}", data={"csrf_token": token, **(data or {})}
    )


def correction_form(client: FlaskClient, number: str, kind: str = "spending") -> dict[str, str]:
    """The hidden fields of a reviewer's correction form."""
    form = soup_of(client.get(f"/backoffice/reviews/{number}/correct/{kind}")).find(
        "form", id="section-form"
    )
    assert form is not None
    return {
        str(i["name"]): str(i["value"]) for i in form.find_all("input", attrs={"type": "hidden"})
    }


def correct(
    client: FlaskClient,
    number: str,
    answers: dict[str, str],
    reason: str = "Factures vérifiées.",
) -> TestResponse:
    path = f"/backoffice/reviews/{number}/correct/spending"
    hidden = correction_form(client, number)
    return client.post(path, data={**hidden, **answers, "decision_reason": reason, "continue": "1"})


def taken_by_omar(client: FlaskClient) -> str:
    """youssef files a request; reviewer.omar, signed in, takes it."""
    number = filed_review(client)
    login_as(client, "reviewer.omar")
    assert post_on_case(client, number, "take").status_code == 302
    return number
