"""Forms of the counter desk. They render and carry CSRF; the services decide."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from app.domain.identity_check import IDENTITY_CHECK_REASONS
from app.web import labels
from app.web.forms import DatePartsField


class SearchForm(FlaskForm):
    id_type = RadioField(
        _l("Which card does the citizen show?"),
        choices=[
            SelectChoice("cnie", _l("CNIE (national ID card)")),
            SelectChoice("idcs", _l("IDCS")),
        ],
        default="cnie",
    )
    number = StringField(
        _l("Number, exactly as on the card"),
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code read out by the citizen"),
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": "7"},
    )


class IdentityCheckForm(FlaskForm):
    cnie = StringField(
        _l("CNIE number, as printed on the card"),
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )
    expires_on = DatePartsField(_l("Expiry date printed on the card"))
    reason = RadioField(
        _l("Why no code by SMS?"),
        choices=[SelectChoice(r, labels.IDENTITY_CHECK_REASONS[r]) for r in IDENTITY_CHECK_REASONS],
    )
    note = TextAreaField(_l("Details (required for another reason)"), render_kw={"rows": 3})


class SupervisionForm(FlaskForm):
    outcome = RadioField(
        _l("Your check"),
        choices=[
            SelectChoice("confirmed", _l("In order: the reason is credible and the acts fit it")),
            SelectChoice("problem", _l("Not in order: I report a problem")),
        ],
    )
    comment = TextAreaField(_l("Comment (required when you report a problem)"),
                            render_kw={"rows": 4, "maxlength": "1000"})  # fmt: skip
