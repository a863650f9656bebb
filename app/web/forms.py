"""Form helpers shared by every area."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm


def form_errors(form: FlaskForm | None) -> list[tuple[str, str, str]]:
    """(anchor id, first message, field id) for each field in error, in page order.

    The field id lets a live check take a fixed field out of the summary; it is
    empty for a problem of the whole form.

    Radio groups link to their first option, as the GOV.UK error summary does.
    """
    if form is None:
        return []
    # Problems of the whole form come first, and lead to the form's top.
    found: list[tuple[str, str, str]] = [("main", str(message), "") for message in form.form_errors]
    for field in form:
        if field.errors:
            anchor = f"{field.id}-0" if field.type == "RadioField" else field.id
            message: Any = field.errors[0]
            found.append((anchor, str(message), field.id))
    return found
