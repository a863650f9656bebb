"""Translated labels for codes. Codes are never translated; their labels are, here.

All labels are lazy: they are defined at import time and rendered in the
language of each request.
"""

from __future__ import annotations

from datetime import date

from flask_babel.speaklater import LazyString

from app.domain import geography
from app.i18n import current_language, format_day
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l

PROGRAMMES = {
    # Translators: the State health insurance for low-income households.
    "amo_tadamon": _l("AMO Tadamon"),
    # Translators: Aide Sociale Directe, the monthly family allowance.
    "asd": _l("Direct social aid (ASD)"),
    # Translators: health insurance for those above the AMO Tadamon threshold.
    "amo_achamil": _l("AMO Achamil"),
}
# On the score scale, where a row has room for a few words only.
PROGRAMME_SHORT_NAMES = {
    # Translators: short name of AMO Tadamon on the score picture (a dozen letters at most).
    "amo_tadamon": _l("Tadamon"),
    # Translators: short name of the direct social aid on the score picture.
    "asd": _l("ASD"),
    # Translators: short name of AMO Achamil on the score picture.
    "amo_achamil": _l("Achamil"),
}
PROGRAMME_PURPOSES = {
    "amo_tadamon": _l("Health insurance paid by the State"),
    "asd": _l("Monthly family allowance"),
    "amo_achamil": _l("Health insurance for those above the AMO Tadamon threshold"),
}

MILIEUS = {"urban": _l("urban"), "rural": _l("rural")}

SCORE_REASONS = {
    "registration": _l("Registration"),
    "change": _l("Declared change"),
    "model_update": _l("New calculation method"),
    "review": _l("Review of the score"),
}

EXPLANATION_GROUPS = {
    "composition": _l("Who lives in the household"),
    "education_work": _l("Education and work"),
    "housing": _l("Housing"),
    "equipment": _l("Equipment and animals"),
    "spending": _l("Monthly spending"),
    "location": _l("Where you live"),
}

SOURCES = {
    "declared": _l("declared by your household"),
    # Translators: the facts come from the National Population Register.
    "rnp": _l("from the National Population Register (RNP)"),
}
HOUSEHOLD_SOURCES = {**SOURCES, "declared": _l("declared by the household")}

STRENGTHS = {
    "strong": _l("strong effect"),
    "moderate": _l("moderate effect"),
    "small": _l("small effect"),
}

EDUCATION_LEVELS = {
    "none": _l("no schooling"),
    "preschool": _l("preschool"),
    "primary": _l("primary school"),
    "lower_secondary": _l("lower secondary school (collège)"),
    "upper_secondary": _l("upper secondary school (lycée)"),
    "higher": _l("higher education"),
}

RELATIONS = {
    "self": _l("declarant"),
    "spouse": _l("husband or wife"),
    "child": _l("son or daughter"),
    "parent": _l("father or mother"),
    "sibling": _l("brother or sister"),
    "grandchild": _l("grandson or granddaughter"),
    "grandparent": _l("grandfather or grandmother"),
    "other_relative": _l("other relative"),
    "non_relative": _l("not related"),
}

MARITAL_STATUSES = {
    "single": _l("single"),
    "married": _l("married"),
    "divorced": _l("divorced"),
    "widowed": _l("widowed"),
}

ACTIVITIES = {
    "employed": _l("employed (works for an employer)"),
    "self_employed": _l("works on their own account"),
    "unemployed": _l("looking for work"),
    "student": _l("pupil or student"),
    "homemaker": _l("takes care of the home"),
    "retired": _l("retired"),
    "unable_to_work": _l("unable to work"),
    "other": _l("other situation"),
}

OCCUPATIONS = {
    "farm_worker": _l("farm worker"),
    "farmer": _l("farmer"),
    "laborer": _l("labourer"),
    "artisan": _l("artisan"),
    "trader": _l("trader"),
    "private_employee": _l("employee in the private sector"),
    "public_employee": _l("civil servant or public employee"),
    "professional": _l("independent professional (doctor, lawyer, engineer…)"),
    "manager": _l("manager or executive"),
    "domestic_worker": _l("domestic worker"),
    "other": _l("other occupation"),
}

HEALTH_COVERAGES = {
    "none": _l("no health insurance"),
    "amo_tadamon": _l("AMO Tadamon"),
    "amo_cnss": _l("AMO of the CNSS"),
    "cnops": _l("CNOPS"),
    "private": _l("private insurance"),
    "other": _l("other insurance"),
}

