"""Every message shown for a problem or a refusal, in one place.

Each says what went wrong and what to do, in everyday words.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from app.domain.codes import ADULT_AGE
from app.domain.identity_check import CNIE_VALIDITY_YEARS
from app.domain.validation import Problem
from app.i18n import format_number
from app.services import counter

PROBLEMS = {
    "choose": _l("Select one of the answers"),
    "choose_yes_no": _l("Select yes or no"),
    "enter_number": _l("Enter a number, 0 if none"),
    "whole_number": _l("Enter a whole number, with digits only, like 3"),
    "number": _l("Enter a number, like 2 or 1.5"),
    "not_negative": _l("Enter a number that is 0 or more"),
    "between": _l("Enter a number between %(min)s and %(max)s"),
    "decimal_places": _l("Enter a number with at most %(places)s digits after the decimal point"),
    "too_long": _l("Enter at most %(max)s characters"),
    "invalid_characters": _l(
        "Remove the invisible or control characters from this answer, then send it again"
    ),
    "invalid_encoding": _l(
        "Some characters of this answer could not be read. Type it again, then send it again"
    ),
    # Translators: a hidden part of the form (its key or version) was missing or changed.
    "form_not_as_given": _l(
        "This form did not come back as it was given, so nothing was saved. Your answers "
        "are below: check them, then send the form again."
    ),
    "confirm_deregistration": _l("Confirm that you understand what deregistration means"),
    "province_not_in_region": _l("Select a province or prefecture of the region you chose"),
    "enter_address": _l("Enter your address: street, number, neighbourhood or douar"),
    "enter_phone": _l("Enter a mobile phone number"),
    "phone_format": _l("Enter a Moroccan mobile number, like 0612345678"),
    "rooms_at_least_one": _l(
        "Enter the number of rooms: at least 1, not counting the kitchen and bathroom"
    ),
    "enter_idcs": _l("Enter the IDCS of the person"),
    "idcs_format": _l("Enter the IDCS with its 10 digits, like 1234567890"),
    "idcs_too_short": _l("This IDCS is too short: an IDCS has 10 digits, like 1234567890"),
    "enter_birth_date": _l("Enter the date of birth"),
    "date_format": _l("Enter a real date of birth, like 14 March 1988"),
    "birth_in_future": _l("The date of birth must be in the past"),
    "member_not_found": _l(
        "No person was found with this IDCS and this date of birth. Check both and try again."
    ),
    "member_already_added": _l("This person is already in the list of members"),
    "member_in_other_household": _l(
        "This person is already a member of another registered household. They must leave "
        "it before joining yours."
    ),
    "too_many_members": _l("A household can have at most %(max)s members"),
    "declarant_cannot_leave": _l(
        "The declarant cannot leave the household this way. Another adult member can register the household again."
    ),
    "confirm_honour": _l("Confirm that the information you gave is true"),
    "confirm_consent": _l("Give your consent so that your household's data can be used"),
    "enter_explanation": _l("Explain why you think the score is wrong"),
    "enter_decision_reason": _l("Write the reason for the decision: the citizen will read it"),
    "file_name": _l(
        "The name of a file is not valid. Rename it without slashes or special characters, "
        "then add it again."
    ),
    "file_empty": _l("The file %(name)s is empty. Choose the right file."),
    "file_too_large": _l("The file %(name)s is larger than %(max)s MB. Choose a smaller file."),
    "file_type": _l("The file %(name)s must be a PDF, a JPEG or a PNG."),
    "file_content_mismatch": _l(
        "The file %(name)s is not really the kind of file its name says. Send a real PDF, "
        "JPEG or PNG."
    ),
    "too_many_files": _l("Choose at most %(max)s files."),
    "pdf_active": _l(
        "The file %(name)s contains content that could run on our computers (scripts, "
        "automatic actions, attached files or web page code). Send a plain PDF: scan the "
        "paper, or print the document to a new PDF."
    ),
    "pdf_encrypted": _l(
        "The file %(name)s is protected by a password or encrypted. Send it without protection."
    ),
    "pdf_unreadable": _l("The file %(name)s cannot be read as a PDF. Choose another file."),
    "image_too_large": _l(
        "The image %(name)s has more than %(max)s million pixels. Send a smaller photo or scan."
    ),
    "image_unreadable": _l("The file %(name)s cannot be read as an image. Choose another file."),
    "file_infected": _l("The file %(name)s was refused by the virus check."),
    "enter_id_number": _l("Enter the number shown on the card"),
    "enter_code": _l("Enter the %(digits)s-digit code the citizen reads out"),
    "cnie_mismatch": _l("This is not the CNIE number on file for this citizen. Check the card."),
    "cnie_expired": _l("This card has expired: an expired card cannot prove identity"),
    "cnie_expiry_too_far": _l(
        "A CNIE is valid for %(years)s years at most: check the expiry date printed on the card"
    ),
    "card_date_format": _l("Enter the expiry date as printed on the card, like 31 12 2030"),
    "enter_reason": _l("Say why, in a few words"),
    "describe_problem": _l("Describe the problem you found"),
}


# The problems that many questions share say which question they are about:
# an error summary whose links all read "Select one of the answers" cannot be
# told apart. %(question)s is the question as the form asks it.
NAMING_THE_QUESTION = {
    # Translators: %(question)s is the question, as the form asks it.
    "choose": _l("Select one of the answers to “%(question)s”"),
    "choose_yes_no": _l("Select yes or no for “%(question)s”"),
    "enter_number": _l("Enter a number for “%(question)s”, 0 if none"),
    "whole_number": _l("Enter a whole number for “%(question)s”, with digits only, like 3"),
    "number": _l("Enter a number for “%(question)s”, like 2 or 1.5"),
    "not_negative": _l("Enter a number that is 0 or more for “%(question)s”"),
    "between": _l("Enter a number between %(min)s and %(max)s for “%(question)s”"),
    "decimal_places": _l(
        "Enter a number with at most %(places)s digits after the decimal point for “%(question)s”"
    ),
    "too_long": _l("Enter at most %(max)s characters for “%(question)s”"),
    "invalid_characters": _l(
        "Remove the invisible or control characters from your answer to “%(question)s”, "
        "then send it again"
    ),
    "invalid_encoding": _l(
        "Some characters of your answer to “%(question)s” could not be read. Type it "
        "again, then send it again"
    ),
}


def problem_text(problem: Problem, question: str | None = None) -> str:
    """The message for a problem; with ``question``, a message that many
    questions share names the one it is about."""
    params = _numbers(problem.code, problem.params)
    template = PROBLEMS[problem.code]
    if question and problem.code in NAMING_THE_QUESTION:
        template = NAMING_THE_QUESTION[problem.code]
        params["question"] = question.rstrip(" ?:\u00a0\u202f؟")
    return str(template) % params if params else str(template)


REFUSALS = {
    "not_in_rnp": _l("You need an IDCS to register a household."),
    "minor": _l("Only an adult (%(age)s or older) can register a household."),
    "already_registered": _l("You are already a member of a registered household."),
    "too_many_lookups": _l(
        "You have made too many searches that found no one. For your protection, "
        "wait one hour before searching again."
    ),
    "stale_form": _l(
        "This form is out of date: it was opened before your last changes. Check your answers and send again."
    ),
    "draft_incomplete": _l(
        "Some sections are not complete yet. Complete them, then come back here."
    ),
    "member_in_other_household": _l(
        "One of the members was registered in another household in the meantime. Remove "
        "them from your list, or ask them to leave the other household first."
    ),
    "no_draft": _l("Your registration draft was not found. It may have expired: start again."),
    "draft_too_large": _l(
        "Your registration draft has become too large to be saved. Shorten your answers."
    ),
    "no_pending_member": _l("Search for the person again before adding them."),
    "not_declarant": _l("Only the declarant of your household can declare changes."),
    "deregistered": _l("This household is no longer registered."),
    "no_household": _l("You are not a member of a registered household."),
    "review_open": _l(
        "Your household already has a review request in progress. You can file another "
        "one once it is decided."
    ),
    "taken_by_other": _l("Another reviewer has taken this request."),
    "review_not_in_review": _l("This request cannot be decided now: take it first."),
    "four_eyes": _l(
        "You wrote this correction: another reviewer must approve it (four-eyes rule)."
    ),
    "nothing_to_approve": _l("This request has no correction waiting for approval."),
    "citizen_not_found": _l(
        "No citizen has this number. Check it against the card, character by character."
    ),
    "too_many_searches": _l(
        "You have made many searches in the last hour. Wait before searching again."
    ),
    "no_phone": _l(
        "No phone number is on file for this citizen: record an identity check instead."
    ),
    "consent_code_wrong": _l("This code is not right. Ask the citizen to read it again."),
    "consent_code_expired": _l("This code has expired or was already used. Send a new one."),
    "consent_locked": _l(
        "Too many wrong codes for this citizen: the desk is locked for them for %(minutes)s minutes, "
        "for codes and identity checks alike."
    ),
    "too_many_codes": _l(
        "The limit of codes sent to this citizen in an hour (%(num)s) is reached. Wait before "
        "sending another one."
    ),
    "too_many_identity_checks": _l(
        "You have recorded the most identity checks allowed in one day. Ask a supervisor."
    ),
    "already_checked": _l("Another supervisor has already checked this session."),
    "session_held_by_other": _l(
        "Another agent is already serving this household. They must end their session first."
    ),
    "own_session": _l("You held this session yourself: another supervisor must check it."),
    "session_still_open": _l("This session is still open. Check it once it has ended."),
}


# One-time notices shown on the next page. Flashed as codes, not sentences:
# the next page may be in the other language.
NOTICES = {
    "change_recorded": _l("Your change is recorded."),
    "message_language_saved": _l("Saved: our SMS and emails to you will be in this language."),
    "data_confirmed": _l("Thank you: your household's data is confirmed for another year."),
    "review_filed": _l("Your review request is received."),
    "review_taken": _l("The request is assigned to you."),
    "review_upheld": _l("Decision recorded: the score is confirmed."),
    "review_corrected": _l(
        "Decision recorded: the data is corrected and the score computed again."
    ),
    "correction_proposed": _l(
        "The correction changes eligibility: it waits for the approval of another reviewer."
    ),
    "correction_approved": _l("Correction approved: it has taken effect."),
    "correction_returned": _l("The correction was not applied: the request is back in review."),
    "certificate_issued": _l("Your certificate is ready. Download it below."),
    "code_sent": _l(
        "A code was sent by SMS to the citizen's phone. It is valid for %(minutes)s minutes."
    ),
    "assisted_session_opened": _l("You are now acting for this citizen."),
    "assisted_session_ended": _l(
        "The session is ended: you no longer have access to this citizen's data."
    ),
    "session_checked": _l("Your check is recorded."),
    "assisted_session_over": _l(
        "The assisted session has ended: you no longer have access to the citizen's data."
    ),
}


def notice_text(code: str) -> str:
    return _stated(NOTICES.get(code, ""), code)


def refusal_text(code: str) -> str:
    return _stated(REFUSALS.get(code, _l("This request cannot be done.")), code)


# The numbers a sentence states are the rules' own constants, never typed into
# the sentence: change a limit, and every message that states it follows.
# (Refusals and notices travel as bare codes, flashed to the next page, so
# their numbers are looked up here; a problem may carry its own as params.)
RULE_NUMBERS: dict[str, dict[str, int]] = {
    "minor": {"age": ADULT_AGE},
    "consent_locked": {"minutes": counter.LOCK_MINUTES},
    "too_many_codes": {"num": counter.CODES_PER_HOUR},
    "code_sent": {"minutes": counter.CODE_LIFETIME_MINUTES},
    "enter_code": {"digits": counter.CODE_DIGITS},
    "cnie_expiry_too_far": {"years": CNIE_VALIDITY_YEARS},
}


def _numbers(code: str, given: dict[str, Any] | None = None) -> dict[str, Any]:
    """The numbers of the sentence for ``code``, written in the page's language."""
    merged = {**RULE_NUMBERS.get(code, {}), **(given or {})}
    return {k: format_number(v) if isinstance(v, int) else v for k, v in merged.items()}


def _stated(template: Any, code: str) -> str:
    params = _numbers(code)
    return str(template) % params if params else str(template)
