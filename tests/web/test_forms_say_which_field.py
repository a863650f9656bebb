"""Forms that say which field: dates in three fields, messages that name their
question, "too short" said as such, focus targets after the members' swaps."""

from __future__ import annotations

from tests.support.login import login_as
from tests.support.pages import CheckingClient, soup_of, text_of
from tests.support.registration import post_form

MEMBERS = "/household/register/members"


def lookup(client: CheckingClient, data: dict[str, str], language: str = "fr") -> object:
    return post_form(client, f"{MEMBERS}/lookup?lang={language}", data, page=MEMBERS)


def test_a_date_in_three_fields_finds_the_member(client: CheckingClient, demo: None) -> None:
    login_as(client, "amina")
    client.get("/household/register?lang=fr")
    fields = soup_of(client.get(MEMBERS)).select("#birth_date-group input")
    assert [f["name"] for f in fields] == ["birth_date-day", "birth_date-month", "birth_date-year"]
    assert all(f.get("type") == "text" and f.get("inputmode") == "numeric" for f in fields)
    labels = [
        label.get_text() for label in soup_of(client.get(MEMBERS)).select(".date-input label")
    ]
    assert labels == ["Jour", "Mois", "Année"]
    found = lookup(
        client,
        {
            "idcs": "1000000102",
            "birth_date-day": "2",
            "birth_date-month": "7",
            "birth_date-year": "1984",
        },
    )
    assert found.status_code == 302  # type: ignore[attr-defined]
    assert "Est-ce la bonne personne" in text_of(client.get(MEMBERS))


def test_a_wrong_date_part_is_linked_and_kept_as_typed(client: CheckingClient, demo: None) -> None:
    login_as(client, "amina")
    client.get("/household/register?lang=ar")
    response = lookup(
        client,
        {
            "idcs": "1000000102",
            "birth_date-day": "2",
            "birth_date-month": "13",
            "birth_date-year": "1984",
        },
        language="ar",
    )
    page = soup_of(response)  # type: ignore[arg-type]
    assert page.title is not None and page.title.get_text().startswith("خطأ:")
    assert [a["href"] for a in page.select(".error-summary a")] == ["#birth_date-month"]
    month = page.find("input", attrs={"name": "birth_date-month"})
    assert month["value"] == "13" and month["aria-invalid"] == "true"  # type: ignore[index]
    day = page.find("input", attrs={"name": "birth_date-day"})
    assert day["value"] == "2" and day.get("aria-invalid") is None  # type: ignore[union-attr,index]
    # Nothing typed: the summary leads to the day.
    response = lookup(client, {"idcs": "1000000102"}, language="ar")
    assert [a["href"] for a in soup_of(response).select(".error-summary a")] == [  # type: ignore[arg-type]
        "#birth_date-day"
    ]


def test_an_idcs_too_short_is_said_too_short(client: CheckingClient, demo: None) -> None:
    login_as(client, "amina")
    client.get("/household/register?lang=fr")
    response = lookup(client, {"idcs": "100000", "birth_date": "1984-07-02"})
    assert "Cet IDCS est trop court" in text_of(response)  # type: ignore[arg-type]


def test_every_message_of_a_summary_names_its_question(client: CheckingClient, demo: None) -> None:
    login_as(client, "amina")
    client.get("/household/register?lang=fr")
    response = post_form(
        client,
        "/household/register/residence?lang=fr",
        {"continue": "1"},
        page="/household/register/residence",
    )
    links = [a.get_text() for a in soup_of(response).select(".error-summary a")]
    assert "Choisissez l'une des réponses à «\u00a0Région\u00a0»" in links
    assert "Choisissez l'une des réponses à «\u00a0Province ou préfecture\u00a0»" in links
    assert len(links) == len(set(links)) == 5
    response = post_form(
        client,
        "/household/register/housing?lang=ar",
        {"continue": "1"},
        page="/household/register/housing",
    )
    links = [a.get_text() for a in soup_of(response).select(".error-summary a")]
    assert "اختر أحد الأجوبة عن «مصدر الماء الصالح للشرب»" in links
    assert len(links) == len(set(links)) == 9


def test_a_live_check_keeps_the_problems_the_page_shows(client: CheckingClient, demo: None) -> None:
    """The region answered: the province, still unanswered, keeps its message,
    so that it does not drop out of the error summary."""
    login_as(client, "amina")
    client.get("/household/register?lang=fr")
    token = soup_of(client.get("/household/register/residence")).find(
        "input", attrs={"name": "csrf_token"}
    )["value"]  # type: ignore[index]
    response = client.post(
        "/household/register/residence?lang=fr",
        data={"csrf_token": token, "region": "casablanca-settat"},
        headers={
            "HX-Request": "true",
            "HX-Trigger-Name": "region",
            "RSU-Shown-Errors": "region province",
        },
    )
    fragment = soup_of(response)
    assert fragment.select_one("#region-group.form-group--error") is None
    assert fragment.select_one("#province-group.form-group--error") is not None
    assert fragment.select_one("#milieu-group.form-group--error") is None


def test_the_verify_page_says_too_short(client: CheckingClient) -> None:
    page = client.get("/verify?number=1234-5678&lang=fr")
    soup = soup_of(page)
    assert soup.title is not None and soup.title.get_text().startswith("Erreur")
    assert "trop court" in soup.select_one(".error-summary a").get_text()  # type: ignore[union-attr]
    assert "frappe" not in text_of(page)


def test_the_members_swaps_say_where_focus_goes(client: CheckingClient, demo: None) -> None:
    login_as(client, "amina")
    client.get("/household/register?lang=fr")
    token = soup_of(client.get(MEMBERS)).find("input", attrs={"name": "csrf_token"})["value"]  # type: ignore[index]
    headers = {"HX-Request": "true"}
    found = client.post(
        f"{MEMBERS}/lookup",
        data={"csrf_token": token, "idcs": "1000000102", "birth_date-day": "2",
              "birth_date-month": "7", "birth_date-year": "1984"},
        headers=headers,
    )  # fmt: skip
    targets = soup_of(found).select("[data-focus-after-swap]")
    assert [t["id"] for t in targets] == ["found-member-title"]
    added = client.post(
        f"{MEMBERS}/add", data={"csrf_token": token, "relation": "spouse"}, headers=headers
    )
    assert [t["id"] for t in soup_of(added).select("[data-focus-after-swap]")] == ["members-count"]
    assert "Hassan" in soup_of(added).select_one("[role=status]").get_text()  # type: ignore[union-attr]
    remove = soup_of(added).select("form[action$='/remove']")[0]["action"]
    removed = client.post(str(remove), data={"csrf_token": token}, headers=headers)
    status = soup_of(removed).select_one("[role=status]").get_text()  # type: ignore[union-attr]
    assert "Hassan" in status and "retiré" in status
