"""Files that pass their first-bytes check but carry active content, are
encrypted, or would inflate past the pixel limit are refused; images are
stored without their metadata."""

from __future__ import annotations

import io

import pikepdf
import pytest
from PIL import Image

from app.domain import uploads
from tests.support.reviews import PDF, PNG
from tests.support.upload_attacks import (
    javascript_open_action_pdf,
    pdf_html_polyglot,
    pdf_with,
    photo_with_gps,
)


def refused(name: str, content: bytes) -> str | None:
    accepted, problem = uploads.check_file(name, content)
    assert (accepted is None) == (problem is not None)
    return problem.code if problem else None


def test_a_plain_pdf_is_accepted_as_sent() -> None:
    accepted, problem = uploads.check_file("a.pdf", PDF)
    assert problem is None and accepted is not None and accepted.content == PDF


def test_a_pdf_that_opens_on_a_page_is_not_active() -> None:
    def open_at_first_page(pdf: pikepdf.Pdf) -> None:
        pdf.Root.OpenAction = pikepdf.Array([pdf.pages[0].obj, pikepdf.Name.Fit])

    assert refused("a.pdf", pdf_with(open_at_first_page)) is None


def test_javascript_in_an_open_action_is_refused() -> None:
    assert refused("a.pdf", javascript_open_action_pdf()) == "pdf_active"


def page_action(pdf: pikepdf.Pdf) -> None:
    launch = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("calc.exe"))
    pdf.pages[0].obj.AA = pikepdf.Dictionary(O=launch)


def link_that_launches(pdf: pikepdf.Pdf) -> None:
    action = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("x")))
    link = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link,
                              Rect=pikepdf.Array([0, 0, 10, 10]), A=action)  # fmt: skip
    pdf.pages[0].obj.Annots = pikepdf.Array([pdf.make_indirect(link)])


def attached_file(pdf: pikepdf.Pdf) -> None:
    pdf.attachments["invoice.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00")


def javascript_in_names(pdf: pikepdf.Pdf) -> None:
    script = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    pdf.Root.Names = pikepdf.Dictionary(
        JavaScript=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("a"), script]))
    )


@pytest.mark.parametrize(
    "change", [page_action, link_that_launches, attached_file, javascript_in_names],
    ids=["AA", "Launch", "embedded file", "document JavaScript"],
)  # fmt: skip
def test_active_pdfs_are_refused(change: object) -> None:
    assert refused("a.pdf", pdf_with(change)) == "pdf_active"  # type: ignore[arg-type]


def test_an_active_pdf_is_refused_when_its_objects_are_packed_in_streams() -> None:
    packed = pdf_with(page_action, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    assert b"/Launch" not in packed  # compressed: a byte scan would not see it
    assert refused("a.pdf", packed) == "pdf_active"


def test_encrypted_pdfs_are_refused() -> None:
    for user in ("", "secret"):  # openable by anyone, or only with a password
        encrypted = pdf_with(lambda pdf: None, encryption=pikepdf.Encryption(owner="o", user=user))
        assert refused("a.pdf", encrypted) == "pdf_encrypted"


def test_a_pdf_html_polyglot_is_refused() -> None:
    assert refused("a.pdf", pdf_html_polyglot()) == "pdf_active"


def test_a_file_that_is_not_really_a_pdf_is_refused() -> None:
    assert refused("a.pdf", b"%PDF-1.7\nnot a document at all") == "pdf_unreadable"


def test_a_small_png_that_inflates_to_a_gibibyte_is_refused(png_bomb: bytes) -> None:
    assert len(png_bomb) < 1_200_000
    assert refused("scan.png", png_bomb) == "image_too_large"


def test_an_image_that_does_not_decode_is_refused() -> None:
    assert refused("scan.png", PNG[:40]) == "image_unreadable"


def test_images_are_stored_encoded_again_without_their_gps_position() -> None:
    photo = photo_with_gps()
    assert b"GPS" in photo or Image.open(io.BytesIO(photo)).getexif().get_ifd(0x8825)
    accepted, problem = uploads.check_file("photo.jpg", photo)
    assert problem is None and accepted is not None
    stored = Image.open(io.BytesIO(accepted.content))
    assert stored.format == "JPEG" and stored.size == Image.open(io.BytesIO(photo)).size
    assert not stored.getexif() and b"Exif" not in accepted.content
