"""One input boundary: every value of a request is decoded and bounded here.

In the first ``before_request`` hook (``screen_request``), before the
database is asked for anything but the session and before any view runs:

- **Size.** A request body is at most ``MAX_CONTENT_LENGTH`` (1 MB); only a
  view that takes uploads (``@accepts(files=...)``) allows the documents a
  review request may carry. Multipart text parts and the number of parts
  are bounded too (``MAX_FORM_MEMORY_SIZE``, ``MAX_FORM_PARTS``). Too large
  is a 413 page; nothing is read further, nothing stored.
- **Names.** Each view declares the form fields and query parameters it
  reads (``@accepts``), as it declares its access rule. Any other name is
  dropped: no code ever sees it.
- **Text.** Every value is decoded as UTF-8 (a broken byte becomes U+FFFD)
  and checked against its field's rule in ``app.domain.input_rules``:
  characters that cannot be used, and the most characters it may have.
- **Where it came from.** A path value that breaks a rule, or does not fit
  its converter (a number beyond PostgreSQL's INTEGER, a malformed review
  number), is a 404: that page does not exist. A query parameter or an htmx
  header that breaks a rule is a 400 page. A form field that breaks a rule
  becomes a problem on that field: the view shows the form again with a
  message on it, the other answers as typed, and calls no service.

Views read values only through the functions below (``answers``,
``answer``, ``query``...). ``answers`` raises ``InputRefused`` when any
field of the form was refused, so that a view cannot act on half a form.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote, unquote_to_bytes, urlencode

from flask import Flask, abort, current_app, g, request
from werkzeug.datastructures import CombinedMultiDict, FileStorage, ImmutableMultiDict, MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from app.domain import input_rules, submission_keys, uploads
from app.domain.errors import Invalid, Problem
from app.domain.input_rules import (
    DATABASE_INT_MAX,
    FORM_FIELDS,
    HEADER_VALUE,
    PATH_VALUE,
    QUERY_PARAMETERS,
    text_problem,
)
from app.web.path_converters import CONVERTERS

F = TypeVar("F", bound=Callable[..., Any])
ACCEPTS_ATTRIBUTE = "_accepted_input"

# A form of the portal is a few kilobytes; an explanation of 2,000 Arabic
# characters, percent-encoded, is about 40 KB.
MAX_CONTENT_LENGTH = 1024 * 1024
# Every document a review request may carry, and its text fields.
MAX_UPLOAD_REQUEST = uploads.MAX_FILES * uploads.MAX_FILE_BYTES + MAX_CONTENT_LENGTH
MAX_FORM_MEMORY_SIZE = 64 * 1024  # one multipart text part
MAX_FORM_PARTS = 200  # the longest form has about 40 fields

# The language switch works on every page.
EVERY_PAGE_QUERY = ("lang",)
HTMX_HEADERS = {
    "HX-Request": HEADER_VALUE,
    "HX-Trigger-Name": HEADER_VALUE,
    "RSU-Shown-Errors": input_rules.SHOWN_ERRORS_HEADER,
}
# What a path may hold unquoted (RFC 3986 pchar and "/").
PATH_SAFE = "/:@!$&'()*+,;=-._~"


@dataclass(frozen=True)
class Accepted:
    """What a view reads from a request: form fields, query parameters, files."""

    form: frozenset[str] = frozenset()
    query: frozenset[str] = frozenset()
    files: str | None = None


NOTHING = Accepted()


def accepts(
    *, form: Iterable[str] = (), query: Iterable[str] = (), files: str | None = None
) -> Callable[[F], F]:
    """Declare the names a view reads. Each must have its rule in ``input_rules``."""
    declared = Accepted(frozenset(form), frozenset(query), files)
    unknown = (declared.form - FORM_FIELDS.keys()) | (declared.query - QUERY_PARAMETERS.keys())
    if unknown:
        raise ValueError(f"no input rule for {sorted(unknown)}: add it to app.domain.input_rules")

    def mark(view: F) -> F:
        setattr(view, ACCEPTS_ATTRIBUTE, declared)
        return view

    return mark


def accepted_by(view: Callable[..., Any] | None) -> Accepted:
    accepted: Accepted = getattr(view, ACCEPTS_ATTRIBUTE, NOTHING)
    return accepted


class InputRefused(Invalid):
    """A form field broke its rule at the boundary. ``problems`` by field name."""


# -- decoding ----------------------------------------------------------------------------


def _decode(raw: bytes) -> str:
    # "replace": a byte sequence that is not UTF-8 becomes U+FFFD, which every
    # rule refuses. Werkzeug decodes path and multipart parts the same way.
    return unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8", "replace")


def _pairs(raw: bytes) -> Iterator[tuple[str, str]]:
    """Name and value of each part of a query string or a urlencoded body."""
    for part in raw.split(b"&"):
        if part:
            name, _, value = part.partition(b"=")
            yield _decode(name), _decode(value)


def _urlencoded_form() -> list[tuple[str, str]]:
    body = request.get_data(cache=True)  # bounded by max_content_length: a 413 beyond
    pairs = list(_pairs(body))
    if len(pairs) > MAX_FORM_PARTS:
        raise RequestEntityTooLarge()
    return pairs


# -- screening ------------------------------------------------------------------------------


def _view() -> Callable[..., Any] | None:
    if request.endpoint is None:
        return None
    return current_app.view_functions.get(request.endpoint)


def screen_request() -> None:
    """before_request: bound and check every value; keep only what the view reads."""
    accepted = accepted_by(_view())
    if accepted.files:
        request.max_content_length = MAX_UPLOAD_REQUEST
    for name, rule in HTMX_HEADERS.items():
        value = request.headers.get(name)
        if value is not None and text_problem(value, rule):
            abort(400)
    for value in (request.view_args or {}).values():
        if isinstance(value, str) and text_problem(value, PATH_VALUE):
            abort(404)

    args: list[tuple[str, str]] = []
    for name, value in _pairs(request.query_string):
        if name in accepted.query or name in EVERY_PAGE_QUERY:
            if text_problem(value, QUERY_PARAMETERS[name]):
                abort(400)
            args.append((name, value))
    request.args = ImmutableMultiDict(args)

    problems: dict[str, Problem] = {}
    kept: list[tuple[str, str]] = []
    files: MultiDict[str, FileStorage] = MultiDict()
    if request.method == "POST":
        if request.mimetype == "application/x-www-form-urlencoded":
            sent = _urlencoded_form()
        else:  # multipart, parsed by Werkzeug within the limits above
            sent = list(request.form.items(multi=True))
            if accepted.files:
                files.setlist(accepted.files, request.files.getlist(accepted.files))
        # A date asked in three fields: each part is checked as the date's own
        # answer would be, then the parts are joined into that answer.
        date_parts = {
            f"{name}-{part}": name
            for name in accepted.form
            if FORM_FIELDS[name] is input_rules.DATE
            for part in input_rules.DATE_PARTS
        }
        parts: dict[str, dict[str, str]] = {}
        for name, value in sent:
            if name not in accepted.form and name != "csrf_token" and name not in date_parts:
                continue
            rule = FORM_FIELDS[date_parts.get(name, name)]
            problem = text_problem(value, rule)
            if problem is not None:
                problems.setdefault(date_parts.get(name, name), problem)
                value = input_rules.shown_again(value, rule)
            kept.append((name, value))
            if name in date_parts:
                parts.setdefault(date_parts[name], {})[name.rsplit("-", 1)[1]] = value
        for name, typed in parts.items():
            if name not in {kept_name for kept_name, _ in kept}:
                day, month, year = (typed.get(part, "") for part in input_rules.DATE_PARTS)
                kept.append((name, input_rules.date_from_parts(day, month, year)))
    request.form = ImmutableMultiDict(kept)
    request.files = ImmutableMultiDict(files)
    request.values = CombinedMultiDict([request.args, request.form])
    g.input_problems = problems


# -- what views read -------------------------------------------------------------------------


def _declared(names: Iterable[str], kind: str) -> None:
    accepted = accepted_by(_view())
    allowed = accepted.form | {"csrf_token"} if kind == "form" else accepted.query
    missing = set(names) - allowed - set(EVERY_PAGE_QUERY if kind == "query" else ())
    if missing:
        # A programming error, caught by the tests: the view reads a name it did not declare.
        raise LookupError(f"{request.endpoint} reads undeclared {kind} {sorted(missing)}")


def refused() -> dict[str, Problem]:
    """The form's fields the boundary refused (empty if none)."""
    problems: dict[str, Problem] = g.get("input_problems", {})
    return problems


