"""Access rules: every route declares who may open it, and the default is refusal.

A view gets its rule with ``@access(Rule.X)``. A request to a view without a
rule is refused with 403 before the view runs, and a test lists every route
to prove none is missing. Rules here are about *who* the visitor is; whether
a household's data belongs to them is decided by the services, which scope
every query to the signed-in person.
"""

from __future__ import annotations

import enum
import ipaddress
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, flash, g, redirect, request, session, url_for
from werkzeug.wrappers import Response

from app.domain.input_rules import SAME_SITE_PATH, text_problem
from app.models import Account, AssistedSession, Person, StaffRole, StaffUser
from app.services.actors import Actor
from app.web.input_boundary import current_url
from app.web.request_tracing import peer_address

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])
RULE_ATTRIBUTE = "_access_rule"


class Rule(enum.Enum):
    PUBLIC = "public"  # anyone, signed in or not
    SIGNED_IN = "signed_in"  # any signed-in account, citizen or staff
    CITIZEN = "citizen"  # a signed-in person (in the RNP or not), not staff
    COUNTER_AGENT = "counter_agent"
    REVIEWER = "reviewer"
    COUNTER_SUPERVISOR = "counter_supervisor"
    ADMIN = "admin"
    DEVELOPMENT_ONLY = "development_only"  # does not exist outside development
    # Operators' machines (METRICS_ALLOWED_NETWORKS), by the connection's own
    # address; anyone else gets a 404, as if the page did not exist.
    OPERATORS_NETWORK = "operators_network"


STAFF_RULES = {
    Rule.COUNTER_AGENT: StaffRole.COUNTER_AGENT,
    Rule.REVIEWER: StaffRole.REVIEWER,
    Rule.COUNTER_SUPERVISOR: StaffRole.COUNTER_SUPERVISOR,
    Rule.ADMIN: StaffRole.ADMIN,
}


def access(rule: Rule) -> Callable[[F], F]:
    def mark(view: F) -> F:
        setattr(view, RULE_ATTRIBUTE, rule)
        return view

    return mark


def rule_of(view: Callable[..., Any]) -> Rule | None:
    return getattr(view, RULE_ATTRIBUTE, None)


def current_account() -> Account | None:
    return g.get("account")


def is_staff(account: Account | None) -> bool:
    return account is not None and account.staff is not None and account.staff.active


def safe_next_url(target: str | None) -> str | None:
    """Only same-site paths are followed after login, never another host, and
    never a line break that would end the redirect's header."""
    if not target or text_problem(target, SAME_SITE_PATH) or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _login_redirect() -> Response:
    next_path = current_url() if request.method == "GET" else None
    return redirect(url_for("auth.login", next=safe_next_url(next_path)))


def enforce_access() -> Response | None:
    """before_request hook: apply the rule of the matched view, deny if there is none."""
    if request.endpoint is None:
        return None  # 404 or 405: Flask answers it
    if request.endpoint == "static":
        return None  # our own CSS, JS and images; public by nature
    view = current_app.view_functions.get(request.endpoint)
    rule = rule_of(view) if view else None
    if rule is None:
        log.error("refused: route %s declares no access rule", request.endpoint)
        abort(403)

    account = current_account()
    if rule is Rule.PUBLIC:
        return None
    if rule is Rule.DEVELOPMENT_ONLY:
        if current_app.config["RSU_ENV"] != "development":
            abort(404)
        return None
    if rule is Rule.OPERATORS_NETWORK:
        if not from_operators_network():
            abort(404)
        return None
    if account is None:
        return _login_redirect()
    if rule is Rule.SIGNED_IN:
        return None
    if rule is Rule.CITIZEN:
        if acting_for() is not None:
            return None  # an agent, for the citizen who consented, until the session ends
        if is_staff(account):
            if g.get("assisted_session_over"):
                flash("assisted_session_over", "success")
                return redirect(url_for("counter.home"))
            abort(403)  # staff open no household's data outside an assisted session
        if account.person is None:
            abort(403)
        return None
    role = STAFF_RULES[rule]
    if not (is_staff(account) and account.staff is not None and account.staff.has_role(role)):
        abort(403)
    return None


def from_operators_network() -> bool:
    """The connection comes from a network of ``METRICS_ALLOWED_NETWORKS``.

    The connection's own address (``peer_address``), never ``X-Forwarded-For``:
    anyone can write that header, and ProxyFix believes the last proxies' word.
    """
    address = peer_address()
    try:
        peer = ipaddress.ip_address(address or "")
    except ValueError:  # no address (a Unix socket): not the operators' network
        return False
    if isinstance(peer, ipaddress.IPv6Address) and peer.ipv4_mapped is not None:
        peer = peer.ipv4_mapped
    return any(peer in network for network in current_app.config["METRICS_ALLOWED_NETWORKS"])


def load_account() -> None:
    """before_request hook: put the signed-in account (or None) on ``g``."""
    from app.extensions import db

    account_id = session.get("account_id")
    g.account = db.session.get(Account, account_id) if account_id else None


ASSISTED_SESSION_KEY = "assisted_session_id"


@dataclass(frozen=True)
class Acting:
    """A counter agent acting for a citizen, within an open assisted session."""

    session: AssistedSession
    citizen: Person
    agent: StaffUser


def acting_for() -> Acting | None:
    acting: Acting | None = g.get("acting")
    return acting


def load_assisted_session() -> None:
    """before_request hook: the agent's assisted session, if still open.

    An expired or ended session is dropped from the agent's web session; the
    next citizen page sends the agent back to the desk with a notice.
    """
    from app.extensions import db
    from app.services import counter

    account = current_account()
    session_id = session.get(ASSISTED_SESSION_KEY)
    if account is None or session_id is None or account.staff is None:
        return
    if not account.staff.has_role(StaffRole.COUNTER_AGENT):
        session.pop(ASSISTED_SESSION_KEY, None)
        return
    assisted = counter.active_session(db.session, int(session_id), account.id)
    if assisted is None:
        session.pop(ASSISTED_SESSION_KEY, None)
        g.assisted_session_over = True
        return
    citizen = db.session.get(Person, assisted.person_id)
    assert citizen is not None
    g.acting = Acting(assisted, citizen, account.staff)


def init_access(app: Flask) -> None:
    app.before_request(load_account)
    app.before_request(load_assisted_session)
    app.before_request(enforce_access)


def signed_in_person_id() -> int:
    """The person whose space this is: the signed-in citizen, or the citizen
    an agent acts for (routes under Rule.CITIZEN always have one)."""
    acting = acting_for()
    if acting is not None:
        return acting.citizen.id
    account = current_account()
    if account is None or account.person_id is None:
        abort(403)
    return account.person_id


def current_actor() -> Actor:
    """The actor behind this request, for the audit trail of every act."""
    account = current_account()
    acting = acting_for()
    if account is not None and acting is not None:
        return Actor.agent_for(
            account.id, acting.session.office, acting.citizen.id, acting.session.id
        )
    if account is None or account.person_id is None:
        abort(403)
    return Actor.citizen(account.id, account.person_id)


def current_staff_actor(channel: str) -> Actor:
    """The signed-in staff member, acting in the back office or at a counter."""
    account = current_account()
    if account is None or not is_staff(account) or account.staff is None:
        abort(403)
    return Actor.staff(account.id, channel, account.staff.office)


def refuse_assisted() -> None:
    """For the few citizen pages that are the citizen's alone (their access
    log, the copy of all their data): an agent may not open them."""
    if acting_for() is not None:
        abort(403)
