"""Import-time changes to a file's speakers: ``--rename`` labels and ``--role`` overrides."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from kodebog.errors import SourceError
from kodebog.i18n import _
from kodebog.sources.model import ParsedParticipant, ParsedSource
from kodebog.sources.roles import ROLES, infer_role
from kodebog.sources.speakers import fold


def _lookup(source: ParsedSource) -> dict[str, ParsedParticipant]:
    """Participants by folded key and label."""
    found = {fold(p.key): p for p in source.participants}
    found.update({fold(p.label): p for p in source.participants})
    return found


def apply_renames(path: Path, source: ParsedSource, renames: Mapping[str, str]) -> None:
    """Give speakers new labels (``SPEAKER_01`` -> ``Borger 1``), merging equal ones.

    The new label's role is taken when it names one. Only the participant and its units
    change; the label as written stays in the source text (``--pseudonymise`` replaces it).
    """
    unused = []
    for old, new in renames.items():
        new = " ".join(new.split())
        if not new:
            raise SourceError(_("{path}: the new name for {old} must not be empty").format(
                path=path, old=repr(old)))
        by_label = _lookup(source)
        participant = by_label.get(fold(old))
        if participant is None:
            unused.append(old)
            continue
        old_key = participant.key
        target = by_label.get(fold(new))
        if target is not None and target is not participant:
            source.participants.remove(participant)  # two labels for one person: merge
        else:
            participant.key = participant.label = new
            participant.role = infer_role(new) or participant.role
            target = participant
        for unit in source.units:
            if unit.participant_key == old_key:
                unit.participant_key, unit.speaker = target.key, target.label
    if unused:
        source.notes.append(_("no speaker called {labels} to rename").format(
            labels=", ".join(map(repr, unused))))


def apply_roles(
    path: Path, source: ParsedSource, roles: Mapping[str, str], renames: Mapping[str, str]
) -> None:
    """Override inferred roles by label or key (case and spacing ignored), old or new name."""
    by_label = _lookup(source)
    for old, new in renames.items():
        if fold(new) in by_label:
            by_label.setdefault(fold(old), by_label[fold(new)])
    unused = []
    for label, role in roles.items():
        if role not in ROLES:
            raise SourceError(
                _("{path}: unknown role {role} for {label}; roles are: {roles}").format(
                    path=path, role=repr(role), label=repr(label), roles=", ".join(ROLES))
            )
        participant = by_label.get(fold(label))
        if participant is None:
            unused.append(label)
        else:
            participant.role = role
    if unused:
        source.notes.append(_("no speaker called {labels} in this file").format(
            labels=", ".join(map(repr, unused))))

