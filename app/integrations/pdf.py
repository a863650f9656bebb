"""HTML to PDF for the certificates we issue: bilingual Arabic/French, A4.

WeasyPrint does the layout; Pango and HarfBuzz shape the Arabic. This module
pins what must not depend on the machine it runs on:

- Fonts. The Noto fonts are declared with ``@font-face`` and embedded
  (subset) in every PDF, so a certificate looks the same wherever it is
  rendered or opened. A missing font file is an error at start-up, naming the
  file, rather than a silently substituted font.
- Network. Rendering never fetches anything: the URL fetcher allows ``data:``
  URLs and ``file:`` URLs under the font directory only. Anything else
  (``https:``, ``http:``, other files) fails the whole render with
  :class:`ResourceError` instead of producing a certificate with a hole in
  it. Images therefore go inline: :func:`qr_svg` for the QR code, ``data:``
  URLs for the rest.
- Cost. A ``FontConfiguration`` loads the fontconfig set-up and copies each
  ``@font-face`` font into a temporary folder, and it holds WeasyPrint's text
  caches; one :class:`PdfRenderer` per process (see :func:`renderer`) pays for
  that once and keeps the caches warm.

Notes for templates:

- Put ``lang`` and ``dir`` on ``<html>`` (or on each block): ``:lang(ar)``
  selects the Arabic font first, and the bidi algorithm needs the base
  direction. The PDF's own /Lang and /Title come from :meth:`PdfRenderer.render`
  arguments, whatever the HTML says.
- In WeasyPrint ``<bdi>`` does not isolate its content. Wrap left-to-right
  runs inside Arabic text (identifiers, dates, amounts) in
  ``<span dir="ltr">`` so that "123-456" does not come out as "456-123".
- The base stylesheet only sets the page size (A4) and the font stacks; the
  template's own CSS wins over it for everything else.
- Layout is most of the render time, and flexbox is the expensive part in
  WeasyPrint: two columns as table cells (``display: table-cell``) lay out
  about a quarter faster than the same columns in a flex container.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import segno
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

DEFAULT_FONT_DIRECTORY = Path("/usr/share/fonts/truetype/noto")

# The family names carry an "RSU" prefix so that they can only match our
# @font-face rules, never a font fontconfig happens to find on the machine;
# the embedded font names (e.g. "RSU-Noto-Sans") show which were used.
LATIN_FAMILY = "RSU Noto Sans"
ARABIC_FAMILY = "RSU Noto Naskh Arabic"
ARABIC_SANS_FAMILY = "RSU Noto Sans Arabic"

FONT_FILES: tuple[tuple[str, int, str], ...] = (
    (LATIN_FAMILY, 400, "NotoSans-Regular.ttf"),
    (LATIN_FAMILY, 700, "NotoSans-Bold.ttf"),
    (ARABIC_FAMILY, 400, "NotoNaskhArabic-Regular.ttf"),
    (ARABIC_FAMILY, 700, "NotoNaskhArabic-Bold.ttf"),
    (ARABIC_SANS_FAMILY, 400, "NotoSansArabic-Regular.ttf"),
    (ARABIC_SANS_FAMILY, 700, "NotoSansArabic-Bold.ttf"),
)

# Latin first for French text: Noto Sans has no Arabic, so Arabic letters
# fall through to Naskh. Under :lang(ar) Naskh comes first so that digits and
# punctuation inside Arabic text match the Arabic letters around them.
BASE_CSS = f"""
@page {{ size: A4; }}
html {{ font-family: "{LATIN_FAMILY}", "{ARABIC_FAMILY}"; }}
:lang(ar) {{ font-family: "{ARABIC_FAMILY}", "{LATIN_FAMILY}"; }}
"""

# 0.8 mm modules stay readable by phone cameras after printing and
# photocopying; error correction "M" (segno raises it when that costs no size)
# survives a stamp or a fold. segno adds the standard 4-module quiet zone.
QR_MODULE_MM = 0.8
QR_ERROR_LEVEL = "m"


# Archivable and tagged at once. WeasyPrint makes one variant per document:
# PDF/A-3a is PDF/A-3 at its accessible level "a", which requires the same
# tagged structure as PDF/UA (WeasyPrint's tags: headings, paragraphs,
# tables, figures with their alternative text, /Lang, /MarkInfo, and the
# title shown instead of the file name). PDF/A-3 rather than 2: it allows
# attaching source data later. ``pdf_tags`` is given too: WeasyPrint applies
# a variant's defaults only to options left at None, and ``pdf_tags``
# defaults to False.
PDF_OPTIONS = {"pdf_variant": "pdf/a-3a", "pdf_tags": True}

# The PDF/UA-1 identification (ISO 14289-1, 5), which WeasyPrint writes only
# for its "pdf/ua-1" variant. It joins PDF/A's own description in the one
# XMP packet (XMP allows a single rdf:RDF, so it cannot be a second one).
# PDF/A accepts only the XMP schemas it lists, or those the file describes
# in an extension schema (ISO 19005-3, 6.6.2.3): hence the description of
# pdfuaid:part that follows.
PDFA_DESCRIPTION = b'<rdf:Description rdf:about="" pdfaid:part="3"'
PDFUA_DESCRIPTION = (
    b'<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" '
    b'pdfuaid:part="1" pdfaid:part="3"'
)
RDF_END = b"</rdf:RDF>"
PDFUA_EXTENSION_SCHEMA = (
    b'<rdf:Description rdf:about="" '
    b'xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" '
    b'xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" '
    b'xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">'
    b'<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">'
    b"<pdfaSchema:schema>PDF/UA identification</pdfaSchema:schema>"
    b"<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>"
    b"<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>"
    b'<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">'
    b"<pdfaProperty:name>part</pdfaProperty:name>"
    b"<pdfaProperty:valueType>Integer</pdfaProperty:valueType>"
    b"<pdfaProperty:category>internal</pdfaProperty:category>"
    b"<pdfaProperty:description>The part of ISO 14289 the file follows</pdfaProperty:description>"
    b"</rdf:li></rdf:Seq></pdfaSchema:property>"
    b"</rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>"
)


def identify_as_pdf_ua(document: Any, pdf: Any) -> None:
    """WeasyPrint finisher: add the PDF/UA part to the XMP metadata stream."""
    reference = int(bytes(pdf.catalog["Metadata"]).split()[0])
    stream = pdf.objects[reference]
    content = b"".join(stream.stream)
    if PDFA_DESCRIPTION not in content:
        raise RuntimeError("the PDF/A description is not where WeasyPrint used to write it")
    content = content.replace(PDFA_DESCRIPTION, PDFUA_DESCRIPTION, 1)
    stream.stream = [content.replace(RDF_END, PDFUA_EXTENSION_SCHEMA + RDF_END, 1)]


class ResourceError(Exception):
    """A document referred to a resource that may not, or could not, be loaded."""


class LocalOnlyFetcher(URLFetcher):
    """WeasyPrint URL fetcher that never touches the network.

    Allows ``data:`` URLs and ``file:`` URLs inside one directory (the fonts).
    Everything else raises :class:`ResourceError` before any I/O happens.

    ``fail_on_errors=True`` makes WeasyPrint stop the render on the first
    refused or failed fetch instead of logging it and leaving the image out.
    """

    def __init__(self, allowed_directory: Path) -> None:
        super().__init__(fail_on_errors=True)
        self._allowed_directory = Path(os.path.normpath(allowed_directory.absolute()))

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        if not self.allows(url):
            raise ResourceError(f"refusing to load {url!r}: only inline data and fonts are allowed")
        return super().fetch(url, headers)

    def allows(self, url: str) -> bool:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return True
        if scheme != "file" or parts.netloc not in ("", "localhost"):
            return False
        # Lexical normalisation, not resolve(): it defeats "../" while still
        # allowing a font directory whose files are symlinks (as distributions
        # often ship them).
        path = Path(os.path.normpath(url2pathname(parts.path)))
        return path.is_relative_to(self._allowed_directory)


class PdfRenderer:
    """Renders HTML to PDF with the embedded Noto fonts.

    Create one per process (:func:`renderer`): the constructor loads the fonts,
    and every render reuses them. Renders are serialised by a lock because the
    shared FontConfiguration wraps a Pango font map, which Pango does not
    promise to be safe to use from several threads at once.
    """

    def __init__(self, font_directory: Path = DEFAULT_FONT_DIRECTORY) -> None:
        self.font_directory = font_directory
        self.font_config = FontConfiguration()
        self.fetcher = LocalOnlyFetcher(font_directory)
        self.css = font_face_css(font_directory) + BASE_CSS
        self._stylesheet = CSS(
            string=self.css, font_config=self.font_config, url_fetcher=self.fetcher
        )
        self._lock = threading.Lock()

    def render(
        self,
        html: str,
        *,
        title: str,
        language: str,
        base_url: str | None = None,
        finisher: Callable[[Any, Any], None] | None = None,
    ) -> bytes:
        """Return the PDF for ``html``, with /Title ``title`` and /Lang ``language``.

        ``finisher`` runs after ours on WeasyPrint's PDF objects, before they
        are written: the signature slot (``SignatureSlot.reserve``) goes in there.

        ``language`` is a BCP 47 tag ("fr", "ar-MA"). ``base_url`` resolves
        relative URLs in the HTML; they still go through the restrictive
        fetcher (without it, WeasyPrint drops them and logs an error). Raises
        :class:`ResourceError` if the HTML refers to anything other than
        inline data or the fonts.
        """
        with self._lock:
            try:
                document = HTML(string=html, base_url=base_url, url_fetcher=self.fetcher).render(
                    font_config=self.font_config, stylesheets=[self._stylesheet], **PDF_OPTIONS
                )
                document.metadata.title = title
                document.metadata.lang = language
                pdf: bytes = document.write_pdf(
                    finisher=functools.partial(_finish, finisher), **PDF_OPTIONS
                )
            except FatalURLFetchingError as error:
                # WeasyPrint's fatal fetch error derives from BaseException,
                # which would slip past Flask's error handling.
                raise ResourceError(f"{error}: {error.__cause__}") from error.__cause__
        return pdf


def _finish(then: Callable[[Any, Any], None] | None, document: Any, pdf: Any) -> None:
    identify_as_pdf_ua(document, pdf)
    if then is not None:
        then(document, pdf)


def font_face_css(font_directory: Path) -> str:
    """``@font-face`` rules for :data:`FONT_FILES`, checking that each file exists."""
    rules = []
    for family, weight, file_name in FONT_FILES:
        path = (font_directory / file_name).absolute()
        if not path.is_file():
            raise FileNotFoundError(
                f"font file {path} is missing; install the Debian package fonts-noto-core "
                "or point the PDF renderer at a directory holding the Noto fonts"
            )
        rules.append(
            f'@font-face {{ font-family: "{family}"; font-weight: {weight}; '
            f'src: url("{path.as_uri()}"); }}'
        )
    return "\n".join(rules)


@functools.cache
def renderer() -> PdfRenderer:
    """The process-wide renderer, with the default font directory."""
    return PdfRenderer()


def qr_svg(url: str) -> str:
    """An inline ``<svg>`` QR code for ``url``, sized in millimetres for print.

    The result is markup to place as-is in the HTML (mark it safe in Jinja);
    WeasyPrint draws inline SVG as vectors, so the code stays sharp. Its
    ``<title>``, the address it encodes, is the figure's alternative text in
    a tagged PDF.
    """
    code = segno.make_qr(url, error=QR_ERROR_LEVEL)
    return code.svg_inline(scale=QR_MODULE_MM, unit="mm", title=url)
