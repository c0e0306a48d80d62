"""Read models for listings: sources, units, codings and project statistics."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from kodebog.errors import ProjectError
from kodebog.i18n import _
from kodebog.i18n.formats import sort_key
from kodebog.store.models import Code, Coder, Coding, Participant, Source, Unit, UnitMemo


@dataclass(frozen=True)
class SourceInfo:
    """One row of the source list."""

    id: int
    name: str
    kind: str
    units: int
    words: int
    participants: int
    coded_units: int  # units with at least one coding by the chosen coder (or anyone)
    encoding: str
    filename: str

    @property
    def coded_share(self) -> float:
        """Share of units coded, 0..1."""
        return self.coded_units / self.units if self.units else 0.0

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        data = asdict(self)
        data["coded_share"] = round(self.coded_share, 4)
        return data


@dataclass(frozen=True)
class CodingInfo:
    """A coding as shown next to its unit."""

    id: int
    code: str
    coder: str
    start: int
    end: int
    text: str
    memo: str | None
    key_quote: bool
    origin: str
    flag: str | None = None  # why an imported position should be checked (issue 20)
    valence: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return asdict(self)


@dataclass(frozen=True)
class UnitInfo:
    """A unit with its speaker and codings."""

    id: int
    ordinal: int
    start: int
    end: int
    text: str
    speaker: str | None
    role: str | None
    participant: str | None
    timestamp: str | None
    codings: tuple[CodingInfo, ...] = ()
    memos: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        data = asdict(self)
        data["codings"] = [c.to_dict() for c in self.codings]
        return data


def find_source(session: Session, name_or_id: str) -> Source:
    """The source with this name (or numeric id); ProjectError naming the choices if none."""
    source = session.scalar(select(Source).where(Source.name == name_or_id))
    if source is None and name_or_id.isdigit():
        source = session.get(Source, int(name_or_id))
    if source is None:
        names = sorted(session.scalars(select(Source.name)), key=sort_key)
        choices = ", ".join(names[:20]) + (" ..." if len(names) > 20 else "")
        raise ProjectError(_("no source named '{name}'; the project has: {known}").format(
            name=name_or_id, known=choices or _("no sources yet")))
    return source


def find_unit(session: Session, source: Source, ordinal: int) -> Unit:
    """The unit with this 1-based ordinal in the source (ProjectError naming the range)."""
    in_range = 1 <= ordinal < 2**31  # an absurd number is no unit (and no SQL overflow)
    unit = session.scalar(
        select(Unit).where(Unit.source_id == source.id, Unit.ordinal == ordinal)
    ) if in_range else None
    if unit is None:
        count = session.scalar(select(func.count()).where(Unit.source_id == source.id))
        raise ProjectError(_("source '{name}' has no unit {ordinal}; its units are 1 to {count}")
                           .format(name=source.name, ordinal=ordinal, count=count))
    return unit


def coder_id_or_none(session: Session, name: str | None) -> int | None:
    """The id of a coder by name, None if there is no such coder yet."""
    if name is None:
        return None
    return session.scalar(select(Coder.id).where(Coder.name == name))


def list_sources(session: Session, coder: str | None = None) -> list[SourceInfo]:
    """All sources with counts; ``coded_units`` counts this coder's codings (or anyone's)."""
    unit_counts = dict(
        session.execute(
            select(Unit.source_id, func.count()).group_by(Unit.source_id)
        ).all()
    )
    people = dict(
        session.execute(
            select(Unit.source_id, func.count(distinct(Unit.participant_id))).group_by(
                Unit.source_id
            )
        ).all()
    )
    coded_query = (
        select(Unit.source_id, func.count(distinct(Coding.unit_id)))
        .join(Coding, Coding.unit_id == Unit.id)
        .group_by(Unit.source_id)
    )
    if coder is not None:
        coded_query = coded_query.join(Coder, Coder.id == Coding.coder_id).where(
            Coder.name == coder
        )
    coded = dict(session.execute(coded_query).all())
    rows = session.execute(
        select(Source.id, Source.name, Source.kind, Source.meta, Source.encoding,
               Source.filename).order_by(Source.name)
    )
    found = [
        SourceInfo(
            id=sid, name=name, kind=kind, units=unit_counts.get(sid, 0),
            words=int((meta or {}).get("words", 0)), participants=people.get(sid, 0),
            coded_units=coded.get(sid, 0), encoding=encoding, filename=filename,
        )
        for sid, name, kind, meta, encoding, filename in rows
    ]
    return sorted(found, key=lambda info: sort_key(info.name))  # æ ø å after z in Danish


def list_units(
    session: Session, source: Source, coder: str | None = None, *, all_coders: bool = True
) -> list[UnitInfo]:
    """The units of a source in order, with codings (all coders', or only ``coder``'s)."""
    coding_query = (
        select(Coding, Coder.name)
        .join(Coder, Coder.id == Coding.coder_id)
        .join(Unit, Unit.id == Coding.unit_id)
        .where(Unit.source_id == source.id)
        .order_by(Coding.start, Coding.code_id)
    )
    if coder is not None and not all_coders:
        coding_query = coding_query.where(Coder.name == coder)
    by_unit: dict[int, list[CodingInfo]] = {}
    for coding, coder_name in session.execute(coding_query).all():
        by_unit.setdefault(coding.unit_id, []).append(
            CodingInfo(coding.id, coding.code_id, coder_name, coding.start, coding.end,
                       coding.text, coding.memo, coding.key_quote, coding.origin,
                       flag=coding.import_flag, valence=coding.valence)
        )
    memos: dict[int, dict[str, str]] = {}
    for unit_id, coder_name, text in session.execute(
        select(UnitMemo.unit_id, Coder.name, UnitMemo.text)
        .join(Coder, Coder.id == UnitMemo.coder_id)
        .join(Unit, Unit.id == UnitMemo.unit_id)
        .where(Unit.source_id == source.id)
    ).all():
        memos.setdefault(unit_id, {})[coder_name] = text
    rows = session.execute(
        select(Unit, Participant.label, Participant.role)
        .outerjoin(Participant, Participant.id == Unit.participant_id)
        .where(Unit.source_id == source.id)
        .order_by(Unit.ordinal)
    ).all()
    return [
        UnitInfo(
            id=unit.id, ordinal=unit.ordinal, start=unit.start, end=unit.end, text=unit.text,
            speaker=unit.speaker, role=role, participant=label, timestamp=unit.timestamp,
            codings=tuple(by_unit.get(unit.id, ())), memos=memos.get(unit.id, {}),
        )
        for unit, label, role in rows
    ]


@dataclass
class ProjectStats:
    """Totals for ``kodebog stats``."""

    sources: int
    participants: int
    units: int
    words: int
    codes: int
    coders: list[str]
    codings: int
    coded_units: int
    by_code: list[dict[str, Any]]
    by_kind: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return asdict(self)


def project_stats(session: Session) -> ProjectStats:
    """Counts of sources, units and codings, per code and coder."""
    sources = session.execute(select(Source.kind, Source.meta)).all()
    by_kind: dict[str, int] = {}
    for kind, _meta in sources:
        by_kind[kind] = by_kind.get(kind, 0) + 1
    coders = list(session.scalars(select(Coder.name).order_by(Coder.name)))
    per_code: dict[str, dict[str, int]] = {}
    for code_id, coder_name, count in session.execute(
        select(Coding.code_id, Coder.name, func.count())
        .join(Coder, Coder.id == Coding.coder_id)
        .group_by(Coding.code_id, Coder.name)
    ).all():
        per_code.setdefault(code_id, {})[coder_name] = count
    units_per_code = dict(
        session.execute(
            select(Coding.code_id, func.count(distinct(Coding.unit_id))).group_by(Coding.code_id)
        ).all()
    )
    codes = session.execute(
        select(Code.id, Code.label, Code.retired).order_by(Code.position)
    ).all()
    by_code = [
        {"code": code_id, "label": label, "units": units_per_code.get(code_id, 0),
         "codings": sum(per_code.get(code_id, {}).values()),
         "by_coder": per_code.get(code_id, {})}
        for code_id, label, retired in codes
        if not retired or code_id in per_code
    ]
    return ProjectStats(
        sources=len(sources),
        participants=session.scalar(select(func.count()).select_from(Participant)) or 0,
        units=session.scalar(select(func.count()).select_from(Unit)) or 0,
        words=sum(int((meta or {}).get("words", 0)) for _kind, meta in sources),
        codes=sum(1 for _c, _l, retired in codes if not retired),
        coders=coders,
        codings=session.scalar(select(func.count()).select_from(Coding)) or 0,
        coded_units=session.scalar(select(func.count(distinct(Coding.unit_id)))) or 0,
        by_code=by_code,
        by_kind=by_kind,
    )


@dataclass(frozen=True)
class EventInfo:
    """One entry of the audit trail."""

    id: int
    at: str
    coder: str | None
    action: str
    entity: str
    entity_id: str | None
    before: Any
    after: Any

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return asdict(self)


def list_events(session: Session, coder: str | None = None, since: str | None = None,
                limit: int | None = None) -> list[EventInfo]:
    """The audit trail, oldest first; ``since`` is an ISO date or date-time (UTC if naive)."""
    from datetime import UTC, datetime

    from kodebog.store.models import Event

    query = select(Event, Coder.name).outerjoin(Coder, Coder.id == Event.coder_id)
    if coder is not None:
        query = query.where(Coder.name == coder)
    if since is not None:
        try:
            moment = datetime.fromisoformat(since)
        except ValueError:
            raise ProjectError(
                _("--since {since}: write a date or date-time like 2026-11-22 or "
                  "2026-11-22T09:30").format(since=since)) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        query = query.where(Event.at >= moment)
    query = query.order_by(Event.id)
    if limit is not None:
        query = query.order_by(None).order_by(Event.id.desc()).limit(limit)
    rows = session.execute(query).all()
    if limit is not None:
        rows = rows[::-1]
    return [
        EventInfo(event.id, event.at.isoformat(), name, event.action, event.entity,
                  event.entity_id, event.before, event.after)
        for event, name in rows
    ]
