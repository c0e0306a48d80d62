"""The suggestion façade: rules and the learned model behind one ``Suggester``."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from kodebog.codebook import Codebook
from kodebog.errors import KodebogError
from kodebog.i18n import _
from kodebog.suggest.evaluate import EvaluationReport, TierScores, _Tallies, cross_validate
from kodebog.suggest.learned import (
    MIN_EXAMPLES,
    LearnedModel,
    bootstrap_examples,
    train_docs,
)
from kodebog.suggest.nlp import Analyzer, DocTokens, get_analyzer
from kodebog.suggest.rank import rank
from kodebog.suggest.rules import RuleMatcher
from kodebog.suggest.types import Evidence, Suggestion

if TYPE_CHECKING:
    from kodebog.suggest.semantic import CodeSpace, SemanticHit, Vectors

BOOTSTRAP_MIN_EXAMPLES = 2  # a codebook lists few examples per code
MIN_QUOTE_WORDS = 4  # shortest part of a codebook example that counts as a quote
_WORD = re.compile(r"\w+")
_ELLIPSIS = re.compile(r"\[?(?:\.\.\.|…)\]?")


class Suggester:
    """Suggests codes for units from a codebook's keywords (tier 1) and a learned model (tier 2).

    Without ``fit`` or ``load_model``, the first ``suggest`` trains a model from the codebook's own
    examples and include texts (``bootstrap=True``), so a new project gets tier 2 at once.
    Loading the pipeline and training take seconds: call from a worker thread.
    """

    def __init__(
        self,
        codebook: Codebook,
        model_name: str | None = None,
        *,
        min_examples: int = MIN_EXAMPLES,
        bootstrap: bool = True,
        seed: int = 0,
    ) -> None:
        self.codebook = codebook
        self.model_name = model_name
        self.min_examples = min_examples
        self.bootstrap = bootstrap
        self.seed = seed
        self.model: LearnedModel | None = None
        self._rules: RuleMatcher | None = None
        self._bootstrapped = False
        self._bootstrap: list[tuple[DocTokens, set[str]]] | None = None
        self._lock = threading.RLock()

    @property
    def analyzer(self) -> Analyzer:
        """The spaCy pipeline (loaded on first use)."""
        return get_analyzer(self.codebook.language or "da", self.model_name)

    @property
    def rules(self) -> RuleMatcher:
        """Tier 1, built from the codebook on first use."""
        with self._lock:
            if self._rules is None:
                self._rules = RuleMatcher(self.codebook, self.analyzer)
            return self._rules

    def load_model(self, blob: bytes) -> LearnedModel:
        """Use a model stored with ``LearnedModel.to_bytes``."""
        model = LearnedModel.from_bytes(blob, self.analyzer)
        if model.meta.pipeline != self.analyzer.name:
            raise KodebogError(
                _("the stored suggestion model was trained with {old}, not {new}; retrain it")
                .format(old=model.meta.pipeline, new=self.analyzer.name)
            )
        self.model = model
        return model

    def fit(
        self,
        coded: Sequence[tuple[str, set[str]]],
        rejected: Sequence[tuple[str, str]] = (),
    ) -> LearnedModel | None:
        """Train tier 2 on coded units, rejected (unit, code) pairs and the codebook examples.

        A code is learned from ``min_examples`` units; while no code has that many (a new
        project), the codebook's examples suffice (``BOOTSTRAP_MIN_EXAMPLES``, with
        ``bootstrap``). Returns the model, or None (and tier 2 off) when nothing qualifies.
        """
        texts = list(dict.fromkeys([t for t, _ in coded] + [t for t, _ in rejected]))
        docs = dict(zip(texts, self.analyzer.analyze(texts), strict=True))
        model = self._train_or_bootstrap(
            [(docs[t], c) for t, c in coded], [(docs[t], c) for t, c in rejected]
        )
        with self._lock:
            self.model = model
            self._bootstrapped = True
        return model

    def _train(
        self,
        coded: Sequence[tuple[DocTokens, set[str]]],
        rejected: Sequence[tuple[DocTokens, str]] = (),
        min_examples: int | None = None,
        leave_out: Collection[int] = (),
    ) -> LearnedModel | None:
        boot = self._bootstrap_docs()
        if leave_out:
            boot = [b for i, b in enumerate(boot) if i not in leave_out]
        examples = [*boot, *coded]
        try:
            return train_docs(
                examples,
                rejected,
                codes=self.codebook.ids,
                min_examples=self.min_examples if min_examples is None else min_examples,
                seed=self.seed,
                lang=self.codebook.language or "da",
                analyzer=self.analyzer,
            )
        except KodebogError:
            return None

    def _train_or_bootstrap(
        self,
        coded: Sequence[tuple[DocTokens, set[str]]],
        rejected: Sequence[tuple[DocTokens, str]] = (),
        leave_out: Collection[int] = (),
    ) -> LearnedModel | None:
        model = self._train(coded, rejected, leave_out=leave_out) if coded else None
        if model is None and self.bootstrap:
            model = self._train(
                coded, rejected, min_examples=BOOTSTRAP_MIN_EXAMPLES, leave_out=leave_out
            )
        return model

    def _bootstrap_docs(self) -> list[tuple[DocTokens, set[str]]]:
        with self._lock:
            if self._bootstrap is None:
                extra = bootstrap_examples(self.codebook) if self.bootstrap else []
                docs = self.analyzer.analyze(t for t, _ in extra)
                self._bootstrap = [(d, c) for d, (_, c) in zip(docs, extra, strict=True)]
            return self._bootstrap

    def _ensure_model(self) -> LearnedModel | None:
        with self._lock:
            if self.model is None and self.bootstrap and not self._bootstrapped:
                self._bootstrapped = True
                self.model = self._train([], min_examples=BOOTSTRAP_MIN_EXAMPLES)
            return self.model

    def suggest(
        self,
        units: Sequence[str],
        top_k: int = 3,
        min_score: float = 0.0,
        exclude: Sequence[set[str]] | None = None,
        *,
        vectors: Vectors | None = None,
        space: CodeSpace | None = None,
    ) -> list[list[Suggestion]]:
        """Up to ``top_k`` suggestions per unit, best first.

        ``exclude[i]`` holds codes the analyst applied to or rejected for unit ``i``.
        With ``space`` and the units' ``vectors`` (one row each), the semantic tier counts.
        """
        if exclude is not None and len(exclude) != len(units):
            raise ValueError("exclude must have one set per unit")
        docs = self.analyzer.analyze(units)
        return self.suggest_docs(docs, top_k, min_score, exclude, vectors=vectors, space=space)

    def suggest_docs(
        self,
        docs: Sequence[DocTokens],
        top_k: int = 3,
        min_score: float = 0.0,
        exclude: Sequence[set[str]] | None = None,
        *,
        vectors: Vectors | None = None,
        space: CodeSpace | None = None,
    ) -> list[list[Suggestion]]:
        """``suggest`` for units already analysed."""
        near: list[list[SemanticHit]] | None = None
        if space is not None and vectors is not None:
            near = space.score(vectors, [d.text for d in docs])
        model = self._ensure_model()
        hits = self.rules.match_many(docs)
        scores = model.predict_docs(docs) if model is not None else [{} for _ in docs]
        ids = set(self.codebook.ids)
        if model is not None and not ids.issuperset(model.codes):  # codes since removed
            scores = [_follow_merges(row, ids, self.codebook.replaced_by()) for row in scores]
        if model is not None:  # learned evidence: weigh every word of the batch at once
            model.word_weights({lemma for doc in docs for lemma in doc.lemma})
        support = model.meta.positives if model is not None else None
        out = []
        for i, doc in enumerate(docs):
            out.append(
                rank(
                    doc.text,
                    hits[i],
                    scores[i],
                    top_k,
                    exclude=exclude[i] if exclude is not None else (),
                    support=support,
                    explain=_explainer(model, doc),
                    min_score=min_score,
                    semantic=near[i] if near is not None else None,
                )
            )
        return out

    def evaluate(
        self,
        coded_units: Sequence[tuple[str, set[str]]],
        k: int = 5,
        seed: int = 0,
        *,
        threshold: float = 0.5,
        curve: Sequence[int] = (0, 25, 50, 100, 200),
        vectors: Vectors | None = None,
        passages: Mapping[str, Vectors] | None = None,
        semantic_label: str = "",
    ) -> EvaluationReport:
        """k-fold cross-validation of every tier and their fusion on the project's codings,
        the same units ranked with the codebook only, and the codebook's examples held out
        by fold. A unit with no codes (read and left uncoded) is a negative: it counts
        against precision and in how often uncoded units get a confident suggestion.

        Codebook examples often quote the project's own units. An example that quotes a
        held-out unit is left out of that fold's training and of its semantic passages, so
        no fold learns from its test units. ``vectors`` (one row per coded unit) and the
        codebook's ``passages`` turn the semantic tier on. See
        ``kodebog.suggest.evaluate.cross_validate`` for what is counted.
        """
        texts = [t for t, _ in coded_units]
        docs = self.analyzer.analyze(texts)
        gold = [set(c) for _, c in coded_units]
        quotes = quoted_units([d.text for d, _ in self._bootstrap_docs()], [d.text for d in docs])

        def trainer(
            train: Sequence[tuple[DocTokens, set[str]]], held_out: Sequence[int]
        ) -> LearnedModel | None:
            leave_out = {e for i in held_out for e in quotes.get(i, ())}
            return self._train_or_bootstrap(train, leave_out=leave_out)

        semantic = None
        if vectors is not None and passages is not None:
            semantic = _semantic_folds(self.codebook, passages, vectors, texts, gold)
        report = cross_validate(
            docs,
            gold,
            self.rules.match_many(docs),
            trainer,
            k=k,
            seed=seed,
            threshold=threshold,
            curve=curve,
            semantic=semantic,
        )
        examples, n_examples = self._evaluate_examples(k, seed, threshold, passages)
        return replace(report, examples=examples, n_examples=n_examples, semantic=semantic_label)

    def _evaluate_examples(
        self,
        k: int,
        seed: int,
        threshold: float,
        passages: Mapping[str, Vectors] | None,
    ) -> tuple[dict[str, TierScores], int]:
        """k folds over the codebook's examples: each fold ranked by the rest of the codebook."""
        import random

        from kodebog.suggest.semantic import CodeSpace

        boot = self._bootstrap_docs()
        examples = {t.strip() for c in self.codebook.walk() for t in c.examples}
        tests = [i for i, (doc, _) in enumerate(boot) if doc.text in examples]
        if len(tests) < 2:
            return {}, len(tests)
        random.Random(seed).shuffle(tests)
        folds = [tests[i::k] for i in range(min(k, len(tests)))]
        tallies = _Tallies(passages is not None)
        docs = [boot[i][0] for i in tests]
        hits = dict(zip(tests, self.rules.match_many(docs), strict=True))
        for fold in folds:
            model = self._train([], min_examples=BOOTSTRAP_MIN_EXAMPLES, leave_out=set(fold))
            learned = model.predict_docs([boot[i][0] for i in fold]) if model else None
            support = model.meta.positives if model is not None else None
            near: list[list[SemanticHit]] | None = None
            if passages is not None:
                held = {boot[i][0].text for i in fold}
                space = CodeSpace.build(
                    self.codebook, {t: v for t, v in passages.items() if t not in held}
                )
                near = space.score(_rows([passages[boot[i][0].text] for i in fold]))
            for j, i in enumerate(fold):
                doc, codes = boot[i]
                tallies.add(
                    codes,
                    doc,
                    hits[i],
                    learned[j] if learned is not None else {},
                    support,
                    near[j] if near is not None else None,
                    threshold,
                    3,
                )
        return tallies.scores(), len(tests)


