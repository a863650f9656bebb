from __future__ import annotations

import logging

from flask import current_app, redirect, render_template, session, url_for
from werkzeug.wrappers import Response

from app.domain.errors import DomainError
from app.extensions import db
from app.integrations.identity import LoginRefused, PendingLogin, identity_provider
from app.services import counter
from app.services.accounts import ClaimNames, sign_in
from app.web.access import (
    Rule,
    access,
    current_account,
    current_staff_actor,
    is_staff,
    safe_next_url,
)
from app.web.auth import bp
from app.web.input_boundary import accepts, answer, query, query_values

log = logging.getLogger(__name__)
PENDING_KEY = "pending_login"
NEXT_KEY = "after_login"


def _claim_names() -> ClaimNames:
    config = current_app.config
    return ClaimNames(
        idcs=config["OIDC_IDCS_CLAIM"],
        cnie=config["OIDC_CNIE_CLAIM"],
        roles=config["OIDC_ROLES_CLAIM"],
        office=config["OIDC_OFFICE_CLAIM"],
    )


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
        url, pending = identity_provider().begin(url_for("auth.callback", _external=True))
    except Exception:
        log.exception("identity provider unreachable")
        return render_template("auth/provider_unavailable.html"), 503
    session[PENDING_KEY] = pending.to_dict()
    session[NEXT_KEY] = next_url
    return redirect(url)


@bp.get("/auth/callback")
@access(Rule.PUBLIC)
@accepts(query=("code", "state", "error"))
def callback() -> Response | tuple[str, int]:
    pending = PendingLogin.from_dict(session.pop(PENDING_KEY, None))
    next_url = safe_next_url(session.pop(NEXT_KEY, None))
    try:
        identity = identity_provider().complete(query_values("code", "state", "error"), pending)
        account = sign_in(db.session, identity, _claim_names())
    except LoginRefused as refusal:
        log.warning("login refused: %s", refusal.reason)
        return render_template("auth/refused.html"), 400
    except DomainError as error:
        log.warning("login refused: %s", error.code)
        return render_template("auth/refused.html"), 400

    # A new session id at login: a session id planted before login is worthless.
    session.clear()
    session.regenerate()  # type: ignore[attr-defined]
    session.mark_authenticated()  # type: ignore[attr-defined]
    session["account_id"] = account.id
    from flask import g

    g.account = account
    return redirect(next_url or landing_url())


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
    from flask import g

    g.account = None
    home = url_for("public.home", _external=True)
    if was_signed_in:
        provider_logout = identity_provider().end_session_url(home)
        if provider_logout:
            return redirect(provider_logout)
    return redirect(home)
