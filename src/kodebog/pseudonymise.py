"""Pseudonymising a parsed source before it is stored: text, offsets and speaker labels."""

from __future__ import annotations

from dataclasses import replace

from kodebog.privacy import NameList, pseudonymise
from kodebog.sources.model import ParsedParticipant, ParsedSource, ParsedUnit


def pseudonymise_source(parsed: ParsedSource, names: NameList | None) -> ParsedSource:
    """The source with names, CPR and phone numbers and e-mails replaced.

    The text is rebuilt piece by piece (the gaps between units and the units themselves), so
    every unit's new offsets are exact even though replacements change lengths.
    """
    pieces: list[str] = []
    position = 0
    length = 0
    replaced = 0
    units: list[ParsedUnit] = []
    for unit in sorted(parsed.units, key=lambda u: u.start):
        gap, gap_hits = pseudonymise(parsed.text[position:unit.start], names)
        body, body_hits = pseudonymise(parsed.text[unit.start:unit.end], names)
        pieces += [gap, body]
        start = length + len(gap)
        length = start + len(body)
        replaced += len(gap_hits) + len(body_hits)
        units.append(replace(unit, start=start, end=length,
                             speaker=_clean(unit.speaker, names),
                             participant_key=_clean(unit.participant_key, names)))
        position = unit.end
    tail, tail_hits = pseudonymise(parsed.text[position:], names)
    pieces.append(tail)
    replaced += len(tail_hits)
    participants = [
        ParsedParticipant(
            key=_clean(p.key, names) or p.key, label=_clean(p.label, names) or p.label,
            role=p.role,
            attributes={k: _clean(v, names) or v for k, v in p.attributes.items()},
        )
        for p in parsed.participants
    ]
    notes = [*parsed.notes, f"pseudonymised: {replaced} names or personal numbers replaced"]
    return replace(parsed, text="".join(pieces), units=units, participants=participants,
                   notes=notes)


def _clean(value: str | None, names: NameList | None) -> str | None:
    if value is None:
        return None
    return pseudonymise(value, names)[0]
