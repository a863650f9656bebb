"""French puts a no-break space before ":", ";", "?" and "!" (and never a
plain one, which lets the sign wrap alone onto the next line)."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

CATALOG = Path(__file__).resolve().parents[2] / "app/translations/fr/LC_MESSAGES/messages.po"
# A sign that ends a word or a clause (followed by a space, the end, a tag or
# a quote), without a no-break space before it. "http://" and "10:30" pass.
WRONG = re.compile(r"(?<![\u00a0\u202f])[:;?!](?=\s|$|<|\")")


def test_french_signs_have_a_no_break_space_before_them() -> None:
    with CATALOG.open("rb") as file:
        catalog = read_po(file)
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        texts = [message.string] if isinstance(message.string, str) else list(message.string)
        wrong += [text for text in texts if WRONG.search(text)]
    assert wrong == []
