"""PAdES signatures on the certificate PDFs we issue, and their verification.

A certificate is worth something only if a reader can tell it came from us
unchanged. We sign every PDF with a PAdES baseline B-B signature (CMS,
``/SubFilter /ETSI.CAdES.detached``) in an invisible field named
:data:`SIGNATURE_FIELD`: the field is written with the PDF
(:class:`SignatureSlot`), the CMS by :mod:`app.integrations.cms_signature`;
pyHanko verifies.

B-B carries no trusted timestamp, so the signature verifies only while the
signing certificate is valid; archiving certificates for longer than that
would need B-T or B-LTA (a timestamp authority), which is out of scope here.

Nothing here goes to the network: signing needs no validation data, and
verification trusts exactly the certificate it is given and fetches no
revocation information (so, with a real PKI, it does not check revocation).
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any, TypeVar

import pydyf
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from cryptography.x509 import load_pem_x509_certificate
from pyhanko.keys import load_certs_from_pemder_data
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import (
    EmbeddedPdfSignature,
    SignatureCoverageLevel,
    validate_pdf_signature,
)
from pyhanko_certvalidator import ValidationContext

from app.integrations.cms_signature import CmsSigner

log = logging.getLogger(__name__)

T = TypeVar("T")

SIGNATURE_FIELD = "RSU-Signature"

StrPath = str | os.PathLike[str]


class PdfSigner:
    """Signs PDFs with one key and certificate, loaded once from PEM files.

    ``chain_paths`` name PEM files with the intermediate certificates between
    the signing certificate and its root; they are embedded in the signature
    so that a reader can build the path without fetching anything.

    Signing is two steps around the render: :meth:`slot` gives the WeasyPrint
    finisher that writes the signature field with room for the signature,
    and :meth:`SignatureSlot.fill` writes the signature into that room. The
    CMS signature comes from :class:`CmsSigner`.
    """

    def __init__(
        self, key_path: StrPath, cert_path: StrPath, chain_paths: Iterable[StrPath] = ()
    ) -> None:
        chain = [load_pem_x509_certificate(Path(p).read_bytes()) for p in chain_paths]
        key = load_pem_private_key(Path(key_path).read_bytes(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
            raise ValueError(f"{key_path}: certificates are signed with an ECDSA or RSA key only")
        self._cms = CmsSigner(key, load_pem_x509_certificate(Path(cert_path).read_bytes()), chain)
        # ISO/TS 32002 declares the ECDSA curves a PDF signature may use;
        # pyHanko, which signed our certificates before, declared it too.
        self._declares_iso32002 = (
            isinstance(key, ec.EllipticCurvePrivateKey)
            and key.curve.name.lower() in ISO32002_CURVES
        )

    def slot(self, *, reason: str, location: str) -> SignatureSlot:
        """Room for one PAdES B-B signature, to render a PDF with and then fill.

        ``reason`` and ``location`` are recorded in the signature dictionary,
        where PDF readers show them next to the signer's name.
        """
        return SignatureSlot(
            self._cms, reason=reason, location=location, iso32002=self._declares_iso32002
        )


# Curves listed by ISO/TS 32002, as the cryptography package names them (lowercased).
ISO32002_CURVES = frozenset(
    {"secp256r1", "secp384r1", "secp521r1", "brainpoolp256r1", "brainpoolp384r1", "brainpoolp512r1"}
)

# Ten digits hold any offset in a file under 10 GB; the real /ByteRange is
# written over this placeholder, padded with spaces to the same length.
BYTE_RANGE_PLACEHOLDER = b"[0 " + b" ".join([b"0" * 10] * 3) + b"]"


class SignatureSlot:
    """One PDF's signature: its dictionary and field written by the render, then filled.

    Why not pyHanko's signer: it parses the rendered PDF again (WeasyPrint
    puts nearly every object in one compressed object stream) to add the
    field as an incremental update, which cost more than the CMS signature
    itself. WeasyPrint already holds the objects in hand, so the finisher
    :meth:`reserve` adds them to the first and only revision:

    - the signature dictionary (/Type /Sig, /SubFilter ETSI.CAdES.detached,
      /M, /Reason, /Location), written outside the object stream, with a
      zeroed /ByteRange and /Contents;
    - the invisible widget :data:`SIGNATURE_FIELD` on page 1 and /AcroForm
      (/SigFlags 3: signed, append only);
    - in the catalog, the developer extensions pyHanko declared: /ESIC (PAdES
      structures in PDF 1.7) and, for an ECDSA key on a curve of ISO/TS 32002,
      /ISO_ 32002 with /Version 2.0.

    The file's /Info and XMP metadata are WeasyPrint's, untouched.

    :meth:`fill` finds the placeholders at the offset the PDF writer recorded
    for that dictionary, not by searching the file (whose text could hold the
    same bytes), and checks they are there.
    """

    def __init__(self, cms: CmsSigner, *, reason: str, location: str, iso32002: bool) -> None:
        self._cms = cms
        self._iso32002 = iso32002
        # The CMS has a fixed size but for the signature value: the room is
        # counted for the longest value, in hex digits.
        self._contents_room = 2 * cms.max_size
        head = (
            b"<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/ETSI.CAdES.detached"
            + b"/M"
            + pydyf.String(datetime.now(UTC).strftime("D:%Y%m%d%H%M%SZ")).data
            + b"/Reason"
            + pydyf.String(reason).data
            + b"/Location"
            + pydyf.String(location).data
            + b"/ByteRange"
        )
        self._byte_range_at = len(head)
        head += BYTE_RANGE_PLACEHOLDER + b"/Contents"
        self._contents_at = len(head)  # the "<" that opens the hex string
        self._dictionary = _Verbatim(head + b"<" + b"0" * self._contents_room + b">>>")

    def reserve(self, document: Any, pdf: pydyf.PDF) -> None:
        """WeasyPrint finisher: add the signature dictionary, field and extensions."""
        del document  # the finisher's signature; only the PDF objects matter here
        catalog = pdf.catalog
        if "AcroForm" in catalog or "Extensions" in catalog:
            raise RuntimeError("the rendered PDF already has a form or extensions to merge with")
        pdf.add_object(self._dictionary)
        page_reference = pdf.page_references[0]
        page = pdf.objects[int(page_reference.split()[0])]
        field = pydyf.Dictionary(
            {
                "Type": "/Annot",
                "Subtype": "/Widget",
                "FT": "/Sig",
                "T": pydyf.String(SIGNATURE_FIELD),
                "V": self._dictionary.reference,
                "Rect": pydyf.Array([0, 0, 0, 0]),
                "F": 132,  # Print and Locked
                "P": page_reference,
            }
        )
        pdf.add_object(field)
        page.setdefault("Annots", pydyf.Array()).append(field.reference)
        catalog["AcroForm"] = pydyf.Dictionary(
            {"Fields": pydyf.Array([field.reference]), "SigFlags": 3}
        )
        extensions = pydyf.Dictionary(
            {
                "ESIC": pydyf.Dictionary(
                    {"Type": "/DeveloperExtensions", "BaseVersion": "/1.7", "ExtensionLevel": 1}
                )
            }
        )
        if self._iso32002:
            extensions["ISO_"] = pydyf.Array(
                [
                    pydyf.Dictionary(
                        {
                            "Type": "/DeveloperExtensions",
                            "BaseVersion": "/2.0",
                            "ExtensionLevel": 32002,
                            "URL": pydyf.String("https://www.iso.org/standard/45875.html"),
                            "ExtensionRevision": pydyf.String(":2022"),
                        }
                    )
                ]
            )
            catalog["Version"] = "/2.0"
        catalog["Extensions"] = extensions

    def fill(self, pdf: bytes) -> bytes:
        """``pdf``, rendered with :meth:`reserve`, with its signature written in.

        The signature covers the whole file but the /Contents hex string.
        """
        offset = self._dictionary.offset
        header = f"{self._dictionary.number} 0 obj\n".encode()
        start = offset + len(header)
        if not self._dictionary.number or pdf[offset:start] != header:
            raise ValueError("this PDF was not rendered with this signature slot")
        byte_range_at = start + self._byte_range_at
        contents_at = start + self._contents_at
        after_contents = contents_at + self._contents_room + 2  # with "<" and ">"
        placeholder = b"<" + b"0" * self._contents_room + b">"
        if (
            pdf[byte_range_at : byte_range_at + len(BYTE_RANGE_PLACEHOLDER)]
            != BYTE_RANGE_PLACEHOLDER
            or pdf[contents_at:after_contents] != placeholder
        ):
            raise ValueError("the signature slot is not where the PDF writer put it")
        byte_range = f"[0 {contents_at} {after_contents} {len(pdf) - after_contents}]".encode()
        signed = bytearray(pdf)
        signed[byte_range_at : byte_range_at + len(BYTE_RANGE_PLACEHOLDER)] = byte_range.ljust(
            len(BYTE_RANGE_PLACEHOLDER)
        )
        digest = hashlib.sha256()
        digest.update(memoryview(signed)[:contents_at])
        digest.update(memoryview(signed)[after_contents:])
        value = self._cms.sign(digest.digest()).hex().encode()
        if len(value) > self._contents_room:
            raise ValueError(
                f"the signature ({len(value)} hex digits) does not fit the room reserved "
                f"for it ({self._contents_room})"
            )
        signed[contents_at + 1 : contents_at + 1 + len(value)] = value
        return bytes(signed)


class _Verbatim(pydyf.Object):
    """A PDF object written as given, outside the object stream.

    Outside, because the signature's /ByteRange and /Contents must be plain
    bytes of the file at an offset the writer records (``offset``).
    """

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self._data = data

    @property
    def data(self) -> bytes:
        return self._data

    @property
    def compressible(self) -> bool:
        return False


def outside_event_loop(work: Callable[..., T], *args: Any) -> T:
    """Run pyHanko's synchronous API where it can work.

    Its sync functions call ``asyncio.run()``, which is refused in a thread
    that already runs an event loop (an async server, Playwright's sync API
    in the test process). There, the work goes to a short-lived thread of its
    own; everywhere else it runs here, at no cost.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work(*args)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work, *args).result()


