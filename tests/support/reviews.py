"""Filing and deciding review requests through the web pages."""

from __future__ import annotations

import io

import pikepdf
from flask.testing import FlaskClient
from PIL import Image
from werkzeug.test import TestResponse

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
