"""Template rules that a browser would show too late."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

TEMPLATES = Path(__file__).resolve().parents[2] / "app" / "templates"


def test_tables_of_more_than_three_columns_stack_on_a_phone() -> None:
    """At 360 px, four columns squeeze words onto one letter per line or
    hide them in a scrolling frame: such tables become labelled cards
    (``table--stacked``, each data cell with its ``data-label``)."""
    wide = []
    for path in TEMPLATES.rglob("*.html"):
        if path.parts[-2] in ("pdf",) or path.name == "dev_outbox.html":
            continue  # paper, and the developers' outbox
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for table in soup.find_all("table"):
            header = table.find("thead")
            columns = len(header.find_all(["th", "td"])) if header else 0
            stacked = "table--stacked" in (table.get("class") or [])
            labelled = all(td.has_attr("data-label") for td in table.select("tbody td"))
            if columns > 3 and not (stacked and labelled):
                wide.append(f"{path.relative_to(TEMPLATES)}: {columns} columns")
    assert wide == []
