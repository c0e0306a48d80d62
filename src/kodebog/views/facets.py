"""What the analysis screens offer to choose from: codes, coders, sources, roles, attributes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kodebog.i18n.formats import sort_key
from kodebog.participants import ROLES, AttributeInfo, attribute_defs, format_value
from kodebog.store.models import CONSENSUS_CODER, Code, Coder, Coding, Participant, Source
from kodebog.views.people import Person, load_people

PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
    "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
)


@dataclass
class Facets:
    """The choices of the retrieve and compare screens, and everyone's attributes."""

    codes: list[tuple[str, str, str]]  # id, label, colour
    coders: list[str]
    sources: list[str]
    roles: list[str]
    attributes: list[AttributeInfo]
    values: dict[str, list[str]] = field(default_factory=dict)  # attribute -> shown values
    people: Mapping[int, Person] = field(default_factory=dict)

    @property
    def colours(self) -> dict[str, tuple[str, str]]:
        """Code id -> (label, colour)."""
        return {code: (label, colour) for code, label, colour in self.codes}

    def label(self, attribute: str) -> str:
        """An attribute's display label."""
        return next((a.label for a in self.attributes if a.name == attribute), attribute)


def _colour(value: str | None, position: int) -> str:
    color = value or PALETTE[position % len(PALETTE)]
    return "#" + "".join(ch * 2 for ch in color[1:]) if len(color) == 4 else color


def load_facets(session: Session, people: bool = True) -> Facets:
    """Read every choice once (a worker does this when a screen opens).

    Without ``people`` (the compare screen, which counts in SQL) the participants are not
    read: no attribute values and no ``people``, which on 100,000 participants is most of
    the time this takes.
    """
    codes = [(code, label, _colour(color, n)) for n, (code, label, color) in enumerate(
        session.execute(select(Code.id, Code.label, Code.color)
                        .where(Code.retired.is_(False)).order_by(Code.position)))]
    counted = (select(Coding.coder_id, func.count().label("n")).group_by(Coding.coder_id)
               .subquery())  # on the (coder, unit) index, without reading the codings
    coders = [name for name, in session.execute(
        select(Coder.name).join(counted, counted.c.coder_id == Coder.id)
        .where(Coder.name != CONSENSUS_CODER).order_by(counted.c.n.desc(), Coder.name))]
    if session.scalar(select(Coder.id).where(Coder.name == CONSENSUS_CODER)) is not None:
        coders.append(CONSENSUS_CODER)
    sources = sorted(session.scalars(select(Source.name)), key=sort_key)
    if not people:
        present_roles = {r for r in session.scalars(select(Participant.role).distinct()) if r}
        return Facets(codes, coders, sources,
                      [r for r in ROLES if r in present_roles]
                      + sorted(present_roles - set(ROLES)), attribute_defs(session))
    everyone = load_people(session)
    present = everyone.roles()
    roles = [r for r in ROLES if r in present] + sorted(present - set(ROLES))
    infos = attribute_defs(session, everyone.attribute_sets)
    values: dict[str, set[str]] = {}
    for attributes in everyone.attribute_sets:
        for name, value in attributes.items():
            if value not in (None, ""):
                values.setdefault(name, set()).add(format_value(value))
    return Facets(codes, coders, sources, roles, infos,
                  {name: sorted(found, key=sort_key) for name, found in values.items()},
                  everyone)
