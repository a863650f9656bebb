"""Certificate PDFs: bilingual rendering with embedded fonts, QR codes, no
network access, and PAdES signatures that break when a byte changes.

Text, fonts and QR codes are checked the way a reader would see them, with
poppler (pdftotext, pdffonts, pdftoppm) and zbar (zbarimg); those tests skip
with a message when the tools are not installed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import socket
import subprocess
from io import BytesIO
from pathlib import Path

import pikepdf
import pydyf
import pytest
import weasyprint
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from hypothesis import given, settings
from hypothesis import strategies as st
from pyhanko.pdf_utils.reader import PdfFileReader

from app.integrations.pdf import PdfRenderer, ResourceError, qr_svg, renderer
from app.integrations.signing import (
    SIGNATURE_FIELD,
    PdfSigner,
    outside_event_loop,
    signature_is_valid,
    signer_from_files,
)
from scripts import dev_keys
from tests.support.pdf_tools import tool, visible_text

FRENCH = "Registre Social Unifié"
ARABIC = "السجل الاجتماعي الموحد"
LTR_NUMBER = "123-456"
TITLE = "Attestation RSU — شهادة"
VERIFY_URL = "https://rsu.example/verify/ABC"


def page(body: str) -> str:
    return (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8">'
        f"<title>Not the PDF title</title></head><body>{body}</body></html>"
    )


BILINGUAL = page(
    f'<h1>{FRENCH}</h1><p lang="ar" dir="rtl">{ARABIC} رقم <span dir="ltr">{LTR_NUMBER}</span></p>'
)


@pytest.fixture(scope="module")
def bilingual_pdf() -> bytes:
    return renderer().render(BILINGUAL, title=TITLE, language="fr-MA")


@pytest.fixture
def pdf_file(tmp_path: Path, bilingual_pdf: bytes) -> Path:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(bilingual_pdf)
    return path


def test_the_pdf_holds_the_french_and_arabic_text(pdf_file: Path) -> None:
    assert pdf_file.read_bytes().startswith(b"%PDF")
    extracted = subprocess.run(
        [tool("pdftotext"), "-enc", "UTF-8", str(pdf_file), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    text = visible_text(extracted)
    assert FRENCH in text
    assert ARABIC in text
    # Without its <span dir="ltr">, WeasyPrint lays the number out as "456-123".
    assert LTR_NUMBER in text


def test_the_noto_fonts_are_embedded_and_nothing_else_is_used(pdf_file: Path) -> None:
    listing = subprocess.run(
        [tool("pdffonts"), str(pdf_file)], capture_output=True, text=True, check=True
    ).stdout
    rows = [line.split() for line in listing.splitlines()[2:]]
    names = {row[0].split("+")[-1] for row in rows}
    assert {"RSU-Noto-Sans-Bold", "RSU-Noto-Naskh-Arabic"} <= names
    assert all(name.startswith("RSU-Noto-") for name in names)
    # Columns from the right: object ID (2), uni, sub, emb.
    assert all(row[-5] == "yes" for row in rows)


def test_title_and_language_come_from_the_render_arguments(bilingual_pdf: bytes) -> None:
    reader = PdfFileReader(BytesIO(bilingual_pdf))
    assert reader.trailer_view["/Info"]["/Title"] == TITLE
    assert reader.root["/Lang"] == "fr-MA"


def test_the_page_is_a4(bilingual_pdf: bytes) -> None:
    reader = PdfFileReader(BytesIO(bilingual_pdf))
    media_box = reader.root["/Pages"]["/Kids"][0]["/MediaBox"]
    assert (round(media_box[2]), round(media_box[3])) == (595, 842)


def test_the_qr_code_reads_back_as_the_url(tmp_path: Path) -> None:
    pdf = renderer().render(page(qr_svg(VERIFY_URL)), title="QR", language="fr")
    (tmp_path / "qr.pdf").write_bytes(pdf)
    subprocess.run(
        [tool("pdftoppm"), "-png", "-r", "150", "-singlefile", "qr.pdf", "qr"],
        cwd=tmp_path,
        check=True,
    )
    decoded = subprocess.run(
        [tool("zbarimg"), "--raw", "-q", str(tmp_path / "qr.png")],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    assert decoded.strip() == VERIFY_URL


def test_one_font_configuration_serves_every_render(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []
    original = weasyprint.HTML.render

    def spy(self: weasyprint.HTML, font_config: object = None, **options: object) -> object:
        seen.append(font_config)
        return original(self, font_config, **options)

    monkeypatch.setattr(weasyprint.HTML, "render", spy)
    shared = renderer()
    shared.render(page("un"), title="1", language="fr")
    renderer().render(page("deux"), title="2", language="fr")
    assert renderer() is shared
    assert seen == [shared.font_config, shared.font_config]


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/x.png",
        "http://example.com/x.png",
        "ftp://example.com/x.png",
        "file:///etc/passwd",
        "file:///usr/share/fonts/truetype/noto/../../../../etc/passwd",
        "file://elsewhere/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    ],
)
def test_the_fetcher_refuses_anything_but_inline_data_and_fonts(url: str) -> None:
    with pytest.raises(ResourceError, match="refusing"):
        renderer().fetcher.fetch(url)


def test_the_fetcher_serves_inline_data_and_font_files() -> None:
    fetcher = renderer().fetcher
    assert fetcher.fetch("data:text/plain,ok").read() == b"ok"
    font = renderer().font_directory / "NotoSans-Regular.ttf"
    assert fetcher.fetch(font.as_uri()).read(4) == b"\x00\x01\x00\x00"


def test_a_remote_image_fails_the_render_without_touching_the_network(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    attempts: list[object] = []

    def no_network(*args: object, **kwargs: object) -> None:
        # Recorded rather than raised: WeasyPrint turns any error in a fetch
        # into the same failure we expect, which would hide the attempt.
        attempts.append(args)
        raise OSError("no network in tests")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    with pytest.raises(ResourceError, match=re.escape("https://example.com/x.png")):
        renderer().render(page('<img src="https://example.com/x.png">'), title="x", language="fr")
    assert attempts == []


def test_a_missing_font_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=re.escape("NotoSans-Regular.ttf")):
        PdfRenderer(font_directory=tmp_path)


@pytest.fixture(scope="module")
def signing_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return dev_keys.generate_pair(tmp_path_factory.mktemp("signing"))


def render_signed(signer: PdfSigner, *, reason: str = "r", location: str = "l") -> bytes:
    """BILINGUAL rendered with a signature slot, then signed: the one way we sign."""
    slot = signer.slot(reason=reason, location=location)
    return slot.fill(
        renderer().render(BILINGUAL, title=TITLE, language="fr-MA", finisher=slot.reserve)
    )


@pytest.fixture(scope="module")
def signed_pdf(signing_pair: tuple[Path, Path]) -> bytes:
    return render_signed(PdfSigner(*signing_pair), reason="Attestation RSU", location="Rabat")


@pytest.fixture(scope="module")
def trusted_pem(signing_pair: tuple[Path, Path]) -> bytes:
    return signing_pair[1].read_bytes()


def test_a_signed_pdf_verifies_against_its_certificate(
    signed_pdf: bytes, trusted_pem: bytes
) -> None:
    assert signed_pdf.startswith(b"%PDF")
    assert signature_is_valid(signed_pdf, trusted_pem)


def test_the_signature_is_pades_with_reason_and_location(signed_pdf: bytes) -> None:
    (signature,) = PdfFileReader(BytesIO(signed_pdf)).embedded_signatures
    assert signature.field_name == SIGNATURE_FIELD
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signature.sig_object["/Reason"] == "Attestation RSU"
    assert signature.sig_object["/Location"] == "Rabat"


def test_the_signature_leaves_the_rendered_metadata_as_it_was(
    bilingual_pdf: bytes, signed_pdf: bytes
) -> None:
    """The metadata (the PDF/A and PDF/UA identification, the title) is the
    same as without a signature: neither /Info nor the XMP packet gains a
    modification date or a producer, and the signing time is the
    signature's own /M."""
    rendered, signed = pikepdf.open(BytesIO(bilingual_pdf)), pikepdf.open(BytesIO(signed_pdf))
    assert signed.Root.Metadata.read_bytes() == rendered.Root.Metadata.read_bytes()
    assert dict(signed.docinfo) == dict(rendered.docinfo)
    (signature,) = PdfFileReader(BytesIO(signed_pdf)).embedded_signatures
    assert "/M" in signature.sig_object