OCCUPANCIES = {
    "owner": _l("owner"),
    "owner_mortgage": _l("owner, still paying a loan"),
    "tenant": _l("tenant"),
    "free_lodging": _l("lodged for free"),
    "employer_provided": _l("lodged by the employer"),
    "other": _l("other arrangement"),
}

WALL_MATERIALS = {
    "concrete_brick": _l("concrete or brick"),
    "stone": _l("stone"),
    "earth": _l("earth (pisé, adobe)"),
    "wood_metal": _l("wood or metal sheets"),
    "other": _l("other material"),
}

ROOF_MATERIALS = {
    "concrete_slab": _l("concrete slab"),
    "tile_metal_sheet": _l("tiles or metal sheets"),
    "wood_reed": _l("wood or reeds"),
    "other": _l("other material"),
}

WATER_SOURCES = {
    "network_in_dwelling": _l("tap connected to the network, in the home"),
    "public_standpipe": _l("public standpipe"),
    "well": _l("well"),
    "other": _l("other source"),
}

SANITATIONS = {
    "public_sewer": _l("public sewer"),
    "septic_tank": _l("septic tank"),
    "none": _l("none"),
}

ELECTRICITY_SOURCES = {
    "individual_meter": _l("meter of our own"),
    "shared_meter": _l("meter shared with others"),
    "solar": _l("solar panels"),
    "none": _l("no electricity"),
}

COOKING_ENERGIES = {
    "butane": _l("butane gas"),
    "electricity": _l("electricity"),
    "wood_charcoal": _l("wood or charcoal"),
    "other": _l("other"),
}

YES_NO = {"yes": _l("Yes"), "no": _l("No")}

DWELLING_TYPES = {
    "villa": _l("villa"),
    "apartment": _l("apartment"),
    "modern_house": _l("modern house"),
    "traditional_house": _l("traditional house"),
    "rural_house": _l("rural house"),
    "makeshift": _l("makeshift dwelling"),
    "other": _l("other type of dwelling"),
}


def label(table: dict[str, LazyString], code: str | None) -> str:
    """The label of a code, or the code itself if it has none (never an empty cell)."""
    if code is None:
        return ""
    value = table.get(code)
    return str(value) if value is not None else code


def model_name(effective_date: date, illustrative: bool) -> str:
    """A scoring model as citizens know it: by the date it applies from.

    Its id (``pmt-2026-01-illustrative``) is for staff and software; people
    read "the method of 1 January 2026", and whether it is only an
    illustration (app/scoring_models/).
    """
    if illustrative:
        return str(_("method of %(date)s (illustrative)", date=format_day(effective_date)))
    return str(_("method of %(date)s", date=format_day(effective_date)))


def region_name(code: str) -> str:
    region = geography.regions_by_code().get(code)
    return region.name(current_language()) if region else code


def province_name(code: str) -> str:
    province = geography.provinces_by_code().get(code)
    return province.name(current_language()) if province else code


# The questionnaire's questions, as shown when a summary or a comparison
# lists answers (the same words as the forms, so the same translations).
FIELD_LABELS = {
    "region": _l("Region"),
    "province": _l("Province or prefecture"),
    "milieu": _l("Area"),
    "address": _l("Address"),
    "phone": _l("Mobile phone number"),
    "dwelling_type": _l("Type of dwelling"),
    "occupancy": _l("You live there as"),
    "monthly_rent": _l("Monthly rent"),
    "rooms": _l("Number of rooms"),
    "wall_material": _l("Walls"),
    "roof_material": _l("Roof"),
    "water_source": _l("Drinking water"),
    "sanitation": _l("Toilets"),
    "electricity": _l("Electricity"),
    "cooking_energy": _l("Cooking"),
    "cars": _l("Cars"),
    "motorcycles": _l("Motorcycles"),
    "tvs": _l("Televisions"),
    "satellite_dishes": _l("Satellite dishes"),
    "refrigerators": _l("Refrigerators"),
    "washing_machines": _l("Washing machines"),
    "computers": _l("Computers and tablets"),
    "smartphones": _l("Smartphones"),
    "air_conditioners": _l("Air conditioners"),
    "home_internet": _l("Internet at home (fixed line or box)?"),
    "cattle": _l("Cattle (cows, bulls, calves)"),
    "sheep_goats": _l("Sheep and goats"),
    "farm_land_ha": _l("Farm land, in hectares"),
    "tractors": _l("Tractors"),
    "electricity_bill": _l("Electricity, in dirhams per month"),
    "water_bill": _l("Water, in dirhams per month"),
    "telecom": _l("Phone and internet, in dirhams per month"),
    "butane_bottles": _l("Butane gas bottles per month"),
    "relation": _l("Relation to the declarant"),
    "marital_status": _l("Marital status"),
    "education": _l("Highest level of education reached"),
    "in_school": _l("Goes to school or university this year?"),
    "activity": _l("Main activity"),
    "occupation": _l("Occupation"),
    "disability": _l("Has a disability?"),
    "health_coverage": _l("Health insurance"),
}

