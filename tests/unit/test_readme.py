"""The README stays true: its opening commands, and every setting documented."""

from __future__ import annotations

from pathlib import Path

from app.config import SETTINGS

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_the_readme_opens_with_make_run_and_make_test() -> None:
    opening = "\n".join(README.splitlines()[:15])
    assert "make run" in opening and "make test" in opening


def test_every_setting_is_documented() -> None:
    missing = [s.name for s in SETTINGS if f"| `{s.name}` |" not in README]
    assert missing == []


def test_every_demo_subject_is_documented() -> None:
    from app.demo_people import LOGINS

    assert [login.subject for login in LOGINS if f"`{login.subject}`" not in README] == []


def test_the_repository_points_nowhere_outside_itself() -> None:
    """The design and the domain are docs/architecture.md and docs/domain.md,
    written for this code; nothing may send a reader to files beside the repository."""
    root = Path(__file__).resolve().parents[2]
    outside = ("DOMAIN.md", "DESIGN.md", "../shared")
    places = [
        f"{path.relative_to(root)}: {word}"
        for folder in ("app", "tests", "scripts", "bench", "docs")
        for path in (root / folder).rglob("*")
        if path.suffix in {".py", ".md", ".html", ".toml", ".txt", ".sh"}
        and path.name != "test_readme.py"
        for word in outside
        if word in path.read_text(encoding="utf-8", errors="replace")
    ]
    places += [f"README.md: {word}" for word in outside if word in README]
    assert places == []
