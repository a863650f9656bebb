"""Hostile input against every route, generated from the route map.

Each example picks a route of ``app.url_map``, a method, who sends it
(anonymous, the declarant youssef, the member fatima, a counter agent acting
for youssef, a reviewer holding a review, a counter supervisor), and one place
to put a hostile value: a path argument, a query parameter or a form field the
route declares (``@accepts``), a name no route reads, an htmx header, or the
CSRF token. The other fields carry plausible answers, and half the time the
form's own hidden fields (its key, its version) fetched from the page first, so
that the value reaches as deep as it can. Values come from Hypothesis
strategies: control and bidi characters, broken UTF-8, 100 KB strings, 5,000
digit numbers, 2^31+1 and negatives, impossible dates, HTML and script,
SQL-looking text.

After every request:
- no 5xx;
- nothing echoed unescaped: no script or event handler of the input's making,
  and none of the refused characters in the page;
- a value the boundary must refuse, in a place the route reads, changed
  nothing in the database; a 4xx changed nothing but the counters that exist
  to count refusals (failed look-ups, wrong codes);
and at the end: no refused character stored anywhere, and ``flask integrity
check`` finds every invariant holding.

``make test`` runs a fixed sample (``FUZZ_EXAMPLES``, 1,200 by default: about
two minutes here); ``make fuzz`` runs a long one and prints how many requests it
sent and how many answered 5xx.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_from_bytes

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from werkzeug.routing import Rule

from app.domain.input_rules import FORM_FIELDS, HEADER_VALUE, text_problem
from app.models import AssistedSession, ConsentCode, Household, ReviewRequest
from app.models.rate_limits import RateLimitCounter
from app.web.input_boundary import EVERY_PAGE_QUERY, accepted_by
from tests.conftest import truncate_all
from tests.support.counter import end_session, enter_code, latest_code, search, send_code
from tests.support.db_state import changed_tables, fingerprint
from tests.support.integrity import assert_integrity
from tests.support.login import login_as
from tests.support.pages import CheckingClient, csrf_token_in
from tests.support.registration import ADULT, EQUIPMENT, HOUSING, RESIDENCE, SPENDING
from tests.support.reviews import PDF, file_review, post_on_case
from tests.support.routes import SHAPED, converter_of

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "1200"))
# make test draws the same sample every time; make fuzz draws a new one each run.
RANDOM = os.environ.get("FUZZ_RANDOM") == "1"
SUMMARY = Path(__file__).resolve().parents[2] / "test-artifacts" / "fuzz-summary.txt"
ROLES = ("anonymous", "youssef", "fatima", "agent.salma", "reviewer.omar", "supervisor.latifa")
# The world is rebuilt this often, so that what the fuzz did (a household
# deregistered, a review decided) does not narrow what the next examples reach.
REBUILD_EVERY = 250

# Plausible answers for every field, so that the hostile one goes as deep as it can.
PLAUSIBLE: dict[str, str] = {
    **RESIDENCE,
    **HOUSING,
    **EQUIPMENT,
    "cattle": "2",
    "sheep_goats": "10",
    "farm_land_ha": "1.5",
    "tractors": "0",
    **SPENDING,
    **ADULT,
    "relation": "child",
    "in_school": "yes",
    "idcs": "1000000102",
    "birth_date": "1984-07-02",
    "member": "1",
    "reason": "declaration_error",
    "explanation": "Le loyer déclaré est faux.",
    "decision_reason": "Les pièces justifient la décision.",
    "honour": "y",
    "consent": "y",
    "understood": "",  # a deregistration only when the fuzz sends it
    "code": "123456",
    "kind": "registration",
    "id_type": "cnie",
    "number": "AB123456",
    "cnie": "AB123456",
    "expires_on": "2031-06-30",
    "note": "Téléphone perdu.",
    "outcome": "confirmed",
    "comment": "Vu.",
    "next": "/me",
    "continue": "1",
    "cancel": "",
    "base_version": "1",
    "submission_key": "",
    "lang": "fr",
    "return": "check",
    "page": "1",
    "mine": "1",
    "status": "open",
    "region": "casablanca-settat",
    "due": "soon",
    "state": "x",
    "error": "",
    "iss": "",
    "language": "fr",
}
assert set(FORM_FIELDS) - {"csrf_token"} <= set(PLAUSIBLE), set(FORM_FIELDS) - set(PLAUSIBLE)

# -- hostile values ------------------------------------------------------------------------

CONTROLS = [
    chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0))
]
BIDI = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]
BROKEN_UTF8 = [b"\xff", b"\xc3\x28", b"\xe2\x82", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf8\x88\x80"]


@dataclass(frozen=True)
class Hostile:
    """A value to send, and whether the boundary must refuse it wherever a route reads it."""

    value: str | bytes
    refused: bool


def _around(middle: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(lambda a, m, b: a + m + b, st.text(max_size=12), middle, st.text(max_size=12))


hostile_values: st.SearchStrategy[Hostile] = st.one_of(
    _around(st.sampled_from(CONTROLS)).map(lambda v: Hostile(v, True)),
    _around(st.sampled_from(BIDI)).map(lambda v: Hostile(v, True)),
    st.builds(
        lambda a, bad, b: Hostile(a.encode() + bad + b.encode(), True),
        st.text(alphabet="abc123", max_size=8),
        st.sampled_from(BROKEN_UTF8),
        st.text(alphabet="abc123", max_size=8),
    ),
    st.sampled_from(["a", "٣", "é", "<", "9"]).map(lambda c: Hostile(c * 100_000, True)),
    st.sampled_from(["9" * 5000, "1" + "0" * 4999]).map(lambda v: Hostile(v, True)),
    st.sampled_from(
        [str(2**31 + 1), str(2**31), "-1", str(-(2**31) - 1), "0", "-0", "00000000001", "²", "1e9"]
    ).map(lambda v: Hostile(v, False)),
    st.sampled_from(["0000-00-00", "9999-12-31", "2024-02-30", "31/12/99999", "1899-12-31"]).map(
        lambda v: Hostile(v, False)
    ),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            '"><img src=x onerror=alert(1)>',
            "<b onmouseover=alert(1)>x</b>",
            "javascript:alert(1)",
            "{{ 7*7 }}",
            "' OR 1=1 --",
            "1; DROP TABLE households;--",
            "%' AND '1'='1",
            "\\",
            "../../etc/passwd",
        ]
    ).map(lambda v: Hostile(v, False)),
    st.text(max_size=40).map(lambda v: Hostile(v, False)),
)

# -- the world the fuzz runs in ------------------------------------------------------------------


@dataclass
class World:
    app: Flask
    clients: dict[str, CheckingClient]
    tokens: dict[str, str]
    paths: dict[str, str]  # real values for path arguments
    examples: int = 0
    sent: int = 0
    server_errors: list[str] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)


def _build(app: Flask, world: World | None = None) -> World:
    from app.services.demo import seed_demo_people

    truncate_all(app)
    session: Session = app.extensions["rsu_db"]()
    try:
        seed_demo_people(session)
        clients = {role: app.test_client() for role in ROLES}
        for role, client in clients.items():
            assert isinstance(client, CheckingClient)
            if role != "anonymous":
                login_as(client, role)
        # A review request, taken by the reviewer.
        youssef, reviewer = clients["youssef"], clients["reviewer.omar"]
        filed = file_review(youssef, [("a.pdf", PDF)])
        number = filed.headers["Location"].rsplit("/", 1)[-1]
        assert post_on_case(reviewer, number, "take").status_code == 302
        # A session opened on a card, ended, for the supervisor to check.
        agent = clients["agent.salma"]
        token = csrf_token_in(agent.get("/counter"))
        assert search(agent, "AB123456").status_code == 302
        check = {"csrf_token": token, "cnie": "AB123456", "expires_on": "2031-06-30",
                 "reason": "no_phone"}  # fmt: skip
        assert agent.post("/counter/citizen/identity-check", data=check).status_code == 302
        end_session(agent)
        checked = session.scalar(select(AssistedSession.id))
        # Then the agent acts for youssef, by code: the citizen's pages are theirs too.
        assert search(agent, "AB123456").status_code == 302
        assert send_code(agent).status_code == 302
        assert enter_code(agent, latest_code(session)).status_code == 302
        token_pages = {"anonymous": "/login", "youssef": "/privacy", "fatima": "/privacy",
                       "agent.salma": "/counter", "supervisor.latifa": "/counter",
                       "reviewer.omar": f"/backoffice/reviews/{number}"}  # fmt: skip
        tokens = {role: csrf_token_in(c.get(token_pages[role])) for role, c in clients.items()}
        paths = {"number": number, "session_id": str(checked), "document_id": "1"}
    finally:
        session.close()
    fresh = World(app, clients, tokens, paths)
    if world is not None:
        fresh.examples, fresh.sent = world.examples, world.sent
        fresh.server_errors, fresh.statuses = world.server_errors, world.statuses
    return fresh


@pytest.fixture(scope="module")
def world(app: Flask) -> Iterator[World]:
    built = _build(app)
    yield built
    classes = ", ".join(f"{n} {c}" for c, n in sorted(built.statuses.items()))
    summary = (
        f"fuzz: {built.examples} examples, {built.sent} requests sent, "
        f"{len(built.server_errors)} answered 5xx (the examples answered {classes})"
    )
    SUMMARY.parent.mkdir(parents=True, exist_ok=True)
    SUMMARY.write_text(summary + "\n")
    print(f"\n{summary}")
    truncate_all(app)


def _still_whole(world: World) -> bool:
    """The people still signed in, youssef's household still registered, the review open."""
    with world.app.extensions["rsu_db"]() as session:
        household = session.scalar(select(Household).order_by(Household.id).limit(1))
        review = session.scalar(select(ReviewRequest.status))
    alive = all(c.get_cookie("rsu_session") for r, c in world.clients.items() if r != "anonymous")
    return alive and household is not None and household.status == "active" and review != "decided"


