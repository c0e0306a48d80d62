"""Survey comments: one unit per non-empty answer, one participant per respondent."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from kodebog.errors import SourceError
from kodebog.i18n import N_, _, formats, translate
from kodebog.privacy.columns import personal_column
from kodebog.privacy.names import NameList
from kodebog.sources.model import ParsedParticipant, ParsedSource, ParsedUnit
from kodebog.sources.spans import TextBuilder
from kodebog.sources.tables import Table, read_csv, read_xlsx

_ID_NAMES = frozenset(
    {
        "id", "respondent", "respondentid", "respondentnr", "respondentnummer", "respid",
        "løbenr", "løbenummer", "lbnr", "responseid", "svarid",
    }
)
_NUMERIC = re.compile(r"[+-]?\d+(?:[.,]\d+)?%?")
_GUESS_ROWS = 2000
_MIN_TEXT_MEAN = 20


def read_survey(
    path: Path,
    *,
    id_column: str | None = None,
    text_columns: Sequence[str] | None = None,
    attribute_columns: Sequence[str] | None = None,
    sheet: str | None = None,
    names: NameList | None = None,
) -> ParsedSource:
    """Read a ``.csv``, ``.tsv`` or ``.xlsx`` survey export into answers and respondents.

    ``names`` (a name list) also marks columns holding those names as personal.
    """
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        table = read_xlsx(path, sheet=sheet)
    else:
        table = read_csv(path, delimiter="\t" if suffix == ".tsv" else None)
    return survey_source(
        path,
        table,
        id_column=id_column,
        text_columns=text_columns,
        attribute_columns=attribute_columns,
        names=names,
    )


def survey_source(
    path: Path,
    table: Table,
    *,
    id_column: str | None = None,
    text_columns: Sequence[str] | None = None,
    attribute_columns: Sequence[str] | None = None,
    names: NameList | None = None,
) -> ParsedSource:
    """Turn a table into a survey source; columns not named are detected from the data.

    Without ``attribute_columns`` every other column becomes an attribute, except those that
    look like identifiers or contact data (by name or content); the notes say which and why.
    """
    header, notes = table.header, list(table.notes)
    if id_column is not None:
        id_index: int | None = _find(path, header, id_column)
    else:
        id_index = _guess_id(header)
        notes.append(
            _("respondent id column {column}").format(column=repr(header[id_index]))
            if id_index is not None
            else _("no respondent id column; respondents are numbered by row")
        )
    if text_columns is not None:
        text_indexes = list(dict.fromkeys(_find(path, header, name) for name in text_columns))
        if not text_indexes:
            raise SourceError(_("{path}: no text column named; name at least one").format(
                path=path))
    else:
        text_indexes = _guess_text(path, table, exclude={id_index})
        chosen = ", ".join(repr(header[i]) for i in text_indexes)
        notes.append(_("free-text column(s) {columns} chosen by answer length; name others to "
                       "change").format(columns=chosen))
    if attribute_columns is not None:
        attribute_indexes = [_find(path, header, name) for name in attribute_columns]
    else:
        attribute_indexes = _safe_attributes(table, {id_index, *text_indexes}, names, notes)

    width = len(header)
    questions = [(header[i], i) for i in text_indexes]
    attribute_names = [(header[i], i) for i in attribute_indexes]
    builder = TextBuilder()
    units: list[ParsedUnit] = []
    participants: list[ParsedParticipant] = []
    first_seen: dict[str, int] = {}
    empty = 0
    for number, (line, cells) in enumerate(table.rows, start=1):
        if len(cells) != width:
            cells = _fit(path, table, line, cells, width)
        answers = [(question, answer) for question, i in questions if (answer := cells[i].strip())]
        empty += len(questions) - len(answers)
        key = str(number) if id_index is None else cells[id_index].strip()
        if id_index is not None:
            if not key:
                if not answers:
                    continue
                raise SourceError(
                    _("{path}: {place} {line} has answers but no id in column "
                      "{column}").format(path=path, place=_place(table), line=line,
                                         column=repr(header[id_index]))
                )
            if key in first_seen:
                raise SourceError(
                    _("{path}: id {key} appears on {place} {first} and {place} {line}; ids "
                      "must be unique").format(path=path, key=repr(key), place=_place(table),
                                               first=first_seen[key], line=line)
                )
            first_seen[key] = line
        if not answers:
            continue
        attributes = {name: value for name, i in attribute_names if (value := cells[i].strip())}
        participants.append(ParsedParticipant(key, f"Respondent {key}", "borger", attributes))
        for question, answer in answers:
            start, end = builder.add(answer)
            units.append(ParsedUnit(start, end, key, question=question))
    columns = ", ".join(repr(header[i]) for i in text_indexes)
    if not units:
        raise SourceError(_("{path}: no answers in column(s) {columns}").format(
            path=path, columns=columns))
    notes.append(_("{answers} answers from {respondents} respondents").format(
        answers=formats.number(len(units)), respondents=formats.number(len(participants))))
    if empty:
        notes.append(_("skipped {count} empty answers").format(count=formats.number(empty)))
    metadata = {
        "respondents": str(len(table.rows)),
        "answered": str(len(participants)),
        "text_columns": ", ".join(header[i] for i in text_indexes),
    }
    if id_index is not None:
        metadata["id_column"] = header[id_index]
    return ParsedSource(
        name=path.stem,
        kind="survey",
        text=builder.text(),
        units=units,
        participants=participants,
        encoding=table.encoding,
        filename=path.name,
        metadata=metadata,
        notes=notes,
    )


def _safe_attributes(table: Table, taken: set[int | None], names: NameList | None,
                     notes: list[str]) -> list[int]:
    """The other columns, leaving out (and noting) those that look like personal data."""
    chosen: list[int] = []
    for i, name in enumerate(table.header):
        if i in taken:
            continue
        values = (cells[i].strip() for _line, cells in table.rows if i < len(cells))
        reason = personal_column(name, values, names)
        if reason is None:
            chosen.append(i)
        else:
            notes.append(_("left out column {column} ({reason}); it looks like personal data. "
                           "Name it with --attribute to import it anyway").format(
                column=repr(name), reason=reason))
    return chosen


def _fit(path: Path, table: Table, line: int, cells: list[str], width: int) -> list[str]:
    """Pad a short row with empty cells; refuse a long one unless its extra cells are empty."""
    if len(cells) < width:
        return cells + [""] * (width - len(cells))
    if any(cell.strip() for cell in cells[width:]):
        raise SourceError(
            _("{path}: {place} {line} has {cells} cells but the header has {width}; check "
              "the delimiter and quotes on that {place}").format(
                path=path, place=_place(table), line=line, cells=len(cells), width=width)
        )
    return cells[:width]


_PLACES = {"line": N_("line"), "row": N_("row")}


def _place(table: Table) -> str:
    """What the table's numbers count (line or row), in the language in use."""
    return translate(_PLACES.get(table.place, table.place))


