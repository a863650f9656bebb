"""/verify: anyone checks a certificate by its number. Public, rate-limited,
and showing only what is needed to trust the paper."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from app.domain.errors import DomainError, NotFound
from app.domain.identifiers import (
    certificate_number_problem,
    format_certificate_number,
    normalize_certificate_number,
)
from app.extensions import db
from app.services import certificate_verification
from app.web.access import Rule, access
from app.web.input_boundary import accepts, query
from app.web.public import bp


def _visitor() -> str:
    """The visitor's address, keyed: the hits table never holds IP addresses."""
    key = current_app.config["SECRET_KEY"].encode()
    address = (request.remote_addr or "unknown").encode()
    return hmac.new(key, address, hashlib.sha256).hexdigest()[:32]


def _not_indexed(body: str, status: int = 200) -> Response:
    response = current_app.make_response((body, status))
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _never_stored() -> None:
    """No /verify answer is kept (Cache-Control: no-store): a shared computer's
    cache or a proxy must neither keep which certificate was checked nor serve
    a status that has since changed (revoked, superseded)."""
    g.no_store = True


@bp.get("/verify")
@access(Rule.PUBLIC)
@accepts(query=("number",))
def verify() -> Response:
    """The form; a typed number is checked for typing errors, then looked up."""
    _never_stored()
    typed = query("number")
    if typed is None:
        return _not_indexed(render_template("public/verify.html"))
    number = normalize_certificate_number(typed)
    if number is None:
        digits = sum(ch.isdecimal() for ch in typed)
        page = render_template("public/verify.html", typed=typed, digits=digits,
                               typo=certificate_number_problem(typed) or "typo",
                               page_has_errors=True)  # fmt: skip
        return _not_indexed(page, 200)
    return redirect(url_for("public.verify_number", number=format_certificate_number(number)))


@bp.get("/verify/<typed_certificate_number:number>")
@access(Rule.PUBLIC)
def verify_number(number: str) -> Response:
    _never_stored()
    digits = normalize_certificate_number(number)
    try:
        found = certificate_verification.verify_lookup(
            db.session, digits, _visitor(), current_app.config["VERIFY_LOOKUPS_PER_HOUR"]
        )
    except NotFound:
        page = render_template("public/verify.html", typed=number, unknown=True)
        return _not_indexed(page, 404)
    except DomainError:
        page = render_template("public/verify.html", typed=number, too_many=True)
        return _not_indexed(page, 429)
    return _not_indexed(render_template("public/verify.html", found=found, typed=number))
