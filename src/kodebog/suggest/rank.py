"""Ranking one unit's codes from the tiers' scores: rules, learned, semantic."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import TYPE_CHECKING

from kodebog.suggest.fuse import FUSION, Fusion, TierScores, combine, fuse, quiet, trust
from kodebog.suggest.types import Evidence, RuleHit, Suggestion, Tier
from kodebog.suggest.values import CONFIDENT  # below it a suggestion is shown marked low

if TYPE_CHECKING:
    from kodebog.suggest.semantic import SemanticHit

LEARNED_FLOOR = 0.2  # a calibrated learned score below this adds no tier or evidence
SEMANTIC_FLOOR = 0.2  # a semantic probability below this adds no tier
MIN_SCORE = 0.1  # fused scores below this are not suggested (but see ``rank``)
LOW_FLOOR = 0.05  # the best code is still shown, marked low, from this score

__all__ = ["Suggestion", "combine", "rank", "trust"]


def rank(
    unit_text: str,
    rule_hits: Sequence[RuleHit],
    learned_scores: Mapping[str, float] | None,
    top_k: int = 3,
    *,
    exclude: Collection[str] = (),
    support: Mapping[str, int] | None = None,
    explain: Callable[[str], list[Evidence]] | None = None,
    min_score: float = 0.0,
    semantic: Sequence[SemanticHit] | None = None,
    fusion: Fusion = FUSION,
) -> list[Suggestion]:
    """The ``top_k`` codes for one unit, best first.

    ``exclude`` holds codes the analyst already applied to the unit or rejected for it.
    ``support`` maps a learned code to its positive training units (for ``trust``);
    ``explain(code)`` gives the learned evidence, asked only for the suggestions returned.
    ``semantic`` holds the semantic tier's hits (None: the tier is off).
    Evidence whose offsets do not point at its words in ``unit_text`` is dropped.

    Codes scoring under ``MIN_SCORE`` (or ``min_score``, if higher) are left out, except
    that with the default ``min_score`` the best code is kept when none reaches it (but it
    reaches ``LOW_FLOOR``), so the right code ranked first is not hidden; a suggestion
    under ``CONFIDENT`` is ``low``. With the semantic tier and the calibrated fusion, the
    scores shown are scaled by ``fuse.quiet`` (the choice and order are the fusion's), so an
    off-topic unit is no more confident than without the tier.
    """
    rules = {h.code: h for h in rule_hits if h.code not in exclude}
    learned = {c: p for c, p in (learned_scores or {}).items() if c not in exclude}
    near = {h.code: h for h in semantic or () if h.code not in exclude}
    tiers = {
        code: TierScores(
            rules[code].score if code in rules else 0.0,
            learned.get(code),
            trust(support.get(code) if support is not None else None),
            near[code].score if code in near else None,
        )
        for code in rules.keys() | learned.keys() | near.keys()
    }
    fused = fuse(tiers, fusion)
    factor = 1.0
    if semantic and fusion == "calibrated":
        factor = quiet(fused, tiers, max(h.similarity for h in semantic))
    ordered = sorted(
        ((score, code) for code, score in fused.items() if score > 0), key=lambda s: (-s[0], s[1])
    )
    chosen = [(s, c) for s, c in ordered if s >= MIN_SCORE and s * factor >= min_score][:top_k]
    if not chosen and min_score <= 0 and ordered and ordered[0][0] >= LOW_FLOOR:
        chosen = ordered[:1]
    out = []
    for fused_score, code in chosen:
        score = fused_score * factor
        t = tiers[code]
        lv = t.trusted * t.learned if t.learned is not None else 0.0
        sv = t.semantic or 0.0
        tier = _tier(t.rule > 0, lv >= LEARNED_FLOOR, sv >= SEMANTIC_FLOOR, lv >= sv)
        evidence = rules[code].evidence if code in rules else []
        if lv >= LEARNED_FLOOR and explain is not None:
            evidence = _merge(evidence, explain(code))
        evidence = [e for e in evidence if unit_text[e.start : e.end] == e.text]
        carried = sv >= SEMANTIC_FLOOR or tier == "semantic"
        similar = near[code].nearest if code in near and carried else ""
        out.append(
            Suggestion(code, score, tier, evidence, t.rule, lv, sv, similar, score < CONFIDENT)
        )
    return out


def _tier(rule: bool, learned: bool, semantic: bool, learned_more: bool = True) -> Tier:
    """The tiers that carried a suggestion (when none stands out, the stronger of learned
    and semantic)."""
    if rule and learned:
        return "all" if semantic else "both"
    if rule:
        return "rules+semantic" if semantic else "rules"
    if semantic:
        return "learned+semantic" if learned else "semantic"
    if learned:
        return "learned"
    return "learned" if learned_more else "semantic"


def _merge(rule_evidence: list[Evidence], learned: list[Evidence]) -> list[Evidence]:
    """Rule evidence plus the learned words it does not already cover, in text order."""
    spans = [(e.start, e.end) for e in rule_evidence]
    extra = [e for e in learned if not any(s < e.end and e.start < t for s, t in spans)]
    return sorted([*rule_evidence, *extra], key=lambda e: (e.start, e.kind))
