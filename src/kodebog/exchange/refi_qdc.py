"""A REFI-QDA codebook (.qdc) as a kodebog codebook YAML file."""

from __future__ import annotations

from pathlib import Path

from kodebog.codebook import dump_codebook
from kodebog.errors import ProjectError, SourceError
from kodebog.exchange.refi_codebook import build_codebook
from kodebog.exchange.refi_common import RefiReport
from kodebog.exchange.refi_files import write_atomic
from kodebog.exchange.refi_read import parse_codebook_root
from kodebog.i18n import _
from kodebog.privacy.safety import check_text_size, parse_xml


def qdc_to_yaml(qdc: Path, output: Path) -> RefiReport:
    """Read ``qdc`` and write its codes to ``output`` (which must not exist yet)."""
    if output.exists():
        raise ProjectError(_("{path}: already exists; choose another file name").format(
            path=output))
    check_text_size(qdc)
    data = qdc.read_bytes()
    if data.startswith(b"PK"):
        raise SourceError(_("{path}: is a ZIP (a .qdpx project?), not a .qdc codebook").format(
            path=qdc))
    codes = parse_codebook_root(parse_xml(data, source=str(qdc)), str(qdc))
    if not codes:
        raise SourceError(_("{path}: has no codes").format(path=qdc))
    report = RefiReport(str(output))
    codebook = build_codebook(codes, report, title=qdc.stem)[0]

    report.add("codes", len(codebook.ids))
    write_atomic(output, dump_codebook(codebook).encode("utf-8"))
    return report
