"""The learned model follows the living codebook.

The rules and the semantic tier are built from the current codebook version on every call
(``cache.suggester_for`` and ``spaces.code_space`` are keyed by its sha), so a new or edited
code counts at once. The learned model is trained on codings: after a merge or a split, the
codings of a code belong to another one, and until the model is trained again it scores the
old codes (a merged code lends its score to the code it went into, ``engine._follow_merges``).
``follow_codebook`` trains it again once, the first time suggestions are asked for after the
codebook's codes changed, from the TUI, ``kodebog code ...`` or ``kodebog codebook update``:
it compares the codebook version the model was trained on with the current one.
"""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kodebog.errors import ProjectError
from kodebog.project import current_codebook
from kodebog.store import Store
from kodebog.store.models import Coding
from kodebog.suggest.cache import store_key
from kodebog.suggest.learned import MIN_EXAMPLES
from kodebog.suggest.lookup import codebook_version, coder_or_none
from kodebog.suggest.stored import latest_model_row, model_stamp
from kodebog.suggest.values import ModelInfo

_checked: dict[tuple[str, str, int | None], bool] = {}  # (project, model, version) -> behind
_lock = threading.Lock()


def model_behind(session: Session, coder: str, project: str = "") -> bool:
    """The coder's stored model was trained on an older codebook version, and since then a
    code it learned was merged away or retired, or a code it does not know has at least
    ``MIN_EXAMPLES`` units coded by the coder (split off, or coded since). A new code with
    only its definition and examples does not wait for training: the rules and the semantic
    tier suggest it at once, and too few examples would not teach the model anyway. False
    when the coder has no model: the codebook's examples are then learned afresh."""
    found = latest_model_row(session, coder)
    if found is None:
        return False
    model_id, meta, _trained_at = found
    version = codebook_version(session)
    if meta.get("codebook_version") == version:
        return False
    key = (project, model_stamp(model_id, meta), version)
    with _lock:
        known = _checked.get(key)
    if known is None:
        known = _codes_moved(session, coder, meta, set(current_codebook(session).ids))
        with _lock:
            if len(_checked) > 64:
                _checked.clear()
            _checked[key] = known
    return known


def _codes_moved(session: Session, coder: str, meta: dict[str, Any], ids: set[str]) -> bool:
    if set(meta.get("codes", [])) - ids:
        return True
    unknown = ids - set(meta.get("codes", []))
    cid = coder_or_none(session, coder)
    if not unknown or cid is None:
        return False
    counts = session.execute(
        select(Coding.code_id, func.count(func.distinct(Coding.unit_id)))
        .where(Coding.coder_id == cid, Coding.code_id.in_(sorted(unknown)))
        .group_by(Coding.code_id)
    )
    return any(n >= MIN_EXAMPLES for _, n in counts)


def follow_codebook(
    store: Store, coder: str, *, model_name: str | None = None
) -> ModelInfo | None:
    """Train and store the coder's model again when ``model_behind``; the new model's facts,
    or None when nothing was trained (current, no model, or nothing left to learn)."""
    from kodebog.suggest.training import train_and_store

    with store.read() as session:
        if not model_behind(session, coder, store_key(store)):
            return None
    try:
        return train_and_store(store, coder, model_name=model_name)
    except ProjectError:  # nothing to learn any more: the old model still follows merges
        return None
