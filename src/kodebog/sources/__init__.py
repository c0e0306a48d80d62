"""Importers: read a transcript, subtitle file or survey export into a ParsedSource."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from kodebog.errors import SourceError
from kodebog.sources.docx import read_docx
from kodebog.sources.model import KINDS, ParsedParticipant, ParsedSource, ParsedUnit
from kodebog.sources.roles import ROLES
from kodebog.sources.speakers import fold
from kodebog.sources.subtitles import read_subtitles
from kodebog.sources.survey import read_survey
from kodebog.sources.transcript import read_transcript

__all__ = [
    "EXTENSIONS",
    "ParsedParticipant",
    "ParsedSource",
    "ParsedUnit",
    "read_source",
]

_TEXT_READERS: dict[str, Callable[[Path], ParsedSource]] = {
    ".txt": read_transcript,
    ".md": read_transcript,
    ".docx": read_docx,
    ".vtt": read_subtitles,
    ".srt": read_subtitles,
}
_SURVEYS = (".csv", ".tsv", ".xlsx")
EXTENSIONS = (*_TEXT_READERS, *_SURVEYS)


def read_source(
    path: Path | str,
    *,
    kind: str | None = None,
    name: str | None = None,
    id_column: str | None = None,
    text_columns: Sequence[str] | str | None = None,
    attribute_columns: Sequence[str] | None = None,
    roles: Mapping[str, str] | None = None,
    sheet: str | None = None,
) -> ParsedSource:
    """Read one file by its extension; ``roles`` maps speaker labels to roles, overriding.

    Survey options (``id_column``, ``text_columns``, ``attribute_columns``, ``sheet``) apply
    to ``.csv``/``.tsv``/``.xlsx`` only. Every problem with the file is a ``SourceError``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if kind is not None and kind not in KINDS:
        raise SourceError(f"{path}: unknown kind {kind!r}; kinds are: {', '.join(KINDS)}")
    if suffix in _SURVEYS:
        columns = [text_columns] if isinstance(text_columns, str) else text_columns
        source = read_survey(
            path,
            id_column=id_column,
            text_columns=columns,
            attribute_columns=attribute_columns,
            sheet=sheet,
        )
    elif suffix in _TEXT_READERS:
        given = (id_column, text_columns, attribute_columns, sheet)
        if any(option is not None for option in given):
            raise SourceError(
                f"{path}: column and sheet options apply only to .csv, .tsv and .xlsx files"
            )
        source = _TEXT_READERS[suffix](path)
    else:
        raise SourceError(
            f"{path}: unknown file type {suffix or '(no extension)'!r}; "
            f"kodebog reads {', '.join(EXTENSIONS)}"
        )
    if name is not None:
        if not name.strip():
            raise SourceError(f"{path}: the source name must not be empty")
        source.name = name.strip()
    if kind is not None:
        source.kind = kind
    if roles:
        _apply_roles(path, source, roles)
    return source


def _apply_roles(path: Path, source: ParsedSource, roles: Mapping[str, str]) -> None:
    """Override inferred roles by label or key (case and spacing ignored)."""
    by_label = {fold(p.key): p for p in source.participants}
    by_label.update({fold(p.label): p for p in source.participants})
    unused = []
    for label, role in roles.items():
        if role not in ROLES:
            raise SourceError(
                f"{path}: unknown role {role!r} for {label!r}; roles are: {', '.join(ROLES)}"
            )
        participant = by_label.get(fold(label))
        if participant is None:
            unused.append(label)
        else:
            participant.role = role
    if unused:
        source.notes.append(f"no speaker called {', '.join(map(repr, unused))} in this file")
