"""Project-wide reads for the screens: the overview of sources, counts per code, look-ups."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from kodebog.project import current_codebook
from kodebog.queries import SourceInfo, list_sources
from kodebog.store import Store
from kodebog.store.models import Code, Coder, Coding, Event, Participant, Source, SourceStatus, Unit
from kodebog.views.codebook import CodebookView, codebook_view


def project_label(store: Store) -> str:
    """The project as shown in the status bar: the file name, or the URL without password."""
    if store.is_sqlite:
        return Path(store.display_name).name
    return store.display_name


@dataclass
class Overview:
    """What the project screen shows."""

    codebook: CodebookView
    sources: list[SourceInfo]
    attributes: dict[int, set[tuple[str, str]]] = field(default_factory=dict)
    done: set[int] = field(default_factory=set)  # sources the coder has marked done

    @property
    def kinds(self) -> list[str]:
        """The kinds of source in the project."""
        return sorted({s.kind for s in self.sources})

    @property
    def attribute_values(self) -> list[tuple[str, str]]:
        """Every participant attribute (name, value) found in some source."""
        return sorted({pair for pairs in self.attributes.values() for pair in pairs})


def load_overview(store: Store, coder: str) -> Overview:
    """Sources with counts and this coder's progress, and the participant attributes."""
    with store.read() as session:
        codebook = codebook_view(current_codebook(session))
        sources = list_sources(session, coder)
        people = {
            pid: attributes or {}
            for pid, attributes in session.execute(select(Participant.id, Participant.attributes))
        }
        attributes: dict[int, set[tuple[str, str]]] = {}
        for source_id, participant_id in session.execute(
            select(Unit.source_id, Unit.participant_id)
            .where(Unit.participant_id.is_not(None))
            .distinct()
        ):
            pairs = attributes.setdefault(source_id, set())
            for name, value in people.get(participant_id, {}).items():
                if value not in (None, ""):
                    pairs.add((str(name), str(value)))
        done = done_sources(session, coder)
    return Overview(codebook, sources, attributes, done)


def done_sources(session: Session, coder: str) -> set[int]:
    """Ids of the sources this coder has marked done (fully coded)."""
    return set(session.scalars(
        select(SourceStatus.source_id).join(Coder, Coder.id == SourceStatus.coder_id)
        .where(Coder.name == coder)))


def read_totals(store: Store, coder: str) -> dict[str, list[int]]:
    """Codings per code in the whole project, [this coder's, everyone's] (any thread)."""
    with store.read() as session:
        return project_totals(session, coder)


def newest_event(session: Session) -> int:
    """The id of the newest event (0 in a project without events): one indexed query."""
    return int(session.scalar(select(func.max(Event.id))) or 0)


def project_totals(session: Session, coder: str) -> dict[str, list[int]]:
    """Codings per code in the whole project: [by this coder, by everyone]."""
    mine = case((Coder.name == coder, 1), else_=0)
    rows = session.execute(
        select(Coding.code_id, func.sum(mine), func.count())
        .join(Coder, Coder.id == Coding.coder_id)
        .group_by(Coding.code_id)
    ).all()
    return {code: [int(yours or 0), int(everyone)] for code, yours, everyone in rows}


def source_id_by_name(store: Store, name: str) -> int | None:
    """The id of the source with this name."""
    with store.read() as session:
        return session.scalar(select(Source.id).where(Source.name == name))


def code_exists(store: Store, code_id: str) -> bool:
    """Whether a code is in the project and not retired."""
    with store.read() as session:
        return bool(
            session.scalar(select(Code.id).where(Code.id == code_id, Code.retired.is_(False)))
        )