def test_the_pades_declarations_are_in_the_catalog(signed_pdf: bytes) -> None:
    """What pyHanko's signer declared when it wrote our signatures: PAdES
    structures (/ESIC) and, for the P-256 key, ISO/TS 32002 curves."""
    document = pikepdf.open(BytesIO(signed_pdf))
    root = document.Root
    assert root.Extensions.ESIC.ExtensionLevel == 1
    assert [int(e.ExtensionLevel) for e in root.Extensions.ISO_] == [32002]
    assert root.AcroForm.SigFlags == 3
    (field,) = root.AcroForm.Fields
    assert field.objgen in [annotation.objgen for annotation in root.Pages.Kids[0].Annots]


def test_filling_writes_only_the_byte_range_and_the_signature(
    signing_pair: tuple[Path, Path], trusted_pem: bytes
) -> None:
    """The slot is found where the PDF writer put it, not by searching: a
    copy of the placeholders written after it, in a stream of its own, is
    left alone (a search from the end would have filled that one)."""
    signer = PdfSigner(*signing_pair)
    slot = signer.slot(reason="r", location="l")
    decoy = (
        b"/ByteRange[0 0000000000 0000000000 0000000000]/Contents<"
        + b"0" * (2 * signer._cms.max_size)
        + b">"
    )

    def reserve_then_decoy(document: object, pdf: pydyf.PDF) -> None:
        slot.reserve(document, pdf)
        pdf.add_object(pydyf.Stream([decoy]))

    rendered = renderer().render(BILINGUAL, title="t", language="fr", finisher=reserve_then_decoy)
    signed = slot.fill(rendered)
    (signature,) = PdfFileReader(BytesIO(signed)).embedded_signatures
    _, _, after_contents, _ = signature.byte_range
    assert rendered.count(decoy) == 2  # the slot's placeholders, and the decoy after them
    assert rendered.rindex(decoy) > after_contents
    assert signed.index(decoy) == rendered.rindex(decoy)  # the decoy alone is left as it was
    changed = [i for i, (a, b) in enumerate(zip(rendered, signed, strict=True)) if a != b]
    assert signed.index(b"/ByteRange") < changed[0] and changed[-1] < after_contents
    assert signature_is_valid(signed, trusted_pem)


