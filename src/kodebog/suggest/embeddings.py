"""Stored embeddings: units embedded once, incrementally, and codebook texts, per model.

A unit's vector is stored with the model's name and version; a unit embedded by another
model counts as not embedded, so a new model recomputes. Embedding is derived data, not an
analyst's action: it is written without an event, a batch per transaction, and a crash loses
at most the batch in flight.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kodebog.store import Store
from kodebog.store.models import Participant, TextEmbedding, Unit, UnitEmbedding
from kodebog.suggest.lookup import chunks

if TYPE_CHECKING:
    from kodebog.codebook import Codebook
    from kodebog.suggest.semantic import Embedder, Vectors

BATCH = 32  # units embedded and stored per transaction


@dataclass(frozen=True)
class EmbeddingState:
    """How far the background embedding has come for one model."""

    model: str
    done: int  # units (not interviewer turns) with a vector of this model
    total: int  # units (not interviewer turns)

    @property
    def complete(self) -> bool:
        """Every unit has its vector."""
        return self.done >= self.total

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {"model": self.model, "done": self.done, "total": self.total}


def model_name() -> str | None:
    """The semantic model's name and version without loading it; None when not installed."""
    from kodebog.suggest.semantic_state import PACKAGE, available

    if not available():
        return None
    return f"{PACKAGE}-{importlib.metadata.version(PACKAGE)}/multilingual-e5-small-q4"


def _not_interviewer() -> object:
    return (Participant.role.is_(None)) | (Participant.role != "interviewer")


def embedding_state(session: Session, model: str) -> EmbeddingState:
    """Units embedded by ``model`` out of all units that get suggestions (a query)."""
    base = (
        select(func.count())
        .select_from(Unit)
        .outerjoin(Participant, Participant.id == Unit.participant_id)
        .where(_not_interviewer())  # type: ignore[arg-type]
    )
    total = session.scalar(base) or 0
    done = (
        session.scalar(
            base.join(UnitEmbedding, UnitEmbedding.unit_id == Unit.id).where(
                UnitEmbedding.model == model
            )
        )
        or 0
    )
    return EmbeddingState(model, int(done), int(total))


def pending_units(session: Session, model: str, limit: int) -> list[tuple[int, str]]:
    """Up to ``limit`` (id, text) of units without a vector of ``model``, in id order."""
    rows = session.execute(
        select(Unit.id, Unit.text)
        .outerjoin(Participant, Participant.id == Unit.participant_id)
        .outerjoin(UnitEmbedding, UnitEmbedding.unit_id == Unit.id)
        .where(_not_interviewer())  # type: ignore[arg-type]
        .where((UnitEmbedding.unit_id.is_(None)) | (UnitEmbedding.model != model))
        .order_by(Unit.id)
        .limit(limit)
    )
    return [(unit_id, text) for unit_id, text in rows]


def store_vectors(session: Session, model: str, vectors: dict[int, Vectors]) -> None:
    """Insert or replace units' vectors."""
    from kodebog.suggest.semantic import to_bytes

    ids = list(vectors)
    for chunk in chunks(ids):
        existing = {
            row.unit_id: row
            for row in session.scalars(
                select(UnitEmbedding).where(UnitEmbedding.unit_id.in_(chunk))
            )
        }
        for unit_id in chunk:
            blob = to_bytes(vectors[unit_id])
            row = existing.get(unit_id)
            if row is None:
                session.add(UnitEmbedding(unit_id=unit_id, model=model, vector=blob))
            else:
                row.model, row.vector = model, blob


def embed_pending(
    store: Store,
    embedder: Embedder,
    *,
    limit: int | None = None,
    batch: int = BATCH,
    progress: Callable[[EmbeddingState], None] | None = None,
) -> EmbeddingState:
    """Embed units that have no vector of ``embedder`` yet, a batch per transaction.

    Stops after ``limit`` units (None: all). ``progress`` is called after every batch.
    """
    embedded = 0
    while limit is None or embedded < limit:
        size = batch if limit is None else min(batch, limit - embedded)
        with store.read() as session:
            todo = pending_units(session, embedder.name, size)
        if not todo:
            break
        vectors = embedder.passages([text for _, text in todo])
        with store.write() as session:
            store_vectors(session, embedder.name, {u: vectors[i] for i, (u, _) in enumerate(todo)})
        embedded += len(todo)
        if progress is not None:
            with store.read() as session:
                progress(embedding_state(session, embedder.name))
    with store.read() as session:
        return embedding_state(session, embedder.name)


def unit_vectors(session: Session, model: str, unit_ids: Sequence[int]) -> dict[int, Vectors]:
    """The stored vectors of these units made by ``model`` (missing ones left out)."""
    from kodebog.suggest.semantic import from_bytes

    out: dict[int, Vectors] = {}
    for chunk in chunks(list(unit_ids)):
        for unit_id, blob in session.execute(
            select(UnitEmbedding.unit_id, UnitEmbedding.vector).where(
                UnitEmbedding.unit_id.in_(chunk), UnitEmbedding.model == model
            )
        ):
            out[unit_id] = from_bytes(blob)
    return out


def ensure_unit_vectors(
    store: Store,
    embedder: Embedder,
    unit_ids: Sequence[int],
    texts: dict[int, str],
    *,
    progress: Callable[[int, int], None] | None = None,
) -> dict[int, Vectors]:
    """These units' vectors: stored ones read, missing ones embedded now and stored (a
    batch per transaction; ``progress(done, missing)`` after each)."""
    with store.read() as session:
        found = unit_vectors(session, embedder.name, unit_ids)
    missing = [u for u in unit_ids if u not in found]
    for start in range(0, len(missing), BATCH):
        part = missing[start : start + BATCH]
        vectors = embedder.passages([texts[u] for u in part])
        new = {u: vectors[i] for i, u in enumerate(part)}
        with store.write() as session:
            store_vectors(session, embedder.name, new)
        found.update(new)
        if progress is not None:
            progress(start + len(part), len(missing))
    return found


def codebook_vectors(store: Store, embedder: Embedder, codebook: Codebook) -> dict[str, Vectors]:
    """Vectors of the codebook's passages (``semantic.code_passages``), embedded once."""
    from kodebog.suggest.semantic import code_passages, from_bytes, text_key, to_bytes

    texts = list(dict.fromkeys(t for _, t in code_passages(codebook)))
    keys = {text_key(embedder.name, t): t for t in texts}
    found: dict[str, Vectors] = {}
    with store.read() as session:
        for chunk in chunks(list(keys)):  # type: ignore[arg-type]
            for key, blob in session.execute(
                select(TextEmbedding.sha256, TextEmbedding.vector).where(
                    TextEmbedding.sha256.in_(chunk)
                )
            ):
                found[keys[key]] = from_bytes(blob)
    missing = [t for t in texts if t not in found]
    if missing:
        vectors = embedder.passages(missing)
        with store.write() as session:
            stored = set(
                session.scalars(
                    select(TextEmbedding.sha256).where(
                        TextEmbedding.sha256.in_([text_key(embedder.name, t) for t in missing])
                    )
                )
            )
            for i, text in enumerate(missing):
                found[text] = vectors[i]
                key = text_key(embedder.name, text)
                if key not in stored:
                    session.add(
                        TextEmbedding(sha256=key, model=embedder.name, vector=to_bytes(vectors[i]))
                    )
    return found
