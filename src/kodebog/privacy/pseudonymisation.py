"""Pseudonymising text, and a parsed source before it is stored (offsets and speaker labels)."""

from __future__ import annotations

from dataclasses import replace

from kodebog.privacy.detect import Hit, find_personal_data
from kodebog.privacy.names import NameList
from kodebog.sources.cast_notes import is_names_note, names_notes
from kodebog.sources.model import ParsedParticipant, ParsedSource, ParsedUnit


def _replace(text: str, hits: list[Hit]) -> tuple[str, list[tuple[int, int]]]:
    """Apply the hits; also return the (new start, old start) of each unchanged stretch."""
    parts: list[str] = []
    kept: list[tuple[int, int]] = []
    pos = out = 0
    for hit in hits:
        if hit.start > pos:
            kept.append((out, pos))
            parts.append(text[pos : hit.start])
            out += hit.start - pos
        replacement = hit.replacement if hit.replacement is not None else hit.text
        kept.append((out, -1))
        parts.append(replacement)
        out += len(replacement)
        pos = hit.end
    kept.append((out, pos))
    parts.append(text[pos:])
    return "".join(parts), kept


def pseudonymise(text: str, names: NameList | None = None) -> tuple[str, list[Hit]]:
    """Replace personal data: names by pseudonyms, CPR, phone and e-mail by placeholders.

    Returns the new text and the hits with offsets into ``text``. The result holds no
    detectable personal data, so pseudonymising it again changes nothing.
    """
    hits = find_personal_data(text, names)
    if not hits:
        return text, []
    out, kept = _replace(text, hits)
    # A replacement can change the context of its neighbours (rare: digits in a pseudonym
    # next to digits in the text): repeat until nothing is found. After three rounds names
    # are left alone; the other replacements only remove digits and "@", so this ends.
    spans = _spans(kept, len(out), None)
    found = list(hits)
    rounds = 0
    while more := find_personal_data(out, names if rounds < 3 else None):
        rounds += 1
        for hit in more:
            origin = _origin(spans, hit.start, hit.end)
            if origin is not None:
                end = origin + hit.end - hit.start
                found.append(Hit(hit.kind, origin, end, hit.text, hit.replacement))
        out, kept = _replace(out, more)
        spans = _spans(kept, len(out), spans)
    found.sort(key=lambda h: h.start)
    return out, found


_Span = tuple[int, int, int]  # (start, end) in the current text, start in the original or -1


def _spans(kept: list[tuple[int, int]], length: int, previous: list[_Span] | None) -> list[_Span]:
    """Map stretches of the new text to the original (``-1`` for replaced stretches)."""
    spans: list[_Span] = []
    for i, (start, old) in enumerate(kept):
        end = kept[i + 1][0] if i + 1 < len(kept) else length
        if end <= start:
            continue
        if old < 0:
            spans.append((start, end, -1))
        elif previous is None:
            spans.append((start, end, old))
        else:
            # Unchanged stretch of the previous text [old, old + end - start): split it
            # along the previous mapping.
            lo, hi = old, old + end - start
            for p_start, p_end, p_orig in previous:
                a, b = max(lo, p_start), min(hi, p_end)
                if a < b:
                    orig = -1 if p_orig < 0 else p_orig + a - p_start
                    spans.append((start + a - lo, start + b - lo, orig))
    return spans


def _origin(spans: list[_Span], start: int, end: int) -> int | None:
    """Where ``[start, end)`` of the current text begins in the original, if copied whole."""
    for s_start, s_end, orig in spans:
        if s_start <= start and end <= s_end:
            return None if orig < 0 else orig + start - s_start
    return None


def pseudonymise_source(parsed: ParsedSource, names: NameList | None) -> ParsedSource:
    """The source with names, CPR and phone numbers and e-mails replaced everywhere.

    Text, speaker labels, participant keys and labels, attributes, survey questions, the
    source and file name, the metadata and the notes (what reaches the event log and the
    import report).

    The text is rebuilt piece by piece (the gaps between units and the units themselves), so
    every unit's new offsets are exact even though replacements change lengths.
    """
    keys = _unique_keys([*(p.key for p in parsed.participants),
                         *(u.participant_key for u in parsed.units if u.participant_key)], names)
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
                             participant_key=keys.get(unit.participant_key or "",
                                                      unit.participant_key),
                             question=_clean(unit.question, names)))
        position = unit.end
    tail, tail_hits = pseudonymise(parsed.text[position:], names)
    pieces.append(tail)
    replaced += len(tail_hits)
    participants = [
        ParsedParticipant(
            key=keys[p.key],
            label=_clean(p.label.replace(p.key, keys[p.key]), names) or p.label,
            role=p.role,
            attributes={_clean(k, names) or k: _clean(v, names) or v
                        for k, v in p.attributes.items()},
        )
        for p in parsed.participants
    ]
    # The file name becomes the source name (cited in every export) and goes to the event
    # log with the metadata; the notes are shown in the import report.
    name, filename = _clean(parsed.name, names) or parsed.name, _clean(parsed.filename, names)
    renamed = name != parsed.name or filename != parsed.filename
    metadata = {k: _clean(v, names) or v for k, v in parsed.metadata.items()}
    notes = [_clean(note, names) or note for note in parsed.notes
             if not is_names_note(note)]
    notes += names_notes(participants)  # labels that still look like names
    notes.append(f"pseudonymised: {replaced} names or personal numbers replaced"
                 + ("; the file name too" if renamed else ""))
    return replace(parsed, name=name, filename=filename or parsed.filename,
                   text="".join(pieces), units=units, participants=participants,
                   metadata=metadata, notes=notes)


def _unique_keys(keys: list[str], names: NameList | None) -> dict[str, str]:
    """Each participant key pseudonymised; keys that would become equal are numbered."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for key in dict.fromkeys(keys):
        clean = base = pseudonymise(key, names)[0]
        n = 1
        while clean in used:
            n += 1
            clean = f"{base} {n}"
        used.add(clean)
        out[key] = clean
    return out


def _clean(value: str | None, names: NameList | None) -> str | None:
    if value is None:
        return None
    return pseudonymise(value, names)[0]