_VALUE_LABELS: dict[str, dict[str, LazyString]] = {
    "milieu": MILIEUS,
    "dwelling_type": DWELLING_TYPES,
    "occupancy": OCCUPANCIES,
    "wall_material": WALL_MATERIALS,
    "roof_material": ROOF_MATERIALS,
    "water_source": WATER_SOURCES,
    "sanitation": SANITATIONS,
    "electricity": ELECTRICITY_SOURCES,
    "cooking_energy": COOKING_ENERGIES,
    "relation": RELATIONS,
    "marital_status": MARITAL_STATUSES,
    "education": EDUCATION_LEVELS,
    "activity": ACTIVITIES,
    "occupation": OCCUPATIONS,
    "health_coverage": HEALTH_COVERAGES,
}

CHANGE_KINDS = {
    "birth": _l("A birth"),
    "member_joined": _l("Someone joins the household (marriage or other)"),
    "death": _l("A death"),
    "member_left": _l("Someone leaves the household (marriage, divorce, moving out)"),
    "member_situation": _l("A member's situation changes (work, studies, health insurance)"),
    "residence": _l("A new address or a move"),
    "housing": _l("Your home changes"),
    "equipment": _l("Your equipment or animals change"),
    "spending": _l("Your monthly spending changes"),
    "phone": _l("A new phone number"),
}

VERSION_EVENTS = {"registration": _l("Registration"), **CHANGE_KINDS}

# Staff read about the household; they are not its members. The same kinds
# and events, in the third person.
HOUSEHOLD_CHANGE_KINDS = {
    **CHANGE_KINDS,
    "housing": _l("The household's home changes"),
    "equipment": _l("The household's equipment or animals change"),
    "spending": _l("The household's monthly spending changes"),
}
HOUSEHOLD_VERSION_EVENTS = {"registration": _l("Registration"), **HOUSEHOLD_CHANGE_KINDS}

MADE_BY = {
    "declarant": _l("the declarant"),
    "agent": _l("a counter agent, for the declarant"),
    "reviewer": _l("an ANR reviewer"),
    "system": _l("the register"),
}

LEAVE_REASONS = {
    "marriage": _l("marriage"),
    "divorce": _l("divorce"),
    "moving_out": _l("moving out"),
    "death": _l("death"),
    "deregistration": _l("deregistration"),
}

REVIEW_REASONS = {
    "administrative_data": _l("Wrong data from an administrative source"),
    "declaration_error": _l("A mistake in what was declared"),
    "change_of_situation": _l("Our situation has changed"),
    "computation_error": _l("The score was computed wrongly"),
    "other": _l("Another reason"),
}

REVIEW_STATUSES = {
    "submitted": _l("Received"),
    "in_review": _l("Being examined"),
    "awaiting_approval": _l("Correction awaiting approval"),
    "decided": _l("Decided"),
}

REVIEW_QUEUE_STATUSES = {
    "open": _l("Not decided yet"),
    "all": _l("All"),
    # One "any" per filter: French agrees it with the filter's noun (Tous
    # les motifs, Toutes les régions).
    "any_reason": _l("Any reason"),
    "any_region": _l("Any region"),
    "any_due": _l("Any due date"),
    "soon": _l("Due within 7 days"),
    "overdue": _l("Overdue"),
}

REVIEW_DECISIONS = {
    "upheld": _l("Score confirmed"),
    "corrected": _l("Data corrected, new score"),
}

CERTIFICATE_KINDS = {
    "registration_receipt": _l("Receipt of registration"),
    "registration": _l("Certificate of registration"),
    "score": _l("Certificate of score and eligibility"),
    "deregistration": _l("Certificate of deregistration"),
}

CERTIFICATE_PURPOSES = {
    "registration_receipt": _l("Proves that your registration was received, and when."),
    "registration": _l("Proves that your household is registered, with its members."),
    "score": _l("States your household's score and the programmes it can receive."),
    "deregistration": _l("Proves that your household left the register, and when."),
}

IDENTITY_CHECK_REASONS = {
    "no_phone": _l("The citizen has no mobile phone"),
    "phone_lost": _l("The phone on file was lost or stolen"),
    "phone_changed": _l("The citizen changed number and the one on file is old"),
    "other": _l("Another reason"),
}