# -- building one request ----------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    rule: Rule
    method: str
    role: str
    place: str  # path, query, form, header, csrf
    name: str
    hostile: Hostile
    fetch_form_first: bool


def _routes(app: Flask) -> list[tuple[Rule, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.rule.startswith("/test/"):
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((rule, method))
    return found


@st.composite
def cases(draw: st.DrawFn, app: Flask) -> Case:
    rule, method = draw(st.sampled_from(_routes(app)))
    accepted = accepted_by(app.view_functions[rule.endpoint])
    places: list[tuple[str, str]] = [("path", name) for name in sorted(rule.arguments)]
    places += [("query", name) for name in sorted({*accepted.query, *EVERY_PAGE_QUERY})]
    places += [("query", "unread"), ("header", "HX-Trigger-Name"), ("header", "HX-Request")]
    if method == "POST":
        places += [("form", name) for name in sorted(accepted.form)]
        places += [("form", "unread"), ("csrf", "csrf_token")]
    place, name = draw(st.sampled_from(places))
    hostile = draw(hostile_values)
    if place == "header":
        # Servers refuse line breaks and NULs in headers before the portal sees them,
        # and headers are read as Latin-1: what is left may be a fine header.
        raw = hostile.value
        value = raw.decode("latin-1") if isinstance(raw, bytes) else raw
        value = re.sub(r"[\r\n\x00]", "", value)[:8000]
        hostile = Hostile(value, text_problem(value, HEADER_VALUE) is not None)
    return Case(
        rule, method, draw(st.sampled_from(ROLES)), place, name, hostile, draw(st.booleans())
    )


def _encode(value: str | bytes) -> str:
    return quote_from_bytes(value, safe="") if isinstance(value, bytes) else quote(value, safe="")


def _path(case: Case, world: World) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(2)
        if case.place == "path" and name == case.name:
            return _encode(case.hostile.value)
        if name in world.paths and converter_of(case.rule, name) != "certificate_number":
            return world.paths[name]
        return {"kind": "housing"}.get(name) or SHAPED.get(converter_of(case.rule, name), "x")

    return re.sub(r"<(?:([a-z_]+)(?:\([^)]*\))?:)?([a-z_]+)>", value, case.rule.rule)


def _hidden_fields(client: CheckingClient, path: str) -> dict[str, str]:
    page = client.get(path)
    if page.status_code != 200 or page.mimetype != "text/html":
        return {}
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    return {
        str(i["name"]): str(i.get("value", ""))
        for i in soup.find_all("input", attrs={"type": "hidden"})
        if i.get("name")
    }


def _send(case: Case, world: World) -> Any:
    client = world.clients[case.role]
    path = _path(case, world)
    accepted = accepted_by(world.app.view_functions[case.rule.endpoint])
    query = {name: PLAUSIBLE[name] for name in accepted.query if name in PLAUSIBLE}
    pairs: list[str] = [f"{k}={_encode(v)}" for k, v in query.items() if k != case.name]
    if case.place == "query":
        pairs.append(f"{case.name}={_encode(case.hostile.value)}")
    headers = {"Accept-Language": "fr"}
    if case.place == "header":
        headers[case.name] = str(case.hostile.value)
    body = None
    if case.method == "POST":
        fields = {name: PLAUSIBLE.get(name, "") for name in accepted.form}
        fields["csrf_token"] = world.tokens[case.role]
        if case.fetch_form_first and "GET" in (case.rule.methods or set()):
            fields.update(_hidden_fields(client, path))
            world.sent += 1
        parts = [f"{k}={_encode(v)}" for k, v in fields.items() if k != case.name]
        if case.place in ("form", "csrf"):
            parts.append(f"{case.name}={_encode(case.hostile.value)}")
        body = "&".join(parts).encode()
    world.sent += 1
    return client.open(
        path,
        method=case.method,
        query_string="&".join(pairs),
        data=body,
        content_type="application/x-www-form-urlencoded" if body is not None else None,
        headers=headers,
    )


# -- what must hold ---------------------------------------------------------------------------------

REFUSED_CHARACTERS = re.compile("[\x00\u202a-\u202e\u2066-\u2069]")
# Counting refusals is what these exist for (rate limits, wrong consent codes).
REFUSAL_COUNTERS = {RateLimitCounter.__tablename__, ConsentCode.__tablename__}


def _no_unescaped_echo(response: Any) -> None:
    if response.mimetype != "text/html":
        return
    html = response.get_data(as_text=True)
    assert not REFUSED_CHARACTERS.search(html), "a refused character is in the page"
    soup = BeautifulSoup(html, "html.parser")
    for script in soup.find_all("script"):
        assert str(script.get("src", "")).startswith("/static/"), f"a script: {script}"
    for element in soup.find_all(True):
        handlers = [name for name in element.attrs if name.lower().startswith("on")]
        assert not handlers, f"an event handler: {element}"


def _reads_it(case: Case, world: World) -> bool:
    """The place is one the route reads, so the boundary must refuse a hostile value there."""
    accepted = accepted_by(world.app.view_functions[case.rule.endpoint])
    if case.place == "path" or case.place == "csrf":
        return case.place == "path" or case.method == "POST"
    if case.place == "query":
        return case.name in accepted.query or case.name in EVERY_PAGE_QUERY
    if case.place == "form":
        return case.method == "POST" and case.name in accepted.form
    return case.name == "HX-Trigger-Name" or case.name == "HX-Request"


def _changes_besides_counters(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return [t for t in changed_tables(before, after) if t not in REFUSAL_COUNTERS]


@pytest.mark.usefixtures("oidc_provider")
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=not RANDOM,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_hostile_input_on_every_route(world: World, data: st.DataObject) -> None:
    if (world.examples and world.examples % REBUILD_EVERY == 0) or not _still_whole(world):
        world.__dict__.update(_build(world.app, world).__dict__)
    world.examples += 1
    case = data.draw(cases(world.app))
    with world.app.extensions["rsu_db"]() as session:
        before = fingerprint(session)
        response = _send(case, world)
        after = fingerprint(session)
    where = (case.method, case.rule.rule, case.role, case.place, case.name, response.status_code)
    world.statuses[f"{response.status_code // 100}xx"] += 1
    if response.status_code >= 500:
        world.server_errors.append(repr(where))
    assert response.status_code < 500, where
    _no_unescaped_echo(response)
    if case.hostile.refused and _reads_it(case, world):
        assert changed_tables(before, after) == [], where
    elif 400 <= response.status_code < 500:
        assert _changes_besides_counters(before, after) == [], where
    if case.rule.endpoint == "auth.logout" and case.method == "POST":
        world.clients[case.role].delete_cookie("rsu_session")  # rebuilt before the next


def test_after_the_fuzz_nothing_refused_is_stored_and_the_register_holds(
    world: World, db_scan: None
) -> None:
    assert world.server_errors == []
    assert_integrity(world.app)


@pytest.fixture
def db_scan(world: World) -> None:
    """No refused character in any text the database holds (JSON escapes included)."""
    controls = r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffd]"
    escaped = r"\\u(000[0-8bcef]|001[0-9a-f]|007f|008[0-9a-f]|009[0-9a-f]|202[a-e]|206[6-9]|fffd)"
    from app.db import Base

    with world.app.extensions["rsu_db"]() as session:
        for table in Base.metadata.sorted_tables:
            found = session.scalar(
                text(f"SELECT count(*) FROM {table.name} t WHERE t::text ~ :a OR t::text ~* :b"),
                {"a": controls, "b": escaped},
            )
            assert found == 0, table.name
