"""The default model lands the synthetic population like the real register."""

from __future__ import annotations

from datetime import date

from app.domain.scoring import load_model
from app.domain.scoring.simulation import simulate
from app.services.scoring import DEFAULT_MODEL_FILE


def test_about_half_at_or_under_tadamon_and_60_percent_under_asd() -> None:
    # Another seed than the calibration's: the model must generalise.
    result = simulate(load_model(DEFAULT_MODEL_FILE), 20000, seed=4242, as_of=date(2026, 11, 28))
    assert 0.45 <= result["share_eligible"]["amo_tadamon"] <= 0.55
    assert 0.55 <= result["share_eligible"]["asd"] <= 0.65
    assert result["quantiles"]["p10"] < result["quantiles"]["p50"] < result["quantiles"]["p90"]
