"""Code suggestions: keyword rules (tier 1), a learned classifier (tier 2), ranking, evaluation.

Importing this package imports nothing heavy: most names below load their module on first use
(the CLI registers ``kodebog.cli.suggest`` at start-up), and spaCy loads on first use of
the pipeline.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from kodebog.suggest.rank import rank  # light, and named like its module: bound eagerly
from kodebog.suggest.types import Evidence, KeywordHit, RuleHit, Suggestion

if TYPE_CHECKING:
    from kodebog.suggest.engine import Suggester
    from kodebog.suggest.evaluate import EvaluationReport
    from kodebog.suggest.learned import LearnedModel, ModelMeta, bootstrap_examples, train
    from kodebog.suggest.nlp import DocTokens, analyze, get_nlp, lemmas
    from kodebog.suggest.rules import RuleMatcher

_MODULES = {
    "DocTokens": "nlp",
    "EvaluationReport": "evaluate",
    "LearnedModel": "learned",
    "ModelMeta": "learned",
    "RuleMatcher": "rules",
    "Suggester": "engine",
    "analyze": "nlp",
    "bootstrap_examples": "learned",
    "get_nlp": "nlp",
    "lemmas": "nlp",
    "train": "learned",
}

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


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
