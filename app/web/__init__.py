"""The web layer: blueprints, access rules, headers, templates helpers, error pages."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from flask import Flask, request, url_for
from werkzeug.wrappers import Response

from app import clock, i18n
from app.domain import validation
from app.domain.declaration import age_on
from app.domain.identifiers import format_certificate_number
from app.domain.offices import office_name
from app.domain.scoring.scale import score_scale
from app.web import answers, labels
from app.web.access import acting_for, current_account, init_access, is_staff
from app.web.bidi import forward_arrow, isolate
from app.web.citizen.score_facts import fact_lines
from app.web.errors import init_errors
from app.web.forms import form_errors
from app.web.input_boundary import current_path, current_url, kept_query
from app.web.messages import notice_text, refusal_text
from app.web.score_picture import scale_drawing
from app.web.security_headers import init_security_headers
from app.web.template_whitespace import Dedent

LANG_COOKIE_MAX_AGE = 365 * 24 * 3600


def language_switch_url(language: str) -> str:
    """The current page in another language (or the home page after a POST)."""
    if request.method != "GET" or request.endpoint is None:
        return url_for("public.home", lang=language)
    args = {**kept_query(), "lang": language}
    return f"{current_path()}?{urlencode(args)}"


def remember_language(response: Response) -> Response:
    """``?lang=`` sets the cookie: the page language of this browser, nothing more.

    A GET must not change what is stored about a person, so the language of
    their SMS and emails changes only through the form on /me.
    """
    chosen = i18n.requested_language()
    if chosen is not None and request.cookies.get(i18n.LANG_COOKIE) != chosen:
        from flask import current_app

        response.set_cookie(
            i18n.LANG_COOKIE,
            chosen,
            max_age=LANG_COOKIE_MAX_AGE,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
        )
    return response


def office(code: str | None) -> str:
    """An office's name in the page's language (Arabic pages, Arabic names)."""
    return office_name(code, i18n.current_language())


def template_context() -> dict[str, Any]:
    account = current_account()
    return {
        "language": i18n.current_language(),
        "text_direction": i18n.text_direction(),
        "account": account,
        "signed_in_person": account.person
        if account is not None and not is_staff(account)
        else None,
        "signed_in_staff": account.staff if account is not None and is_staff(account) else None,
        "acting": acting_for(),
        "language_switch_url": language_switch_url,
        "forward_arrow": forward_arrow(i18n.text_direction()),
        # Between a label and its value. French typography puts a no-break
        # space before the colon; Arabic puts none.
        "colon": "\u00a0: " if i18n.current_language() == "fr" else ": ",
    }


def init_web(app: Flask) -> None:
    from app.web.auth import bp as auth_bp
    from app.web.backoffice import bp as backoffice_bp
    from app.web.citizen import bp as citizen_bp
    from app.web.counter import bp as counter_bp
    from app.web.public import bp as public_bp

    init_access(app)
    init_security_headers(app)
    init_errors(app)
    app.after_request(remember_language)
    app.context_processor(template_context)
    app.jinja_env.add_extension(Dedent)
    app.jinja_env.filters.update(
        day=i18n.format_day,
        moment=i18n.format_moment,
        clock_time=i18n.format_time,
        score=i18n.format_score,
        threshold=i18n.format_threshold,
        amount=i18n.format_amount,
        number=i18n.format_number,
        file_size=i18n.format_file_size,
        certificate_number=format_certificate_number,
        # One filter isolates values of the other direction (app/web/bidi.py);
        # ``ltr`` is its former name, kept for templates written before.
        isolate=isolate,
        ltr=isolate,
        office=office,
    )
    app.jinja_env.globals.update(
        form_errors=form_errors,
        notice_text=notice_text,
        refusal_text=refusal_text,
        labels=labels,
        # The questionnaire's conditional questions, from the one source of rules.
        asks_schooling=validation.asks_schooling,
        asks_occupation=validation.asks_occupation,
        asks_rent=validation.asks_rent,
        age_of=lambda born: age_on(date.fromisoformat(born), clock.today()),
        current_url=current_url,
        place_on_scale=score_scale,
        scale_drawing=scale_drawing,
        # A declaration's answers in words (components/declaration.html).
        answer=answers.answer_text,
        answered=answers.answered,
        member_summary=answers.member_summary,
        # A score's explanation in words (components/score_explanation.html).
        fact_lines=fact_lines,
    )
    for blueprint in (public_bp, auth_bp, citizen_bp, counter_bp, backoffice_bp):
        app.register_blueprint(blueprint)
