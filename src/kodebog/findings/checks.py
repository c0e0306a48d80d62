"""What findings put in a report, as (what, text) pairs for the personal-data check."""

from __future__ import annotations

from kodebog.findings.model import Findings
from kodebog.i18n import _
from kodebog.privacy.guard import check_personal_data as check_personal_data  # re-exported


def finding_texts(findings: Findings) -> list[tuple[str, str]]:
    """The quotes and statements of findings as (what, text), for the privacy check."""
    items: list[tuple[str, str]] = []
    for theme in findings.themes:
        if theme.statement is not None:
            items.append((_("the finding for {code}").format(code=theme.code.id),
                          theme.statement.text))
        for quote in theme.quotes:
            items.append((_("the quote {citation} ({code})").format(
                citation=quote.citation, code=theme.code.id), quote.text))
            if quote.memo:
                items.append((_("the memo of {citation} ({code})").format(
                    citation=quote.citation, code=theme.code.id), quote.memo))
    return items
