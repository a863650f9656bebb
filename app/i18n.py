"""Language choice and locale-aware formatting.

The order is fixed by docs/architecture.md:
1. the language switch (``?lang=`` or the ``lang`` cookie it sets);
2. the signed-in user's stored preference;
3. the browser's ``Accept-Language``;
4. Arabic.

Translations live in ``translations/ar`` and ``translations/fr``; formatting
uses the Moroccan variants ``ar_MA`` and ``fr_MA`` (Moroccan month names,
``1 234,50 MAD``). gettext falls back from ``ar_MA`` to ``ar`` by itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.dates import get_datetime_format, get_timezone
from babel.numbers import format_currency as babel_format_currency
from babel.numbers import format_decimal as babel_format_decimal
from babel.support import NullTranslations
from babel.units import format_unit
from flask import Flask, g, has_request_context, request
from flask.globals import _cv_app
from flask_babel import Domain, get_domain, get_locale
from flask_babel.speaklater import LazyString
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

LANGUAGES = ("ar", "fr")
DEFAULT_LANGUAGE = "ar"
FORMAT_LOCALES = {"ar": "ar_MA", "fr": "fr_MA"}
LANG_COOKIE = "lang"
MOROCCO_TZ = get_timezone("Africa/Casablanca")
DEFAULT_LOCALE = Locale.parse(FORMAT_LOCALES[DEFAULT_LANGUAGE])


class RequestDomain(Domain):
    """Flask-Babel's domain, with the request's translations looked up once.

    Flask-Babel finds the request's domain, locale and catalogue again for
    every string: a page of a hundred strings paid that a hundred times, a
    fifth of a signed-in page's time. The catalogue found is kept on ``g``
    with the locale it was found for; ``force_locale`` sets another locale
    object, so a forced language finds its own catalogue.
    """

    def get_translations(self) -> Any:
        # Every translated string comes here (hundreds on a page): see request_locale.
        context = _cv_app.get(None)
        if context is None:
            return super().get_translations()
        locale = request_locale()
        found = context.g.__dict__
        cached = found.get("_rsu_translations")
        if cached is not None and cached[0] is locale:
            return cached[1]
        translations = super().get_translations()
        found["_rsu_translations"] = (locale, translations)
        return translations


def request_locale() -> Locale | None:
    """Flask-Babel's ``get_locale``, read straight from the app context once
    it is known. Every translated string and every formatted figure asks for
    it (hundreds of times a page); Flask-Babel walks the ``g`` proxy four
    times a call to answer. ``force_locale`` sets the same attribute, so it
    is honoured."""
    context = _cv_app.get(None)
    if context is None:
        return None
    babel = context.g.__dict__.get("_flask_babel")
    locale = getattr(babel, "babel_locale", None)
    return locale if locale is not None else get_locale()


# Outside any app context Flask-Babel translates nothing; neither do we.
_UNTRANSLATED = NullTranslations()


def catalogue() -> Any:
    """The translations of this request's language, as Flask-Babel would find them.

    The request's own domain (``RequestDomain``, set by ``init_i18n``) keeps
    the catalogue found for the request's locale; anywhere else (a CLI
    command, a forced locale outside a request) Flask-Babel's own look-up
    answers.
    """
    context = _cv_app.get(None)
    if context is None:
        return _UNTRANSLATED
    babel = context.g.__dict__.get("_flask_babel")
    domain = getattr(babel, "babel_domain", None)
    if isinstance(domain, RequestDomain):
        return domain.get_translations()
    return get_domain().get_translations()


def gettext(string: str, /, **variables: Any) -> str:
    """Flask-Babel's ``gettext``, without its look-up of the domain and the
    locale on every call (labels and score facts make dozens a page)."""
    translated: str = catalogue().ugettext(string)
    return translated % variables if variables else translated


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """Flask-Babel's ``ngettext`` (``num`` is a variable of the text), the same way."""
    variables.setdefault("num", num)
    translated: str = catalogue().ungettext(singular, plural, num)
    return translated % variables


def lazy_gettext(string: str, /, **variables: Any) -> LazyString:
    """A text translated when it is shown, in the language of that request."""
    return LazyString(gettext, string, **variables)


@pass_context
def _template_gettext(context: Context, string: str, /, **variables: Any) -> str:
    """``_()`` and ``gettext()`` in templates: Jinja's "newstyle" gettext
    (the result is escaped markup, always formatted with its variables),
    called directly instead of through three of Jinja's context calls."""
    translated: str = catalogue().ugettext(string)
    if context.eval_ctx.autoescape:
        translated = Markup(translated)  # noqa: S704 (our catalogue's text, as Jinja's i18n does)
    # Formatting a text with no "%" gives it back unchanged; Markup's costs a
    # fifth of the call, and most texts of a page have no variable.
    return translated % variables if variables or "%" in translated else translated


def init_i18n(app: Flask) -> None:
    """Keep loaded translations for the life of the process.

    Flask-Babel 4 builds a fresh Domain, with an empty cache, for every
    request, and so re-reads the .mo files each time. One Domain per app,
    made the request's default, loads each catalogue once. Templates call
    that domain directly rather than through Flask-Babel's look-up of the
    request's domain.
    """
    domain = RequestDomain()

    @app.before_request
    def _cached_translations() -> None:
        domain.as_default()

    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: domain.get_translations().ugettext(s),
        ngettext=lambda s, p, n: domain.get_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: domain.get_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: domain.get_translations().unpgettext(c, s, p, n),
    )
    # The commonest call of all, hundreds a page: Jinja's ``_`` alias and its
    # newstyle wrapper replaced by one function that does the same.
    app.jinja_env.globals.update(_=_template_gettext, gettext=_template_gettext)


