"""Cross-validation of the suggestion tiers on a project's own codings and codebook."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from kodebog.errors import KodebogError
from kodebog.i18n import N_, _, ngettext, translate
from kodebog.i18n.formats import decimal, number, percent
from kodebog.suggest.fuse import FUSION
from kodebog.suggest.learned import LearnedModel
from kodebog.suggest.nlp import DocTokens
from kodebog.suggest.rank import rank
from kodebog.suggest.types import RuleHit, Suggestion

if TYPE_CHECKING:
    from kodebog.suggest.semantic import SemanticHit

OTHER_FUSION = "rank" if FUSION == "calibrated" else "calibrated"
# rules and learned alone, the two fused as before the semantic tier (combined), the
# semantic tier alone, all three fused (fused), and the fusion not chosen, for comparison
TIERS = ("rules", "learned", "combined", "semantic", "fused", f"fused_{OTHER_FUSION}")
TIER_LABELS = {  # shown in the report (the names above are the JSON keys)
    "rules": N_("rules"),
    "learned": N_("learned"),
    "combined": N_("combined"),
    "semantic": N_("semantic"),
    "fused": N_("fused"),
    "fused_rank": N_("fused by rank"),
    "fused_calibrated": N_("fused, calibrated"),
}
FUSIONS = {"calibrated": N_("calibrated"), "rank": N_("rank")}
# trains on (unit, codes) pairs; the second argument holds the indices of the held-out units
Trainer = Callable[[Sequence[tuple[DocTokens, set[str]]], Sequence[int]], LearnedModel | None]
# the semantic hits of the held-out units (second argument), knowing the training units
Semantic = Callable[[Sequence[int], Sequence[int]], list[list["SemanticHit"]]]


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
    """How well one tier (or a fusion of tiers) predicted the held-out codings."""

    per_code: dict[str, Scores]
    micro: Scores
    top_hit_rate: float  # share of coded units with a correct code among the top k
    top1_rate: float = 0.0  # share of coded units whose first suggestion is correct
    uncoded: int = 0  # units read and left uncoded among those ranked
    loud: int = 0  # of them, units that got a confident suggestion (not marked low)


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
    ``codebook_only`` ranks the same units with nothing learned from the codings (only the
    codebook); ``examples`` ranks the codebook's own examples, each fold held out. Units the
    coder read and left uncoded are ranked too: they count against precision, and each
    tier's ``loud`` says how many got a confident suggestion.
    """

    n_units: int
    k: int
    seed: int
    threshold: float
    top_k: int
    tiers: dict[str, TierScores]
    curve: list[CurvePoint] = field(default_factory=list)
    codebook_only: dict[str, TierScores] = field(default_factory=dict)
    examples: dict[str, TierScores] = field(default_factory=dict)
    n_examples: int = 0
    semantic: str = ""  # the semantic model, or why the tier is off
    fusion: str = FUSION

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        data = asdict(self)
        data["quiet"] = {
            name: {"uncoded": s.uncoded, "confident": s.loud,
                   "rate": round(s.loud / s.uncoded, 4) if s.uncoded else 0.0}
            for name, s in self.tiers.items()
        }
        return data

    def format_table(self) -> str:
        """A plain-text table for the terminal, in the user's language."""
        threshold = decimal(self.threshold, 2)
        head = _("Cross-validation: {units}, {folds}; predicted = top {top} with score >= "
                 "{threshold}; fusion: {fusion}").format(
            units=ngettext("{n} unit", "{n} units", self.n_units).format(
                n=number(self.n_units)),
            folds=ngettext("{n} fold", "{n} folds", self.k).format(n=number(self.k)),
            top=self.top_k, threshold=threshold, fusion=translate(FUSIONS[self.fusion]))
        state = _("semantic tier: {model}").format(model=self.semantic or _("off"))
        lines = [head, state, ""]
        sections = [(_("on your codings (cross-validated)"), self.tiers)]
        if self.codebook_only:
            sections.append((_("with the codebook only (nothing learned from codings)"),
                             self.codebook_only))
        if self.examples:
            sections.append((
                ngettext("on the codebook's {n} example (held out by fold)",
                         "on the codebook's {n} examples (held out by fold)",
                         self.n_examples).format(n=number(self.n_examples)),
                self.examples))
        for title, tiers in sections:
            lines += [*_summary(title, tiers, self.top_k), ""]
        lines += _per_code(self.tiers)
        fused = self.tiers.get("fused")
        if fused is not None and fused.uncoded:
            rates = ", ".join(f"{tier_label(name)} {percent(100 * s.loud / s.uncoded, 0)}"
                              for name, s in self.tiers.items())
            lines += ["", _("units read and left uncoded: {n}; share with a confident "
                            "suggestion (lower is quieter): {rates}").format(
                n=number(fused.uncoded), rates=rates)]
        if self.curve:
            lines += ["", _("Learning curve (training units: fused / learned)")]
            units, micro = _("units"), _("micro F1")
            hit = _("top-{k} hit").format(k=self.top_k)
            lines.append(f"{units:>8}{micro:>20}{hit:>20}")
            for p in self.curve:
                lines.append(
                    f"{number(p.n_train):>8}"
                    f"{decimal(p.micro_f1, 2):>12} / {decimal(p.learned_micro_f1, 2)}"
                    f"{decimal(p.top_hit_rate, 2):>12} / {decimal(p.learned_top_hit_rate, 2)}"
                )
        return "\n".join(lines)


