"""Participants as cases: typed attributes with display labels, roles, names, linked cases.

Every change is one transaction with one ``Event`` (``participant.*``, ``attribute.define``);
the event keeps the participant's fields before and after.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Text, cast, func, select
from sqlalchemy.orm import Session

from kodebog.coding import coder_id
from kodebog.errors import ProjectError
from kodebog.i18n import _
from kodebog.store import Store
from kodebog.store.models import AttributeDef, Event, Participant, Source, Unit

KINDS = ("text", "number", "date")
"""The types an attribute's values can have."""

ROLES = ("borger", "medarbejder", "leder", "interviewer")
"""The roles the tool knows (any other text is allowed too)."""

INTERVIEWER = "interviewer"

Value = str | int | float
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?|[+-]?\d+\.\d+")
_DATE_DMY = re.compile(r"(\d{1,2})[-./](\d{1,2})[-./](\d{4})")
_DATE_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?")


@dataclass(frozen=True)
class AttributeInfo:
    """An attribute: its name (as stored), display label, type and order."""

    name: str
    label: str
    kind: str = "text"
    position: int = 0


@dataclass(frozen=True)
class ParticipantInfo:
    """A participant with its source, role, case and attributes."""

    id: int
    key: str
    source: str
    speaker: str
    label: str
    role: str | None
    case_key: str | None
    attributes: Mapping[str, Any] = field(default_factory=dict)
    units: int = 0

    @property
    def case(self) -> str:
        """The case this participant belongs to (its own key unless linked)."""
        return self.case_key or self.key


def parse_number(raw: str) -> int | float | None:
    """``3,5`` -> 3.5, ``1.234`` -> 1234, ``1.234,5`` -> 1234.5, ``3.5`` -> 3.5; else None."""
    text = raw.strip().replace("\u00a0", "").replace(" ", "")
    if not _NUMBER.fullmatch(text):
        return None
    if "," in text or re.fullmatch(r"[+-]?\d{1,3}(?:\.\d{3})+", text):
        text = text.replace(".", "").replace(",", ".")
    number = float(text)
    return int(number) if number.is_integer() and "." not in text else number


def parse_date(raw: str) -> str | None:
    """``2026-03-01``, ``1-3-2026``, ``01.03.2026`` -> ``2026-03-01``; else None."""
    text = raw.strip()
    if match := _DATE_ISO.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _DATE_DMY.fullmatch(text):
        day, month, year = (int(g) for g in match.groups())
    else:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_value(raw: str, kind: str) -> Value | None:
    """A cell's text as a value of ``kind``; None for an empty cell; ValueError if it is not."""
    text = raw.strip()
    if not text:
        return None
    if kind == "number":
        number = parse_number(text)
        if number is None:
            raise ValueError(_("'{text}' is not a number (write 3,5 or 3.5)").format(text=text))
        return number
    if kind == "date":
        day = parse_date(text)
        if day is None:
            raise ValueError(_("'{text}' is not a date (write 2026-03-01 or 1-3-2026)").format(
                text=text))
        return day
    return text


def infer_kind(values: Iterable[str]) -> str:
    """number if every non-empty value is one, else date if every one is, else text."""
    present = [v for v in values if v.strip()]
    if present and all(parse_number(v) is not None for v in present):
        return "number"
    if present and all(parse_date(v) is not None for v in present):
        return "date"
    return "text"


