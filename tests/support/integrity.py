"""The register's invariants, checked the way an operator would: ``flask integrity check``."""

from __future__ import annotations

from flask import Flask


def assert_integrity(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["integrity", "check"])
    assert result.exit_code == 0, result.output
    assert "Every invariant holds" in result.output
