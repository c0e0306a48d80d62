"""Import-report lines about a file's speakers: machine labels to map, names to hide."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from kodebog.i18n import N_, _, ngettext, translate
from kodebog.sources.model import ParsedParticipant, ParsedSource
from kodebog.sources.roles import infer_role, strip_brackets
from kodebog.sources.speakers import fold, is_machine_label

_FIRST_WORDS = 8
NAMES_NOTE = N_("speaker labels that look like real names")
"""How the names note starts (English; ``is_names_note`` also knows the translation)."""
_NAME_WORD = re.compile(r"[A-ZÆØÅÉÜÖÄ][a-zæøåéüöäß'-]+")


def cast_notes(
    source: ParsedSource, *, renamed: Mapping[str, str], roles: Mapping[str, str]
) -> list[str]:
    """Machine labels with their first words and turn count; labels that look like names."""
    given = {fold(label) for label in (*renamed.values(), *roles)}
    notes: list[str] = []
    machine = [
        p for p in source.participants
        if is_machine_label(p.label) and fold(p.label) not in given and p.role is None
    ]
    if machine:
        notes.append(
            _("{count} machine speaker label(s); name them with --rename "
              "'{label}=Borger 1' or give a role with --role '{label}=interviewer':").format(
                count=len(machine), label=machine[0].label)

        )
        for participant in machine:
            turns = [u for u in source.units if u.participant_key == participant.key]
            words = source.text[turns[0].start : turns[0].end].split()
            opening = " ".join(words[:_FIRST_WORDS]) + (" …" if len(words) > _FIRST_WORDS else "")
            count = ngettext("{count} turn", "{count} turns", len(turns)).format(
                count=len(turns))
            notes.append(f"  {participant.label} ({count}): “{opening}”")
    notes += names_notes(source.participants)
    return notes


def names_notes(participants: Sequence[ParsedParticipant]) -> list[str]:
    """The report line offering to pseudonymise labels that look like real names."""
    names = [p.label for p in participants if looks_like_name(p.label)]
    if not names:
        return []
    shown = ", ".join(f"'{name}'" for name in names[:5])
    more = _(" and {count} more").format(count=len(names) - 5) if len(names) > 5 else ""
    return [
        _("speaker labels that look like real names: {shown}{more}; to pseudonymise them, "
          "list them in a names file and import with --pseudonymise NAMES.yaml").format(
            shown=shown, more=more)
    ]


def is_names_note(note: str) -> bool:
    """Whether ``note`` is the names note of ``names_notes`` (in English or translated)."""
    return note.startswith((NAMES_NOTE, translate(NAMES_NOTE)))



def looks_like_name(label: str) -> bool:
    """A label of one to three capitalised words, naming no role and not a machine label."""
    words = strip_brackets(label).split()
    return (
        0 < len(words) <= 3
        and all(_NAME_WORD.fullmatch(word) for word in words)
        and infer_role(label) is None
        and not is_machine_label(label)
    )