def format_value(value: Any) -> str:
    """A value as the analyst reads it: numbers the Danish way (``3,5``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float):
        return (f"{value:.10g}").replace(".", ",")
    return str(value)


def default_label(name: str) -> str:
    """A name as a label: underscores become spaces."""
    return name.replace("_", " ").strip()


def name_for(label: str) -> str:
    """A stored name for a new attribute label (æ, ø, å kept; spaces to underscores)."""
    return re.sub(r"\s+", "_", label.strip()).lower()


def attribute_defs(session: Session,
                   seen: Iterable[Mapping[str, Any]] | None = None) -> list[AttributeInfo]:
    """Every attribute in use or defined, defined ones first in their order.

    ``seen`` is every participant's attributes when the caller has read them already.
    """
    defined = {row.name: AttributeInfo(row.name, row.label, row.kind, row.position)
               for row in session.scalars(select(AttributeDef).order_by(AttributeDef.position))}
    found: dict[str, bool] = {}  # name -> every value is a number so far
    if seen is None:  # each distinct set of values once (a survey's respondents share them)
        seen = [decoded for raw in session.scalars(
            select(cast(Participant.attributes, Text)).distinct())
            if raw and (decoded := raw if isinstance(raw, dict) else json.loads(raw))]
    unique = {id(attributes): attributes for attributes in seen}  # shared dicts once
    for attributes in unique.values():
        for name, value in (attributes or {}).items():
            numeric = isinstance(value, int | float) and not isinstance(value, bool)
            found[str(name)] = found.get(str(name), True) and numeric
    result = list(defined.values())
    position = len(result)
    for name, numeric in found.items():
        if name in defined:
            continue
        result.append(AttributeInfo(name, default_label(name), "number" if numeric else "text",
                                    position))
        position += 1
    return result


def labels(session: Session) -> dict[str, str]:
    """Attribute name -> display label."""
    return {info.name: info.label for info in attribute_defs(session)}


def list_participants(session: Session, source: str | None = None) -> list[ParticipantInfo]:
    """Participants in source and key order, with their unit counts."""
    counts = dict(session.execute(
        select(Unit.participant_id, func.count()).group_by(Unit.participant_id)).all())
    query = select(Participant)
    rows = []
    for person in session.scalars(query):
        source_name, _sep, speaker = person.key.partition(":")
        if source is not None and source_name != source:
            continue
        rows.append(ParticipantInfo(
            person.id, person.key, source_name, speaker, person.label, person.role,
            person.case_key, dict(person.attributes or {}), counts.get(person.id, 0)))
    if (source is not None and not rows
            and session.scalar(select(Source.id).where(Source.name == source)) is None):
            raise ProjectError(_("no source named '{name}'").format(name=source))
    rows.sort(key=lambda p: (p.source, p.id))
    return rows


def snapshot(person: Participant) -> dict[str, Any]:
    """The participant's editable fields, as an event stores them."""
    return {"label": person.label, "role": person.role, "case_key": person.case_key,
            "attributes": dict(person.attributes or {})}


