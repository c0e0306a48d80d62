"""Cross-validation of the suggestion tiers on a project's own codings."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from kodebog.errors import KodebogError
from kodebog.suggest.learned import LearnedModel
from kodebog.suggest.nlp import DocTokens
from kodebog.suggest.rank import rank
from kodebog.suggest.types import RuleHit, Suggestion

TIERS = ("rules", "learned", "combined")
# trains on (unit, codes) pairs; the second argument holds the indices of the held-out units
Trainer = Callable[[Sequence[tuple[DocTokens, set[str]]], Sequence[int]], LearnedModel | None]


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F1 of one code (or all codes, micro-averaged)."""

    precision: float
    recall: float
    f1: float
    support: int  # units coded with it
    predicted: int  # units it was predicted for

    @classmethod
    def of(cls, tp: int, fp: int, fn: int) -> Scores:
        """Scores from true positive, false positive and false negative counts."""
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return cls(p, r, f1, tp + fn, tp + fp)


@dataclass(frozen=True)
class TierScores:
    """How well one tier (or both combined) predicted the held-out codings."""

    per_code: dict[str, Scores]
    micro: Scores
    top_hit_rate: float  # share of coded units with a correct code among the top k


@dataclass(frozen=True)
class CurvePoint:
    """Scores after training on ``n_train`` coded units (plus the codebook examples)."""

    n_train: int
    micro_f1: float
    top_hit_rate: float
    learned_micro_f1: float
    learned_top_hit_rate: float


@dataclass(frozen=True)
class EvaluationReport:
    """Cross-validated quality of the suggestions, per tier and per code, with a learning curve.

    A code counts as predicted for a unit when it is among the top ``top_k`` suggestions with a
    score of at least ``threshold``; the top-k hit rate counts any suggestion in the top k.
    """

    n_units: int
    k: int
    seed: int
    threshold: float
    top_k: int
    tiers: dict[str, TierScores]
    curve: list[CurvePoint] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)

    def format_table(self) -> str:
        """A plain-text table for the terminal."""
        head = (
            f"Cross-validation: {self.n_units} units, {self.k} folds; predicted = top "
            f"{self.top_k} with score >= {self.threshold:.2f}"
        )
        codes = sorted({c for t in self.tiers.values() for c in t.per_code})
        width = max([len("top-3 hit rate"), *(len(c) for c in codes)]) + 2
        cols = "".join(f"{name + ' P/R/F1':>20}" for name in TIERS)
        lines = [head, "", f"{'code':<{width}}{cols}{'units':>8}"]

        def row(label: str, scores: list[Scores | None], support: int) -> str:
            cells = "".join(
                f"{s.precision:>8.2f}{s.recall:>6.2f}{s.f1:>6.2f}" if s else f"{'-':>20}"
                for s in scores
            )
            return f"{label:<{width}}{cells}{support:>8}"

        for code in codes:
            scores = [self.tiers[t].per_code.get(code) for t in TIERS]
            support = max((s.support for s in scores if s), default=0)
            lines.append(row(code, scores, support))
        micro = [self.tiers[t].micro for t in TIERS]
        lines.append(row("micro", list(micro), micro[0].support))
        hits = "".join(f"{self.tiers[t].top_hit_rate:>20.2f}" for t in TIERS)
        lines.append(f"{f'top-{self.top_k} hit rate':<{width}}{hits}")
        if self.curve:
            lines += ["", "Learning curve (training units: combined / learned)"]
            lines.append(f"{'units':>8}{'micro F1':>20}{f'top-{self.top_k} hit':>20}")
            for p in self.curve:
                lines.append(
                    f"{p.n_train:>8}{p.micro_f1:>12.2f} / {p.learned_micro_f1:.2f}"
                    f"{p.top_hit_rate:>12.2f} / {p.learned_top_hit_rate:.2f}"
                )
        return "\n".join(lines)


