"""SQLAlchemy models: the project's tables."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

CONSENSUS_CODER = "konsensus"


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base of every kodebog table."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class Source(Base):
    """An imported document; its text is normalised at import and never edited."""

    __tablename__ = "source"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(500))
    encoding: Mapped[str] = mapped_column(String(40))
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    units: Mapped[list[Unit]] = relationship(back_populates="source", order_by="Unit.ordinal")


class Participant(Base):
    """A case: a speaker or respondent, with a role and background attributes."""

    __tablename__ = "participant"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(40))
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    case_key: Mapped[str | None] = mapped_column(String(300), index=True)
    """Participants with the same case key are one person (a case); None: a case of its own."""


class AttributeDef(Base):
    """A participant attribute's display label, type (text, number, date) and order."""

    __tablename__ = "attribute_def"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10), default="text")
    position: Mapped[int] = mapped_column(Integer, default=0)


class Unit(Base):
    """A unit of analysis: ``source.text[start:end]``; ``text`` keeps a copy for search."""

    __tablename__ = "unit"
    __table_args__ = (UniqueConstraint("source_id", "ordinal"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="CASCADE"))
    ordinal: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id"), index=True
    )
    speaker: Mapped[str | None] = mapped_column(String(200))
    timestamp: Mapped[str | None] = mapped_column(String(20))

    source: Mapped[Source] = relationship(back_populates="units")
    participant: Mapped[Participant | None] = relationship()


class CodebookVersion(Base):
    """A stored codebook text; the newest row is the project's current codebook."""

    __tablename__ = "codebook_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(500))
    language: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(200))
    change: Mapped[str | None] = mapped_column(Text)
    """What this version changed, in one line (None for a version read from a file)."""


class Code(Base):
    """A code from the codebook; retired instead of deleted when it leaves the codebook."""

    __tablename__ = "code"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    parent_id: Mapped[str | None] = mapped_column(String(100))
    label: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    color: Mapped[str | None] = mapped_column(String(7))
    key: Mapped[str | None] = mapped_column(String(1))
    position: Mapped[int] = mapped_column(Integer, default=0)
    definition: Mapped[dict[str, Any]] = mapped_column(default=dict)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    merged_into: Mapped[str | None] = mapped_column(String(100))
    """For a code merged away: the code it was merged into; its id stays an alias of that."""


class Coder(Base):
    """A person (or the consensus) who codes."""

    __tablename__ = "coder"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Coding(Base):
    """A code applied by a coder to ``unit.text[start:end]``; ``text`` is the quoted span."""

    __tablename__ = "coding"
    __table_args__ = (
        UniqueConstraint("unit_id", "code_id", "coder_id", "start", "end"),
        Index("ix_coding_code_coder", "code_id", "coder_id"),
        Index("ix_coding_coder_unit", "coder_id", "unit_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    code_id: Mapped[str] = mapped_column(ForeignKey("code.id", onupdate="CASCADE"))
    coder_id: Mapped[int] = mapped_column(ForeignKey("coder.id"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    memo: Mapped[str | None] = mapped_column(Text)
    key_quote: Mapped[bool] = mapped_column(Boolean, default=False)
    origin: Mapped[str] = mapped_column(String(20), default="manual")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    import_flag: Mapped[str | None] = mapped_column(Text)  # issue 20: position to check
    valence: Mapped[str | None] = mapped_column(String(10))
    """positive, negative or mixed ("what works well / less well"); None when not said."""

    unit: Mapped[Unit] = relationship()
    code: Mapped[Code] = relationship()
    coder: Mapped[Coder] = relationship()


class UnitMemo(Base):
    """A coder's memo on a unit as a whole."""

    __tablename__ = "unit_memo"
    __table_args__ = (UniqueConstraint("unit_id", "coder_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    coder_id: Mapped[int] = mapped_column(ForeignKey("coder.id"))
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Suggestion(Base):
    """A code proposed for a unit; applied only when the analyst accepts it."""

    __tablename__ = "suggestion"
    __table_args__ = (UniqueConstraint("unit_id", "code_id", "coder_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    code_id: Mapped[str] = mapped_column(ForeignKey("code.id", onupdate="CASCADE"))
    coder_id: Mapped[int | None] = mapped_column(ForeignKey("coder.id"))
    score: Mapped[float] = mapped_column()
    tier: Mapped[str] = mapped_column(String(20))
    evidence: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SuggestModel(Base):
    """A trained suggestion model stored in the project."""

    __tablename__ = "suggest_model"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    trained_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Finding(Base):
    """The analyst's statement for a code and the quotes chosen for it."""

    __tablename__ = "finding"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_id: Mapped[str] = mapped_column(
        ForeignKey("code.id", onupdate="CASCADE"), unique=True
    )
    statement: Mapped[str] = mapped_column(Text, default="")
    quotes: Mapped[list[Any]] = mapped_column(default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(200))


class Event(Base):
    """Append-only log of every change: who, when, what, before and after."""

    __tablename__ = "event"
    __table_args__ = (Index("ix_event_coder", "coder_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    coder_id: Mapped[int | None] = mapped_column(ForeignKey("coder.id"))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(100))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    ref: Mapped[int | None] = mapped_column(Integer)


class Setting(Base):
    """Project-wide key/value settings (e.g. the coders' shared preferences)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(default=dict)


class SourceStatus(Base):
    """A coder's mark that they have finished coding a source."""

    __tablename__ = "source_status"
    __table_args__ = (UniqueConstraint("source_id", "coder_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="CASCADE"))
    coder_id: Mapped[int] = mapped_column(ForeignKey("coder.id"))
    done_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RefiGuid(Base):
    """The GUID another tool gave a thing kodebog imported, written back on export.

    ``kind`` is code, source, user, case, variable, selection, coding, note, ...; ``key`` is
    kodebog's name for it (code id, source name, coder name, ...). ``folder``: a code the file
    had as not codable (``isCodable="false"``).
    """

    __tablename__ = "refi_guid"
    __table_args__ = (UniqueConstraint("kind", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(1000))
    guid: Mapped[str] = mapped_column(String(36))
    folder: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class UnitEmbedding(Base):
    """A unit's text as a vector of the semantic tier's model (float16, computed once)."""

    __tablename__ = "unit_embedding"

    unit_id: Mapped[int] = mapped_column(
        ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True
    )
    model: Mapped[str] = mapped_column(String(100))  # name and version; another recomputes
    vector: Mapped[bytes] = mapped_column(LargeBinary)


class TextEmbedding(Base):
    """A codebook text (label, definition, example) as a vector, keyed by model and text."""

    __tablename__ = "text_embedding"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    model: Mapped[str] = mapped_column(String(100))
    vector: Mapped[bytes] = mapped_column(LargeBinary)


class Recommendation(Base):
    """A numbered recommendation of the report ("Anbefaling 1"), answering some themes."""

    __tablename__ = "recommendation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(200))


class RecommendationCode(Base):
    """A theme (code) a recommendation answers; follows renames of the code id."""

    __tablename__ = "recommendation_code"

    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendation.id", ondelete="CASCADE"), primary_key=True)
    code_id: Mapped[str] = mapped_column(
        ForeignKey("code.id", onupdate="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class AppUser(Base):
    """Someone who may log in to ``kodebog serve``: coder name, argon2 hash, role."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default="coder", server_default="coder")
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                        default=utcnow)
