"""Create the DEVELOPMENT-ONLY key and certificate that sign certificate PDFs.

Writes ``instance/dev-signing/key.pem`` and ``instance/dev-signing/cert.pem``
if either is missing, so that a fresh checkout can issue signed PDFs without
anyone handling a real key. The certificate is self-signed and says
"DEVELOPMENT" in its subject: a PDF signed with it is trusted only by whoever
explicitly trusts this very certificate, never by a reader's default trust
list. Production keys come from the agency's PKI, never from this script.

Running it again when both files exist does nothing and prints nothing, so
``make`` targets can call it unconditionally.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEV_SIGNING_DIRECTORY = PROJECT_ROOT / "instance" / "dev-signing"
KEY_FILE = "key.pem"
CERT_FILE = "cert.pem"

SUBJECT = x509.Name(
    [
        x509.NameAttribute(NameOID.COMMON_NAME, "RSU portal DEVELOPMENT signing"),
        x509.NameAttribute(
            NameOID.ORGANIZATION_NAME, "Agence Nationale des Registres (development)"
        ),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "MA"),
    ]
)
VALIDITY = dt.timedelta(days=5 * 365)
# Backdating by a few minutes keeps a PDF signed right after generation valid
# on a machine whose clock is slightly behind the one that made the pair.
CLOCK_SKEW = dt.timedelta(minutes=5)


def generate_pair(directory: Path) -> tuple[Path, Path]:
    """Write a new key and self-signed certificate into ``directory``.

    Existing files are overwritten: a key without its certificate (or the
    reverse) is useless. Returns ``(key_path, cert_path)``.
    """
    directory.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    key_path = directory / KEY_FILE
    cert_path = directory / CERT_FILE
    _write_private(key_path, _pem_private_key(key))
    cert_path.write_bytes(_self_signed_certificate(key).public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def _pem_private_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _write_private(path: Path, content: bytes) -> None:
    """Write ``content`` readable by its owner only, from the first byte on.

    Creating the file with mode 0600 (rather than chmod afterwards) leaves no
    moment at which another local user could read the key.
    """
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(content)


def _self_signed_certificate(key: ec.EllipticCurvePrivateKey) -> x509.Certificate:
    """A certificate that is its own trust anchor.

    Key usage carries nonRepudiation because pyHanko's validator requires it
    of PDF signers by default; digitalSignature covers the other readers.
    """
    now = dt.datetime.now(dt.UTC)
    public_key = key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(SUBJECT)
        .issuer_name(SUBJECT)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - CLOCK_SKEW)
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .sign(key, hashes.SHA256())
    )


def main() -> None:
    key_path = DEV_SIGNING_DIRECTORY / KEY_FILE
    cert_path = DEV_SIGNING_DIRECTORY / CERT_FILE
    if key_path.exists() and cert_path.exists():
        return
    generate_pair(DEV_SIGNING_DIRECTORY)
    print(f"Created DEVELOPMENT-ONLY signing key and certificate in {DEV_SIGNING_DIRECTORY}")


if __name__ == "__main__":
    main()
