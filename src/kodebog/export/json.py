"""Findings as JSON, as described by ``docs/findings.schema.json``."""

from __future__ import annotations

import json
from pathlib import Path

from kodebog.export import ExportOptions
from kodebog.export.common import report_findings, summary, write_text
from kodebog.findings import Findings
from kodebog.store import Store


def render(findings: Findings) -> str:
    """The findings as indented UTF-8 JSON text."""
    return json.dumps(findings.to_dict(), ensure_ascii=False, indent=2) + "\n"


def export(store: Store, output: Path, options: ExportOptions) -> str:
    """Write the findings as JSON; nothing is written if a check fails."""
    findings = report_findings(store, options, "json")
    write_text(output, render(findings))
    return summary("json", output, findings)
