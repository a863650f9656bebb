"""/score: the household's score, eligibility, explanation and history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.domain.scoring.model import load_model
from app.models import Person, Score
from app.services.scoring import DEFAULT_MODEL_FILE
from tests.support.login import login_as
from tests.support.pages import CheckingClient, soup_of, text_of


def test_youssef_sees_his_score_in_french(client: CheckingClient, demo: None) -> None:
    login_as(client, "youssef")
    page = client.get("/score?lang=fr")
    assert page.status_code == 200
    text = text_of(page)
    assert "9,2355063" in text  # 7 decimals, French decimal comma
    assert "9,3264284" in text and "9,743001" in text
    assert "AMO Tadamon" in text
    assert "Éligible" in text and "Non éligible" in text  # Tadamon and ASD yes, Achamil no
    assert "Ce qui a le plus augmenté votre indice" in text
    assert "Ce qui a le plus baissé votre indice" in text
    assert "Votre ménage compte 5 membres" in text
    assert "du Registre National de la Population (RNP)" in text
    assert "Inscription" in text  # the history's reason
    assert soup_of(page).find("a", href="/reviews/new") is not None


def test_youssef_sees_his_score_in_arabic(client: CheckingClient, demo: None) -> None:
    login_as(client, "youssef")
    page = client.get("/score?lang=ar")
    text = text_of(page)
    assert "9,2355063" in text
    assert "9,3264284" in text and "9,743001" in text
    assert "تضامن" in text
    assert "مؤهل" in text and "غير مؤهل" in text


def _written(number: Decimal) -> set[str]:
    """How a coefficient could appear: with or without its sign, with a point or a comma."""
    plain = format(abs(number).normalize(), "f")
    return {plain, plain.replace(".", ",")}


def test_the_page_shows_no_coefficient(client: CheckingClient, demo: None) -> None:
    # Read from the model the household was scored with, so that the check
    # follows the model: citizens see facts and their effect, not the formula.
    model = load_model(DEFAULT_MODEL_FILE)
    milieu = model.milieus["urban"]  # youssef's household lives in town
    numbers = {c for c in milieu.coefficients.values() if abs(c) >= Decimal("0.01")}
    assert len(numbers) > 10
    login_as(client, "youssef")
    body = client.get("/score?lang=fr").get_data(as_text=True)
    shown = [n for n in numbers if any(w in body for w in _written(n) if len(w) > 4)]
    assert shown == []
    assert _written(milieu.intercept).isdisjoint(body.split())


def test_an_adult_member_can_read_the_score(client: CheckingClient, demo: None) -> None:
    login_as(client, "fatima")
    page = client.get("/score?lang=fr")
    assert page.status_code == 200 and "9,2355063" in text_of(page)


def test_a_minor_member_cannot(client: CheckingClient, demo: None, db: Session) -> None:
    fatima = db.scalar(select(Person).where(Person.idcs == "1000000202"))
    assert fatima is not None
    fatima.birth_date = date.today().replace(year=date.today().year - 16)
    db.commit()
    login_as(client, "fatima")
    assert client.get("/score").status_code == 403


def test_a_household_not_scored_yet(client: CheckingClient, demo: None, db: Session) -> None:
    """Its household found (one query reads the household with its scores),
    but no score: the page says so."""
    db.execute(delete(Score))
    db.commit()
    login_as(client, "youssef")
    page = client.get("/score?lang=fr")
    assert page.status_code == 200
    text = text_of(page)
    assert "Votre ménage n'a pas encore d'indice" in text and "9,2355063" not in text


def test_someone_without_a_household_sees_no_score(client: CheckingClient, demo: None) -> None:
    login_as(client, "amina")
    page = client.get("/score?lang=fr")
    assert page.status_code == 200
    text = text_of(page)
    assert "Pas encore de ménage" in text and "9,2355063" not in text


def test_another_households_score_is_unreachable(
    client: CheckingClient, demo: None, db: Session
) -> None:
    from app.services.rescoring import score_seeded_households
    from app.services.synthetic_population import seed_synthetic_population

    seed_synthetic_population(
        db, 20, seed=3, as_of=date.today(), after_chunk=score_seeded_households, workers=1
    )
    login_as(client, "amina")
    # /score takes no household parameter: it is always the signed-in person's own.
    for attempt in ("/score?household=1", "/score?rsu=RSU-000000018", "/score/1"):
        response = client.get(attempt)
        assert "9,2355063" not in response.get_data(as_text=True)


def test_staff_and_anonymous_visitors(client: CheckingClient, demo: None) -> None:
    assert client.get("/score").status_code == 302
    login_as(client, "reviewer.omar")
    assert client.get("/score").status_code == 403