def requested_language() -> str | None:
    """The language chosen with the switch on this request, if any."""
    value = request.args.get("lang")
    return value if value in LANGUAGES else None


def select_language() -> str:
    if not has_request_context():  # CLI commands: texts choose their language with force_locale
        return DEFAULT_LANGUAGE
    chosen = requested_language() or request.cookies.get(LANG_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    account = g.get("account")
    if account is not None and account.preferred_locale in LANGUAGES:
        return str(account.preferred_locale)
    best = request.accept_languages.best_match(LANGUAGES)
    return best or DEFAULT_LANGUAGE


def select_locale() -> str:
    """Flask-Babel's locale selector: the Moroccan variant of the chosen language."""
    return FORMAT_LOCALES[select_language()]


def current_language() -> str:
    locale = request_locale()
    return locale.language if locale is not None else DEFAULT_LANGUAGE


def text_direction() -> str:
    return str(_locale().text_direction)


def _locale() -> Locale:
    return request_locale() or DEFAULT_LOCALE


def format_day(value: date | datetime | str | None) -> str:
    """A date the way people write it: 3 juillet 2026, 3 يوليوز 2026.

    Dates kept in JSON records arrive as ISO strings (2031-05-31); they are
    written out too, never shown raw."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if isinstance(value, datetime):
        value = value.date()  # as Babel takes a datetime: its own date, no time zone
    return _kept_day(value, _locale())


# Each process keeps the dates it wrote, as it keeps figures (see below).
@lru_cache(maxsize=4096)
def _kept_day(day: date, locale: Locale) -> str:
    return str(babel_format_date(day, "d MMMM y", locale=locale))


def format_moment(value: datetime | None) -> str:
    """A date and time in Moroccan local time, joined as the language joins
    them (CLDR): "2 décembre 2026, 09:15", "2 دجنبر 2026، 09:15". The comma
    also keeps the year and the hour from reading as one number in Arabic."""
    if value is None:
        return ""
    locale = _locale()
    day = babel_format_datetime(value, "d MMMM y", tzinfo=MOROCCO_TZ, locale=locale)
    hour = babel_format_datetime(value, "HH:mm", tzinfo=MOROCCO_TZ, locale=locale)
    return str(get_datetime_format("long", locale=locale)).format(hour, day)


def format_time(value: datetime | None) -> str:
    if value is None:
        return ""
    return str(babel_format_datetime(value, "HH:mm", tzinfo=MOROCCO_TZ, locale=_locale()))


# Babel takes tens of microseconds for one number (it parses the pattern and
# walks the CLDR data each time), and a page shows dozens: thresholds, scores,
# amounts. What it writes depends only on the number, the pattern and the
# locale, so each process keeps what it wrote. The number is keyed by its type
# and its exact text, and rebuilt from them: Decimal("9.30") and
# Decimal("9.3") are equal but are not taken for one another.
_EXACT_NUMBER_TYPES: dict[type, str] = {Decimal: "Decimal", int: "int", float: "float"}
_REBUILT: dict[str, Callable[[str], Any]] = {
    name: kind for kind, name in _EXACT_NUMBER_TYPES.items()
}


def _babel_number(value: Any, pattern: str | None, in_dirhams: bool, locale: Locale) -> str:
    if in_dirhams:
        return str(babel_format_currency(value, "MAD", locale=locale))
    return str(babel_format_decimal(value, format=pattern, locale=locale))


@lru_cache(maxsize=4096)
def _kept_number(
    kind: str, text: str, pattern: str | None, in_dirhams: bool, locale: Locale
) -> str:
    return _babel_number(_REBUILT[kind](text), pattern, in_dirhams, locale)


def _format_number(value: Any, pattern: str | None = None, in_dirhams: bool = False) -> str:
    kind = _EXACT_NUMBER_TYPES.get(type(value))
    if kind is not None:  # not bool, nor a subclass that would not rebuild as itself
        return _kept_number(kind, str(value), pattern, in_dirhams, _locale())
    return _babel_number(value, pattern, in_dirhams, _locale())


def format_score(value: Decimal | None) -> str:
    """A score with exactly 7 decimals, never Babel's default 3 (which would show 9,326)."""
    if value is None:
        return ""
    return _format_number(value, "0.0000000")


def format_threshold(value: Decimal) -> str:
    """A threshold with its own decimals: 9,3264284 and 9,743001, not 9,7430010."""
    return _format_number(value, "0.0######")


def format_amount(value: Decimal | int | float | None) -> str:
    if value is None:
        return ""
    return _format_number(value, in_dirhams=True)


def format_number(value: Any) -> str:
    return _format_number(value)


def format_file_size(size: int) -> str:
    """1,2 Mo / 340 ko: what the phone's file picker shows, in the page's language."""
    if size >= 1024 * 1024:
        return str(
            format_unit(
                round(size / (1024 * 1024), 1), "digital-megabyte", "short", locale=_locale()
            )
        )
    return str(
        format_unit(max(1, round(size / 1024)), "digital-kilobyte", "short", locale=_locale())
    )