class _Tally:
    """Counts for one tier over all held-out units."""

    def __init__(self) -> None:
        self.tp: dict[str, int] = {}
        self.fp: dict[str, int] = {}
        self.fn: dict[str, int] = {}
        self.hits = 0
        self.coded = 0

    def add(self, gold: set[str], suggestions: list[Suggestion], threshold: float) -> None:
        predicted = {s.code for s in suggestions if s.score >= threshold}
        for code in predicted & gold:
            self.tp[code] = self.tp.get(code, 0) + 1
        for code in predicted - gold:
            self.fp[code] = self.fp.get(code, 0) + 1
        for code in gold - predicted:
            self.fn[code] = self.fn.get(code, 0) + 1
        if gold:
            self.coded += 1
            self.hits += any(s.code in gold for s in suggestions)

    def scores(self) -> TierScores:
        codes = sorted(self.tp.keys() | self.fp.keys() | self.fn.keys())
        per_code = {
            c: Scores.of(self.tp.get(c, 0), self.fp.get(c, 0), self.fn.get(c, 0)) for c in codes
        }
        micro = Scores.of(sum(self.tp.values()), sum(self.fp.values()), sum(self.fn.values()))
        return TierScores(per_code, micro, self.hits / self.coded if self.coded else 0.0)


def cross_validate(
    docs: Sequence[DocTokens],
    gold: Sequence[set[str]],
    rule_hits: Sequence[list[RuleHit]],
    trainer: Trainer,
    *,
    k: int = 5,
    seed: int = 0,
    threshold: float = 0.5,
    top_k: int = 3,
    curve: Sequence[int] = (0, 25, 50, 100, 200),
) -> EvaluationReport:
    """k-fold cross-validation: train on k-1 folds, rank the held-out fold, count.

    ``trainer(train_pairs, held_out_indices)`` is told which units are held out, so it can
    keep anything derived from them out of training.

    Units are shuffled with ``seed``. The learning curve trains on the first n units of each
    fold's shuffled training part for each n in ``curve`` below the training size, and ends
    with the full training part (the main result).
    """
    n = len(docs)
    if n < 2:
        raise KodebogError("cross-validation needs at least 2 coded units")
    k = max(2, min(k, n))
    order = list(range(n))
    random.Random(seed).shuffle(order)
    folds = [order[i::k] for i in range(k)]
    tallies = {t: _Tally() for t in TIERS}
    curve_tallies: dict[int, tuple[_Tally, _Tally]] = {}
    train_sizes = []
    for f, test in enumerate(folds):
        train = [i for g, fold in enumerate(folds) if g != f for i in fold]
        train_sizes.append(len(train))
        pairs = [(docs[i], gold[i]) for i in train]
        model = trainer(pairs, test)
        scores = _predict(model, docs, test)
        support = model.meta.positives if model is not None else None
        for i, learned in zip(test, scores, strict=True):
            text, hits = docs[i].text, rule_hits[i]
            tallies["rules"].add(gold[i], rank(text, hits, None, top_k), threshold)
            tallies["learned"].add(
                gold[i], rank(text, [], learned, top_k, support=support), threshold
            )
            tallies["combined"].add(
                gold[i], rank(text, hits, learned, top_k, support=support), threshold
            )
        for size in curve:
            if size >= len(train):
                continue
            small = trainer(pairs[:size], test)
            small_scores = _predict(small, docs, test)
            small_support = small.meta.positives if small is not None else None
            both, alone = curve_tallies.setdefault(size, (_Tally(), _Tally()))
            for i, learned in zip(test, small_scores, strict=True):
                text, hits = docs[i].text, rule_hits[i]
                both.add(
                    gold[i], rank(text, hits, learned, top_k, support=small_support), threshold
                )
                alone.add(gold[i], rank(text, [], learned, top_k, support=small_support), threshold)
    tiers = {t: tally.scores() for t, tally in tallies.items()}
    points = [_point(size, both, alone) for size, (both, alone) in sorted(curve_tallies.items())]
    full = round(sum(train_sizes) / len(train_sizes))
    points.append(
        CurvePoint(
            full,
            tiers["combined"].micro.f1,
            tiers["combined"].top_hit_rate,
            tiers["learned"].micro.f1,
            tiers["learned"].top_hit_rate,
        )
    )
    return EvaluationReport(n, k, seed, threshold, top_k, tiers, points)


def _predict(
    model: LearnedModel | None, docs: Sequence[DocTokens], idx: list[int]
) -> list[dict[str, float]]:
    if model is None:
        return [{} for _ in idx]
    return model.predict_docs([docs[i] for i in idx])


def _point(size: int, both: _Tally, alone: _Tally) -> CurvePoint:
    b, a = both.scores(), alone.scores()
    return CurvePoint(size, b.micro.f1, b.top_hit_rate, a.micro.f1, a.top_hit_rate)
