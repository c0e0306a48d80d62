"""REFI-QDA shared pieces: namespaces, GUIDs, the report and text clean-up."""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from kodebog.i18n import _, ngettext
from kodebog.i18n.formats import number

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"

KODEBOG_NAMESPACE = uuid.UUID("6f1d4c52-3b0e-5a7c-9c1e-8d2b7a4e0f19")
"""Root of every GUID kodebog derives; each project gets its own namespace below it."""

NAME_LIMIT = 100
"""A selection's ``name`` holds at most this many characters of its text, then ``…``."""

KEY_QUOTE_MARK = "Nøglecitat / key quote"
"""A selection's Description that marks a kodebog key quote."""

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass
class RefiReport:
    """What an export or import wrote or read, and what could not be carried over."""

    path: str
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    lost_codings: int = 0

    def add(self, what: str, n: int = 1) -> None:
        """Count ``n`` more of ``what``."""
        self.counts[what] = self.counts.get(what, 0) + n

    def warn(self, message: str) -> None:
        """Record something that was lost or could not be placed."""
        self.warnings.append(message)

    def lose(self, codings: int) -> None:
        """Count codings of the file that cannot be imported (the exit code says so)."""
        self.lost_codings += codings

    def summary(self) -> str:
        """One line: the path and the non-zero counts."""
        parts = [counted(what, n) for what, n in self.counts.items() if n]
        counts = ", ".join(parts) or _("nothing")
        return f"{self.path}: {counts}"

    def lines(self) -> list[str]:
        """The summary, the notes and every warning, one per line."""
        return [self.summary(), *self.note_lines(), *self.warning_lines()]

    def note_lines(self) -> list[str]:
        """The notes, indented (the CLI prints them to stdout)."""
        return [f"  {note}" for note in self.notes]

    def warning_lines(self) -> list[str]:
        """The warnings, indented and marked (the CLI prints them to stderr)."""
        return ["  " + _("warning: {warning}").format(warning=warning)
                for warning in self.warnings]



def counted(what: str, n: int) -> str:
    """``n`` of ``what`` (a key of ``RefiReport.counts``) in the language in use."""
    forms = {
        "cases": ngettext("{n} case", "{n} cases", n),
        "codes": ngettext("{n} code", "{n} codes", n),
        "coders": ngettext("{n} coder", "{n} coders", n),
        "codings": ngettext("{n} coding", "{n} codings", n),
        "codings flagged for review": ngettext("{n} coding flagged for review",
                                               "{n} codings flagged for review", n),
        "GUIDs kept": ngettext("{n} GUID kept", "{n} GUIDs kept", n),
        "key quotes": ngettext("{n} key quote", "{n} key quotes", n),
        "memos": ngettext("{n} memo", "{n} memos", n),
        "notes": ngettext("{n} note", "{n} notes", n),
        "selections split at unit boundaries": ngettext(
            "{n} selection split at unit boundaries",
            "{n} selections split at unit boundaries", n),
        "sources": ngettext("{n} source", "{n} sources", n),
        "unit memos": ngettext("{n} unit memo", "{n} unit memos", n),
        "units": ngettext("{n} unit", "{n} units", n),
        "users": ngettext("{n} user", "{n} users", n),
        "valences": ngettext("{n} valence", "{n} valences", n),
        "variables": ngettext("{n} variable", "{n} variables", n),
    }
    return forms.get(what, "{n} " + what).format(n=number(n))



def guid(namespace: uuid.UUID, kind: str, *parts: object) -> str:
    """A GUID derived from a namespace and a key: the same inputs give the same GUID."""
    key = "\x1f".join([kind, *(str(part) for part in parts)])
    return str(uuid.uuid5(namespace, key))  # lowercase: some readers accept nothing else


def norm_guid(value: str | None) -> str:
    """A GUID as compared on import: without braces, lowercase."""
    return (value or "").strip().strip("{}").lower()


def xml_text(value: str) -> str:
    """``value`` without characters XML 1.0 cannot carry."""
    return _XML_INVALID.sub("", value)


def selection_name(text: str) -> str:
    """The ``name`` of a selection: its text on one line, cut at NAME_LIMIT with ``…``."""
    flat = " ".join(text.split())
    return flat if len(flat) <= NAME_LIMIT else flat[: NAME_LIMIT - 1].rstrip() + "…"


def fold_text(value: str) -> str:
    """Text as compared with a selection's name: NFC, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFC", value).split())


def xml_datetime(value: datetime | None) -> str | None:
    """An ``xsd:dateTime`` in UTC (naive times are taken as UTC), or None."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
