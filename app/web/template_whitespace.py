"""Templates lose their indentation when they are compiled, not when a page
is served.

The templates are indented for their readers; a phone pays for every one of
those spaces on every page (tests/e2e/test_page_weight.py). HTML collapses
the whitespace between tags, so a line's leading spaces before a tag or a
Jinja tag say nothing to the browser. They are removed from the template's
source once, when Jinja compiles it (the compiled template is cached), so a
request costs nothing more. This is not compression: the bytes removed are
the template's own, never a secret's neighbours (BREACH concerns only
compressed responses).

Only a line's leading blanks are removed, and only when the line then starts
with ``<`` or ``{``: the newline stays, so words never join; text lines, and
anything inside a ``pre-line`` element (always an expression on one line),
are untouched.
"""

from __future__ import annotations

import re

from jinja2.ext import Extension

INDENT = re.compile(r"^[ \t]+(?=[<{])", re.MULTILINE)
# A line holding only a Jinja statement ({% for %}, {% endif %}) leaves an
# empty line in the page; its newline goes when the next line is a tag too.
STATEMENT_LINE = re.compile(r"^(\{%[^\n]*%\})\n(?=<|\{%)", re.MULTILINE)


class Dedent(Extension):
    """Strips the indentation of HTML templates as they are compiled."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        if name is None or not name.endswith(".html"):
            return source
        return STATEMENT_LINE.sub(r"\1", INDENT.sub("", source))
