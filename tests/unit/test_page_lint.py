"""The page lint can fail: each of its title rules, on a page made to break it."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import DictLoader, Environment, TemplateRuntimeError

from tests.support.pages import PageProblem, check_html

PAGE = (
    '<!doctype html><html lang="fr" dir="ltr"><head><title>{title}</title></head>'
    '<body><main id="main">{body}</main></body></html>'
)
SUMMARY = '<div class="error-summary"><a href="#x">Saisissez le nombre de pièces</a></div>'


def test_a_title_of_its_own_passes() -> None:
    check_html(PAGE.format(title="Votre logement – Registre Social Unifié", body=""))


@pytest.mark.parametrize(
    ("title", "body"),
    [
        (" – Registre Social Unifié", ""),  # only the portal's name
        ("Erreur : – Registre Social Unifié", SUMMARY),  # only the error prefix
        ("Votre logement – Registre Social Unifié", SUMMARY),  # errors, but no "Erreur :"
    ],
)
def test_a_title_that_says_nothing_or_hides_an_error_fails(title: str, body: str) -> None:
    with pytest.raises(PageProblem):
        check_html(PAGE.format(title=title, body=body))


def test_a_page_without_its_title_block_does_not_render() -> None:
    """base.html makes the title block required: a page cannot forget it."""
    base = (Path(__file__).resolve().parents[2] / "app/templates/base.html").read_text("utf-8")
    title_line = next(line for line in base.splitlines() if "block title" in line)
    assert "block title required" in title_line
    env = Environment(
        autoescape=True,
        loader=DictLoader(
            {
                "base.html": "<title>{% block title required %}{% endblock %}</title>",
                "page.html": '{% extends "base.html" %}',
            }
        ),
    )
    with pytest.raises(TemplateRuntimeError):
        env.get_template("page.html").render()
