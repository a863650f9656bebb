"""Forms of review requests: the citizen's request and the reviewer's decisions.

They render fields and carry the CSRF token; the rules are the services'.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, MultipleFileField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice

from app.domain import uploads
from app.models.reviews import REVIEW_REASONS
from app.web import labels

ACCEPTED_FILES = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class ReviewRequestForm(FlaskForm):
    reason = RadioField(
        _l("Why do you ask for a review?"),
        choices=[SelectChoice(code, labels.REVIEW_REASONS[code]) for code in REVIEW_REASONS],
    )
    explanation = TextAreaField(_l("Explain what is wrong"), render_kw={"rows": 6})
    documents = MultipleFileField(
        _l("Supporting documents (optional)"), render_kw={"accept": ACCEPTED_FILES}
    )
    submission_key = HiddenField()


class DecisionReasonForm(FlaskForm):
    """The written reason every decision carries."""

    decision_reason = TextAreaField(
        _l("Reason for the decision (the citizen will read it)"), render_kw={"rows": 4}
    )


class QueueFilterForm(FlaskForm):
    """Filters of the reviewers' queue, sent with GET: no CSRF token needed."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"))
    reason = SelectField(_l("Reason"))
    region = SelectField(_l("Region"))
    due = SelectField(_l("Due date"))


MAX_FILES = uploads.MAX_FILES
MAX_FILE_MB = uploads.MAX_FILE_BYTES // (1024 * 1024)
