"""PAdES signatures on the certificate PDFs we issue, and their verification.

A certificate is worth something only if a reader can tell it came from us
unchanged. We sign every PDF with a PAdES baseline B-B signature (CMS,
``/SubFilter /ETSI.CAdES.detached``) in an invisible field named
:data:`SIGNATURE_FIELD`, using pyHanko.

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
import logging
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from pathlib import Path
from typing import Any, TypeVar

from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from cryptography.x509 import load_pem_x509_certificate
from pyhanko.keys import load_cert_from_pemder, load_certs_from_pemder_data
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.validation import (
    EmbeddedPdfSignature,
    SignatureCoverageLevel,
    validate_pdf_signature,
)
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from app.integrations.cms_signature import CmsSigner

log = logging.getLogger(__name__)

T = TypeVar("T")

SIGNATURE_FIELD = "RSU-Signature"
DIGEST_ALGORITHM = "sha256"

StrPath = str | os.PathLike[str]


class PdfSigner:
    """Signs PDFs with one key and certificate, loaded once from PEM files.

    ``chain_paths`` name PEM files with the intermediate certificates between
    the signing certificate and its root; they are embedded in the signature
    so that a reader can build the path without fetching anything.

    pyHanko writes the PDF side (the signature field and dictionary, as an
    incremental update, and the digest of the signed byte ranges); the CMS
    signature inside it comes from :class:`CmsSigner`, which encodes it
    directly instead of through asn1crypto objects.
    """

    def __init__(
        self, key_path: StrPath, cert_path: StrPath, chain_paths: Iterable[StrPath] = ()
    ) -> None:
        chain = [load_pem_x509_certificate(Path(p).read_bytes()) for p in chain_paths]
        key = load_pem_private_key(Path(key_path).read_bytes(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
            raise ValueError(f"{key_path}: certificates are signed with an ECDSA or RSA key only")
        self._cms = CmsSigner(key, load_pem_x509_certificate(Path(cert_path).read_bytes()), chain)
        # pyHanko reads the signing certificate when it sets up the field; it never signs.
        self._field_signer = signers.SimpleSigner(
            signing_cert=load_cert_from_pemder(cert_path),
            signing_key=None,
            cert_registry=SimpleCertificateStore(),
        )

    def sign(self, pdf: bytes, *, reason: str, location: str) -> bytes:
        """Return ``pdf`` with a PAdES B-B signature appended as an incremental update.

        ``reason`` and ``location`` are recorded in the signature dictionary,
        where PDF readers show them next to the signer's name.
        """
        metadata = signers.PdfSignatureMetadata(
            field_name=SIGNATURE_FIELD,
            reason=reason,
            location=location,
            subfilter=SigSeedSubFilter.PADES,
            md_algorithm=DIGEST_ALGORITHM,
        )
        writer = _SignatureOnlyWriter(BytesIO(pdf))
        pdf_signer = signers.PdfSigner(metadata, self._field_signer)
        # The room for /Contents is exact: the CMS has a fixed size but for
        # the signature value, counted here at its longest (in hex digits).
        prepare = pdf_signer.async_digest_doc_for_signing(
            writer, bytes_reserved=2 * self._cms.max_size
        )
        prepared, _, output = outside_event_loop(asyncio.run, prepare)
        prepared.fill_with_cms(output, self._cms.sign(prepared.document_digest))
        signed: bytes = output.getvalue()
        return signed


class _SignatureOnlyWriter(IncrementalPdfFileWriter):
    """The incremental update adds the signature and nothing else.

    pyHanko's writer also stamps a modification date into the document's
    /Info dictionary and its XMP packet. That was half the signing time
    (reading /Info out of WeasyPrint's object stream, parsing and writing
    the XMP again) for a date that only repeats the signature's own /M. Left
    alone, the metadata stays exactly as rendered, so the PDF/A and PDF/UA
    identification and the title do not depend on pyHanko rewriting them.
    """

    def _update_meta(self) -> None:
        return None


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
