"""What an importer produces: a source's text cut into units, before it is stored."""

from __future__ import annotations

from dataclasses import dataclass, field

from kodebog.source_kinds import KINDS as KINDS


@dataclass
class ParsedParticipant:
    """A speaker or respondent found in one file.

    ``key`` is unique within the file (the speaker label or the respondent id); the store
    prefixes it with the source name to make a project-wide case key.
    """

    key: str
    label: str
    role: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass
class ParsedUnit:
    """A unit of analysis: ``text[start:end]`` of its source (Python string indices)."""

    start: int
    end: int
    participant_key: str | None = None
    speaker: str | None = None
    timestamp: str | None = None
    question: str | None = None  # the survey column an answer came from


@dataclass
class ParsedSource:
    """One imported file: NFC text with ``\\n`` line endings, cut into units."""

    name: str
    kind: str  # focus_group | interview | survey | document
    text: str
    units: list[ParsedUnit]
    participants: list[ParsedParticipant]
    encoding: str
    filename: str
    metadata: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # said in the import report
