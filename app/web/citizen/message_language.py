"""The language of a person's SMS and emails: chosen on /me, through a form.

Switching the page language (the link, ``?lang=``) sets only the browser's
cookie; what the portal stores about a person changes only by this POST.
"""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice

from app.domain.errors import DomainError
from app.extensions import db
from app.services.accounts import set_message_language
from app.web.access import Rule, access, acting_for, current_actor
from app.web.citizen import bp
from app.web.input_boundary import accepts, answer


class MessageLanguageForm(FlaskForm):
    language = RadioField(
        _l("Language of the SMS and emails we send you"),
        # Each language named in itself: someone who cannot read the page still finds theirs.
        choices=[SelectChoice("ar", "العربية"), SelectChoice("fr", "Français")],
    )


def message_language_form(current: str | None) -> MessageLanguageForm:
    return MessageLanguageForm(formdata=None, language=current or "ar")


@bp.post("/me/message-language")
@access(Rule.CITIZEN)
@accepts(form=("language",))
def message_language() -> Response:
    if acting_for() is not None:
        abort(403)  # the citizen's own choice, never an agent's at the counter
    try:
        set_message_language(db.session, current_actor(), answer("language"))
    except DomainError:  # not a language we write in, or refused at the input boundary
        abort(400)
    flash("message_language_saved", "success")
    return redirect(url_for("citizen.me"))
