"""Loaded Suggesters (pipeline, rules, model) kept in memory between calls."""

from __future__ import annotations

import threading
from collections import OrderedDict
from contextlib import suppress
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from kodebog.project import current_codebook
from kodebog.store import Store
from kodebog.store.models import SuggestModel
from kodebog.suggest.lookup import codebook_sha, pipeline_name
from kodebog.suggest.stored import latest_model_row, model_stamp

if TYPE_CHECKING:
    from kodebog.suggest.engine import Suggester

CACHED_SUGGESTERS = 4  # loaded models kept in memory (one per project, codebook and model)

# (project URL, codebook sha256, model id and time, spaCy pipeline name) -> loaded Suggester
_CacheKey = tuple[str, str, str, str | None]
_cache: OrderedDict[_CacheKey, Suggester] = OrderedDict()
_cache_lock = threading.Lock()


def store_key(store: Store) -> str:
    return store.url.render_as_string(hide_password=True)


def remember(key: _CacheKey, suggester: Suggester) -> None:
    with _cache_lock:
        _cache[key] = suggester
        _cache.move_to_end(key)
        while len(_cache) > CACHED_SUGGESTERS:
            _cache.popitem(last=False)


def suggester_for(store: Store, session: Session, coder: str, model_name: str | None) -> Suggester:
    """The Suggester for the current codebook and the coder's newest model (cached).

    Without a stored model of the coder's own, or when it was trained with another spaCy
    pipeline, tier 2 is trained on the codebook's examples alone: another coder's model would
    carry their judgement into this coder's work.
    """
    from kodebog.errors import KodebogError
    from kodebog.suggest.engine import Suggester

    found = latest_model_row(session, coder)
    stamp = model_stamp(found[0], found[1]) if found else ""
    key = (store_key(store), codebook_sha(session), stamp, model_name)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
            return cached
    suggester = Suggester(current_codebook(session), model_name)
    if found is not None:
        data = session.scalar(select(SuggestModel.data).where(SuggestModel.id == found[0]))
        # trained with another pipeline, or unreadable: the codebook's examples instead
        if data is not None:
            with suppress(KodebogError):
                suggester.load_model(data)
    remember(key, suggester)
    return suggester


def warm_up(store: Store, coder: str, *, model_name: str | None = None) -> None:
    """Load what suggesting for ``coder`` needs (pipeline, rules, model); store nothing."""
    with store.read() as session:
        suggester = suggester_for(store, session, coder, pipeline_name(model_name))
    suggester.suggest(["Opvarmning."], 1)
