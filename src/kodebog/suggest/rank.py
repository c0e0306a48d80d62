"""Combining rule hits and learned scores into ranked suggestions for one unit."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence

from kodebog.suggest.types import Evidence, RuleHit, Suggestion, Tier

SHRINK = 5.0  # a code learned from n units trusts the model n / (n + SHRINK)
VETO = 0.5  # a trusted model that scores a code 0 halves that code's keyword score
LEARNED_FLOOR = 0.2  # a calibrated learned score below this adds no tier or evidence
MIN_SCORE = 0.1  # combined scores below this are never suggested

__all__ = ["Suggestion", "combine", "rank", "trust"]


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
) -> list[Suggestion]:
    """The ``top_k`` codes for one unit, best first.

    ``exclude`` holds codes the analyst already applied to the unit or rejected for it.
    ``support`` maps a learned code to its positive training units (for ``trust``);
    ``explain(code)`` gives the learned evidence, asked only for the suggestions returned.
    Evidence whose offsets do not point at its words in ``unit_text`` is dropped.
    """
    rules = {h.code: h for h in rule_hits if h.code not in exclude}
    learned = {c: p for c, p in (learned_scores or {}).items() if c not in exclude}
    floor = max(min_score, MIN_SCORE)
    scored = []
    for code in rules.keys() | learned.keys():
        r = rules[code].score if code in rules else 0.0
        p = learned.get(code)
        t = trust(support.get(code) if support is not None else None)
        score = combine(r, p, t)
        if score >= floor:
            scored.append((score, code, r, t * p if p is not None else 0.0))
    scored.sort(key=lambda s: (-s[0], s[1]))
    out = []
    for score, code, r, lv in scored[:top_k]:
        tier: Tier = "learned" if r == 0 else "both" if lv >= LEARNED_FLOOR else "rules"
        evidence = rules[code].evidence if code in rules else []
        if tier != "rules" and explain is not None:
            evidence = _merge(evidence, explain(code))
        evidence = [e for e in evidence if unit_text[e.start : e.end] == e.text]
        out.append(Suggestion(code, score, tier, evidence, r, lv))
    return out


def _merge(rule_evidence: list[Evidence], learned: list[Evidence]) -> list[Evidence]:
    """Rule evidence plus the learned words it does not already cover, in text order."""
    spans = [(e.start, e.end) for e in rule_evidence]
    extra = [e for e in learned if not any(s < e.end and e.start < t for s, t in spans)]
    return sorted([*rule_evidence, *extra], key=lambda e: (e.start, e.kind))
