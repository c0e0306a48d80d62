"""The semantic tier in a project: the coder's code space (cached) and the units' vectors.

A code space holds the codebook's passages (embedded once, stored) and the coder's coded
units that have a stored vector (the background embedding fills them in; a coded unit
without one counts once it has one). Nothing here runs when the extra is not installed.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from kodebog.project import current_codebook
from kodebog.store import Store
from kodebog.store.models import Coding
from kodebog.suggest.cache import store_key
from kodebog.suggest.embeddings import codebook_vectors, ensure_unit_vectors, unit_vectors
from kodebog.suggest.lookup import codebook_sha, coder_or_none

if TYPE_CHECKING:
    from kodebog.suggest.semantic import CodeSpace, Embedder, Vectors

CACHED_SPACES = 4

_SpaceKey = tuple[str, str, str, int, int, str]
_spaces: OrderedDict[_SpaceKey, CodeSpace] = OrderedDict()
_lock = threading.Lock()


def code_space(store: Store, coder: str, embedder: Embedder) -> CodeSpace:
    """The codebook's passages and ``coder``'s coded units with vectors, as a CodeSpace.

    Cached until the codebook or the coder's codings change.
    """
    from kodebog.suggest.semantic import CodeSpace

    with store.read() as session:
        sha = codebook_sha(session)
        cid = coder_or_none(session, coder)
        count, last = 0, 0
        if cid is not None:
            count, last = session.execute(
                select(func.count(Coding.id), func.coalesce(func.max(Coding.id), 0)).where(
                    Coding.coder_id == cid
                )
            ).one()
        key = (store_key(store), sha, coder, int(count), int(last), embedder.name)
        with _lock:
            cached = _spaces.get(key)
            if cached is not None:
                _spaces.move_to_end(key)
                return cached
        codebook = current_codebook(session)
        coded: dict[int, set[str]] = {}
        texts: dict[int, str] = {}
        if cid is not None:
            from kodebog.store.models import Unit

            for unit_id, text, code in session.execute(
                select(Coding.unit_id, Unit.text, Coding.code_id)
                .join(Unit, Unit.id == Coding.unit_id)
                .where(Coding.coder_id == cid)
            ):
                coded.setdefault(unit_id, set()).add(code)
                texts[unit_id] = text
        vectors = unit_vectors(session, embedder.name, list(coded))
    passages = codebook_vectors(store, embedder, codebook)
    space = CodeSpace.build(
        codebook, passages, [(vectors[u], texts[u], coded[u]) for u in coded if u in vectors]
    )
    with _lock:
        _spaces[key] = space
        while len(_spaces) > CACHED_SPACES:
            _spaces.popitem(last=False)
    return space


def semantic_inputs(
    store: Store,
    coder: str,
    unit_ids: Sequence[int],
    texts: dict[int, str],
    semantic: bool | None = None,
) -> tuple[CodeSpace | None, Vectors | None]:
    """The code space and the units' vectors (one row per id, missing ones embedded now),
    or (None, None) when the tier is off. ``semantic`` None asks ``semantic.enabled`` (the
    environment and the settings); a caller that asked already passes the answer."""
    import numpy as np

    from kodebog.suggest.semantic import get_embedder
    from kodebog.suggest.semantic_state import available, enabled

    on = enabled() if semantic is None else semantic and available()
    if not unit_ids or not on:
        return None, None
    embedder = get_embedder()
    found = ensure_unit_vectors(store, embedder, unit_ids, texts)
    space = code_space(store, coder, embedder)
    return space, np.vstack([found[u] for u in unit_ids]).astype(np.float32)
