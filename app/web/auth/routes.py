from __future__ import annotations

import logging

from flask import current_app, g, redirect, render_template, session, url_for
from werkzeug.wrappers import Response

from app import metrics
from app.domain.errors import DomainError
from app.extensions import db
from app.integrations.identity import LoginRefused, ProviderUnavailable, identity_provider
from app.models import Account
from app.services import counter
from app.services.accounts import sign_in
from app.web.access import (
    Rule,
    access,
    current_account,
    current_staff_actor,
    is_staff,
    safe_next_url,
)
from app.web.auth import bp, pending_logins
from app.web.input_boundary import accepts, answer, query, query_values

log = logging.getLogger(__name__)
# What a provider's answer to a login carries that the portal reads (RFC 6749, RFC 9207).
CALLBACK_PARAMETERS = ("code", "state", "error", "iss")


def public_url(endpoint: str) -> str:
    """An absolute URL on the portal's public address (PUBLIC_BASE_URL).

    Never built from the request's Host header: a forged Host must not make
    the provider send a code, or a citizen, to another site.
    """
    return current_app.config["PUBLIC_BASE_URL"] + url_for(endpoint)


def _provider_unavailable() -> tuple[str, int]:
    return render_template("auth/provider_unavailable.html"), 503


def landing_url() -> str:
    """Where a signed-in person starts: their space, or their desk for staff."""
    account = current_account()
    if is_staff(account) and account is not None and account.staff is not None:
        roles = account.staff.roles
        if "reviewer" in roles:
            return url_for("backoffice.home")
        if "counter_supervisor" in roles and "counter_agent" not in roles:
            return url_for("counter.supervision_queue")
        return url_for("counter.home")
    return url_for("citizen.me")


@bp.get("/login")
@access(Rule.PUBLIC)
@accepts(query=("next",))
def login() -> str | Response:
    if current_account() is not None:
        return redirect(landing_url())
    return render_template("auth/login.html", next=safe_next_url(query("next")))


@bp.post("/login")
@access(Rule.PUBLIC)
@accepts(form=("next",))
def start_login() -> Response | tuple[str, int]:
    next_url = safe_next_url(answer("next"))
    try:
        url, pending = identity_provider().begin(public_url("auth.callback"))
    except ProviderUnavailable as error:
        log.warning("identity provider unavailable: %s", error)
        return _provider_unavailable()
    pending_logins.remember(pending, next_url)
    return redirect(url)


@bp.get("/auth/callback")
@access(Rule.PUBLIC)
@accepts(query=CALLBACK_PARAMETERS)
def callback() -> Response | tuple[str, int]:
    answer_of_provider = query_values(*CALLBACK_PARAMETERS)
    pending, next_url = pending_logins.take(answer_of_provider.get("state"))
    provider = identity_provider()
    try:
        identity = provider.complete(answer_of_provider, pending)
        account = sign_in(db.session, identity, provider.claim_names)
    except ProviderUnavailable as error:
        log.warning("identity provider unavailable: %s", error)
        metrics.count_login("provider_unavailable")
        return _provider_unavailable()
    except LoginRefused as refusal:
        log.warning("login refused: %s", refusal.reason)
        metrics.count_login("refused", refusal.reason)
        return render_template("auth/refused.html"), 400
    except DomainError as error:
        log.warning("login refused: %s", error.code)
        metrics.count_login("refused", error.code)
        return render_template("auth/refused.html"), 400
    metrics.count_login("success")
    _start_session(account)
    return redirect(safe_next_url(next_url) or landing_url())


def _start_session(account: Account) -> None:
    """A new session id at login: a session id planted before login is worthless.
    Logins still in progress in other tabs come along, and may finish too."""
    others = pending_logins.still_pending()
    session.clear()
    session.regenerate()  # type: ignore[attr-defined]
    session.mark_authenticated()  # type: ignore[attr-defined]
    session["account_id"] = account.id
    pending_logins.carry_over(others)
    g.account = account


@bp.get("/logout")
@access(Rule.PUBLIC)
def logout_page() -> str | Response:
    if current_account() is None:
        return redirect(url_for("public.home"))
    return render_template("auth/logout.html")


@bp.post("/logout")
@access(Rule.PUBLIC)
def logout() -> Response:
    """End our session for real, then the provider's if it offers an end-session endpoint."""
    account = current_account()
    was_signed_in = account is not None
    if account is not None and is_staff(account) and account.staff is not None:
        # An agent who signs out stops acting for anyone: the household is
        # free for another counter at once, not when the session times out.
        counter.end_sessions_of(db.session, current_staff_actor("counter"))
    session.destroy()  # type: ignore[attr-defined]
    g.account = None
    home = public_url("public.home")
    if was_signed_in:
        provider_logout = identity_provider().end_session_url(home)
        if provider_logout:
            return redirect(provider_logout)
    return redirect(home)
