"""The signed PDF of a certificate: Arabic and French side by side, on A4.

Each column is written in its own language (Babel's ``force_locale``), with
dates and numbers formatted for ar_MA and fr_MA. The verification address is
printed and drawn as a QR code. The PDF is signed (PAdES) with the key and
certificate from SIGNING_KEY_FILE and SIGNING_CERT_FILE.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import current_app, get_template_attribute, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup

from app.domain.identifiers import format_certificate_number
from app.domain.scoring.programmes import Decision, Programme
from app.domain.scoring.scale import score_scale
from app.i18n import FORMAT_LOCALES, format_day, format_moment, format_number, format_score
from app.integrations.pdf import qr_svg, renderer
from app.integrations.signing import signer_from_files
from app.models import Certificate
from app.web import labels


def verification_url(number: str) -> str:
    """The address printed and encoded in the QR code. Built by hand, not with
    url_for: certificates are also issued outside requests (the demo seed),
    and /verify/<number> is a stable address (docs/architecture.md)."""
    return f"{current_app.config['PUBLIC_BASE_URL']}/verify/{format_certificate_number(number)}"


def _ltr(value: object) -> Markup:
    """Identifiers, dates and figures keep their order inside Arabic text
    (WeasyPrint ignores <bdi>; a dir="ltr" span works)."""
    return Markup('<span dir="ltr">{}</span>').format(value)


def _model(facts: dict[str, Any]) -> str | Markup:
    """The model by its date, as citizens read it; its id on certificates
    issued before the date was kept with them."""
    if "model_effective_date" not in facts:
        return _ltr(facts["model_id"])
    effective = date.fromisoformat(facts["model_effective_date"])
    return labels.model_name(effective, facts["model_illustrative"])


def _name(names: dict[str, str], language: str) -> str:
    if language == "ar":
        return f"{names['first_ar']} {names['last_ar']}"
    return f"{names['first_latin']} {names['last_latin']}"


def _rows(certificate: Certificate, language: str) -> list[tuple[str, Any]]:
    """(label, value) lines of one column, in the current locale."""
    facts = certificate.snapshot
    rows: list[tuple[str, Any]] = [
        (_("Household number"), _ltr(facts["rsu_number"])),
        (_("Declarant"), _name(facts["declarant"], language)),
        (_("Region"), labels.region_name(facts["region"])),
    ]
    kind = certificate.kind
    if kind == "registration_receipt":
        rows += [
            (_("Receipt number"), _ltr(facts["receipt_number"])),
            (_("Received on"), format_moment(datetime.fromisoformat(facts["submitted_at"]))),
            (_("Members declared"), format_number(facts["members"])),
        ]
    elif kind == "registration":
        rows += [
            (_("Province or prefecture"), labels.province_name(facts["province"] or "")),
            (_("Registered since"), format_day(date.fromisoformat(facts["registered_on"]))),
        ]
    elif kind == "score":
        rows += [
            (_("Socio-economic score"), _ltr(format_score(Decimal(facts["score"])))),
            (_("Computed on"), format_day(date.fromisoformat(facts["computed_on"]))),
            (_("Calculation method"), _model(facts)),
        ]
        # Certificates that carry the thresholds show each decision on the
        # score's scale instead (_scale_picture), in words and in the picture.
        shown_on_scale = all("threshold" in d for d in facts["eligibility"])
        for decision in [] if shown_on_scale else facts["eligibility"]:
            rows.append(
                (
                    labels.label(labels.PROGRAMMES, decision["programme"]),
                    _("Eligible") if decision["eligible"] else _("Not eligible"),
                )
            )
    elif kind == "deregistration":
        rows += [
            (_("Registered since"), format_day(date.fromisoformat(facts["registered_on"]))),
            (_("Deregistered on"), format_day(date.fromisoformat(facts["deregistered_on"]))),
        ]
    return rows


def _scale_picture(certificate: Certificate, language: str) -> Markup | None:
    """The score on its scale, as on /score (components/score_scale.html), in
    the column's language: drawn here, inside the column's locale."""
    facts = certificate.snapshot
    if certificate.kind != "score" or not all("threshold" in d for d in facts["eligibility"]):
        return None
    decisions = [
        Decision(
            programme=Programme(
                code=d["programme"],
                rule=d["rule"],
                threshold=Decimal(d["threshold"]),
                effective_from=date.min,
            ),
            eligible=d["eligible"],
        )
        for d in facts["eligibility"]
    ]
    draw = get_template_attribute("components/score_scale.html", "score_scale_print")
    direction = "rtl" if language == "ar" else "ltr"
    picture: Markup = draw(score_scale(Decimal(facts["score"]), decisions), direction)
    return picture


def _column(certificate: Certificate, language: str) -> dict[str, Any]:
    listed = certificate.snapshot["members"] if certificate.kind == "registration" else []
    # A receipt is not an attestation, and carries its own receipt number above.
    receipt = certificate.kind == "registration_receipt"
    with force_locale(FORMAT_LOCALES[language]):
        members = [
            {
                "name": _name(m, language),
                "relation": labels.label(labels.RELATIONS, m["relation"]),
                "birth_year": _ltr(m["birth_year"]),
            }
            for m in listed
        ]
        return {
            "language": language,
            "direction": "rtl" if language == "ar" else "ltr",
            "title": labels.label(labels.CERTIFICATE_KINDS, certificate.kind),
            "kingdom": _("Kingdom of Morocco"),
            "register": _("Unified Social Register"),
            "agency": _("National Registers Agency (ANR)"),
            "rows": _rows(certificate, language),
            "scale": _scale_picture(certificate, language),
            "members": members,
            "members_title": _("Members of the household"),
            "member_headings": (_("Name"), _("Relation"), _("Born in")),
            "number_label": _("Verification number") if receipt else _("Certificate number"),
            "issued_label": _("Issued on"),
            "issued_on": format_day(certificate.issued_at),
            "check": _(
                "This receipt is signed electronically by the ANR. To check that it is "
                "genuine, scan the code or open:"
            )
            if receipt
            else _(
                "This certificate is signed electronically by the ANR. To check that it is "
                "genuine and still valid, scan the code or open:"
            ),
        }


def certificate_html(certificate: Certificate) -> tuple[str, str]:
    """(HTML page, PDF title) of a certificate."""
    url = verification_url(certificate.number)
    columns = [_column(certificate, "fr"), _column(certificate, "ar")]
    html = render_template(
        "pdf/certificate.html",
        columns=columns,
        number=format_certificate_number(certificate.number),
        url=url,
        qr=Markup(qr_svg(url)),  # noqa: S704 (segno's own SVG, no user text)
    )
    return html, f"{columns[1]['title']} – {columns[0]['title']} – {certificate.number}"


def print_certificate(certificate: Certificate) -> bytes:
    """The signed PDF (services.certificates.Printer)."""
    html, title = certificate_html(certificate)
    signer = signer_from_files(
        current_app.config["SIGNING_KEY_FILE"], current_app.config["SIGNING_CERT_FILE"]
    )
    slot = signer.slot(reason=f"RSU {certificate.number}", location="Rabat")
    pdf = renderer().render(html, title=title, language="ar-MA", finisher=slot.reserve)
    return slot.fill(pdf)
