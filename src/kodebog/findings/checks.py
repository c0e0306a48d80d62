"""What findings put in a report, as (what, text) pairs for the personal-data check."""

from __future__ import annotations

from kodebog.findings.model import Findings
from kodebog.privacy.guard import check_personal_data as check_personal_data  # re-exported


def finding_texts(findings: Findings) -> list[tuple[str, str]]:
    """The quotes and statements of findings as (what, text), for the privacy check."""
    items: list[tuple[str, str]] = []
    for theme in findings.themes:
        if theme.statement is not None:
            items.append((f"the finding for {theme.code.id}", theme.statement.text))
        for quote in theme.quotes:
            items.append((f"the quote {quote.citation} ({theme.code.id})", quote.text))
            if quote.memo:
                items.append((f"the memo of {quote.citation} ({theme.code.id})", quote.memo))
    return items
