"""Which codings the analysis screens count: the chosen coders' or the agreed coding.

The agreed coding (``kodebog.agreed``) is one choice among the coders: with it, ``coders``
name the coders to agree (none: every coder but the consensus coder), and only the codings of
the agreed coding are counted (agreements, settled disputes' decisions, single-coder
material; unsettled disputes are left out).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from kodebog.agreed import AgreedCoding, agreed_coding

if TYPE_CHECKING:
    from kodebog.agreed_pairs import Codings
from kodebog.errors import ProjectError
from kodebog.i18n import _
from kodebog.store.models import Coder


@dataclass(frozen=True)
class Scope:
    """The coder ids to read (None: every coder) and, for the agreed coding, its codings."""

    coder_ids: list[int] | None
    agreed: AgreedCoding | None = None

    def keeps(self, coding_id: int) -> bool:
        """Whether a coding read for ``coder_ids`` counts."""
        return self.agreed is None or coding_id in self.agreed.coding_ids


def coder_ids(session: Session, names: Sequence[str]) -> list[int] | None:
    """The ids of the named coders (None for no names); ProjectError naming an unknown one."""
    if not names:
        return None
    found = dict(session.execute(select(Coder.name, Coder.id).where(Coder.name.in_(names))).all())
    for name in names:
        if name not in found:
            known = ", ".join(session.scalars(select(Coder.name).order_by(Coder.name)))
            raise ProjectError(_("no coder '{name}' in the project; the coders are: {known}")
                               .format(name=name, known=known))
    return [found[name] for name in names]


def coding_scope(session: Session, coders: Sequence[str], agreed: bool,
                 codings: Codings | None = None) -> Scope:
    """The codings to count: ``coders``' (all when empty), or the agreed coding of them
    (worked out from ``codings`` when the caller has read every coding already)."""
    if not agreed:
        return Scope(coder_ids(session, coders))
    found = agreed_coding(session, list(coders) or None, codings=codings)
    known = dict(session.execute(select(Coder.name, Coder.id)).all())
    return Scope([known[n] for n in (*found.coders, found.consensus) if n in known], found)
