"""What a REFI-QDA project file says, as plain data classes read from its XML."""

from __future__ import annotations

from dataclasses import dataclass, field

from kodebog.exchange.refi_codebook import RefiCode


@dataclass
class RefiCoding:
    """A code applied to a selection: the code's GUID, who applied it and its notes."""

    code: str
    user: str | None
    notes: list[str] = field(default_factory=list)
    guid: str = ""


@dataclass
class RefiSelection:
    """A PlainTextSelection; ``end`` None means to the end of the text (a whole-source coding)."""

    guid: str
    name: str
    start: int
    end: int | None
    user: str | None = None
    description: str = ""
    codings: list[RefiCoding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class RefiSource:
    """A text source: its text given inline or as a path, its selections and variables."""

    guid: str
    name: str
    path: str | None
    content: str | None
    description: str = ""
    selections: list[RefiSelection] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)


@dataclass
class RefiCase:
    """A case with its variables and the sources and selections it covers."""

    guid: str
    name: str
    description: str = ""
    variables: dict[str, str] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    selections: list[str] = field(default_factory=list)


@dataclass
class RefiNote:
    """A note (memo): its text inline or in an internal file."""

    guid: str
    name: str
    text: str
    path: str | None = None
    user: str | None = None


@dataclass
class RefiProject:
    """A whole project.qde; ``losses`` lists what kodebog has no place for."""

    name: str
    description: str = ""
    creator: str | None = None
    users: dict[str, str] = field(default_factory=dict)
    codes: list[RefiCode] = field(default_factory=list)
    sources: list[RefiSource] = field(default_factory=list)
    cases: list[RefiCase] = field(default_factory=list)
    notes: dict[str, RefiNote] = field(default_factory=dict)
    losses: list[str] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)  # GUID -> name
    language: str | None = None  # xml:lang of the root, if any
