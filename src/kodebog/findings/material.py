"""The read model of findings: the filtered, verified material of a project."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import Text, select, type_coerce
from sqlalchemy.orm import Session

from kodebog import i18n
from kodebog.errors import ProjectError
from kodebog.export.language import _
from kodebog.findings.citations import _words, short_names
from kodebog.findings.model import (
    ROLE,
    CodeRef,
    CodingRecord,
    Filters,
    Material,
    ParticipantRef,
    QuoteError,
    SourceRef,
    Statement,
    UnitRecord,
    natural,
)
from kodebog.store.models import (
    Code,
    CodebookVersion,
    Coder,
    Coding,
    Finding,
    Participant,
    Source,
    Unit,
)


def _code_refs(session: Session) -> dict[str, CodeRef]:
    rows = session.execute(
        select(Code.id, Code.parent_id, Code.label, Code.description, Code.definition,
               Code.retired).order_by(Code.position, Code.id)
    ).all()
    parents = {code_id: parent for code_id, parent, *_ in rows}

    def depth(code_id: str) -> int:
        seen, level, parent = {code_id}, 0, parents.get(code_id)
        while parent is not None and parent in parents and parent not in seen:
            seen.add(parent)
            level, parent = level + 1, parents.get(parent)
        return level

    refs: dict[str, CodeRef] = {}
    for code_id, parent, label, description, definition, retired in rows:
        definition = definition or {}
        refs[code_id] = CodeRef(
            id=code_id, label=label, parent=parent, depth=depth(code_id),
            description=description or "",
            include=tuple(str(x) for x in definition.get("include", ())),
            exclude=tuple(str(x) for x in definition.get("exclude", ())),
            retired=bool(retired),
        )
    return refs


def _title(session: Session) -> str:
    """The current codebook's title (read without validating the whole codebook)."""
    import yaml

    text = session.scalar(
        select(CodebookVersion.text).order_by(CodebookVersion.id.desc()).limit(1))
    try:
        data = yaml.load(text or "", Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return _("Findings")
    title = data.get("title") if isinstance(data, dict) else None
    return str(title).strip() if title else _("Findings")


def _matches(person: ParticipantRef | None, where: Mapping[str, str]) -> bool:
    if not where:
        return True
    if person is None:
        return False
    for key, value in where.items():
        actual = person.role if key == ROLE else person.attributes.get(key)
        if actual is None or str(actual).casefold() != value.casefold():
            return False
    return True


def _check_where(where: Mapping[str, str], people: Iterable[ParticipantRef]) -> None:
    values: dict[str, set[str]] = defaultdict(set)
    for person in people:
        if person.role:
            values[ROLE].add(person.role)
        for key, value in person.attributes.items():
            values[key].add(value)
    for key, value in where.items():
        if key not in values:
            known = ", ".join([k for k in values if k != ROLE] + [ROLE])
            raise ProjectError(i18n._("--where {key}={value}: no participant has the attribute "
                                      "'{key}'; the attributes are: {known}").format(
                                          key=key, value=value, known=known))
        if value.casefold() not in {v.casefold() for v in values[key]}:
            choices = sorted(values[key], key=natural)
            shown = ", ".join(choices[:15]) + (" ..." if len(choices) > 15 else "")
            raise ProjectError(i18n._("--where {key}={value}: no participant has that value; "
                                      "values of '{key}': {shown}").format(
                                          key=key, value=value, shown=shown))


def load_material(session: Session, filters: Filters | None = None, *,
                  verify: bool = True) -> Material:
    """The filtered material of a project; QuoteError if a coding is not verbatim."""
    filters = filters or Filters()
    all_codes = _code_refs(session)
    unknown = [c for c in filters.codes if c not in all_codes]
    if unknown:
        known = ", ".join(c.id for c in all_codes.values() if not c.retired)
        raise ProjectError(i18n._("unknown code '{code}'; the codebook has: {known}").format(
            code=unknown[0], known=known))
    coder_names = list(session.scalars(select(Coder.name).order_by(Coder.name)))
    if filters.agreed and filters.coder is not None:
        raise ProjectError(i18n._("--coder and --agreed exclude each other: --agreed counts the "
                                  "agreed coding of the coders named with --coders"))
    if filters.coder is not None and filters.coder not in coder_names:
        raise ProjectError(i18n._("no coder named '{coder}'; the project's coders are: "
                                  "{coders}").format(
            coder=filters.coder, coders=", ".join(coder_names) or i18n._("none yet")))

    source_rows = session.execute(select(Source.id, Source.name, Source.kind, Source.meta)).all()
    shorts = short_names((sid, name, kind, meta) for sid, name, kind, meta in source_rows)
    by_name = {name: (sid, kind) for sid, name, kind, _meta in source_rows}
    for name in filters.sources:
        if name not in by_name:
            from kodebog.queries import find_source

            find_source(session, name)  # raises naming the project's sources
    chosen = set(filters.sources) or set(by_name)
    sources = sorted(
        (SourceRef(sid, name, shorts[sid], kind, " ".join(_words(name)) or name)
         for name, (sid, kind) in by_name.items() if name in chosen),
        key=lambda s: s.name,
    )
    source_by_id = {s.id: s for s in sources}

    people = _participants(session)
    if filters.where:
        _check_where(filters.where, people.values())

    units: list[UnitRecord] = []
    unit_rows = session.connection().execute(
        select(Unit.id, Unit.source_id, Unit.ordinal, Unit.start, Unit.end, Unit.text,
               Unit.speaker, Unit.timestamp, Unit.participant_id)
        .where(Unit.source_id.in_(list(source_by_id)))
        .order_by(Unit.source_id, Unit.ordinal)
    ).all()
    for uid, sid, ordinal, start, end, text, speaker, stamp, pid in unit_rows:
        person = people.get(pid) if pid is not None else None
        if _matches(person, filters.where):
            units.append(UnitRecord(uid, source_by_id[sid], ordinal, start, end, text, speaker,
                                    stamp, person))
    units.sort(key=lambda u: (u.source.name, u.ordinal))
    unit_by_id = {u.id: u for u in units}

    query = (
        select(Coding.id, Coding.unit_id, Coding.code_id, Coder.name, Coding.start, Coding.end,
               Coding.text, Coding.memo, Coding.key_quote, Coding.origin, Coding.valence)
        .join(Coder, Coder.id == Coding.coder_id)
        .join(Unit, Unit.id == Coding.unit_id)
        .order_by(Unit.source_id, Unit.ordinal, Coding.start, Coding.id)
    )
    if filters.sources:
        query = query.where(Unit.source_id.in_(list(source_by_id)))
    if filters.coder is not None:
        query = query.where(Coder.name == filters.coder)
    agreed = None
    if filters.agreed:
        from kodebog.agreed import agreed_coding

        agreed = agreed_coding(session, filters.coders)
        query = query.where(Coder.name.in_([*agreed.coders, agreed.consensus]))
    codings = [
        CodingRecord(cid, unit_by_id[uid], code, coder, start, end, text, memo, bool(key),
                     origin, valence)
        for cid, uid, code, coder, start, end, text, memo, key, origin, valence
        in session.connection().execute(query).all()
        if uid in unit_by_id and (agreed is None or cid in agreed.coding_ids)
    ]
    # nearly sorted already: the sort costs little and does not depend on the database
    codings.sort(key=lambda c: (c.unit.source.name, c.unit.ordinal, c.start, c.end, c.code,
                                c.coder, c.id))
    if verify:
        verify_codings(session, codings)

    used = {c.code for c in codings}
    wanted = set(filters.codes)
    codes = [c for c in all_codes.values()
             if (c.id in wanted if wanted else not c.retired or c.id in used)]
    return Material(
        title=_title(session),
        filters=filters,
        codes=codes,
        all_codes=all_codes,
        sources=sources,
        units=units,
        codings=codings,
        coders=sorted({c.coder for c in codings}),
        statements=_statements(session),
        dimensions=_dimensions(units),
        agreed=agreed,
    )


def _participants(session: Session) -> dict[int, ParticipantRef]:
    """Every participant; attribute JSON is parsed once per distinct (role, text)."""
    profiles: dict[tuple[str | None, str], tuple[dict[str, str], tuple[tuple[str, str], ...],
                                                  int]] = {}
    people = {}
    rows = session.connection().execute(
        select(Participant.id, Participant.label, Participant.role,
               type_coerce(Participant.attributes, Text))).all()
    for pid, label, role, raw in rows:
        text = raw if isinstance(raw, str) else json.dumps(raw or {})
        profile = profiles.get((role, text))
        if profile is None:
            data = json.loads(text) or {}
            attrs = {str(k): str(v) for k, v in data.items() if v is not None}
            groups = (((ROLE, role),) if role else ()) + tuple(attrs.items())
            profile = profiles[(role, text)] = (attrs, groups, len(profiles))
        attrs, groups, number = profile
        people[pid] = ParticipantRef(pid, label, role, attrs, groups, number)
    return people


def _statements(session: Session) -> dict[str, Statement]:
    result = {}
    for finding in session.scalars(select(Finding)):
        pinned = tuple(
            int(q["coding_id"] if isinstance(q, dict) else q)
            for q in (finding.quotes or [])
            if isinstance(q, int) or (isinstance(q, dict) and isinstance(q.get("coding_id"), int))
        )
        result[finding.code_id] = Statement(
            text=finding.statement or "", version=finding.version,
            updated_by=finding.updated_by,
            updated_at=finding.updated_at.isoformat() if finding.updated_at else None,
            pinned=pinned,
        )
    return result


def _dimensions(units: Sequence[UnitRecord]) -> list[str]:
    """Role, then the attributes in the order they are first met."""
    dims: dict[str, None] = {}
    profiles = {u.participant.profile: u.participant for u in units if u.participant}
    for person in profiles.values():
        if person.role:
            dims.setdefault(ROLE, None)
        for key in person.attributes:
            dims.setdefault(key, None)
    ordered = [ROLE] if ROLE in dims else []
    return ordered + [d for d in dims if d != ROLE]


def verify_codings(session: Session, codings: Sequence[CodingRecord]) -> None:
    """QuoteError naming the first coding whose text is not verbatim in its source text."""
    needed = {c.unit.source.id for c in codings}
    if not needed:
        return
    texts: dict[int, str] = {
        sid: text for sid, text in session.connection().execute(
            select(Source.id, Source.text).where(Source.id.in_(needed)))
    }
    checked: set[int] = set()
    for coding in codings:
        unit = coding.unit
        if unit.id not in checked:
            if texts[unit.source.id][unit.start:unit.end] != unit.text:
                raise QuoteError(i18n._(
                    "{source} unit {unit}: the unit's stored text differs from the source "
                    "text at {start}:{end}; quotes from it cannot be verified, so nothing is "
                    "exported. Re-import the source with `kodebog import --replace`").format(
                        source=unit.source.name, unit=unit.ordinal, start=unit.start,
                        end=unit.end))
            checked.add(unit.id)
        if coding.start == 0 and coding.end == len(unit.text) and coding.text == unit.text:
            continue  # the whole (verified) unit
        quoted = texts[unit.source.id][unit.start + coding.start:unit.start + coding.end]
        if (not 0 <= coding.start < coding.end <= len(unit.text)) or quoted != coding.text:
            raise QuoteError(i18n._(
                "coding {id} ({code}, coder {coder}) in {source} unit {unit}: the quote "
                "{quote} is not verbatim in the source text (which has {found} at "
                "{start}:{end}), so nothing is exported. Remove and re-apply the coding").format(
                    id=coding.id, code=coding.code, coder=coding.coder, source=unit.source.name,
                    unit=unit.ordinal, quote=_snippet(coding.text), found=_snippet(quoted),
                    start=coding.start, end=coding.end))


def _snippet(text: str, width: int = 40) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= width else flat[:width - 1] + "…")
