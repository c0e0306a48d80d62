"""Tier 2: a bag-of-words ``textcat_multilabel`` trained on lowercased lemmas of coded units."""

from __future__ import annotations

import json
import math
import random
import struct
import threading
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any

from kodebog.codebook import Codebook
from kodebog.errors import KodebogError
from kodebog.i18n import _
from kodebog.suggest.nlp import Analyzer, DocTokens, get_analyzer
from kodebog.suggest.types import Evidence

FORMAT = "kodebog-textcat/1"
MAGIC = b"KDBTC\x01"
EMPTY = "\u2205"  # the placeholder word of a text without words
MIN_EXAMPLES = 5
# feature slots per code (each feature hashes to two): 16 per distinct n-gram, within bounds
SLOTS_PER_FEATURE = 16
MIN_HASH_LENGTH = 2**14
MAX_HASH_LENGTH = 2**18
LEARN_RATE = 0.05
BATCH_SIZE = 64
MIN_UPDATES = 250  # small sets get more epochs ...
MAX_EPOCHS = 40
MIN_EPOCHS = 4  # ... large sets at least this many
_EPS = 1e-6
_WEIGHTS_CACHED = 200_000  # words whose weights a model keeps


def _hash_length(docs: Sequence[DocTokens], ngram_size: int) -> int:
    """Slots for the features of ``docs``: fewer slots make every update cheaper."""
    features: set[tuple[str, ...]] = set()
    for d in docs:
        lemmas = d.lemma
        for n in range(1, ngram_size + 1):
            features.update(zip(*(lemmas[i:] for i in range(n)), strict=False))
    wanted = SLOTS_PER_FEATURE * max(len(features), 1)
    return max(MIN_HASH_LENGTH, min(MAX_HASH_LENGTH, 1 << (wanted - 1).bit_length()))


def _bow_config(ngram_size: int, length: int) -> dict[str, Any]:
    return {
        "threshold": 0.5,
        "model": {
            "@architectures": "spacy.TextCatBOW.v3",
            "exclusive_classes": False,
            "ngram_size": ngram_size,
            "no_output_layer": False,
            "length": length,
        },
    }


@dataclass(frozen=True)
class ModelMeta:
    """What a stored model was trained on; kept next to the weights in the blob."""

    codes: list[str]
    positives: dict[str, int]
    n_units: int
    trained_at: str
    pipeline: str
    lang: str = "da"
    ngram_size: int = 1
    seed: int = 0
    epochs: int = 0
    format: str = FORMAT
    skipped: dict[str, int] = field(default_factory=dict)  # codes with too few examples

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