def answers(*names: str) -> dict[str, str]:
    """The answers to these fields, as typed (a field not sent is left out).

    Raises ``InputRefused`` if any field of the form was refused, so that
    nothing of the form reaches a service.
    """
    _declared(names, "form")
    problems = refused()
    if problems:
        raise InputRefused(dict(problems))
    return {name: request.form[name] for name in names if name in request.form}


def answer(name: str) -> str:
    """One answer, "" if not sent (see ``answers``)."""
    return answers(name).get(name, "")


def ticked(name: str) -> bool:
    """A checkbox: ticked when sent with any value but "false" (as WTForms reads it)."""
    return answer(name) not in ("", "false")


def pressed(name: str) -> bool:
    """A button or checkbox sent with the form; its value does not matter."""
    _declared((name,), "form")
    return name in request.form


def refusal_status() -> int:
    """The status of a form shown again after the boundary refused it: 400, or
    200 to htmx, which replaces a fragment only on success."""
    return 200 if is_htmx() else 400


def shown_answers(*names: str) -> dict[str, str]:
    """The answers to show again on a refused form: as typed, refused ones cleaned."""
    _declared(names, "form")
    return {name: request.form[name] for name in names if name in request.form}


def _account_id() -> int:
    from app.web.access import current_account

    account = current_account()
    return account.id if account is not None else 0


