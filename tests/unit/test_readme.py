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
