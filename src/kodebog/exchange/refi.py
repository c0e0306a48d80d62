"""REFI-QDA exchange: export .qdpx/.qdc, import .qdpx/.qde and .qdc, and their commands."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kodebog.exchange.refi_common import RefiReport
from kodebog.i18n import _

if TYPE_CHECKING:
    from kodebog.store import Store

__all__ = [
    "RefiReport",
    "cmd_codebook_from_qdc",
    "cmd_import_refi",
    "configure_codebook_from_qdc",
    "export_qdc",
    "export_qdpx",
    "import_qdpx",
    "qdc_exporter",
    "qdc_to_codebook_yaml",
    "qdpx_exporter",
    "register",
]


def export_qdpx(store: Store, path: str | Path, *, coder: str | None = None,
                offsets: str = "codepoints", line_endings: str = "lf") -> RefiReport:
    """Write the project (or only ``coder``'s codings and memos) as a .qdpx.

    ``offsets``: ``codepoints`` or ``utf16`` (how the target counts positions);
    ``line_endings``: ``lf`` or ``crlf`` (MAXQDA) for the sources' text files.
    """
    from kodebog.exchange.refi_write import export_qdpx as write

    return write(store, path, coder=coder, offsets=offsets, line_endings=line_endings)


def export_qdc(store: Store, path: str | Path) -> RefiReport:
    """Write the project's current codebook as a .qdc."""
    from kodebog.exchange.refi_write import export_qdc as write

    return write(store, path)


def import_qdpx(qdpx_path: str | Path, project: str | Path, *,
                partial: bool = False) -> RefiReport:
    """Create a new project at ``project`` from a .qdpx (or a bare .qde).

    When some codings cannot be imported, nothing is created and ``PartialImport`` (a
    ``KodebogError`` carrying the report) is raised, unless ``partial``.
    """
    from kodebog.exchange.refi_import import import_project

    return import_project(qdpx_path, project, partial=partial)


def qdc_to_codebook_yaml(qdc_path: str | Path, yaml_path: str | Path) -> RefiReport:
    """Convert a .qdc codebook into a kodebog codebook YAML file that validates."""
    from kodebog.exchange.refi_qdc import qdc_to_yaml

    return qdc_to_yaml(Path(qdc_path), Path(yaml_path))


def qdpx_exporter(store: Store, output: Path, options: Any) -> str:
    """``EXPORTERS`` adapter: the report's lines (summary, then warnings) as one text.

    A .qdpx carries whole source texts, names, memos and the codebook, so every outbound
    field is checked for personal data first (unless ``allow_personal_data``).
    """
    coder = getattr(options, "coder", None)
    _guard(store, "qdpx", options, coder)
    report = export_qdpx(store, output, coder=coder,
                         offsets=getattr(options, "offsets", "codepoints"),
                         line_endings=getattr(options, "line_endings", "lf"))
    return "\n".join(report.lines())


def qdc_exporter(store: Store, output: Path, options: Any) -> str:
    """``EXPORTERS`` adapter for the .qdc codebook (its labels and definitions are checked)."""
    _guard(store, "qdc", options)
    return "\n".join(export_qdc(store, output).lines())


def _guard(store: Store, fmt: str, options: Any, coder: str | None = None) -> None:
    """Refuse naming the first outbound field that holds personal data."""
    allow = bool(getattr(options, "allow_personal_data", False))
    if allow:
        return
    from kodebog.privacy.outbound import guard
    from kodebog.privacy.project import project_items

    with store.read() as session:
        guard(project_items(session, coder), fmt, allow=allow)


def _print(report: RefiReport) -> None:
    print(report.summary())
    for line in report.note_lines():
        print(line)
    for line in report.warning_lines():
        print(line, file=sys.stderr)


def cmd_import_refi(args: argparse.Namespace) -> int:
    """``kodebog import-refi QDPX PROJECT [--partial]``: exit 1 when codings would be lost."""
    from kodebog.exchange.refi_import import PartialImport

    try:
        _print(import_qdpx(args.qdpx, args.project, partial=args.partial))
    except PartialImport as refused:
        for line in refused.report.lines()[1:]:
            print(line, file=sys.stderr)
        raise
    return 0


def cmd_codebook_from_qdc(args: argparse.Namespace) -> int:
    """``kodebog codebook from-qdc QDC YAML``."""
    _print(qdc_to_codebook_yaml(args.qdc, args.output))
    return 0


def configure_codebook_from_qdc(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``codebook from-qdc`` (for the parser that wires it)."""
    parser.add_argument("qdc", metavar="QDC", help=_("REFI-QDA codebook (.qdc)"))
    parser.add_argument("output", metavar="YAML",
                        help=_("codebook YAML to write (must not exist)"))


def register(command: Callable[[str, Callable[[argparse.Namespace], int], str],
                               argparse.ArgumentParser]) -> None:
    """Add ``import-refi`` to the command line."""
    sub = command("import-refi", cmd_import_refi,
                  _("create a project from a REFI-QDA project (.qdpx, or a bare .qde)"))
    sub.add_argument("qdpx", metavar="QDPX", help=_(".qdpx from NVivo, ATLAS.ti, MAXQDA, ..."))
    sub.add_argument("project", metavar="PROJECT",
                     help=_("new project file (SQLite) or database URL; must not exist yet"))
    sub.add_argument("--partial", action="store_true",
                     help=_("import what can be imported when some codings cannot (they are "
                            "listed); without it such a file is refused and nothing is "
                            "created"))

