"""Fusing the tiers' scores for one unit: a calibrated combination or reciprocal rank fusion.

Both were evaluated on the demo material (docs/suggestions.md); ``FUSION`` names the one
used. Each returns a score in [0, 1] per code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Fusion = Literal["calibrated", "rank"]

SHRINK = 5.0  # a code learned from n units trusts the model n / (n + SHRINK)
VETO = 0.5  # a trusted model that scores a code 0 halves that code's keyword score
SEMANTIC_WEIGHT = 0.8  # the semantic probability's weight in the calibrated noisy-OR
RRF_K = 2.0  # reciprocal rank fusion: 1 / (RRF_K + rank), rank 1 the best
# The semantic tier raises a unit's confidence above what rules and learned say only as far
# as the unit is near some code in absolute terms: not at all at a similarity of QUIET_FROM
# to its nearest code, fully from QUIET_TO; a unit less similar than OFF_TOPIC_TO to every
# code has its scores lowered, halved at OFF_TOPIC_FROM. Similarities of multilingual-e5-small
# (``semantic.SemanticHit.similarity``); chosen on the demo, see docs/suggestions.md.
QUIET_FROM = 0.92
QUIET_TO = 0.96
OFF_TOPIC_FROM = 0.86
OFF_TOPIC_TO = 0.90
FUSION: Fusion = "calibrated"


@dataclass(frozen=True)
class TierScores:
    """What each tier says about one code of one unit (None: the tier has no opinion)."""

    rule: float = 0.0
    learned: float | None = None  # the model's probability
    trusted: float = 1.0  # how far the model is trusted for this code
    semantic: float | None = None  # the semantic tier's probability


def trust(positives: int | None) -> float:
    """How far the learned model is trusted for a code it learned from ``positives`` units.

    ``n / (n + SHRINK)``: 5 units give 0.5, 45 units 0.9; None (support unknown) gives 1.
    """
    if positives is None:
        return 1.0
    return positives / (positives + SHRINK)


def combine(rule_score: float, probability: float | None, trusted: float = 1.0) -> float:
    """One score from a keyword score ``r`` and a learned probability ``p`` (None: not learned).

    With trust ``t``: the learned score is ``l = t p`` (a model that saw few units of a code
    is overconfident about it); the keyword score is lowered when a trusted model disagrees,
    ``r' = r (1 - VETO t (1 - p))``; the two are joined by a noisy-OR, ``1 - (1 - r')(1 - l)``.
    So either tier alone gives its own score, agreement raises it (0.6 and 0.6 give 0.84),
    a confident learned code (p 0.95 from 50 units: 0.86) outranks a weak keyword hit (a
    compound part, 0.4), and a keyword that a well-trained model rejects drops below 0.5.
    """
    if probability is None:
        return rule_score
    learned = trusted * probability
    rule = rule_score * (1.0 - VETO * trusted * (1.0 - probability))
    return 1.0 - (1.0 - rule) * (1.0 - learned)


def calibrated(scores: Mapping[str, TierScores]) -> dict[str, float]:
    """``combine`` of rules and learned, joined with the weighted semantic probability by a
    noisy-OR: ``1 - (1 - combined)(1 - SEMANTIC_WEIGHT s)``."""
    out = {}
    for code, s in scores.items():
        both = combine(s.rule, s.learned, s.trusted)
        semantic = SEMANTIC_WEIGHT * (s.semantic or 0.0)
        out[code] = 1.0 - (1.0 - both) * (1.0 - semantic)
    return out


def rank_fusion(scores: Mapping[str, TierScores]) -> dict[str, float]:
    """Reciprocal rank fusion of the tiers: each tier ranks the codes it scores above 0, and a
    code gets ``1 / (RRF_K + rank)`` from each, scaled so that first in every tier that
    spoke gives 1."""
    tiers = {
        "rules": {c: s.rule for c, s in scores.items() if s.rule > 0},
        "learned": {c: s.trusted * s.learned for c, s in scores.items() if s.learned},
        "semantic": {c: s.semantic for c, s in scores.items() if s.semantic},
    }
    spoke = [t for t in tiers.values() if t]
    best = len(spoke) / (RRF_K + 1)
    out = dict.fromkeys(scores, 0.0)
    for tier in spoke:
        ordered = sorted(tier, key=lambda c: (-tier[c], c))
        for position, code in enumerate(ordered, 1):
            out[code] += 1.0 / (RRF_K + position) / best
    return out


def quiet(
    fused: Mapping[str, float], scores: Mapping[str, TierScores], similarity: float
) -> float:
    """The factor (at most 1) by which one unit's calibrated fused scores are scaled, so that
    the semantic tier does not make off-topic units confident.

    The semantic probabilities are a softmax over the codes: they say which code a unit is
    nearest, not whether it is near any. A greeting or "Tak for hjælpen." still gets one
    code at 0.5, and the noisy-OR with a weak learned score made it a confident suggestion.
    So the unit's best fused score ``f`` may exceed its best score without the semantic
    tier ``b`` only by the share ``g`` of the difference that the unit's absolute similarity
    to its nearest code supports: ``g`` rises from 0 at ``QUIET_FROM`` to 1 at ``QUIET_TO``,
    and the factor is ``(b + g (f - b)) / f``. A unit far from every code (an off-topic
    "Ved ikke.", whose learned score rests on its few words) is further scaled by ``h``, from
    0.5 at ``OFF_TOPIC_FROM`` to 1 at ``OFF_TOPIC_TO``. One factor for all codes of the unit
    keeps their order, so the ranking (top-1, top-3) is the fusion's.
    """
    off_topic = 0.5 + 0.5 * _ramp(similarity, OFF_TOPIC_FROM, OFF_TOPIC_TO)
    best = max(fused.values(), default=0.0)
    alone = max((combine(s.rule, s.learned, s.trusted) for s in scores.values()), default=0.0)
    if best <= alone or best <= 0.0:
        return off_topic
    share = _ramp(similarity, QUIET_FROM, QUIET_TO)
    return off_topic * (alone + share * (best - alone)) / best


def _ramp(x: float, low: float, high: float) -> float:
    """0 at ``low``, 1 at ``high``, linear between."""
    return min(1.0, max(0.0, (x - low) / (high - low)))


def fuse(scores: Mapping[str, TierScores], fusion: Fusion = FUSION) -> dict[str, float]:
    """One score per code by the chosen fusion."""
    return calibrated(scores) if fusion == "calibrated" else rank_fusion(scores)
