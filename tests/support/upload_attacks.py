"""Files that attack the upload check: made here, each as the attack report described."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable
from typing import Any

import pikepdf
from PIL import Image


def pdf_with(change: Callable[[pikepdf.Pdf], None], **save: Any) -> bytes:
    """A one-page PDF, changed by ``change`` before it is saved."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    change(pdf)
    out = io.BytesIO()
    pdf.save(out, **save)
    return out.getvalue()


def javascript_open_action_pdf() -> bytes:
    """A PDF that runs JavaScript as soon as it is opened."""

    def open_action(pdf: pikepdf.Pdf) -> None:
        pdf.Root.OpenAction = pikepdf.Dictionary(
            S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.launchURL('https://evil.example')")
        )

    return pdf_with(open_action)


def pdf_html_polyglot() -> bytes:
    """Valid as a PDF, and a web page with a script for a browser that sniffs it."""
    plain = pdf_with(lambda pdf: None)
    header, rest = plain.split(b"\n", 1)
    page = b"%<html><body><script>fetch('/privacy/my-data.json')</script></body></html>\n"
    return header + b"\n" + page + rest


def png_bomb(side: int = 32768) -> bytes:
    """A grey PNG of ``side`` × ``side`` pixels, all black: about 1 MB that
    inflates to 1 GiB (one byte per pixel)."""
    row = b"\x00" * (side + 1)  # filter byte, then the pixels
    deflate = zlib.compressobj(9)
    data = b"".join(deflate.compress(row) for _ in range(side)) + deflate.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def photo_with_gps() -> bytes:
    """A phone photo's metadata: the maker and where it was taken (Casablanca)."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (33.0, 35.0, 0.0), 3: "W", 4: (7.0, 36.0, 0.0)}
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 90, 60)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()
