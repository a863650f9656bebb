"""Checks every HTML page the tests receive, so that no page slips through
without a title, with a duplicate id, a form without action or method, a
wrong language direction, or an error summary under a title that does not
start with "Error:" or with two links that read the same."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

DIRECTIONS = {"ar": "rtl", "fr": "ltr"}
# What a page's title starts with while it shows an error summary (GOV.UK):
# a screen reader says the title first. French puts a space before the colon.
ERROR_TITLES = {"ar": re.compile(r"خطأ:"), "fr": re.compile(r"Erreur[ \u00a0\u202f]?:")}
ERROR_PREFIX = re.compile(r"^(خطأ:|Erreur[ \u00a0\u202f]?:)\s*")


class PageProblem(AssertionError):
    pass


def check_html(html: str, *, fragment: bool = False) -> BeautifulSoup:
    soup = BeautifulSoup(html, "html.parser")
    problems = []
    if not fragment:
        lang = None
        root = soup.find("html")
        if root is None:
            problems.append("no <html> element")
        else:
            lang, direction = root.get("lang"), root.get("dir")
            if lang not in DIRECTIONS:
                problems.append(f"<html lang> is {lang!r}")
            elif direction != DIRECTIONS[lang]:
                problems.append(f"<html dir> is {direction!r} for lang {lang!r}")
        title = soup.find("title")
        # The page's own words come before the portal's name, which base.html adds to all.
        own = title.get_text(strip=True).rpartition(" – ")[0] if title is not None else ""
        if not ERROR_PREFIX.sub("", own).strip():
            problems.append(f"no title of the page's own: {title!s}")
        elif soup.select_one(".error-summary") and lang in ERROR_TITLES:
            text = title.get_text(strip=True)
            if not ERROR_TITLES[lang].match(text):
                problems.append(f"an error summary under the title {text!r}")
    ids = Counter(str(tag["id"]) for tag in soup.find_all(id=True))
    duplicates = sorted(i for i, n in ids.items() if n > 1)
    if duplicates:
        problems.append(f"duplicate ids: {duplicates}")
    for summary in soup.select(".error-summary"):
        links = Counter(a.get_text(" ", strip=True) for a in summary.find_all("a"))
        same = sorted(text for text, n in links.items() if n > 1)
        if same:
            problems.append(f"error summary links that read the same: {same}")
    for form in soup.find_all("form"):
        if not form.get("action") or not form.get("method"):
            problems.append(f"form without action or method: {str(form)[:120]}")
    if problems:
        raise PageProblem("; ".join(problems))
    return soup


class CheckingClient(FlaskClient):
    """A Flask test client that checks every HTML response it gets."""

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        response = super().open(*args, **kwargs)
        if response.mimetype == "text/html" and not (300 <= response.status_code < 400):
            request_headers = response.request.headers
            check_html(
                response.get_data(as_text=True),
                fragment=request_headers.get("HX-Request") == "true",
            )
        return response


def soup_of(response: TestResponse) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def csrf_token_in(response: TestResponse) -> str:
    field = soup_of(response).find("input", attrs={"name": "csrf_token"})
    assert field is not None, "no CSRF token on the page"
    return str(field["value"])


def text_of(response: TestResponse) -> str:
    """The visible text of a page, whitespace collapsed."""
    return " ".join(soup_of(response).get_text(" ").split())