def tier_label(tier: str) -> str:
    """A tier's name as shown (``fused_rank``: "fused by rank")."""
    return translate(TIER_LABELS.get(tier, tier))


def _per_code(tiers: dict[str, TierScores]) -> list[str]:
    """F1 per code and tier, with the units coded with the code."""
    codes = sorted({c for t in tiers.values() for c in t.per_code})
    shown = [t for t in TIERS if t in tiers]
    labels = {t: tier_label(t) for t in shown}
    code_head, units = _("code"), _("units")
    width = max([len(code_head), *(len(c) for c in codes)]) + 2
    lines = [_("F1 per code (on your codings)"),
             f"{code_head:<{width}}" + "".join(f"{labels[t]:>{_col(labels[t])}}" for t in shown)
             + f"{units:>8}"]
    for code in codes:
        scores = [tiers[t].per_code.get(code) for t in shown]
        support = max((s.support for s in scores if s), default=0)
        cells = "".join(
            f"{decimal(s.f1, 2) if s else '-':>{_col(labels[t])}}"
            for t, s in zip(shown, scores, strict=True)
        )
        lines.append(f"{code:<{width}}{cells}{number(support):>8}")
    return lines


def _col(label: str) -> int:
    return max(10, len(label) + 2)


def _summary(title: str, tiers: dict[str, TierScores], top_k: int) -> list[str]:
    tier, precision, recall = _("tier"), _("precision"), _("recall")
    lines = [title, f"{tier:<18}{'top-1':>8}{f'top-{top_k}':>8}{precision:>11}"
                    f"{recall:>8}{'F1':>7}"]
    for name in TIERS:
        t = tiers.get(name)
        if t is None:
            continue
        lines.append(f"{tier_label(name):<18}{decimal(t.top1_rate, 2):>8}"
                     f"{decimal(t.top_hit_rate, 2):>8}{decimal(t.micro.precision, 2):>11}"
                     f"{decimal(t.micro.recall, 2):>8}{decimal(t.micro.f1, 2):>7}")
    return lines


class _Tally:
    """Counts for one tier over all held-out units."""

    def __init__(self) -> None:
        self.tp: dict[str, int] = {}
        self.fp: dict[str, int] = {}
        self.fn: dict[str, int] = {}
        self.hits = 0
        self.firsts = 0
        self.coded = 0
        self.uncoded = 0
        self.loud = 0

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
            self.firsts += bool(suggestions) and suggestions[0].code in gold
        else:
            self.uncoded += 1
            self.loud += any(not s.low for s in suggestions)

    def scores(self) -> TierScores:
        codes = sorted(self.tp.keys() | self.fp.keys() | self.fn.keys())
        per_code = {
            c: Scores.of(self.tp.get(c, 0), self.fp.get(c, 0), self.fn.get(c, 0)) for c in codes
        }
        micro = Scores.of(sum(self.tp.values()), sum(self.fp.values()), sum(self.fn.values()))
        coded = self.coded or 1
        return TierScores(
            per_code, micro, self.hits / coded, self.firsts / coded, self.uncoded, self.loud
        )


