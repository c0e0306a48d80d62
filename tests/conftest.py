"""Shared fixtures: projects on SQLite and PostgreSQL, a small codebook, a parsed source."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from kodebog.i18n import set_language
from kodebog.sources.model import ParsedParticipant, ParsedSource, ParsedUnit

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

SMALL_CODEBOOK = """\
language: da
title: Testkodebog
codes:
  - id: caseworker_relation
    label: Mødet med sagsbehandleren
    description: At blive hørt og forstået.
    keywords: [sagsbehandler, lytte]
    color: "#1f77b4"
    key: "1"
    children:
      - id: caseworker_change
        label: Skift af sagsbehandler
        keywords: [ny sagsbehandler, skift]
        key: "2"
  - id: contact_center
    label: Kontakt til jobcentret
    keywords: [telefon, ringe]
    key: "3"
  - id: rules_and_system
    label: Regler og system
    key: "4"
"""


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory,
                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Never read or write the real user's settings or demo project."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("KODEBOG_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("KODEBOG_DATA_DIR", str(home / "data"))
    monkeypatch.delenv("KODEBOG_CODER", raising=False)
    # the semantic tier is off unless a test turns it on (tests/test_semantic*.py)
    monkeypatch.setenv("KODEBOG_SEMANTIC", "0")
    # tests read English (the source text) unless they ask for Danish: see the ``danish``
    # fixture and tests/test_i18n*.py
    monkeypatch.setenv("KODEBOG_LANG", "en")
    set_language("en")


@pytest.fixture
def danish(monkeypatch: pytest.MonkeyPatch) -> None:
    """Speak Danish in this test, in process and in the processes it starts."""
    monkeypatch.setenv("KODEBOG_LANG", "da")
    set_language("da")


def pg_base_url() -> str:
    """The PostgreSQL server the tests may use."""
    return os.environ.get("KODEBOG_TEST_PG_URL", PG_DEFAULT)


def _pg_reason() -> str | None:
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(pg_base_url())
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as error:  # any failure to connect means: skip with the reason
        first = str(error).strip().splitlines()[0]
        return f"no PostgreSQL server at KODEBOG_TEST_PG_URL ({first})"
    return None


_PG_REASON: list[str | None] = []


def pg_unavailable() -> str | None:
    """Why PostgreSQL tests must skip, or None when the server answers."""
    if not _PG_REASON:
        _PG_REASON.append(_pg_reason())
    return _PG_REASON[0]


def skip_or_fail_without_pg() -> None:
    """Skip a PostgreSQL test when no server answers; fail instead under KODEBOG_REQUIRE_PG=1.

    A developer without a server sees the skip and its reason; CI (``.ci/run``) sets
    ``KODEBOG_REQUIRE_PG=1`` so that a server that did not start fails the run instead of
    skipping every PostgreSQL test in silence.
    """
    reason = pg_unavailable()
    if reason is None:
        return
    if os.environ.get("KODEBOG_REQUIRE_PG") == "1":
        pytest.fail(f"KODEBOG_REQUIRE_PG=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A URL to a fresh, empty PostgreSQL schema, dropped afterwards."""
    skip_or_fail_without_pg()
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    schema = f"kodebog_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_base_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(pg_base_url()).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def project_location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a new project goes: a SQLite file, or an empty PostgreSQL schema."""
    if request.param == "sqlite":
        return str(tmp_path / "project.kodebog")
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def codebook_file(tmp_path: Path) -> Path:
    """A small valid codebook."""
    path = tmp_path / "codebook.yaml"
    path.write_text(SMALL_CODEBOOK, encoding="utf-8")
    return path


def make_parsed(name: str = "fg1", turns: list[tuple[str, str]] | None = None) -> ParsedSource:
    """A focus-group source built by hand: ``Label: text`` paragraphs."""
    turns = turns or [
        ("Interviewer", "Hvordan var det første møde?"),
        ("Borger 1", "Min sagsbehandler lyttede ikke. Jeg følte mig som et nummer."),
        ("Borger 2", "Jeg har haft fire sagsbehandlere på et år – det er for meget."),
        ("Borger 1", "Man kan aldrig få fat i nogen på telefonen 😡"),
    ]
    parts: list[str] = []
    units: list[ParsedUnit] = []
    position = 0
    for label, spoken in turns:
        prefix = f"{label}: "
        start = position + len(prefix)
        units.append(ParsedUnit(start, start + len(spoken), participant_key=label, speaker=label))
        parts.append(prefix + spoken)
        position += len(prefix) + len(spoken) + 2
    text = "\n\n".join(parts)
    labels = dict.fromkeys(label for label, _ in turns)
    participants = [
        ParsedParticipant(key=label, label=label,
                          role="interviewer" if label == "Interviewer" else "borger")
        for label in labels
    ]
    return ParsedSource(name=name, kind="focus_group", text=text, units=units,
                        participants=participants, encoding="utf-8", filename=f"{name}.txt")
