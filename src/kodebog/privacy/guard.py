"""The export guard: text about to leave the tool is checked for personal data first."""

from __future__ import annotations

from collections.abc import Iterable

from kodebog.errors import KodebogError
from kodebog.i18n import _
from kodebog.privacy.detect import describe, find_personal_data


class PersonalDataError(KodebogError):
    """Text about to leave the tool contains personal data."""


def check_personal_data(items: Iterable[tuple[str, str]]) -> None:
    """PersonalDataError naming the first (what, text) pair whose text holds personal data."""
    for what, text in items:
        if not text:
            continue
        hits = find_personal_data(text)
        if hits:
            found = "; ".join(describe(h) for h in hits[:3])
            raise PersonalDataError(_(
                "{what} contains personal data ({found}), so nothing is exported; remove it "
                "from the export (--code/--source/--where), or pass --allow-personal-data"
            ).format(what=what, found=found))
