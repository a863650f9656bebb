"""The CMS signature (RFC 5652) inside a PAdES baseline B-B PDF signature, encoded by hand.

A detached SignedData with one signer and the three signed attributes PAdES
B-B asks for (ETSI EN 319 142-1, 5.2): content-type, message-digest and the
ESS signing-certificate-v2 (RFC 5035). No signing-time attribute: PAdES
puts the time in the signature dictionary's /M instead.

Why by hand: building this structure through asn1crypto objects (what
pyHanko does) took about 13 ms per certificate, the largest cost of issuing
one after the layout itself. Everything in it but the document's digest and
the signature value depends on the key and certificates only, so those
parts are encoded once, when the key is loaded, and each signature
assembles a few byte strings around a 32-byte digest.

The encoding is DER (X.690). The signed attributes must be: they are what
the signature covers, and a reader re-encodes them to check it.
"""

from __future__ import annotations

import hashlib
import math

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

# Object identifiers, dotted.
SIGNED_DATA = "1.2.840.113549.1.7.2"
DATA = "1.2.840.113549.1.7.1"
CONTENT_TYPE = "1.2.840.113549.1.9.3"
MESSAGE_DIGEST = "1.2.840.113549.1.9.4"
SIGNING_CERTIFICATE_V2 = "1.2.840.113549.1.9.16.2.47"
SHA256 = "2.16.840.1.101.3.4.2.1"
ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2"
SHA256_WITH_RSA = "1.2.840.113549.1.1.11"

# DER tags.
INTEGER, OCTET_STRING, NULL, OBJECT_IDENTIFIER = 0x02, 0x04, 0x05, 0x06
SEQUENCE, SET = 0x30, 0x31
CONTEXT_0 = 0xA0  # [0], constructed: implicit where CMS says so, explicit in ContentInfo
DIRECTORY_NAME = 0xA4  # GeneralName [4]: explicit, because Name is a CHOICE

DIGEST_SIZE = 32  # SHA-256


def tlv(tag: int, body: bytes) -> bytes:
    """One DER element: tag, definite length, contents."""
    size = len(body)
    if size < 0x80:
        return bytes((tag, size)) + body
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes((tag, 0x80 | len(length))) + length + body


def oid(dotted: str) -> bytes:
    arcs = [int(arc) for arc in dotted.split(".")]
    body = bytearray((40 * arcs[0] + arcs[1],))
    for arc in arcs[2:]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        body += bytes(reversed(chunk))
    return tlv(OBJECT_IDENTIFIER, bytes(body))


def integer(value: int) -> bytes:
    """A non-negative INTEGER: minimal big-endian bytes, a leading zero if the top bit is set."""
    return tlv(INTEGER, value.to_bytes(value.bit_length() // 8 + 1, "big"))


def set_of(elements: list[bytes]) -> bytes:
    """DER sorts the elements of a SET OF by their encodings."""
    return tlv(SET, b"".join(sorted(elements)))


def attribute(kind: str, value: bytes) -> bytes:
    return tlv(SEQUENCE, oid(kind) + tlv(SET, value))


SHA256_ALGORITHM = tlv(SEQUENCE, oid(SHA256))  # no parameters (RFC 5754, 2)


class CmsSigner:
    """Makes the CMS signature of a document digest with one key and its certificates.

    Keys: ECDSA (any named curve) or RSA (PKCS #1 v1.5), with SHA-256. ``chain``
    holds the intermediate certificates, embedded so that a reader can build
    the path to the root without fetching anything.
    """

    def __init__(
        self,
        key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey,
        certificate: x509.Certificate,
        chain: list[x509.Certificate],
    ) -> None:
        if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
            raise ValueError("certificates are signed with an ECDSA or an RSA key only")
        self._key = key
        der = certificate.public_bytes(serialization.Encoding.DER)
        issuer = certificate.issuer.public_bytes()
        serial = integer(certificate.serial_number)
        # ESSCertIDv2 without hashAlgorithm: SHA-256 is its default (RFC 5035, 4).
        issuer_serial = tlv(SEQUENCE, tlv(SEQUENCE, tlv(DIRECTORY_NAME, issuer)) + serial)
        cert_id = tlv(SEQUENCE, tlv(OCTET_STRING, hashlib.sha256(der).digest()) + issuer_serial)
        self._fixed_attributes = [
            attribute(CONTENT_TYPE, oid(DATA)),
            attribute(SIGNING_CERTIFICATE_V2, tlv(SEQUENCE, tlv(SEQUENCE, cert_id))),
        ]
        self._signer_id = tlv(SEQUENCE, issuer + serial)  # IssuerAndSerialNumber
        certificates = [der] + [c.public_bytes(serialization.Encoding.DER) for c in chain]
        self._certificates = tlv(CONTEXT_0, b"".join(certificates))
        if isinstance(key, ec.EllipticCurvePrivateKey):
            self._algorithm = tlv(SEQUENCE, oid(ECDSA_WITH_SHA256))
            # ECDSA-Sig-Value: two INTEGERs of up to the curve's size plus a sign byte.
            self.max_signature_size = len(tlv(SEQUENCE, 2 * bytes(3 + math.ceil(key.key_size / 8))))
        else:
            self._algorithm = tlv(SEQUENCE, oid(SHA256_WITH_RSA) + tlv(NULL, b""))
            self.max_signature_size = math.ceil(key.key_size / 8)
        self.max_size = len(
            self._content_info(
                self.signed_attributes(bytes(DIGEST_SIZE)), bytes(self.max_signature_size)
            )
        )

    def signed_attributes(self, document_digest: bytes) -> bytes:
        """The DER SET that the signature value covers (RFC 5652, 5.4)."""
        if len(document_digest) != DIGEST_SIZE:
            raise ValueError("the document digest must be SHA-256")
        digest = attribute(MESSAGE_DIGEST, tlv(OCTET_STRING, document_digest))
        return set_of([*self._fixed_attributes, digest])

    def sign(self, document_digest: bytes) -> bytes:
        """The DER ContentInfo to put in the PDF signature's /Contents."""
        attributes = self.signed_attributes(document_digest)
        if isinstance(self._key, ec.EllipticCurvePrivateKey):
            value = self._key.sign(attributes, ec.ECDSA(hashes.SHA256()))
        else:
            value = self._key.sign(attributes, padding.PKCS1v15(), hashes.SHA256())
        return self._content_info(attributes, value)

    def _content_info(self, attributes: bytes, value: bytes) -> bytes:
        # In SignerInfo the signed attributes are [0] IMPLICIT: the SET's tag replaced.
        signer_info = tlv(
            SEQUENCE,
            integer(1)
            + self._signer_id
            + SHA256_ALGORITHM
            + bytes((CONTEXT_0,))
            + attributes[1:]
            + self._algorithm
            + tlv(OCTET_STRING, value),
        )
        signed_data = tlv(
            SEQUENCE,
            integer(1)
            + tlv(SET, SHA256_ALGORITHM)
            + tlv(SEQUENCE, oid(DATA))  # detached: the content is the PDF's byte ranges
            + self._certificates
            + tlv(SET, signer_info),
        )
        return tlv(SEQUENCE, oid(SIGNED_DATA) + tlv(CONTEXT_0, signed_data))
