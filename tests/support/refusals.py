"""What a refusal page must be: a 4xx, in the language asked for, never a stack trace."""

from __future__ import annotations

from flask import Flask
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.test import TestResponse

from app.i18n import FORMAT_LOCALES
from app.web.errors import ERROR_TEXTS
from tests.support.pages import soup_of

LANGUAGES = ("ar", "fr")


def translated(app: Flask, language: str, text: object) -> str:
    with app.test_request_context("/"), force_locale(FORMAT_LOCALES[language]):
        return _(str(text)) if isinstance(text, str) else str(text)


def assert_refused(app: Flask, response: TestResponse, language: str, status: int = 400) -> None:
    """A 4xx page in ``language``: an error page, or a form shown again with "Error:"."""
    assert response.status_code == status, (response.status_code, response.get_data()[:300])
    page = soup_of(response)
    assert page.html is not None and page.html.get("lang") == language
    title = page.title.get_text() if page.title else ""
    error_titles = {translated(app, language, texts[0]) for texts in ERROR_TEXTS.values()}
    assert title.startswith(translated(app, language, "Error:")) or any(
        title.startswith(t) for t in error_titles
    ), title
    assert "Traceback" not in response.get_data(as_text=True)
    assert "Content-Security-Policy" in response.headers
