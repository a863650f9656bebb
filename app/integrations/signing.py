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

from pyhanko.keys import (
    load_cert_from_pemder,
    load_certs_from_pemder,
    load_certs_from_pemder_data,
    load_private_key_from_pemder,
)
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.general import SigningError
from pyhanko.sign.validation import (
    EmbeddedPdfSignature,
    SignatureCoverageLevel,
    validate_pdf_signature,
)
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

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
    """

    def __init__(
        self, key_path: StrPath, cert_path: StrPath, chain_paths: Iterable[StrPath] = ()
    ) -> None:
        chain = SimpleCertificateStore()
        chain.register_multiple(load_certs_from_pemder(chain_paths))
        self._signer = signers.SimpleSigner(
            signing_cert=load_cert_from_pemder(cert_path),
            signing_key=load_private_key_from_pemder(key_path, passphrase=None),
            cert_registry=chain,
        )
        # Room for the signature in the file. Without a timestamp or
        # revocation data its size depends on the key and certificates alone,
        # so pyHanko's estimate (a dummy signature, about 40% of the signing
        # time) is made once, on the first document, and kept.
        self._bytes_reserved: int | None = None

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
        reserved = self._bytes_reserved
        try:
            signed = self._sign(pdf, metadata, reserved)
        except SigningError:
            if reserved is None:
                raise
            signed = self._sign(pdf, metadata, None)  # the kept size fell short: estimate again
            reserved = None
        if reserved is None:
            self._bytes_reserved = _reserved_size(signed)
        return signed

    def _sign(
        self, pdf: bytes, metadata: signers.PdfSignatureMetadata, bytes_reserved: int | None
    ) -> bytes:
        writer = IncrementalPdfFileWriter(BytesIO(pdf))
        sign_pdf = functools.partial(
            signers.PdfSigner(metadata, self._signer).sign_pdf, bytes_reserved=bytes_reserved
        )
        output = outside_event_loop(sign_pdf, writer)
        signed: bytes = output.getvalue()
        return signed


def _reserved_size(signed: bytes) -> int:
    """The room pyHanko left for our signature, in hex digits, as ``bytes_reserved`` counts it."""
    signature = PdfFileReader(BytesIO(signed)).embedded_signatures[0]
    return 2 * len(signature.sig_object["/Contents"])


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
