"""Reading PDFs back with poppler and zbar, as a person or a phone would.

Tests that need a tool skip when it is missing (Debian: poppler-utils,
zbar-tools); `make setup` installs both.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (Debian: poppler-utils, zbar-tools)")
    return path


def visible_text(text: str) -> str:
    """NFKC folds Arabic presentation forms back to letters; bidi marks go."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(c for c in folded if unicodedata.category(c) != "Cf")


A4_POINTS = (595, 842)


def pdf_text(pdf: bytes, directory: Path, half: str | None = None) -> str:
    """The text of the PDF, whitespace collapsed. ``half`` ("left" or "right")
    reads one column of an A4 page only: side by side, the two languages'
    lines would otherwise interleave."""
    path = directory / "document.pdf"
    path.write_bytes(pdf)
    crop: list[str] = []
    if half is not None:
        width, height = A4_POINTS
        left = 0 if half == "left" else width // 2
        crop = ["-x", str(left), "-y", "0", "-W", str(width // 2), "-H", str(height)]
    extracted = subprocess.run(
        [tool("pdftotext"), "-enc", "UTF-8", *crop, str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return " ".join(visible_text(extracted).split())


def first_page_png(pdf: bytes, png: Path, resolution: int = 110) -> Path:
    """Page 1 as a PNG image (``png`` without its suffix is the output stem)."""
    png.parent.mkdir(parents=True, exist_ok=True)
    source = png.with_suffix(".pdf")
    source.write_bytes(pdf)
    subprocess.run(
        [
            tool("pdftoppm"),
            "-png",
            "-r",
            str(resolution),
            "-singlefile",
            str(source),
            str(png.with_suffix("")),
        ],
        check=True,
    )
    source.unlink()
    return png


def qr_payload(png: Path) -> str:
    return subprocess.run(
        [tool("zbarimg"), "--raw", "-q", str(png)], capture_output=True, text=True, check=False
    ).stdout.strip()
