"""/certificates and /verify: issuing, downloading stored bytes, access, public checks."""

from __future__ import annotations

import hashlib

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.identifiers import format_certificate_number, luhn_check_digit
from app.models import Certificate
from tests.support.household import declare
from tests.support.login import login_as
from tests.support.pages import CheckingClient, csrf_token_in, soup_of, text_of


def issue(client: CheckingClient, kind: str) -> None:
    token = csrf_token_in(client.get("/certificates"))
    response = client.post("/certificates/issue", data={"csrf_token": token, "kind": kind})
    assert response.status_code == 302, response.status_code


def only_certificate(db: Session, kind: str) -> Certificate:
    db.expire_all()
    certificate = db.scalar(select(Certificate).where(Certificate.kind == kind))
    assert certificate is not None
    return certificate


def test_youssef_issues_and_downloads_the_stored_bytes(
    client: CheckingClient, demo: None, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    login_as(client, "youssef")
    page = soup_of(client.get("/certificates?lang=fr"))
    offered = [i["value"] for i in page.select("form input[name=kind]")]
    assert offered == ["registration", "score"]  # no receipt (seeded), not deregistered
    issue(client, "score")
    certificate = only_certificate(db, "score")
    text = text_of(client.get("/certificates?lang=fr"))
    assert "Attestation d'indice et d'éligibilité" in text and "Valable" in text
    assert format_certificate_number(certificate.number) in text

    # Downloads serve the stored bytes: nothing is rendered again.
    def no_rendering(*_args: object, **_kwargs: object) -> bytes:
        raise AssertionError("a download must not render")

    monkeypatch.setattr("app.web.citizen.certificates.print_certificate", no_rendering)
    response = client.get(f"/certificates/{certificate.number}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data == certificate.content
    assert hashlib.sha256(response.data).hexdigest() == certificate.sha256
    assert response.headers["Content-Disposition"].startswith("attachment")
    # Issuing again, with the same facts, gives the same certificate.
    issue(client, "score")
    assert len(db.scalars(select(Certificate)).all()) == 1


def test_members_download_but_only_the_declarant_issues(
    client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "youssef")
    issue(client, "registration")
    number = only_certificate(db, "registration").number
    login_as(client, "fatima")
    page = client.get("/certificates?lang=fr")
    assert soup_of(page).select("form input[name=kind]") == []
    assert "Seul le déclarant" in text_of(page)
    assert client.get(f"/certificates/{number}.pdf").status_code == 200
    token = csrf_token_in(page)
    assert (
        client.post("/certificates/issue", data={"csrf_token": token, "kind": "score"}).status_code
        == 403
    )


def test_another_household_and_anonymous_visitors_get_nothing(
    client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "youssef")
    issue(client, "registration")
    number = only_certificate(db, "registration").number
    login_as(client, "amina")  # no household: nothing to see, nothing to issue
    assert client.get(f"/certificates/{number}.pdf").status_code == 404
    token = csrf_token_in(client.get("/certificates"))
    assert (
        client.post(
            "/certificates/issue", data={"csrf_token": token, "kind": "registration"}
        ).status_code
        == 403
    )
    login_as(client, "reviewer.omar")
    assert client.get(f"/certificates/{number}.pdf").status_code == 403
    client.delete_cookie("rsu_session")
    assert client.get(f"/certificates/{number}.pdf").status_code == 302
    assert client.get("/certificates").status_code == 302


def test_a_change_supersedes_and_the_page_says_so(
    client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "youssef")
    issue(client, "score")
    spending = {
        "electricity_bill": "400",
        "water_bill": "70",
        "telecom": "300",
        "butane_bottles": "3",
    }
    assert declare(client, "spending", spending).status_code == 302
    text = text_of(client.get("/certificates?lang=fr"))
    assert "Remplacée le" in text
    offered = [
        i["value"] for i in soup_of(client.get("/certificates")).select("form input[name=kind]")
    ]
    assert "score" in offered


def test_deregistration_revokes_and_issues_its_certificate(
    client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "youssef")
    issue(client, "registration")
    page = client.get("/household/deregister")
    response = client.post(
        "/household/deregister", data={"csrf_token": csrf_token_in(page), "understood": "y"}
    )
    assert response.status_code == 200
    assert soup_of(response).find("a", href="/certificates") is not None
    deregistration = only_certificate(db, "deregistration")
    assert deregistration.status == "valid"
    assert only_certificate(db, "registration").status == "revoked"
    # The former declarant still finds both, though his membership ended.
    text = text_of(client.get("/certificates?lang=fr"))
    assert "Attestation de radiation" in text and "Révoquée le" in text
    assert client.get(f"/certificates/{deregistration.number}.pdf").status_code == 200


def test_deregistration_stands_when_its_certificate_cannot_be_made_then_it_is_offered(
    client: CheckingClient, demo: None, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.web.citizen.certificates as pages

    def signing_unavailable(*args: object, **kwargs: object) -> bytes:
        raise OSError("signing key unreadable")

    login_as(client, "youssef")
    with monkeypatch.context() as patched:
        patched.setattr(pages, "print_certificate", signing_unavailable)
        page = client.get("/household/deregister")
        token = csrf_token_in(page)
        response = client.post(
            "/household/deregister", data={"csrf_token": token, "understood": "y"}
        )
    assert response.status_code == 200
    assert db.scalar(select(Certificate).where(Certificate.kind == "deregistration")) is None
    offers = soup_of(client.get("/certificates")).select("input[name=kind][value=deregistration]")
    assert len(offers) == 1
    issue(client, "deregistration")
    assert only_certificate(db, "deregistration").status == "valid"


# -- /verify --------------------------------------------------------------------------------


def test_verification_shows_only_what_is_needed(
    client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "youssef")
    issue(client, "registration")
    certificate = only_certificate(db, "registration")
    client.delete_cookie("rsu_session")  # anyone, signed in or not
    page = client.get(f"/verify/{format_certificate_number(certificate.number)}?lang=fr")
    assert page.status_code == 200
    assert page.headers["X-Robots-Tag"].startswith("noindex")
    assert page.headers["Cache-Control"] == "no-store"  # an anonymous visitor's answer too
    text = text_of(page)
    assert "Attestation d'inscription" in text and "Authentique et valable" in text
    assert "Youssef E." in text and "Casablanca-Settat" in text and certificate.sha256 in text
    for private in ("El Amrani", "Fatima", "RSU-", "1000000201", "+212", "9,23"):
        assert private not in text, private
    arabic = text_of(client.get(f"/verify/{certificate.number}?lang=ar"))
    assert "أصلية وسارية" in arabic and "يوسف ا." in arabic


def test_verification_after_supersession_and_revocation(
    client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "youssef")
    issue(client, "score")
    declare(
        client,
        "spending",
        {"electricity_bill": "400", "water_bill": "70", "telecom": "300", "butane_bottles": "3"},
    )
    score = only_certificate(db, "score")
    assert "Authentique, mais remplacée le" in text_of(
        client.get(f"/verify/{score.number}?lang=fr")
    )
    issue(client, "registration")
    page = client.get("/household/deregister")
    client.post(
        "/household/deregister", data={"csrf_token": csrf_token_in(page), "understood": "y"}
    )
    registration = only_certificate(db, "registration")
    assert "Authentique, mais révoquée le" in text_of(
        client.get(f"/verify/{registration.number}?lang=fr")
    )


def test_an_unknown_number_is_a_friendly_404_that_reveals_nothing(
    client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "youssef")
    issue(client, "registration")
    number = only_certificate(db, "registration").number
    client.delete_cookie("rsu_session")
    # A neighbour of a real number (last body digit changed, check digit fixed) and a random one.
    body = number[:18] + str((int(number[18]) + 1) % 10)
    neighbour = body + luhn_check_digit(body)
    far = "1" * 18 + "2"
    far += luhn_check_digit(far)
    pages = [client.get(f"/verify/{n}?lang=fr") for n in (neighbour, far)]
    assert [p.status_code for p in pages] == [404, 404]
    texts = [text_of(p).replace(neighbour, "N").replace(far, "N") for p in pages]
    assert texts[0] == texts[1] and "Aucune attestation ne porte ce numéro" in texts[0]


def test_the_form_catches_typing_errors_and_goes_to_the_certificate(
    client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "youssef")
    issue(client, "registration")
    number = only_certificate(db, "registration").number
    typo = number[:5] + str((int(number[5]) + 1) % 10) + number[6:]
    page = client.get(f"/verify?number={typo}&lang=fr")
    assert page.status_code == 200
    summary = soup_of(page).find(class_="error-summary")
    assert summary is not None and summary.find("a", href="#number") is not None
    assert soup_of(page).find(id="number")["aria-invalid"] == "true"
    grouped = format_certificate_number(number).replace("-", " ")
    response = client.get(f"/verify?number={grouped}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/verify/{format_certificate_number(number)}")


def test_verification_is_rate_limited(database_url: str, oidc_provider: str, db: Session) -> None:
    from tests.conftest import make_test_app

    app: Flask = make_test_app(database_url, oidc_provider, VERIFY_LOOKUPS_PER_HOUR=3)
    client = app.test_client()
    codes = [
        client.get(f"/verify/{'1' * 19}{luhn_check_digit('1' * 19)}").status_code for _ in range(4)
    ]
    assert codes == [404, 404, 404, 429]
    # No answer is kept by a browser or a proxy, whatever it says.
    for path in ("/verify", "/verify?number=1", f"/verify/{'1' * 19}{luhn_check_digit('1' * 19)}"):
        assert client.get(path).headers["Cache-Control"] == "no-store"
    other_visitor = client.get(
        f"/verify/{'1' * 19}{luhn_check_digit('1' * 19)}", environ_base={"REMOTE_ADDR": "10.0.0.9"}
    )
    assert other_visitor.status_code == 404
