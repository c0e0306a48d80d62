"""Suggestions in a project, one import away: the names callers use, from their modules.

``values`` (what is handed out), ``training`` and ``stored`` (models), ``cache`` (loaded
Suggesters), ``units`` (suggesting for units), ``pending`` (the queue) and ``decisions``
(accept, reject, reopen).
"""

from __future__ import annotations

from kodebog.suggest.cache import suggester_for as _suggester
from kodebog.suggest.cache import warm_up
from kodebog.suggest.decisions import accept, reject, reopen
from kodebog.suggest.lookup import check_code, find_coder
from kodebog.suggest.pending import queue, unit_suggestions
from kodebog.suggest.stored import MODEL_META_FORMAT, load_latest_model, model_state
from kodebog.suggest.training import evaluate, read_uncoded, train_and_store, training_data
from kodebog.suggest.units import suggest_for_units, units_to_suggest
from kodebog.suggest.values import Decision, ModelInfo, SuggestionInfo

__all__ = [
    "MODEL_META_FORMAT",
    "Decision",
    "ModelInfo",
    "SuggestionInfo",
    "_suggester",
    "accept",
    "check_code",
    "evaluate",
    "find_coder",
    "load_latest_model",
    "model_state",
    "queue",
    "read_uncoded",
    "reject",
    "reopen",
    "suggest_for_units",
    "train_and_store",
    "training_data",
    "unit_suggestions",
    "units_to_suggest",
    "warm_up",
]
