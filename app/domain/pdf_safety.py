"""Refusing PDFs that could act on the reviewer's computer.

A supporting document is read by a reviewer: it must be only pages. The file
is parsed with qpdf (through pikepdf), which reads every object, including
those packed in object streams and the ones a byte scan would miss (names
may be written ``/J#61vaScript``). Refused:
- JavaScript (``/JS``, ``/JavaScript``, ``/S /JavaScript``);
- automatic actions: an ``/OpenAction`` that is an action, not merely the
  page to open at (Word and LibreOffice write that one), and ``/AA``;
- ``/Launch`` actions, which start programs;
- embedded files and rich media (``/EmbeddedFile(s)``, ``/RichMedia``);
- encryption: a file we cannot read through is a file we cannot check;
- a PDF that is also a web page (a PDF/HTML polyglot): HTML tags anywhere in
  the bytes, where a browser sniffing the file would find them.
"""

from __future__ import annotations

import io
import re

import pikepdf

ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/AA", "/Launch", "/EmbeddedFile",
                         "/EmbeddedFiles", "/RichMedia"})  # fmt: skip
ACTIVE_NAMES = frozenset({"/JavaScript", "/Launch", "/EmbeddedFile", "/RichMedia"})
# Tags a browser treats as a web page. Long enough never to turn up by
# chance in compressed data.
HTML_TAG = re.compile(
    rb"<\s*(?:!doctype\s+html|html|head|body|script|iframe|svg|object|embed)[\s>/]", re.IGNORECASE
)


def pdf_problem(content: bytes) -> str | None:
    """None for a plain PDF; otherwise why it is refused: ``pdf_unreadable``,
    ``pdf_encrypted`` or ``pdf_active``."""
    if HTML_TAG.search(content):
        return "pdf_active"
    try:
        pdf = pikepdf.open(io.BytesIO(content))
    except pikepdf.PasswordError:
        return "pdf_encrypted"
    except (pikepdf.PdfError, ValueError):
        return "pdf_unreadable"
    with pdf:
        if pdf.is_encrypted:
            return "pdf_encrypted"
        open_action = pdf.Root.get("/OpenAction")
        if isinstance(open_action, pikepdf.Dictionary):
            return "pdf_active"
        if any(_active(obj, set()) for obj in pdf.objects):
            return "pdf_active"
    return None


def _active(obj: pikepdf.Object, seen: set[tuple[int, int]]) -> bool:
    """Whether ``obj``, or anything written inside it, is active content.
    Indirect objects are each visited once, from ``pdf.objects``."""
    if isinstance(obj, pikepdf.Stream):
        obj = obj.stream_dict
    if isinstance(obj, pikepdf.Dictionary):
        for key, value in obj.items():
            if key in ACTIVE_KEYS:
                return True
            if isinstance(value, pikepdf.Name) and str(value) in ACTIVE_NAMES:
                return True
            if _direct(value) and _active(value, seen):
                return True
    elif isinstance(obj, pikepdf.Array):
        return any(_direct(item) and _active(item, seen) for item in obj)
    return False


def _direct(obj: object) -> bool:
    """A dictionary or array written in place (an indirect one is checked on its own)."""
    return isinstance(obj, pikepdf.Dictionary | pikepdf.Array) and not obj.is_indirect
