"""/score opens with the score on its scale: server-rendered SVG, before any
table, with its words, running the way each language reads."""

from __future__ import annotations

import pytest

from tests.support.login import login_as
from tests.support.pages import CheckingClient, soup_of, text_of


def marks(page: object) -> tuple[float, dict[str, float]]:
    """The household's x and each threshold's x, from the picture itself."""
    svg = soup_of(page).find("svg", class_="score-scale")  # type: ignore[arg-type]
    household = float(svg.find("circle")["cx"])
    thresholds = {
        text.get_text(): float(text.find_previous("line", class_="score-scale__threshold")["x1"])
        for text in svg.select("g text[direction=ltr]")
    }
    return household, thresholds


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_picture_comes_first_and_says_it_in_words(
    client: CheckingClient, demo: None, language: str
) -> None:
    login_as(client, "youssef")
    page = client.get(f"/score?lang={language}")
    soup = soup_of(page)
    svg = soup.find("svg", class_="score-scale")
    assert svg is not None and svg.find_previous("table") is None
    assert soup.find("script", src=lambda s: s and "score" in s) is None
    words = soup.find(id=svg["aria-labelledby"])
    assert svg["role"] == "img" and words is not None
    assert len(words.find_all("li")) == 3
    expected = {"fr": "AMO Tadamon admet les indices", "ar": "المؤشرات التي تساوي"}
    assert expected[language] in words.get_text()
    assert "pmt-2026-01-illustrative" not in text_of(page)


def test_the_scale_runs_from_the_start_of_the_line(client: CheckingClient, demo: None) -> None:
    """Low scores at the left in French, at the right in Arabic (docs/score-scale.md)."""
    login_as(client, "youssef")
    french_household, french = marks(client.get("/score?lang=fr"))
    arabic_household, arabic = marks(client.get("/score?lang=ar"))
    # youssef's 9.2355063 is under both thresholds, so before them on the line.
    assert french_household < french["9,3264284"] < french["9,743001"]
    assert arabic_household > arabic["9,3264284"] > arabic["9,743001"]
