"""The layers' arrows point one way (docs/architecture.md, "Layers").

Read from the source with ``ast``, so that an import inside a function counts
as much as one at the top of a module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "app"

# What each layer may never import.
FORBIDDEN = {
    "domain": ("app.services", "app.web", "app.models", "app.integrations", "flask", "sqlalchemy"),
    "services": ("app.web", "flask"),
    "integrations": ("app.services", "app.web"),
}


def imports_of(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_no_import_points_back_up(layer: str) -> None:
    wrong = [
        f"{path.relative_to(APP.parent)}:{line} imports {name}"
        for path in sorted((APP / layer).rglob("*.py"))
        for line, name in imports_of(path)
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN[layer])
    ]
    assert wrong == []


def test_the_check_sees_a_back_arrow(tmp_path: Path) -> None:
    module = tmp_path / "adapter.py"
    module.write_text("def f():\n    from app.services.outbox import notify\n", encoding="utf-8")
    assert imports_of(module) == [(2, "app.services.outbox")]


def test_views_build_no_queries() -> None:
    """Pages get read models from services; only the session store (the
    session interface is infrastructure, not a view) reads tables itself."""
    allowed = {APP / "web" / "sessions.py"}
    wrong = [
        f"{path.relative_to(APP.parent)}:{line}"
        for path in sorted((APP / "web").rglob("*.py"))
        if path not in allowed
        for line, name in imports_of(path)
        if name == "sqlalchemy"
        or (name.startswith("sqlalchemy.") and name not in ("sqlalchemy.orm", "sqlalchemy.exc"))
    ]
    assert wrong == []