def new_submission_key(form_kind: str) -> str:
    """A key for a form given out now, to this account (see ``app.domain.submission_keys``)."""
    return submission_keys.issue(current_app.config["SECRET_KEY"], _account_id(), form_kind)


def submission_key(form_kind: str) -> str:
    """The form's key, if the server gave it to this account with this kind of
    form. Any other (empty, missing, made up, someone else's) is refused: it is
    never taken for an earlier submission, and the form comes back with a new one."""
    key = answer("submission_key")
    secret = current_app.config["SECRET_KEY"]
    if not submission_keys.is_issued(secret, key, _account_id(), form_kind):
        raise InputRefused({"submission_key": Problem("form_not_as_given")})
    return key


def whole_number(value: str, low: int, high: int) -> int | None:
    """A number sent in a form or a URL, if it is one within [low, high]."""
    return input_rules.bounded_int(value.strip(), low, high)


def query(name: str) -> str | None:
    _declared((name,), "query")
    return request.args.get(name)


def query_values(*names: str) -> dict[str, str]:
    """These query parameters, those that were sent."""
    _declared(names, "query")
    return {name: request.args[name] for name in names if name in request.args}


def query_number(name: str, low: int = 0, high: int = DATABASE_INT_MAX) -> int | None:
    """A number in the query (None if absent); anything else there is a 400."""
    value = query(name)
    if value is None:
        return None
    number = whole_number(value, low, high)
    if number is None:
        abort(400)
    return number


def uploaded_files() -> list[tuple[str, bytes]]:
    """The files chosen, as (name as sent, bytes). Browsers send an empty part
    when none is chosen; it is not a file. Reading stops just past the limit."""
    accepted = accepted_by(_view())
    if accepted.files is None:
        raise LookupError(f"{request.endpoint} reads files it did not declare")
    files = []
    for storage in request.files.getlist(accepted.files):
        content = storage.read(uploads.MAX_FILE_BYTES + 1)
        if not storage.filename and not content:
            continue
        files.append((storage.filename or "", content))
    return files


def is_htmx() -> bool:
    """An htmx request: answer with the fragment, not the whole page."""
    return request.headers.get("HX-Request") == "true"


def changed_field() -> str | None:
    """The field whose change sent this htmx request (its answer is checked at once)."""
    return request.headers.get("HX-Trigger-Name")


def fields_shown_in_error() -> set[str]:
    """The fields whose problem the page shows as a live check leaves (app.js
    names them): a problem shown stays shown until it is fixed, even on a
    field not yet answered, so that the field and the error summary agree."""
    return set(request.headers.get("RSU-Shown-Errors", "").split()[:100])


def kept_query() -> dict[str, str]:
    """The query parameters the boundary kept (the language switch carries them on)."""
    return request.args.to_dict(flat=True)


def current_path() -> str:
    """This page's path, quoted again as it travelled: safe to write back into a page."""
    return quote(request.path, safe=PATH_SAFE)


def current_url() -> str:
    """This page's address with the query the boundary kept (forms post back to it)."""
    if not request.args:
        return current_path()
    return f"{current_path()}?{urlencode(list(request.args.items(multi=True)))}"


def init_input_boundary(app: Flask) -> None:
    """Before the routes (converters) and before CSRF (the first hook), so that
    nothing reads a value the boundary has not screened."""
    app.url_map.converters.update(CONVERTERS)
    app.config.update(
        MAX_CONTENT_LENGTH=MAX_CONTENT_LENGTH,
        MAX_FORM_MEMORY_SIZE=MAX_FORM_MEMORY_SIZE,
        MAX_FORM_PARTS=MAX_FORM_PARTS,
    )
    app.before_request(screen_request)
