"""Exports of findings and codings: one function per format, chosen from ``EXPORTERS``.

An exporter is ``(store, output, options) -> summary``: it reads what it needs from the open
project, checks it (verbatim quotes, personal data) before anything is written, writes
``output`` atomically (temporary file, then rename) and returns a one-line summary. User
errors are ``KodebogError``. Importing this package stays light (no SQLAlchemy, no
python-docx), so the CLI can list the formats without slowing its start-up.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, cast

from kodebog.errors import ProjectError
from kodebog.i18n import _

if TYPE_CHECKING:
    from kodebog.findings import Filters
    from kodebog.store import Store


@dataclass(frozen=True)
class ExportOptions:
    """What to export: filters, quotes per theme, and the personal-data override."""

    coder: str | None = None
    codes: Sequence[str] = ()
    sources: Sequence[str] = ()
    where: Mapping[str, str] = field(default_factory=dict)
    quotes: int = 5
    allow_personal_data: bool = False
    offsets: str = "codepoints"  # .qdpx: how the target counts positions (or "utf16")
    line_endings: str = "lf"  # .qdpx: line breaks of the sources' text files (or "crlf")
    agreed: bool = False
    agreed_coders: Sequence[str] = ()
    publish: bool = False
    """Publication mode: attribution by role only, small groups hidden, no override."""
    threshold: int = 5
    """In publication mode, groups with fewer participants are hidden."""
    memos: bool = False
    """Add the analysts' memos as an appendix (not in publication mode)."""
    template: Path | None = None
    """A Word template (.dotx or .docx) whose styles, page and header the report uses."""
    lang: str = "da"
    """The language of the report (and its sheet names and headers), whatever the UI speaks."""

    @property
    def filters(self) -> Filters:
        """The findings filters of these options."""
        from kodebog.findings import Filters

        return Filters(coder=self.coder, codes=tuple(self.codes), sources=tuple(self.sources),
                       where=dict(self.where), agreed=self.agreed,
                       coders=tuple(self.agreed_coders))


Exporter = Callable[["Store", Path, ExportOptions], str]


def lazy(module: str, function: str = "export") -> Exporter:
    """An exporter that imports ``module`` only when it runs."""

    def run(store: Store, output: Path, options: ExportOptions) -> str:
        target = getattr(importlib.import_module(module), function)
        return cast(str, target(store, output, options))

    run.__name__ = f"{module}.{function}"
    return run


EXPORTERS: dict[str, Exporter] = {
    "md": lazy("kodebog.export.markdown"),
    "docx": lazy("kodebog.export.docx"),
    "html": lazy("kodebog.export.html"),
    "xlsx": lazy("kodebog.export.xlsx"),
    "csv": lazy("kodebog.export.csv"),
    "json": lazy("kodebog.export.json"),
    "qdpx": lazy("kodebog.exchange.refi", "qdpx_exporter"),
    "qdc": lazy("kodebog.exchange.refi", "qdc_exporter"),
}
"""Format name -> exporter."""

REPORTS = frozenset({"md", "docx", "html"})
"""The formats that are reports (publication mode, memos appendix, template)."""

SUFFIXES = {".md": "md", ".markdown": "md", ".docx": "docx", ".html": "html", ".htm": "html",
            ".xlsx": "xlsx", ".csv": "csv", ".json": "json", ".qdpx": "qdpx", ".qdc": "qdc"}


def format_for(output: Path, fmt: str | None = None) -> str:
    """The format to write: ``fmt`` if given, else the one the file suffix names."""
    chosen = fmt or SUFFIXES.get(output.suffix.lower())
    if chosen is None or chosen not in EXPORTERS:
        choices = ", ".join(sorted(EXPORTERS))
        what = (_("unknown format '{format}'").format(format=fmt) if fmt
                else _("{path}: cannot tell the format").format(path=output))
        raise ProjectError(_("{problem}; pass --format with one of: {choices}").format(
            problem=what, choices=choices))
    return chosen


def export(store: Store, output: str | Path, options: ExportOptions | None = None,
           fmt: str | None = None) -> str:
    """Write ``output`` in ``fmt`` (or the format its suffix names); a one-line summary."""
    path = Path(output).expanduser()
    chosen = format_for(path, fmt)
    options = options or ExportOptions()
    if chosen not in REPORTS and (options.publish or options.memos):
        flag = "--publish" if options.publish else "--memos"
        raise ProjectError(_("{option} shapes a report; export md, docx or html with it "
                             "({path} is {format})").format(option=flag, path=path,
                                                            format=chosen))
    from kodebog.export.language import speaking

    with speaking(options.lang):
        return EXPORTERS[chosen](store, path, options)
