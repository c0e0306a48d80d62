"""Code suggestions: keyword rules (tier 1), a learned classifier (tier 2), ranking, evaluation.

Importing this package does not import spaCy; the pipeline loads on first use.
"""

from __future__ import annotations

from kodebog.suggest.engine import Suggester
from kodebog.suggest.evaluate import EvaluationReport
from kodebog.suggest.learned import LearnedModel, ModelMeta, bootstrap_examples, train
from kodebog.suggest.nlp import DocTokens, analyze, get_nlp, lemmas
from kodebog.suggest.rank import rank
from kodebog.suggest.rules import RuleMatcher
from kodebog.suggest.types import Evidence, KeywordHit, RuleHit, Suggestion

__all__ = [
    "DocTokens",
    "EvaluationReport",
    "Evidence",
    "KeywordHit",
    "LearnedModel",
    "ModelMeta",
    "RuleHit",
    "RuleMatcher",
    "Suggester",
    "Suggestion",
    "analyze",
    "bootstrap_examples",
    "get_nlp",
    "lemmas",
    "rank",
    "train",
]
