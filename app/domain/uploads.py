"""Supporting documents: which files are accepted (docs/domain.md, "Review request").

PDF, JPEG or PNG, up to 5 MB each and 5 per request. The type is decided by
the file's first bytes, and must agree with its name: a file called
``photo.jpg`` that is really a PDF is refused, like one called ``page.pdf``
that is really an executable. Then the whole file is read: a PDF must carry
no active content (``pdf_safety``), an image must decode within a pixel
limit and is stored encoded again, without its metadata (``image_safety``).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.image_safety import MAX_PIXELS, clean_image
from app.domain.pdf_safety import pdf_problem
from app.domain.validation import Problem

MAX_FILES = 5
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_NAME_LENGTH = 120


@dataclass(frozen=True)
class FileType:
    code: str
    content_type: str
    signature: bytes
    extensions: tuple[str, ...]


FILE_TYPES = (
    FileType("pdf", "application/pdf", b"%PDF-", (".pdf",)),
    FileType("jpeg", "image/jpeg", b"\xff\xd8\xff", (".jpg", ".jpeg")),
    FileType("png", "image/png", b"\x89PNG\r\n\x1a\n", (".png",)),
)


def type_by_name(name: str) -> FileType | None:
    lowered = name.lower()
    return next((t for t in FILE_TYPES if lowered.endswith(t.extensions)), None)


def type_by_content(head: bytes) -> FileType | None:
    return next((t for t in FILE_TYPES if head.startswith(t.signature)), None)


def safe_name(name: str) -> bool:
    """A plain file name: browsers send no folders, so a path means tampering."""
    if not name or len(name) > MAX_NAME_LENGTH:
        return False
    if "/" in name or "\\" in name or ".." in name:
        return False
    return all(ch.isprintable() for ch in name)


@dataclass(frozen=True)
class AcceptedFile:
    """A file that passed every check, with the bytes to store (an image's
    are encoded again, without metadata)."""

    name: str
    file_type: FileType
    content: bytes


def check_file(name: str, content: bytes) -> tuple[AcceptedFile | None, Problem | None]:
    """The file as it will be stored, or the problem that refuses it."""
    if not safe_name(name):
        return None, Problem("file_name")
    if not content:
        return None, Problem("file_empty", {"name": name})
    if len(content) > MAX_FILE_BYTES:
        return None, Problem(
            "file_too_large", {"name": name, "max": MAX_FILE_BYTES // (1024 * 1024)}
        )
    by_name = type_by_name(name)
    if by_name is None:
        return None, Problem("file_type", {"name": name})
    by_content = type_by_content(content[:16])
    if by_content != by_name:
        return None, Problem("file_content_mismatch", {"name": name})
    if by_name.code == "pdf":
        refused = pdf_problem(content)
        if refused is not None:
            return None, Problem(refused, {"name": name})
        return AcceptedFile(name, by_name, content), None
    cleaned, refused = clean_image(content, by_name.code)
    if cleaned is None:
        return None, Problem(refused or "image_unreadable",
                             {"name": name, "max": MAX_PIXELS // 1_000_000})  # fmt: skip
    return AcceptedFile(name, by_name, cleaned), None


def check_files(files: list[tuple[str, bytes]]) -> tuple[list[AcceptedFile], Problem | None]:
    if len(files) > MAX_FILES:
        return [], Problem("too_many_files", {"max": MAX_FILES})
    accepted = []
    for name, content in files:
        checked, problem = check_file(name, content)
        if problem is not None:
            return [], problem
        assert checked is not None
        accepted.append(checked)
    return accepted, None