def signer_from_files(
    key_path: StrPath, cert_path: StrPath, chain_paths: Iterable[StrPath] = ()
) -> PdfSigner:
    """The process-wide :class:`PdfSigner` for these files, loaded on first use.

    Reading and parsing the key on every certificate would be wasted work; the
    cost is that replacing the files takes effect at the next restart.
    """
    return _cached_signer(
        _absolute(key_path), _absolute(cert_path), tuple(map(_absolute, chain_paths))
    )


@functools.cache
def _cached_signer(key_path: Path, cert_path: Path, chain_paths: tuple[Path, ...]) -> PdfSigner:
    return PdfSigner(key_path, cert_path, chain_paths)


def _absolute(path: StrPath) -> Path:
    """Normalise a path so that "key.pem" and "./key.pem" share one cache entry."""
    return Path(os.path.abspath(path))


def signature_is_valid(pdf: bytes, trusted_certificate_pem: bytes) -> bool:
    """Whether ``pdf`` is exactly as we signed it, by a key we trust.

    True only if the :data:`SIGNATURE_FIELD` signature is intact, its signer
    chains to ``trusted_certificate_pem`` (which may be the self-signed signing
    certificate itself), and it covers the entire file. The last condition is
    stricter than pyHanko's own verdict, which tolerates some later
    incremental updates: an issued certificate has none, so any added byte
    means the file is not the one we issued.

    An unreadable file or a file without our signature is not valid either.
    """
    context = _trusting(trusted_certificate_pem)  # outside the try: ours, not the file's
    try:
        signature = _our_signature(PdfFileReader(BytesIO(pdf)))
        if signature is None:
            return False
        status = outside_event_loop(validate_pdf_signature, signature, context)
    except Exception:
        # The file comes from outside and may be damaged anywhere; pyHanko then
        # raises whatever its parsers hit (PdfReadError, ValueError from
        # asn1crypto, zlib.error, even AttributeError for a mangled digest
        # OID in the CMS blob). Whatever it is, the file is not one we issued.
        log.info("signature check failed on an unreadable file", exc_info=True)
        return False
    return status.bottom_line and status.coverage == SignatureCoverageLevel.ENTIRE_FILE


def _our_signature(reader: PdfFileReader) -> EmbeddedPdfSignature | None:
    for signature in reader.embedded_signatures:
        if signature.field_name == SIGNATURE_FIELD:
            return signature
    return None


def _trusting(certificate_pem: bytes) -> ValidationContext:
    """A validation context whose only trust roots are the given certificates."""
    return ValidationContext(
        trust_roots=list(load_certs_from_pemder_data(certificate_pem)), allow_fetching=False
    )