def test_a_pdf_without_this_slot_is_refused(
    bilingual_pdf: bytes, signing_pair: tuple[Path, Path]
) -> None:
    slot = PdfSigner(*signing_pair).slot(reason="r", location="l")
    with pytest.raises(ValueError, match="not rendered with this signature slot"):
        slot.fill(bilingual_pdf)


def test_a_signature_longer_than_its_room_is_an_error(
    signing_pair: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    signer = PdfSigner(*signing_pair)
    too_long = bytes(signer._cms.max_size + 1)
    monkeypatch.setattr(signer._cms, "sign", lambda digest: too_long)
    with pytest.raises(ValueError, match="does not fit"):
        render_signed(signer)


def test_changing_one_signed_byte_breaks_the_signature(
    signed_pdf: bytes, trusted_pem: bytes
) -> None:
    (signature,) = PdfFileReader(BytesIO(signed_pdf)).embedded_signatures
    first_range_end = signature.byte_range[1]  # the bytes before /Contents
    offset = signed_pdf.index(b"stream\n") + 20  # inside the first page content
    assert offset < first_range_end
    tampered = bytearray(signed_pdf)
    tampered[offset] ^= 0x01
    assert not signature_is_valid(bytes(tampered), trusted_pem)


def test_anything_appended_after_signing_is_refused(signed_pdf: bytes, trusted_pem: bytes) -> None:
    assert not signature_is_valid(signed_pdf + b"\n% appended\n", trusted_pem)


def test_another_certificate_is_not_trusted(signed_pdf: bytes, tmp_path: Path) -> None:
    _, other_cert = dev_keys.generate_pair(tmp_path)
    assert not signature_is_valid(signed_pdf, other_cert.read_bytes())


@settings(max_examples=60, deadline=None)
@given(position=st.floats(0, 1, exclude_max=True), bit=st.integers(0, 7))
def test_any_flipped_bit_outside_the_signature_value_invalidates_without_raising(
    signed_pdf: bytes, trusted_pem: bytes, position: float, bit: int
) -> None:
    (signature,) = PdfFileReader(BytesIO(signed_pdf)).embedded_signatures
    _, before_contents, after_contents, _ = signature.byte_range
    offset = int(position * len(signed_pdf))
    damaged = bytearray(signed_pdf)
    damaged[offset] ^= 1 << bit
    valid = signature_is_valid(bytes(damaged), trusted_pem)
    # The /Contents hex string is the one unsigned part: flipping a bit there
    # can be harmless ("a" and "A" are the same hex digit).
    if not before_contents <= offset < after_contents:
        assert not valid


def test_unsigned_or_unreadable_files_are_not_valid(
    bilingual_pdf: bytes, trusted_pem: bytes
) -> None:
    assert not signature_is_valid(bilingual_pdf, trusted_pem)
    assert not signature_is_valid(b"not a pdf", trusted_pem)


def test_the_signer_for_a_pair_of_files_is_loaded_once(signing_pair: tuple[Path, Path]) -> None:
    key, cert = signing_pair
    assert signer_from_files(key, cert) is signer_from_files(str(key), str(cert))


def test_our_signed_attributes_are_byte_for_byte_the_ones_pyhanko_signs(
    signing_pair: tuple[Path, Path],
) -> None:
    """The signed attributes are what the signature value covers: the ones we
    encode by hand must be exactly those pyHanko's PAdES signer encodes for
    the same digest and certificate."""
    import asyncio

    from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder
    from pyhanko.sign import signers

    key, cert = signing_pair
    theirs = signers.SimpleSigner(
        signing_cert=load_cert_from_pemder(cert),
        signing_key=load_private_key_from_pemder(key, passphrase=None),
        cert_registry=None,
    )
    ours = PdfSigner(key, cert)._cms
    for digest in (bytes(32), hashlib.sha256(b"a certificate").digest()):
        # A thread of its own when this test process already runs an event loop
        # (Playwright's sync API, after the browser tests).
        signed_attrs = theirs.signed_attrs(digest, "sha256", use_pades=True)
        expected = outside_event_loop(asyncio.run, signed_attrs).dump()
        assert ours.signed_attributes(digest) == expected


def test_the_room_reserved_fits_the_longest_signature_and_no_more(
    signing_pair: tuple[Path, Path],
) -> None:
    """An ECDSA signature value is 70 to 72 bytes long (DER integers drop
    leading zeros): the room is counted for the longest, which a few dozen
    signatures reach."""
    cms = PdfSigner(*signing_pair)._cms
    sizes = [len(cms.sign(hashlib.sha256(bytes([n])).digest())) for n in range(50)]
    assert max(sizes) == cms.max_size


def _certificate(
    subject: str, key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey,
    issuer: str, issuer_key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey, *, ca: bool,
) -> x509.Certificate:  # fmt: skip
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=not ca,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(issuer_key, hashes.SHA256())
    )