class LearnedModel:
    """A trained classifier: scores per learned code, and the words that weighed most."""

    def __init__(self, nlp: Any, meta: ModelMeta, analyzer: Analyzer | None = None) -> None:
        self.nlp = nlp
        self.meta = meta
        self._analyzer = analyzer
        self._textcat: Any = nlp.get_pipe("textcat_multilabel")
        self._labels: list[str] = list(self._textcat.labels)
        self._weights: dict[str, list[float]] = {}
        self._bias: list[float] | None = None
        self._lock = threading.Lock()

    @property
    def codes(self) -> list[str]:
        """The codes this model can score."""
        return list(self._labels)

    @property
    def analyzer(self) -> Analyzer:
        """The pipeline that turns texts into lemmas (the one named in the metadata)."""
        if self._analyzer is None:
            name = self.meta.pipeline
            model = None if name.startswith("blank:") else name
            self._analyzer = get_analyzer(self.meta.lang, model)
        return self._analyzer

    def predict(self, texts: Iterable[str]) -> list[dict[str, float]]:
        """Score of each learned code for each text."""
        return self.predict_docs(self.analyzer.analyze(texts))

    def predict_docs(self, docs: Sequence[DocTokens]) -> list[dict[str, float]]:
        """Score of each learned code for each analysed text (none for a text without words)."""
        vocab = self.nlp.vocab
        out: list[dict[str, float]] = [{} for _ in docs]
        todo = [i for i, d in enumerate(docs) if len(d)]
        for start in range(0, len(todo), 1000):
            chunk = todo[start : start + 1000]
            batch = [_doc(vocab, docs[i].lemma) for i in chunk]
            with self._lock:
                scores = self._textcat.predict(batch)
            for i, row in zip(chunk, scores.tolist(), strict=True):
                out[i] = dict(zip(self._labels, row, strict=True))
        return out

    def explain(self, doc: DocTokens, code: str, top: int = 3) -> list[Evidence]:
        """The ``top`` words of ``doc`` that push ``code`` up most, in text order.

        A bag-of-words model's logit is a bias plus one weight per word (and n-gram); a word's
        unigram weight is read by scoring it alone against the empty text, once per word.
        """
        if code not in self._labels or not len(doc):
            return []
        j = self._labels.index(code)
        weights = self.word_weights(doc.lemma)
        ranked: dict[str, float] = {}
        best: list[tuple[float, int]] = []
        skip = _stop_words()
        for i, lemma in enumerate(doc.lemma):
            w = weights[lemma][j]
            if w > 0 and lemma not in ranked and lemma not in skip and doc.lower[i] not in skip:
                ranked[lemma] = w
                best.append((w, i))
        best.sort(key=lambda x: -x[0])
        chosen = sorted(best[:top], key=lambda x: x[1])
        return [
            Evidence(
                doc.start[i], doc.end[i], doc.text[doc.start[i] : doc.end[i]], "learned", None, w
            )
            for w, i in chosen
        ]

    def word_weights(self, lemmas: Iterable[str]) -> dict[str, list[float]]:
        """Logit contribution of each lemma to each learned code (cached per word)."""
        import numpy as np

        wanted = set(lemmas)
        vocab = self.nlp.vocab
        with self._lock:
            if len(self._weights) + len(wanted) > _WEIGHTS_CACHED:
                self._weights.clear()
            if self._bias is None:
                self._bias = _logits(self._textcat.predict([_doc(vocab, [])]))[0].tolist()
            missing = [w for w in wanted if w not in self._weights]
            for i in range(0, len(missing), 4096):
                words = missing[i : i + 4096]
                probs = self._textcat.predict([_doc(vocab, [w]) for w in words])
                rows = (_logits(probs) - np.asarray(self._bias)).tolist()
                self._weights.update(zip(words, rows, strict=True))
            return {w: self._weights[w] for w in wanted}

    def to_bytes(self) -> bytes:
        """The model and its metadata as one blob for the project database.

        Layout: ``MAGIC``, a 4-byte big-endian header length, a JSON header (format, metadata,
        spaCy config), then the zlib-compressed ``nlp.to_bytes()``.
        """
        header = json.dumps(
            {"format": FORMAT, "meta": self.meta.to_dict(), "config": self.nlp.config.to_str()},
            ensure_ascii=False,
        ).encode()
        body = zlib.compress(self.nlp.to_bytes(), 6)
        return MAGIC + struct.pack(">I", len(header)) + header + body

    @classmethod
    def from_bytes(cls, data: bytes, analyzer: Analyzer | None = None) -> LearnedModel:
        """A model stored with ``to_bytes``."""
        from spacy.util import load_model_from_config
        from thinc.api import Config

        try:
            if not data.startswith(MAGIC):
                raise ValueError("not a kodebog suggestion model")
            (size,) = struct.unpack_from(">I", data, len(MAGIC))
            start = len(MAGIC) + 4
            header = json.loads(data[start : start + size])
            if header.get("format") != FORMAT:
                raise ValueError(f"unknown format {header.get('format')!r}")
            meta = ModelMeta(**header["meta"])
            nlp = load_model_from_config(Config().from_str(header["config"]), auto_fill=True)
            nlp.from_bytes(zlib.decompress(data[start + size :]))
        except (ValueError, KeyError, TypeError, struct.error, zlib.error) as exc:
            raise KodebogError(
                _("the stored suggestion model cannot be read ({problem}); retrain it")
                .format(problem=exc)
            ) from exc
        return cls(nlp, meta, analyzer)


