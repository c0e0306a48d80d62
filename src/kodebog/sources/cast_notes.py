"""Import-report lines about a file's speakers: machine labels to map, names to hide."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from kodebog.sources.model import ParsedParticipant, ParsedSource
from kodebog.sources.roles import infer_role, strip_brackets
from kodebog.sources.speakers import fold, is_machine_label

_FIRST_WORDS = 8
NAMES_NOTE = "speaker labels that look like real names"
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
            f"{len(machine)} machine speaker label(s); name them with --rename "
            f"'{machine[0].label}=Borger 1' or give a role with --role "
            f"'{machine[0].label}=interviewer':"
        )
        for participant in machine:
            turns = [u for u in source.units if u.participant_key == participant.key]
            words = source.text[turns[0].start : turns[0].end].split()
            opening = " ".join(words[:_FIRST_WORDS]) + (" …" if len(words) > _FIRST_WORDS else "")
            count = f"{len(turns)} turn" + ("s" if len(turns) != 1 else "")
            notes.append(f"  {participant.label} ({count}): “{opening}”")
    notes += names_notes(source.participants)
    return notes


def names_notes(participants: Sequence[ParsedParticipant]) -> list[str]:
    """The report line offering to pseudonymise labels that look like real names."""
    names = [p.label for p in participants if looks_like_name(p.label)]
    if not names:
        return []
    shown = ", ".join(f"'{name}'" for name in names[:5])
    more = f" and {len(names) - 5} more" if len(names) > 5 else ""
    return [
        f"{NAMES_NOTE}: {shown}{more}; to pseudonymise them, list them in a names file and "
        "import with --pseudonymise NAMES.yaml"
    ]


def looks_like_name(label: str) -> bool:
    """A label of one to three capitalised words, naming no role and not a machine label."""
    words = strip_brackets(label).split()
    return (
        0 < len(words) <= 3
        and all(_NAME_WORD.fullmatch(word) for word in words)
        and infer_role(label) is None
        and not is_machine_label(label)
    )