class _Tallies:
    """One tally per tier; ranks a held-out unit every way and counts."""

    def __init__(self, semantic: bool) -> None:
        self.semantic = semantic
        self.by_tier = {t: _Tally() for t in TIERS if semantic or "semantic" not in t}
        if not semantic:  # without the semantic tier, fused is combined
            self.by_tier.pop(f"fused_{OTHER_FUSION}", None)

    def add(
        self,
        gold: set[str],
        doc: DocTokens,
        hits: list[RuleHit],
        learned: dict[str, float],
        support: dict[str, int] | None,
        near: list[SemanticHit] | None,
        threshold: float,
        top_k: int,
    ) -> None:
        text = doc.text
        ways: dict[str, list[Suggestion]] = {
            "rules": rank(text, hits, None, top_k),
            "learned": rank(text, [], learned, top_k, support=support),
            "combined": rank(text, hits, learned, top_k, support=support),
        }
        if self.semantic:
            ways["semantic"] = rank(text, [], None, top_k, semantic=near)
            ways["fused"] = rank(text, hits, learned, top_k, support=support, semantic=near)
            ways[f"fused_{OTHER_FUSION}"] = rank(
                text, hits, learned, top_k, support=support, semantic=near,
                fusion=OTHER_FUSION,  # type: ignore[arg-type]
            )
        else:
            ways["fused"] = ways["combined"]
        for name, ranked in ways.items():
            self.by_tier[name].add(gold, ranked, threshold)

    def scores(self) -> dict[str, TierScores]:
        return {t: tally.scores() for t, tally in self.by_tier.items()}


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
    semantic: Semantic | None = None,
) -> EvaluationReport:
    """k-fold cross-validation: train on k-1 folds, rank the held-out fold, count.

    ``trainer(train_pairs, held_out_indices)`` is told which units are held out, so it can
    keep anything derived from them out of training; ``semantic(train, held_out)`` likewise.

    Units are shuffled with ``seed``. The learning curve trains on the first n units of each
    fold's shuffled training part for each n in ``curve`` below the training size, and ends
    with the full training part (the main result). ``codebook_only`` is the curve's 0 point
    with every tier counted.
    """
    n = len(docs)
    if n < 2:
        raise KodebogError(_("cross-validation needs at least 2 coded units"))
    k = max(2, min(k, n))
    order = list(range(n))
    random.Random(seed).shuffle(order)
    folds = [order[i::k] for i in range(k)]
    tallies = _Tallies(semantic is not None)
    alone = _Tallies(semantic is not None)
    curve_tallies: dict[int, _Tallies] = {}
    train_sizes = []
    for f, test in enumerate(folds):
        train = [i for g, fold in enumerate(folds) if g != f for i in fold]
        train_sizes.append(len(train))
        _fold(docs, gold, rule_hits, trainer, semantic, train, test, tallies, threshold, top_k)
        _fold(docs, gold, rule_hits, trainer, semantic, [], test, alone, threshold, top_k)
        for size in curve:
            if 0 < size < len(train):
                part = train[:size]
                tally = curve_tallies.setdefault(size, _Tallies(semantic is not None))
                _fold(docs, gold, rule_hits, trainer, semantic, part, test, tally, threshold,
                      top_k)
    tiers = tallies.scores()
    codebook = alone.scores()
    points = []
    if 0 in curve:
        points.append(_point(0, codebook))
    points += [_point(size, t.scores()) for size, t in sorted(curve_tallies.items())]
    points.append(_point(round(sum(train_sizes) / len(train_sizes)), tiers))
    return EvaluationReport(n, k, seed, threshold, top_k, tiers, points, codebook)


def _fold(
    docs: Sequence[DocTokens],
    gold: Sequence[set[str]],
    rule_hits: Sequence[list[RuleHit]],
    trainer: Trainer,
    semantic: Semantic | None,
    train: list[int],
    test: list[int],
    tallies: _Tallies,
    threshold: float,
    top_k: int,
) -> None:
    model = trainer([(docs[i], gold[i]) for i in train], test)
    scores = _predict(model, docs, test)
    support = model.meta.positives if model is not None else None
    near = semantic(train, test) if semantic is not None else [None] * len(test)
    for i, learned, hits in zip(test, scores, near, strict=True):
        tallies.add(gold[i], docs[i], rule_hits[i], learned, support, hits, threshold, top_k)


def _predict(
    model: LearnedModel | None, docs: Sequence[DocTokens], idx: list[int]
) -> list[dict[str, float]]:
    if model is None:
        return [{} for _ in idx]
    return model.predict_docs([docs[i] for i in idx])


def _point(size: int, tiers: dict[str, TierScores]) -> CurvePoint:
    fused, learned = tiers["fused"], tiers["learned"]
    return CurvePoint(
        size, fused.micro.f1, fused.top_hit_rate, learned.micro.f1, learned.top_hit_rate
    )
