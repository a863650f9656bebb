"""One way to keep a value of the other direction whole.

Inside Arabic text the Unicode bidirectional algorithm turns digits next to
Arabic letters into "Arabic numbers", and a hyphen or a space between two of
them into a neutral that follows the sentence: ``2-21-582`` then reads
``582-21-2``, and a Latin address moves its house number to the other end.
Isolating the value (``<bdi>`` with its own direction) makes it one unit
that the sentence places as a whole, and inside which its own order holds.

Every identifier with separators (certificate, RSU, receipt and review
numbers, IDCS, phone, decree and law numbers), date written in figures and
Latin name or address goes through ``isolate``. Values typed by people (an
address, an explanation), which may be written in either script, take
``direction="auto"``: the browser reads the direction from their first
strong letter.
"""

from __future__ import annotations

from markupsafe import Markup, escape

DIRECTIONS = ("ltr", "rtl", "auto")
# Where no markup may go (<title>): marks of the value's direction on both
# sides (LRM, RLM). A mark before "1234-5678" makes its digits European
# numbers of a left-to-right run, which stays whole. Not Unicode's isolates
# (LRI...PDI): the input boundary refuses those, and no page may carry one.
TEXT_MARKS = {"ltr": "\u200e", "rtl": "\u200f"}


def isolate(value: object, direction: str = "ltr", text: bool = False) -> Markup | str:
    """``<bdi dir=…>value</bdi>``, or with ``text`` (plain text: ltr or rtl)
    the value between marks of its direction; nothing for an empty value."""
    if value is None or value == "":
        return Markup("")
    if direction not in DIRECTIONS:
        raise ValueError(f"unknown direction {direction!r}")
    if text:
        mark = TEXT_MARKS[direction]
        return f"{mark}{value}{mark}"
    # Written out rather than with Markup.format, which costs five times as
    # much: a page isolates a value a dozen times or more. The value is escaped.
    return Markup(f'<bdi dir="{direction}">{escape(value)}</bdi>')  # noqa: S704 (escaped)


def isolate_for_print(value: object, direction: str = "ltr") -> Markup:
    """The same for WeasyPrint, which ignores ``<bdi>`` but honours a span's ``dir``."""
    if value is None or value == "":
        return Markup("")
    if direction not in DIRECTIONS:
        raise ValueError(f"unknown direction {direction!r}")
    return Markup(f'<span dir="{direction}">{escape(value)}</span>')  # noqa: S704 (escaped)


def forward_arrow(text_direction: str) -> str:
    """The arrow from "before" to "after": it points the way the line is read."""
    return "←" if text_direction == "rtl" else "→"
