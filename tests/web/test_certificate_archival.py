"""A certificate is tagged (PDF/UA-1), archivable (PDF/A-3a), shows the score
on its scale, and its signature stays valid: checked by pyHanko and by
poppler's pdfsig, as a reader's software would."""

from __future__ import annotations

import shutil
import subprocess
from io import BytesIO
from pathlib import Path
from typing import Any

import pikepdf
from sqlalchemy.orm import Session

from app.integrations.signing import signature_is_valid
from tests.conftest import signing_pair
from tests.support.login import login_as
from tests.support.pages import CheckingClient
from tests.support.pdf_tools import tool
from tests.web.test_certificates import issue, only_certificate

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def structure_elements(node: Any) -> list[Any]:
    """Every structure element under ``node``, depth first."""
    found = []
    kids = node.get("/K")
    if kids is None:
        return found
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            found.append(kid)
            found += structure_elements(kid)
    return found


def test_a_score_certificate_is_tagged_archivable_and_validly_signed(
    client: CheckingClient, demo: None, db: Session, tmp_path: Path
) -> None:
    login_as(client, "youssef")
    issue(client, "score")
    certificate = only_certificate(db, "score")
    pdf = client.get(f"/certificates/{certificate.number}.pdf").data
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "score-certificate.pdf").write_bytes(pdf)

    document = pikepdf.open(BytesIO(pdf))
    with document.open_metadata() as xmp:
        assert (xmp.get("pdfaid:part"), xmp.get("pdfaid:conformance")) == ("3", "A")
        assert xmp.get("pdfuaid:part") == "1"
        assert xmp.get("dc:title")
    root = document.Root
    assert root.MarkInfo.Marked is True
    assert root.ViewerPreferences.DisplayDocTitle is True
    assert str(root.Lang) == "ar-MA"
    assert "/OutputIntents" in root
    elements = structure_elements(root.StructTreeRoot)
    kinds = {str(e.S) for e in elements}
    assert {"/H1", "/P", "/Figure"} <= kinds, kinds
    # Every figure (a strip of the scale per programme and language, the QR
    # code) says in words what it shows.
    figures = [e for e in elements if str(e.S) == "/Figure"]
    assert len(figures) == 7 and all(str(f.get("/Alt", "")) for f in figures)
    alternatives = " ".join(str(f.Alt) for f in figures)
    assert "AMO Tadamon" in alternatives and "تضامن" in alternatives

    _, certificate_path = signing_pair()
    assert signature_is_valid(pdf, Path(certificate_path).read_bytes())
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    checked = subprocess.run(
        [tool("pdfsig"), str(path)], capture_output=True, text=True, check=False
    ).stdout
    assert "Signature is Valid" in checked, checked
    # The signature covers the whole file: no byte was added after it.
    assert "Total document signed" in checked or "Signed Ranges" in checked, checked


def test_the_scale_on_paper_is_looked_at(tmp_path: Path) -> None:
    """Not a check: the page as a PNG next to the PDF, for a person to look at."""
    source = ARTIFACTS / "score-certificate.pdf"
    if not source.exists() or shutil.which("pdftoppm") is None:
        return
    subprocess.run(
        [tool("pdftoppm"), "-png", "-r", "80", "-f", "1", "-l", "1", str(source),
         str(ARTIFACTS / "score-certificate")],
        check=True,
    )  # fmt: skip
