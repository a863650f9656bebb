"""The proxy-means score: features, versioned models, eligibility and explanations.

Pure code: no Flask, no database. ``compute_score(declaration, model)`` is the
one function that turns a declaration into a score.
"""

from app.domain.scoring.features import FEATURES, Feature, extract_features
from app.domain.scoring.model import ModelError, ScoringModel, load_model, parse_model
from app.domain.scoring.score import ScoreResult, compute_score

__all__ = [
    "FEATURES",
    "Feature",
    "ModelError",
    "ScoreResult",
    "ScoringModel",
    "compute_score",
    "extract_features",
    "load_model",
    "parse_model",
]