def _pem(path: Path, certificate: x509.Certificate) -> Path:
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return path


def test_an_rsa_key_under_an_intermediate_signs_a_pdf_that_chains_to_the_root(
    tmp_path: Path,
) -> None:
    """A PKI key as production may have: RSA, issued by an intermediate that
    is embedded in the signature, so that trusting the root is enough."""
    root_key = ec.generate_private_key(ec.SECP256R1())
    intermediate_key = ec.generate_private_key(ec.SECP384R1())
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root = _certificate("Root", root_key, "Root", root_key, ca=True)
    intermediate = _certificate("Intermediate", intermediate_key, "Root", root_key, ca=True)
    leaf = _certificate("Signing", key, "Intermediate", intermediate_key, ca=False)
    key_path = tmp_path / "key.pem"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    signer = PdfSigner(
        key_path, _pem(tmp_path / "leaf.pem", leaf), [_pem(tmp_path / "mid.pem", intermediate)]
    )
    signed = render_signed(signer)
    root_pem = root.public_bytes(serialization.Encoding.PEM)
    assert signature_is_valid(signed, root_pem)
    assert not signature_is_valid(
        render_signed(PdfSigner(key_path, tmp_path / "leaf.pem")), root_pem
    )  # without the intermediate, no path to the root


def test_dev_keys_creates_the_pair_once_and_then_stays_quiet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(dev_keys, "DEV_SIGNING_DIRECTORY", tmp_path / "dev-signing")
    dev_keys.main()
    assert "DEVELOPMENT" in capsys.readouterr().out
    key = tmp_path / "dev-signing" / dev_keys.KEY_FILE
    first_key = key.read_bytes()
    assert key.stat().st_mode & 0o777 == 0o600
    dev_keys.main()
    assert capsys.readouterr().out == ""
    assert key.read_bytes() == first_key


def test_signing_and_checking_work_inside_a_running_event_loop(
    signing_pair: tuple[Path, Path], trusted_pem: bytes
) -> None:
    """pyHanko's sync API calls asyncio.run(); under an event loop (an async
    server, Playwright in tests) our wrappers move it to a thread of its own."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    async def inside_a_loop() -> bool:
        signed = render_signed(PdfSigner(*signing_pair))
        return signature_is_valid(signed, trusted_pem)

    # The test's own loop runs in a fresh thread: when the browser tests ran
    # first, Playwright's loop is still running in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(asyncio.run, inside_a_loop()).result()
