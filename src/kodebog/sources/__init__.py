"""Importers: read a transcript, subtitle file or survey export into a ParsedSource."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from kodebog.errors import SourceError
from kodebog.i18n import _
from kodebog.privacy.names import NameList
from kodebog.sources.cast_notes import cast_notes
from kodebog.sources.docx import read_docx
from kodebog.sources.invisible import strip_invisible
from kodebog.sources.layouts import LAYOUTS, SpeakerOptions
from kodebog.sources.model import KINDS, ParsedParticipant, ParsedSource, ParsedUnit
from kodebog.sources.relabel import apply_renames, apply_roles
from kodebog.sources.segment import segment_long_units
from kodebog.sources.speakers import default_kind
from kodebog.sources.subtitles import read_subtitles
from kodebog.sources.survey import read_survey
from kodebog.sources.transcript import read_transcript

__all__ = [
    "EXTENSIONS",
    "LAYOUTS",
    "ParsedParticipant",
    "ParsedSource",
    "ParsedUnit",
    "SpeakerOptions",
    "read_source",
]

_TEXT_READERS: dict[str, Callable[[Path, SpeakerOptions], ParsedSource]] = {
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
    layout: str | None = None,
    speakers: Sequence[str] | None = None,
    no_speakers: bool = False,
    renames: Mapping[str, str] | None = None,
    names: NameList | None = None,
) -> ParsedSource:
    """Read one file by its extension; ``roles`` maps speaker labels to roles, overriding.

    ``names`` (a name list) lets a survey leave out columns holding those names.

    Survey options (``id_column``, ``text_columns``, ``attribute_columns``, ``sheet``) apply
    to ``.csv``/``.tsv``/``.xlsx`` only; speaker options (``layout`` from ``LAYOUTS``,
    ``speakers`` to trust, ``no_speakers``) to transcripts and subtitles. ``renames`` gives
    speakers new labels (``SPEAKER_01`` -> ``Borger 1``) before ``roles`` apply. Every
    problem with the file is a ``SourceError``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if kind is not None and kind not in KINDS:
        raise SourceError(_("{path}: unknown kind {kind}; kinds are: {kinds}").format(
            path=path, kind=repr(kind), kinds=", ".join(KINDS)))
    if suffix in _SURVEYS:
        columns = [text_columns] if isinstance(text_columns, str) else text_columns
        source = read_survey(
            path,
            id_column=id_column,
            text_columns=columns,
            attribute_columns=attribute_columns,
            sheet=sheet,
            names=names,
        )
        if layout is not None or speakers or no_speakers:
            raise SourceError(
                _("{path}: layout and speaker options apply only to transcripts and "
                  "subtitles").format(path=path)
            )
    elif suffix in _TEXT_READERS:
        given = (id_column, text_columns, attribute_columns, sheet)
        if any(option is not None for option in given):
            raise SourceError(
                _("{path}: column and sheet options apply only to .csv, .tsv and .xlsx "
                  "files").format(path=path)
            )
        if layout is not None and layout not in LAYOUTS:
            raise SourceError(
                _("{path}: unknown layout {layout}; layouts are: {layouts}").format(
                    path=path, layout=repr(layout), layouts=", ".join(LAYOUTS))
            )
        if no_speakers and speakers:
            raise SourceError(_("{path}: give either --speakers or --no-speakers, not "
                                "both").format(path=path))
        options = SpeakerOptions(layout, tuple(speakers or ()), not no_speakers)
        source = _TEXT_READERS[suffix](path, options)
    else:
        raise SourceError(
            _("{path}: unknown file type {suffix}; kodebog reads {extensions}").format(
                path=path, suffix=repr(suffix or _("(no extension)")),
                extensions=", ".join(EXTENSIONS))
        )
    source = segment_long_units(strip_invisible(source))
    if name is not None:
        if not name.strip():
            raise SourceError(_("{path}: the source name must not be empty").format(path=path))

        source.name = name.strip()
    if kind is not None:
        source.kind = kind
    if renames:
        apply_renames(path, source, renames)
    if roles:
        apply_roles(path, source, roles, renames or {})
    if kind is None and source.kind in ("interview", "focus_group"):
        source.kind = default_kind(source.participants)
    if suffix in _TEXT_READERS:
        source.notes += cast_notes(source, renamed=renames or {}, roles=roles or {})
    return source