def _doc(vocab: Any, words: list[str]) -> Any:
    """A Doc of lemmas; an empty text gets one placeholder word (n-grams need a token)."""
    from spacy.tokens import Doc

    return Doc(vocab, words=words or [EMPTY])


@cache
def _stop_words() -> frozenset[str]:
    """Words never shown as learned evidence: they weigh, but explain nothing."""
    from spacy.lang.da.stop_words import STOP_WORDS

    from kodebog.suggest.rules import FUNCTION_WORDS

    return frozenset(STOP_WORDS) | FUNCTION_WORDS


def _logits(probs: Any) -> Any:
    """Log-odds of an array of probabilities."""
    import numpy as np

    p = np.clip(np.asarray(probs, dtype="f8"), _EPS, 1.0 - _EPS)
    return np.log(p / (1.0 - p))


def bootstrap_examples(codebook: Codebook) -> list[tuple[str, set[str]]]:
    """Training pairs from each code's ``examples`` and ``include`` texts.

    A text listed under several codes becomes one example with all of them.
    """
    merged: dict[str, set[str]] = {}
    for code in codebook.walk():
        for text in (*code.examples, *code.include):
            if text.strip():
                merged.setdefault(text.strip(), set()).add(code.id)
    return list(merged.items())


def train(
    examples: Sequence[tuple[str, set[str]]],
    negatives: Sequence[tuple[str, str]] = (),
    codes: Sequence[str] | None = None,
    min_examples: int = MIN_EXAMPLES,
    *,
    seed: int = 0,
    lang: str = "da",
    analyzer: Analyzer | None = None,
    ngram_size: int = 1,
    epochs: int | None = None,
) -> LearnedModel:
    """Train on coded units (text, codes) and rejected (text, code) pairs.

    A code is learned when it has at least ``min_examples`` positive units. For a learned code,
    a unit is a negative when it is coded with other codes only, or when the code was
    rejected for it; uncoded units are not used. Raises KodebogError when no code qualifies.
    """
    analyzer = analyzer or get_analyzer(lang)
    texts = list(dict.fromkeys([*(t for t, _ in examples), *(t for t, _ in negatives)]))
    by_text = dict(zip(texts, analyzer.analyze(texts), strict=True))
    return train_docs(
        [(by_text[t], c) for t, c in examples],
        [(by_text[t], c) for t, c in negatives],
        codes,
        min_examples,
        seed=seed,
        lang=lang,
        analyzer=analyzer,
        ngram_size=ngram_size,
        epochs=epochs,
    )


def train_docs(
    examples: Sequence[tuple[DocTokens, set[str]]],
    negatives: Sequence[tuple[DocTokens, str]] = (),
    codes: Sequence[str] | None = None,
    min_examples: int = MIN_EXAMPLES,
    *,
    seed: int = 0,
    lang: str = "da",
    analyzer: Analyzer | None = None,
    ngram_size: int = 1,
    epochs: int | None = None,
) -> LearnedModel:
    """``train`` on units already analysed (evaluation reuses one analysis for all folds)."""
    analyzer = analyzer or get_analyzer(lang)
    docs = {d.text: d for d, _ in [*examples, *negatives]}
    cats_by_text, learned, positives, skipped = _targets(
        [(d.text, c) for d, c in examples],
        [(d.text, c) for d, c in negatives],
        codes,
        min_examples,
    )
    if not learned:
        raise KodebogError(
            _("no code has {n} coded units yet; code more units to train suggestions")
            .format(n=min_examples)
        )
    return _fit(
        [docs[t] for t in cats_by_text],
        list(cats_by_text.values()),
        learned,
        positives,
        skipped,
        seed=seed,
        lang=lang,
        analyzer=analyzer,
        ngram_size=ngram_size,
        epochs=epochs,
    )


