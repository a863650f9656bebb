"""Form helpers shared by every area."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm

from app.domain.errors import Invalid
from app.web.input_boundary import InputRefused, refusal_status
from app.web.questionnaire_forms import apply_problems


def form_errors(form: FlaskForm | None) -> list[tuple[str, str]]:
    """(anchor id, first message) for each field in error, in page order.

    Radio groups link to their first option, as the GOV.UK error summary does.
    """
    if form is None:
        return []
    # Problems of the whole form come first, and lead to the form's top.
    found: list[tuple[str, str]] = [("main", str(message)) for message in form.form_errors]
    for field in form:
        if field.errors:
            anchor = f"{field.id}-0" if field.type == "RadioField" else field.id
            message: Any = field.errors[0]
            found.append((anchor, str(message)))
    return found


def show_invalid(form: FlaskForm, invalid: Invalid) -> int:
    """Each problem on its field; the status of the page that shows them again:
    the boundary's refusal of what was sent (400, or 200 to htmx), or 200
    for well-formed answers a rule refused."""
    apply_problems(form, invalid.problems)
    return refusal_status() if isinstance(invalid, InputRefused) else 200