def _rows(vectors: Sequence[Vectors]) -> Vectors:
    import numpy as np

    return np.vstack(vectors).astype(np.float32)


def _semantic_folds(
    codebook: Codebook,
    passages: Mapping[str, Vectors],
    vectors: Vectors,
    texts: Sequence[str],
    gold: Sequence[set[str]],
) -> Callable[[Sequence[int], Sequence[int]], list[list[SemanticHit]]]:
    """The semantic tier per fold: codebook passages that quote a held-out unit left out,
    the training units as coded passages."""
    from kodebog.suggest.semantic import CodeSpace

    names = list(passages)
    quotes = quoted_units(names, texts)

    def near(train: Sequence[int], test: Sequence[int]) -> list[list[SemanticHit]]:
        held = {names[j] for i in test for j in quotes.get(i, ())}
        space = CodeSpace.build(
            codebook,
            {t: v for t, v in passages.items() if t not in held},
            [(vectors[i], texts[i], gold[i]) for i in train],
        )
        return space.score(vectors[list(test)], [texts[i] for i in test])

    return near


def quoted_units(examples: Sequence[str], units: Sequence[str]) -> dict[int, set[int]]:
    """For each unit (by index), the codebook examples (by index) that quote it.

    Texts are compared as lowercase word sequences, so punctuation and quote marks do not
    matter. An example quotes a unit when each of its parts (split at an ellipsis) of at least
    ``MIN_QUOTE_WORDS`` words occurs in the unit, or when the unit (that long) occurs in it.
    """
    ex = [[_words(part) for part in _ELLIPSIS.split(t)] for t in examples]
    ex = [[p for p in parts if len(p.split()) >= MIN_QUOTE_WORDS] for parts in ex]
    whole = [_words(t) for t in examples]
    found: dict[int, set[int]] = {}
    for i, unit in enumerate(_words(t) for t in units):
        long_unit = len(unit.split()) >= MIN_QUOTE_WORDS
        for j, parts in enumerate(ex):
            if (parts and all(p in unit for p in parts)) or (long_unit and unit in whole[j]):
                found.setdefault(i, set()).add(j)
    return found


def _words(text: str) -> str:
    """The words of ``text``, lowercase, each enclosed in spaces."""
    return " " + " ".join(_WORD.findall(text.casefold())) + " "


def _explainer(model: LearnedModel | None, doc: DocTokens) -> _Explain | None:
    return None if model is None else _Explain(model, doc)


class _Explain:
    """Learned evidence for one unit, computed only when a suggestion needs it."""

    def __init__(self, model: LearnedModel, doc: DocTokens) -> None:
        self.model = model
        self.doc = doc

    def __call__(self, code: str) -> list[Evidence]:
        return self.model.explain(self.doc, code)


def _follow_merges(row: dict[str, float], ids: set[str], merged: dict[str, str]
                   ) -> dict[str, float]:
    """Scores of live codes only; a code merged into another (``replaces``) lends it its
    score until the model is trained again, so merging keeps what was learned."""
    out = {c: p for c, p in row.items() if c in ids}
    for code, score in row.items():
        target = merged.get(code)
        if code not in ids and target in ids:
            out[target] = max(out.get(target, 0.0), score)
    return out
