"""What the suggestion service hands out: stored models, suggestions and decisions."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from kodebog.suggest.types import Evidence

SIMILAR = "similar"  # stored evidence kind of the semantic tier's nearest passage
CONFIDENT = 0.5  # as ``rank.CONFIDENT``: a suggestion scoring less is marked low


@dataclass(frozen=True)
class ModelInfo:
    """A stored suggestion model: what it learned, from how much, and when.

    ``new_codings`` (codings by the coder since training) and ``codebook_changed`` are filled
    by ``model_state``; a TUI can retrain when either says the model is behind.
    """

    id: int
    coder: str | None
    codes: list[str]  # codes the learned tier scores
    positives: dict[str, int]  # training units per learned code (with codebook examples)
    skipped: dict[str, int]  # codes with too few units to learn
    n_units: int  # training units, codebook examples included
    n_coded: int  # the coder's coded units
    n_rejected: int  # rejected suggestions used as negatives
    n_examples: int  # the codebook's examples and include texts
    trained_at: datetime
    codebook_version: int | None
    pipeline: str
    seconds: float
    new_codings: int = 0
    codebook_changed: bool = False

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        data = asdict(self)
        data["trained_at"] = self.trained_at.isoformat(timespec="seconds")
        return data


@dataclass(frozen=True)
class SuggestionInfo:
    """A stored suggestion: a code proposed for a unit, with the words that show why.

    Evidence offsets are into the unit's text. ``status`` is ``open`` while the coder has not
    decided (an accepted suggestion whose coding was undone is open again).
    """

    id: int
    unit_id: int
    source: str
    unit: int  # ordinal of the unit in its source
    code: str
    score: float
    tier: str  # rules, learned, semantic, both (rules and learned), all, or a + of two
    evidence: tuple[Evidence, ...] = ()
    status: str = "open"
    similar: str = ""  # the nearest codebook example or coded passage (semantic tier)

    @property
    def words(self) -> list[str]:
        """The evidence words, in text order, each once."""
        return list(dict.fromkeys(e.text for e in self.evidence))

    @property
    def low(self) -> bool:
        """Low confidence: shown marked, so that a right code ranked first is not hidden."""
        return self.score < CONFIDENT

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the shape of ``kodebog suggest --json``)."""
        return {
            "id": self.id,
            "source": self.source,
            "unit": self.unit,
            "unit_id": self.unit_id,
            "code": self.code,
            "score": round(self.score, 4),
            "tier": self.tier,
            "status": self.status,
            "low": self.low,
            "evidence": [e.to_dict() for e in self.evidence],
            "similar": self.similar,
        }


@dataclass(frozen=True)
class Decision:
    """What accepting or rejecting a suggestion did."""

    suggestion_id: int
    unit_id: int
    source: str
    unit: int  # ordinal of the unit in its source
    code: str
    status: str
    event_id: int | None  # None when nothing changed
    coding_ids: tuple[int, ...] = ()
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)