HOUSEHOLD_STATUSES = {
    "none": _l("not in a registered household"),
    "member": _l("member of a registered household"),
    "declarant": _l("declarant of a registered household"),
}

# For the copy of a person's data (/privacy/my-data).
SEXES = {"M": _l("man"), "F": _l("woman")}
# Each language by its own name, the same on every page.
LANGUAGE_NAMES = {"ar": "العربية", "fr": "Français"}
HOUSEHOLD_REGISTER_STATUSES = {"active": _l("registered"), "deregistered": _l("deregistered")}
CONSENTS = {
    "code": _l("by a code sent to your phone"),
    "identity_check": _l("by your identity card, checked at the counter"),
}
NOTIFICATION_KINDS = {
    "review_filed": _l("Your review request was received"),
    "review_decided": _l("Your review request was decided"),
    "eligibility_changed": _l("Your eligibility for a programme changed"),
    "consent_code": _l("A consent code for a counter agent"),
    "session_opened_by_card": _l("A counter agent opened your file on seeing your ID card"),
}
NOTIFICATION_CHANNELS = {"sms": _l("SMS"), "email": _l("email")}
NOTIFICATION_STATUSES = {
    "pending": _l("waiting to be sent"),
    "sent": _l("sent"),
    "failed": _l("could not be sent"),
}
CERTIFICATE_STATUSES = {
    "valid": _l("valid"),
    "superseded": _l("superseded"),
    "revoked": _l("revoked"),
}

# What staff did, as the citizen reads it on /privacy.
ACCESS_ACTIONS = {
    "citizen_found_at_counter": _l("Found you by your card number at the counter"),
    "consent_code_sent": _l("Sent you a consent code by SMS"),
    "consent_code_wrong": _l("Typed a wrong consent code"),
    "assisted_session_opened": _l("Started to act for you, with your consent"),
    "assisted_session_ended": _l("Stopped acting for you"),
    "household_data_viewed": _l("Opened your household's data"),
    "review_document_opened": _l("Opened a document of your review request"),
    "review_taken": _l("Took your review request"),
    "review_upheld": _l("Decided your review request: score confirmed"),
    "review_corrected": _l("Decided your review request: data corrected"),
    "review_correction_proposed": _l("Proposed a correction of your household's data"),
    "review_correction_approved": _l("Approved a correction of your household's data"),
    "review_correction_returned": _l("Sent back a proposed correction"),
    "household_changed": _l("Changed your household's data"),
    "household_registered": _l("Registered your household"),
    "household_data_confirmed": _l("Confirmed your household's data"),
    "household_deregistered": _l("Deregistered your household"),
    "review_filed": _l("Filed a review request for you"),
    "certificate_issued": _l("Issued a certificate"),
    "counter_session_examined": _l("Looked at a counter session held for you, to check it"),
    "assisted_session_checked": _l("Checked a counter session held for you"),
}

ACCESS_CHANNELS = {
    "counter": _l("At a counter, for you"),
    "backoffice": _l("ANR review of your score"),
    "supervision": _l("Supervision of the counter service"),
}

# What an agent did in a session, as a supervisor reads it.
SESSION_ACTS = {
    "household_registered": _l("Registered the household"),
    "household_changed": _l("Declared a change to the household's data"),
    "household_data_confirmed": _l("Confirmed the household's data"),
    "household_deregistered": _l("Deregistered the household"),
    "review_filed": _l("Filed a review request"),
    "certificate_issued": _l("Issued a certificate"),
    "consent_code_sent": _l("Sent a code by SMS"),
    "consent_code_wrong": _l("Typed a wrong code"),
}

SUPERVISION_OUTCOMES = {
    "confirmed": _l("in order"),
    "problem": _l("problem reported"),
}


def access_action(action: str) -> str:
    """What staff did, for the citizen; an act without a label of its own is still shown."""
    known = ACCESS_ACTIONS.get(action)
    return str(known) if known is not None else str(_l("Acted on your file"))


def field_label(name: str) -> str:
    return str(FIELD_LABELS.get(name, name))


def answer(name: str, value: object) -> str:
    """An answer as a person reads it: a label for a code, yes or no, a place name."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(YES_NO["yes" if value else "no"])
    if name == "region":
        return region_name(str(value))
    if name == "province":
        return province_name(str(value))
    table = _VALUE_LABELS.get(name)
    if table is not None:
        return label(table, str(value))
    if name in ("monthly_rent", "electricity_bill", "water_bill", "telecom"):
        from app.i18n import format_amount

        return format_amount(int(str(value)))
    return str(value)