def _targets(
    examples: Sequence[tuple[str, set[str]]],
    negatives: Sequence[tuple[str, str]],
    codes: Sequence[str] | None,
    min_examples: int,
) -> tuple[dict[str, dict[str, float]], list[str], dict[str, int], dict[str, int]]:
    pos: dict[str, set[str]] = {}
    for text, text_codes in examples:
        pos.setdefault(text, set()).update(text_codes)
    rejected: dict[str, set[str]] = {}
    for text, code in negatives:
        rejected.setdefault(text, set()).add(code)
    counts: dict[str, int] = {}
    for text_codes in pos.values():
        for code in text_codes:
            counts[code] = counts.get(code, 0) + 1
    candidates = list(codes) if codes is not None else sorted(counts)
    learned = [c for c in candidates if counts.get(c, 0) >= min_examples]
    skipped = {c: counts.get(c, 0) for c in candidates if c not in learned}
    cats_by_text: dict[str, dict[str, float]] = {}
    for text in dict.fromkeys([*pos, *rejected]):
        text_pos = pos.get(text, set())
        text_rej = rejected.get(text, set())
        cats: dict[str, float] = {}
        for code in learned:
            if code in text_pos:
                cats[code] = 1.0
            elif text in pos or code in text_rej:  # a unit read and left uncoded: all 0
                cats[code] = 0.0
        if cats:
            cats_by_text[text] = cats
    return cats_by_text, learned, {c: counts[c] for c in learned}, skipped


def _fit(
    docs: Sequence[DocTokens],
    cats: Sequence[dict[str, float]],
    learned: list[str],
    positives: dict[str, int],
    skipped: dict[str, int],
    *,
    seed: int,
    lang: str,
    analyzer: Analyzer,
    ngram_size: int,
    epochs: int | None,
) -> LearnedModel:
    """Train the bag-of-words textcat on lemma Docs; deterministic for a given ``seed``."""
    import numpy as np
    import spacy
    from spacy.training import Example
    from thinc.api import Adam, fix_random_seed

    fix_random_seed(seed)
    nlp = spacy.blank(lang)
    keep = [i for i, d in enumerate(docs) if len(d)]
    docs, cats = [docs[i] for i in keep], [cats[i] for i in keep]
    if not docs:
        raise KodebogError(_("the coded units have no words to learn from"))
    length = _hash_length(docs, ngram_size)
    textcat: Any = nlp.add_pipe("textcat_multilabel", config=_bow_config(ngram_size, length))
    for code in learned:
        textcat.add_label(code)
    x = [_doc(nlp.vocab, d.lemma) for d in docs]
    truth = np.zeros((len(x), len(learned)), dtype="f")
    known = np.zeros((len(x), len(learned)), dtype="f")
    for i, c in enumerate(cats):
        for j, code in enumerate(learned):
            if code in c:
                truth[i, j] = c[code]
                known[i, j] = 1.0
    sample = [Example.from_dict(x[i], {"cats": cats[i]}) for i in range(min(len(x), 10))]
    nlp.initialize(lambda: sample)
    # the textcat's own update copies every Doc per step; this loop is the same maths
    # (gradient = (score - truth) on known labels) on Docs built once
    model = textcat.model
    optimizer = Adam(learn_rate=LEARN_RATE, L2=0.0, grad_clip=1.0, use_averages=False)
    n = len(x)
    if epochs is None:
        epochs = max(MIN_EPOCHS, min(MAX_EPOCHS, math.ceil(MIN_UPDATES * BATCH_SIZE / max(n, 1))))
    rng = random.Random(seed)
    order = list(range(n))
    for _epoch in range(epochs):
        rng.shuffle(order)
        for start in range(0, n, BATCH_SIZE):
            idx = order[start : start + BATCH_SIZE]
            scores, backprop = model.begin_update([x[i] for i in idx])
            backprop((scores - truth[idx]) * known[idx])
            model.finish_update(optimizer)
    meta = ModelMeta(
        codes=list(learned),
        positives=positives,
        n_units=n,
        trained_at=datetime.now(UTC).isoformat(timespec="seconds"),
        pipeline=analyzer.name,
        lang=lang,
        ngram_size=ngram_size,
        seed=seed,
        epochs=epochs,
        skipped=skipped,
    )
    return LearnedModel(nlp, meta, analyzer)