def log(session: Session, coder: str, action: str, entity: str, entity_id: object,
        before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
    """Add the Event of a participant change."""
    session.add(Event(coder_id=coder_id(session, coder), action=action, entity=entity,
                      entity_id=None if entity_id is None else str(entity_id),
                      before=before, after=after))


def _participant(session: Session, participant_id: int) -> Participant:
    person = session.get(Participant, participant_id)
    if person is None:
        raise ProjectError(_("no participant with id {id}").format(id=participant_id))
    return person


def _kind_of(session: Session, name: str) -> str:
    row = session.get(AttributeDef, name)
    if row is not None:
        return row.kind
    infos = {info.name: info for info in attribute_defs(session)}
    return infos[name].kind if name in infos else "text"


def set_attribute(store: Store, participant_id: int, name: str, raw: str,
                  coder: str) -> ParticipantInfo:
    """Set (or with an empty text, clear) one attribute, typed by its column's kind."""
    name = name.strip()
    if not name:
        raise ProjectError(_("the attribute's name is empty"))
    with store.write() as session:
        person = _participant(session, participant_id)
        kind = _kind_of(session, name)
        try:
            value = parse_value(raw, kind)
        except ValueError as error:
            raise ProjectError(_("attribute '{name}' is a {kind} column: {error}").format(
                name=name, kind=kind, error=error)) from None
        before = snapshot(person)
        attributes = dict(person.attributes or {})
        if value is None:
            attributes.pop(name, None)
        else:
            attributes[name] = value
        person.attributes = attributes
        log(session, coder, "participant.attribute", "participant", person.id, before,
            snapshot(person))
        return _info(session, person)


def rename(store: Store, participant_id: int, label: str, coder: str) -> ParticipantInfo:
    """Give a participant the name shown in attributions (its key stays)."""
    label = label.strip()
    if not label:
        raise ProjectError(_("the participant's name is empty"))
    return _change(store, participant_id, coder, "participant.rename", label=label)


def set_role(store: Store, participant_id: int, role: str | None, coder: str) -> ParticipantInfo:
    """Set a participant's role (``borger``, ``medarbejder``, ``leder``, ``interviewer`` ...)."""
    cleaned = (role or "").strip().lower() or None
    return _change(store, participant_id, coder, "participant.role", role=cleaned)


def _change(store: Store, participant_id: int, coder: str, action: str,
            **fields: Any) -> ParticipantInfo:
    with store.write() as session:
        person = _participant(session, participant_id)
        before = snapshot(person)
        for name, value in fields.items():
            setattr(person, name, value)
        log(session, coder, action, "participant", person.id, before, snapshot(person))
        return _info(session, person)


def link(store: Store, participant_ids: Sequence[int], coder: str,
         case: str | None = None) -> str:
    """Link participants into one case (the same person); returns the case key.

    The case key is ``case`` if given, else the case of the first participant. Linking a
    participant that belongs to another case moves only that participant.
    """
    if len(participant_ids) < 2 and case is None:
        raise ProjectError(_("link at least two participants into a case"))
    with store.write() as session:
        people = [_participant(session, pid) for pid in participant_ids]
        key = (case or "").strip() or people[0].case_key or people[0].key
        before = {str(p.id): p.case_key for p in people}
        for person in people:
            person.case_key = key
        log(session, coder, "participant.link", "case", key, {"case_keys": before},
            {"case_keys": {str(p.id): key for p in people}})
    return key


def unlink(store: Store, participant_id: int, coder: str) -> ParticipantInfo:
    """Make a participant a case of its own again."""
    return _change(store, participant_id, coder, "participant.unlink", case_key=None)


def define_attribute(store: Store, name: str, coder: str, *, label: str | None = None,
                     kind: str | None = None) -> AttributeInfo:
    """Set an attribute's display label and/or type; existing values are converted."""
    if kind is not None and kind not in KINDS:
        raise ProjectError(_("unknown attribute type '{kind}'; choose one of {kinds}").format(
            kind=kind, kinds=", ".join(KINDS)))
    with store.write() as session:
        known = {info.name: info for info in attribute_defs(session)}
        current = known.get(name) or AttributeInfo(name, default_label(name), "text",
                                                   len(known))
        new = AttributeInfo(name, (label or "").strip() or current.label,
                            kind or current.kind, current.position)
        if new.kind != current.kind:
            _convert(session, name, new.kind)
        row = session.get(AttributeDef, name)
        if row is None:
            session.add(AttributeDef(name=name, label=new.label, kind=new.kind,
                                     position=new.position))
        else:
            row.label, row.kind = new.label, new.kind
        log(session, coder, "attribute.define", "attribute", name,
            {"label": current.label, "kind": current.kind},
            {"label": new.label, "kind": new.kind})
    return new


def _convert(session: Session, name: str, kind: str) -> None:
    """Convert every participant's value of ``name`` to ``kind``, or refuse naming one."""
    for person in session.scalars(select(Participant)):
        attributes = person.attributes or {}
        if name not in attributes:
            continue
        try:
            value = parse_value(format_value(attributes[name]), kind)
        except ValueError as error:
            raise ProjectError(_("cannot make '{name}' a {kind} column: {person} has {error}")
                               .format(name=name, kind=kind, person=person.label,
                                       error=error)) from None
        person.attributes = {**attributes, name: value}


def ensure_defs(session: Session, kinds: Mapping[str, tuple[str, str]]) -> None:
    """Store definitions (label, kind) for attributes that have none yet."""
    position = session.scalar(select(func.count()).select_from(AttributeDef)) or 0
    for name, (label, kind) in kinds.items():
        if session.get(AttributeDef, name) is None:
            session.add(AttributeDef(name=name, label=label, kind=kind, position=position))
            position += 1


def _info(session: Session, person: Participant) -> ParticipantInfo:
    source, _sep, speaker = person.key.partition(":")
    units = session.scalar(select(func.count()).where(Unit.participant_id == person.id)) or 0
    return ParticipantInfo(person.id, person.key, source, speaker, person.label, person.role,
                           person.case_key, dict(person.attributes or {}), units)
