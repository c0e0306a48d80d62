"""The personal-data check of what findings put in a report."""

from __future__ import annotations

from collections.abc import Iterable

from kodebog.findings.model import Findings, PersonalDataError
from kodebog.privacy import describe, find_personal_data


def check_personal_data(items: Iterable[tuple[str, str]]) -> None:
    """PersonalDataError naming the first (what, text) pair whose text holds personal data."""
    for what, text in items:
        if not text:
            continue
        hits = find_personal_data(text)
        if hits:
            found = "; ".join(describe(h) for h in hits[:3])
            raise PersonalDataError(
                f"{what} contains personal data ({found}), so nothing is exported; remove it "
                "from the export (--code/--source/--where), or pass --allow-personal-data")


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
