"""Value types shared by the suggestion tiers: evidence, rule hits, suggestions."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

# which tiers carried a suggestion: "both" is rules and learned; "all" is all three
Tier = Literal[
    "rules", "learned", "both", "semantic", "rules+semantic", "learned+semantic", "all"
]
# how a word supports a code: exact lemma, exact phrase, compound part, fuzzy variant, or
# (tier 2) a word the classifier weighs towards the code
EvidenceKind = Literal["exact", "phrase", "compound", "fuzzy", "learned"]


@dataclass(slots=True)
class Evidence:
    """Words of the unit that support a suggestion: ``text == unit_text[start:end]``.

    ``keyword`` is the codebook keyword matched (rules) or None (learned); ``weight`` is the
    word's share of the score (rules: the hit weight; learned: its logit contribution).
    """

    start: int
    end: int
    text: str
    kind: EvidenceKind
    keyword: str | None = None
    weight: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


@dataclass(slots=True)
class KeywordHit:
    """One codebook keyword found in a unit: its best kind and weight, and where.

    ``spans`` are (start, end) offsets into ``text``, the unit's text.
    """

    keyword: str
    kind: EvidenceKind
    weight: float
    spans: tuple[tuple[int, int], ...]
    text: str

    @property
    def evidence(self) -> tuple[Evidence, ...]:
        """The matched words, one Evidence per place."""
        return tuple(
            Evidence(a, b, self.text[a:b], self.kind, self.keyword, self.weight)
            for a, b in self.spans
        )


@dataclass(slots=True)
class RuleHit:
    """Tier 1's result for one code in one unit.

    ``score`` combines the keyword hits (noisy-OR of their weights) and is then lowered by
    every ``exclude_keywords`` hit in ``excluded``.
    """

    code: str
    score: float
    hits: tuple[KeywordHit, ...]
    excluded: tuple[KeywordHit, ...] = ()

    @property
    def evidence(self) -> list[Evidence]:
        """The matched words in text order; a place matched by several keywords once, for the
        strongest of them."""
        best: dict[tuple[int, int], Evidence] = {}
        for h in self.hits:
            for e in h.evidence:
                old = best.get((e.start, e.end))
                if old is None or e.weight > old.weight:
                    best[(e.start, e.end)] = e
        return sorted(best.values(), key=lambda e: e.start)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A code suggested for a unit, with the tier(s) behind it and the words that show why."""

    code: str
    score: float
    tier: Tier
    evidence: list[Evidence] = field(default_factory=list)
    rule_score: float = 0.0
    learned_score: float = 0.0
    semantic_score: float = 0.0
    similar: str = ""  # the nearest codebook example or coded passage (semantic tier)
    low: bool = False  # below the confidence line: shown marked, not hidden

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the shape stored with a Suggestion row)."""
        return {
            "code": self.code,
            "score": round(self.score, 4),
            "tier": self.tier,
            "rule_score": round(self.rule_score, 4),
            "learned_score": round(self.learned_score, 4),
            "semantic_score": round(self.semantic_score, 4),
            "similar": self.similar,
            "low": self.low,
            "evidence": [e.to_dict() for e in self.evidence],
        }
