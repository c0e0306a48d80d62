"""Citations and attributions: short source names, ``SHORT:UNIT [hh:mm:ss]``, ``— Borger 3``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from kodebog.findings.model import UnitRecord, citation

__all__ = ["KIND_PREFIX", "attribution", "citation", "role_label", "short_name", "short_names"]

KIND_PREFIX = {"focus_group": "FG", "interview": "INT", "survey": "SP", "document": "DOK"}
"""First part of a source's short name, by kind (SP = spørgeskema)."""

_KIND_WORDS = frozenset(
    {"fokusgruppe", "fokusgrupper", "focusgroup", "focus", "fg", "interview", "interviews",
     "int", "survey", "spørgeskema", "sp", "dokument", "document", "dok", "doc"}
)
_SHORT_MAX = 40

_ATTRIBUTION_ATTRIBUTES = 2
"""How many background attributes a survey respondent's attribution shows."""

def _words(name: str) -> list[str]:
    return [w for w in re.split(r"[\s_.\-]+", name) if w]


def short_name(name: str, kind: str) -> str:
    """A source's short name for citations: kind prefix + the name's words, hyphenated.

    ``fokusgruppe_borgere_aarhus`` (focus group) -> ``FG-borgere-aarhus``; a leading word
    that names the kind is dropped; only letters, digits and hyphens; at most 40 characters.
    """
    words = _words(name)
    if words and words[0].casefold() in _KIND_WORDS:
        words = words[1:]
    prefix = KIND_PREFIX.get(kind, re.sub(r"\W", "", kind)[:3].upper() or "SRC")
    cleaned = [re.sub(r"[^\w]", "", w).replace("_", "") for w in words]
    short = "-".join([prefix, *[w for w in cleaned if w]])
    return short[:_SHORT_MAX].rstrip("-")


def short_names(
    sources: Iterable[tuple[int, str, str, Mapping[str, Any] | None]],
) -> dict[int, str]:
    """Unique short names of (id, name, kind, meta) sources.

    ``meta["short_name"]`` overrides the rule; clashes get ``-2``, ``-3`` ... in name order.
    """
    taken: set[str] = set()
    result: dict[int, str] = {}
    for source_id, name, kind, meta in sorted(sources, key=lambda s: s[1]):
        wanted = str((meta or {}).get("short_name") or short_name(name, kind))
        candidate, n = wanted, 1
        while candidate.casefold() in taken:
            n += 1
            candidate = f"{wanted}-{n}"
        taken.add(candidate.casefold())
        result[source_id] = candidate
    return result


def role_label(role: str | None) -> str:
    """``Borger``, ``Medarbejder`` ...; ``Deltager`` when unknown (in the report's language)."""
    from kodebog.export.labels import role_name
    from kodebog.export.language import _

    return (role_name(role) if role else _("participant")).capitalize()


def attribution(unit: UnitRecord) -> tuple[str, str]:
    """(``— Borger 3, fokusgruppe borgere aarhus``, ``(borger)``) for a unit."""
    person = unit.participant
    who = person.label if person and person.label else (unit.speaker or "")
    if not who and person is not None:
        who = role_label(person.role)
    if person is not None and unit.source.kind == "survey" and person.attributes:
        values = [v for v in list(person.attributes.values())[:_ATTRIBUTION_ATTRIBUTES] if v]
        if values:
            who = f"{who} ({', '.join(values)})"
    long = f"— {who}, {unit.source.display}" if who else f"— {unit.source.display}"
    role = person.role if person is not None else None
    from kodebog.export.labels import role_name
    from kodebog.export.language import _

    who = role_name(role) if role else _("participant")
    return long, f"({who})"
