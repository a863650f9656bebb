"""On Arabic pages, every value of the other direction is isolated.

The pages people read are rendered in Arabic, and each text that looks like
a known identifier (numbers in groups, RSU and review numbers, IDCS, phone
numbers, dates in figures, decree and law numbers) or a run of Latin words
(a name, an address) must stand inside an isolating element: ``<bdi>`` or
an element with its own ``dir``. Outside one, the bidirectional algorithm
reorders it (see app/web/bidi.py).
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from app.web.bidi import forward_arrow, isolate
from tests.support.login import login_as
from tests.support.tour import prepare

IDENTIFIER = re.compile(
    r"\d+(?:[-/ ]\d+)+"  # groups joined by hyphens, slashes or spaces: 2-21-582, 31/12/2030
    r"|\+?\d{9,}"  # IDCS, phone numbers
    r"|(?:\d+ )?[A-Za-z]+[0-9]*(?:[-,.' ]+[A-Za-z0-9]+)+"  # Latin words in a row: names, addresses, RSU-…
)


ISOLATED_TEXT = re.compile("\u200e[^\u200e]*\u200e")


def unisolated(html: str) -> list[str]:
    """Identifier-like texts of the page's body that no isolating element
    holds, and of its title that no pair of left-to-right marks holds."""
    soup = BeautifulSoup(html, "html.parser")
    body = soup.body or soup
    found = []
    if soup.title is not None:
        title = ISOLATED_TEXT.sub("", soup.title.get_text())
        found += [m.group(0) for m in IDENTIFIER.finditer(title)]
    for text in body.find_all(string=True):
        if not isinstance(text, NavigableString) or text.parent is None:
            continue
        if text.parent.name in ("script", "style"):
            continue
        isolated = any(
            parent.name == "bdi" or (parent.has_attr("dir") and parent.name != "html")
            for parent in text.parents
        )
        if isolated:
            continue
        found += [m.group(0) for m in IDENTIFIER.finditer(str(text))]
    return found


def test_the_check_finds_what_it_looks_for() -> None:
    page = "<html dir='rtl'><body><p>المرسوم 2-21-582 و <bdi dir='ltr'>09-08</bdi></p>"
    page += "<p>12 rue Al Massira</p><p><span dir='ltr'>+212661234567</span> 1000000201</p>"
    assert unisolated(page) == ["2-21-582", "12 rue Al Massira", "1000000201"]
    titled = "<html><head><title>طلب REV-2026-000001 \u200eREV-2026-000002\u200e</title></head>"
    assert unisolated(titled + "<body></body></html>") == ["REV-2026-000001"]


def test_isolate_escapes_and_chooses_the_direction() -> None:
    assert isolate("<b>") == '<bdi dir="ltr">&lt;b&gt;</bdi>'
    assert isolate("12 rue", "auto") == '<bdi dir="auto">12 rue</bdi>'
    assert isolate(None) == "" and isolate("") == ""
    assert isolate("2-21-582", text=True) == "\u200e2-21-582\u200e"
    assert forward_arrow("rtl") == "←" and forward_arrow("ltr") == "→"


PAGES = {
    None: ["/", "/guide/idcs", "/verify", "/verify?number=1234+5678", "/login"],
    "youssef": [
        "/me",
        "/household",
        "/household/versions/1",
        "/household/versions/2",
        "/household/changes/new",
        "/household/changes/phone",
        "/household/changes/residence",
        "/household/deregister",
        "/score",
        "/certificates",
        "/privacy",
        "/privacy/my-data",
        "/reviews/new",
    ],
    "karim": ["/me"],
    "reviewer.omar": ["/backoffice", "/backoffice/reviews"],
    "supervisor.latifa": ["/counter/supervision"],
    "agent.salma": ["/counter"],
    "amina": [
        "/me",
        "/household/register",
        "/household/register/residence",
        "/household/register/members",
        "/household/register/details",
        "/household/register/check",
    ],
}


def test_arabic_pages_isolate_every_identifier(
    client: FlaskClient, demo: None, db: Session
) -> None:
    data = prepare(client, db)
    pages = {subject: list(paths) for subject, paths in PAGES.items()}
    pages[None].append(f"/verify/{data['certificate']}")
    pages["youssef"].append(f"/reviews/{data['review']}")
    pages["reviewer.omar"].append(f"/backoffice/reviews/{data['review']}")
    pages["supervisor.latifa"].append(f"/counter/supervision/{data['session']}")
    pages["amina"].append(f"/household/register/details/{data['member']}")
    problems = []
    for subject, paths in pages.items():
        client.delete_cookie("rsu_session")
        if subject is not None:
            login_as(client, subject)
        for path in paths:
            response = client.get(path, headers={"Cookie": "lang=ar"})
            assert response.status_code == 200, (subject, path, response.status_code)
            problems += [f"{path} ({subject}): {t}" for t in unisolated(response.text)]
    assert problems == [], "\n".join(problems)