def _find(path: Path, header: list[str], name: str) -> int:
    """The index of column ``name``, matched exactly or else ignoring case and spacing."""
    if name in header:
        return header.index(name)
    folded = [" ".join(h.casefold().split()) for h in header]
    wanted = " ".join(name.casefold().split())
    if folded.count(wanted) == 1:
        return folded.index(wanted)
    raise SourceError(_("{path}: no column {column}; columns are: {columns}").format(
        path=path, column=repr(name), columns=", ".join(header)))


def _guess_id(header: list[str]) -> int | None:
    """The first column named like a respondent id (id, respondent_id, løbenr ...)."""
    for i, name in enumerate(header):
        if re.sub(r"[\W_]+", "", name.casefold()) in _ID_NAMES:
            return i
    return None


def _guess_text(path: Path, table: Table, *, exclude: set[int | None]) -> list[int]:
    """Free-text columns: not numeric, not categorical, with the longest answers.

    The longest column on average wins; others with at least a third of its average length
    (and at least 20 characters) join it, so "what works well / less well" pairs stay together.
    """
    sample = [cells for _line, cells in table.rows[:_GUESS_ROWS]]
    means: dict[int, float] = {}
    for i in range(len(table.header)):
        if i in exclude:
            continue
        values = [c.strip() for cells in sample if i < len(cells) and (c := cells[i]).strip()]
        if not values:
            continue
        numeric = sum(1 for v in values if _NUMERIC.fullmatch(v))
        categorical = len(values) >= 10 and len(set(values)) < len(values) / 2
        if numeric * 2 < len(values) and not categorical:
            means[i] = sum(map(len, values)) / len(values)
    if not means:
        raise SourceError(
            _("{path}: no free-text column found among {columns}; name the answer "
              "column").format(path=path, columns=", ".join(table.header))
        )

    best = max(means.values())
    floor = max(best / 3, _MIN_TEXT_MEAN)
    chosen = [i for i, mean in means.items() if mean >= floor]
    return chosen or [max(means, key=lambda i: means[i])]
