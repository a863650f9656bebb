"""Forms of the household questionnaire, shared by every area that edits a household.

They render fields and carry the CSRF token; they do not validate. Every
rule lives in ``app.domain.validation`` and the views copy its problems onto
these fields, so that the inline check, the section save and the final
submission can never disagree.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from app.domain import codes, geography
from app.domain.errors import Invalid
from app.domain.validation import Problem
from app.i18n import current_language
from app.web import labels
from app.web.forms import DatePartsField
from app.web.input_boundary import InputRefused, refusal_status
from app.web.messages import problem_text


def _choices(table: dict[str, Any], order: tuple[str, ...]) -> list[SelectChoice]:
    return [SelectChoice(code, table[code]) for code in order]


def _with_prompt(choices: list[SelectChoice]) -> list[SelectChoice]:
    return [SelectChoice("", _l("Select")), *choices]


def _number(label: Any, **kw: Any) -> StringField:
    # GOV.UK advice: a text input with a numeric keyboard, not type=number.
    return StringField(
        label, render_kw={"inputmode": "numeric", "pattern": "[0-9]*", "autocomplete": "off", **kw}
    )


YES_NO = [SelectChoice("yes", labels.YES_NO["yes"]), SelectChoice("no", labels.YES_NO["no"])]


class ResidenceForm(FlaskForm):
    region = SelectField(_l("Region"))
    province = SelectField(_l("Province or prefecture"))
    milieu = RadioField(
        _l("Is the place where you live urban or rural?"),
        choices=_choices(labels.MILIEUS, codes.MILIEUS),
    )
    address = TextAreaField(_l("Address"), render_kw={"autocomplete": "street-address", "rows": 3})
    phone = StringField(
        _l("Mobile phone number"),
        render_kw={"type": "tel", "autocomplete": "tel", "inputmode": "tel"},
    )

    def __init__(self, *args: Any, region: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = current_language()
        self.region.choices = _with_prompt(
            [SelectChoice(r.code, r.name(language)) for r in geography.regions()]
        )
        # Only the chosen region's provinces; all of them, grouped, until a region is chosen.
        if region in geography.regions_by_code():
            provinces = geography.regions_by_code()[region].provinces
            self.province.choices = _with_prompt(
                [SelectChoice(p.code, p.name(language)) for p in provinces]
            )
        else:
            self.province.choices = _with_prompt(
                [
                    SelectChoice(p.code, p.name(language), optgroup=r.name(language))
                    for r in geography.regions()
                    for p in r.provinces
                ]
            )


class MemberLookupForm(FlaskForm):
    idcs = StringField(
        _l("IDCS of the person"),
        render_kw={
            "inputmode": "numeric",
            "pattern": "[0-9]*",
            "autocomplete": "off",
            "maxlength": 12,
        },
    )
    birth_date = DatePartsField(_l("Date of birth"))


def relation_choices() -> list[SelectChoice]:
    return _choices(labels.RELATIONS, tuple(r for r in codes.RELATIONS if r != "self"))


class MemberAddForm(FlaskForm):
    relation = SelectField(_l("Relation to you"), choices=_with_prompt(relation_choices()))


class MemberDetailsForm(FlaskForm):
    relation = SelectField(
        _l("Relation to the declarant"), choices=_with_prompt(relation_choices())
    )
    marital_status = RadioField(
        _l("Marital status"), choices=_choices(labels.MARITAL_STATUSES, codes.MARITAL_STATUSES)
    )
    education = SelectField(
        _l("Highest level of education reached"),
        choices=_with_prompt(_choices(labels.EDUCATION_LEVELS, codes.EDUCATION_LEVELS)),
    )
    in_school = RadioField(_l("Goes to school or university this year?"), choices=YES_NO)
    activity = RadioField(
        _l("Main activity"), choices=_choices(labels.ACTIVITIES, codes.ACTIVITIES)
    )
    occupation = SelectField(
        _l("Occupation"), choices=_with_prompt(_choices(labels.OCCUPATIONS, codes.OCCUPATIONS))
    )
    disability = RadioField(_l("Has a disability?"), choices=YES_NO)
    health_coverage = RadioField(
        _l("Health insurance"), choices=_choices(labels.HEALTH_COVERAGES, codes.HEALTH_COVERAGES)
    )


class HousingForm(FlaskForm):
    dwelling_type = RadioField(
        _l("Type of dwelling"), choices=_choices(labels.DWELLING_TYPES, codes.DWELLING_TYPES)
    )
    occupancy = RadioField(
        _l("You live there as"), choices=_choices(labels.OCCUPANCIES, codes.OCCUPANCIES)
    )
    monthly_rent = _number(_l("Monthly rent, in dirhams"))
    rooms = _number(_l("Number of rooms"))
    wall_material = RadioField(
        _l("The walls are mostly made of"),
        choices=_choices(labels.WALL_MATERIALS, codes.WALL_MATERIALS),
    )
    roof_material = RadioField(
        _l("The roof is mostly made of"),
        choices=_choices(labels.ROOF_MATERIALS, codes.ROOF_MATERIALS),
    )
    water_source = RadioField(
        _l("Drinking water comes from"), choices=_choices(labels.WATER_SOURCES, codes.WATER_SOURCES)
    )
    sanitation = RadioField(
        _l("Toilets are connected to"), choices=_choices(labels.SANITATIONS, codes.SANITATIONS)
    )
    electricity = RadioField(
        _l("Electricity"), choices=_choices(labels.ELECTRICITY_SOURCES, codes.ELECTRICITY_SOURCES)
    )
    cooking_energy = RadioField(
        _l("You cook mostly with"),
        choices=_choices(labels.COOKING_ENERGIES, codes.COOKING_ENERGIES),
    )


class EquipmentForm(FlaskForm):
    cars = _number(_l("Cars"))
    motorcycles = _number(_l("Motorcycles"))
    tvs = _number(_l("Televisions"))
    satellite_dishes = _number(_l("Satellite dishes"))
    refrigerators = _number(_l("Refrigerators"))
    washing_machines = _number(_l("Washing machines"))
    computers = _number(_l("Computers and tablets"))
    smartphones = _number(_l("Smartphones"))
    air_conditioners = _number(_l("Air conditioners"))
    home_internet = RadioField(_l("Internet at home (fixed line or box)?"), choices=YES_NO)
    cattle = _number(_l("Cattle (cows, bulls, calves)"))
    sheep_goats = _number(_l("Sheep and goats"))
    farm_land_ha = StringField(
        _l("Farm land, in hectares"), render_kw={"inputmode": "decimal", "autocomplete": "off"}
    )
    tractors = _number(_l("Tractors"))


class SpendingForm(FlaskForm):
    electricity_bill = _number(_l("Electricity, in dirhams per month"))
    water_bill = _number(_l("Water, in dirhams per month"))
    telecom = _number(_l("Phone and internet, in dirhams per month"))
    butane_bottles = _number(_l("Butane gas bottles per month"))


class DeclarationForm(FlaskForm):
    submission_key = HiddenField()
    honour = BooleanField(
        _l("I declare on my honour that the information I gave is true and complete.")
    )
    consent = BooleanField(
        _l(
            "I consent to the processing of my household's data by the ANR for the purposes described above."
        )
    )


class ChangeMemberForm(MemberLookupForm, MemberDetailsForm):
    """A member who joins a registered household: found in the RNP, then described."""


# The one table of forms: a questionnaire section (``domain.sections``) or a
# kind of change (``domain.changes``) -> the form that shows it. Registration,
# declared changes and reviewers' corrections all read it.
SECTION_FORMS: dict[str, type[FlaskForm]] = {
    "residence": ResidenceForm,
    "housing": HousingForm,
    "equipment": EquipmentForm,
    "spending": SpendingForm,
}
CHANGE_FORMS: dict[str, type[FlaskForm]] = {
    **SECTION_FORMS,
    "phone": ResidenceForm,
    "birth": ChangeMemberForm,
    "member_joined": ChangeMemberForm,
    "death": MemberDetailsForm,
    "member_left": MemberDetailsForm,
    "member_situation": MemberDetailsForm,
}


class DeregisterForm(FlaskForm):
    understood = BooleanField(
        _l(
            "I understand that my household will lose the programmes that use the register, "
            "and I ask for its deregistration."
        )
    )
    # At a counter only: the fresh code the citizen reads out (docs/domain.md).
    code = StringField(
        _l("Code read out by the citizen"),
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": "7"},
    )


def apply_problems(
    form: FlaskForm, problems: dict[str, Problem], only: set[str] | None = None
) -> None:
    """Show the domain's problems on the form's fields (``only``: those fields alone).

    A problem with a field the person cannot see (a hidden field, or one this
    form does not have) is said once for the whole form: it was not sent as
    it was given."""
    for name, problem in problems.items():
        if only is not None and name not in only:
            continue
        if name in form and form[name].type != "HiddenField":
            form[name].errors = [problem_text(problem, question=str(form[name].label.text))]
        elif not form.form_errors:
            form.form_errors.append(problem_text(Problem("form_not_as_given")))


def show_invalid(form: FlaskForm, invalid: Invalid) -> int:
    """Each problem on its field; the status of the page that shows them again:
    the boundary's refusal of what was sent (400, or 200 to htmx), or 200
    for well-formed answers a rule refused."""
    apply_problems(form, invalid.problems)
    return refusal_status() if isinstance(invalid, InputRefused) else 200
