"""The kinds of source and their names, light enough for the CLI's start and the reports."""

from __future__ import annotations

from kodebog.i18n import N_, translate

KINDS = ("focus_group", "interview", "survey", "document")
KIND_NAMES = {"focus_group": N_("focus group"), "interview": N_("interview"),
              "survey": N_("survey"), "document": N_("document")}
"""Each kind of source as people call it (marked: show with ``translate`` or ``kind_name``)."""


def kind_name(kind: str) -> str:
    """``fokusgruppe`` / ``focus group`` in the language in use; an unknown kind as it is."""
    known = KIND_NAMES.get(kind)
    return translate(known) if known else kind
