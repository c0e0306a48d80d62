"""Fixtures for the TUI tests: a small coded project and an app factory."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import update

from kodebog.importing import import_parsed
from kodebog.project import init_project
from kodebog.settings import Settings
from kodebog.store import Store
from kodebog.store.models import Participant
from kodebog.tui.app import KodebogApp

from ..conftest import make_parsed

CODEBOOK = """\
language: da
title: Jobcenter (test)
codes:
  - id: caseworker_relation
    label: Mødet med sagsbehandleren
    description: At blive hørt, forstået og respekteret af sagsbehandleren.
    include: [oplevelsen af at blive lyttet til, tonen i samtalen]
    exclude: [skift af sagsbehandler (brug caseworker_change)]
    examples: ["Min sagsbehandler lyttede ikke."]
    keywords: [sagsbehandler, lytte]
    color: "#1f77b4"
    key: "1"
    children:
      - id: caseworker_change
        label: Skift af sagsbehandler
        description: Nye sagsbehandlere, kontinuitet, at starte forfra.
        keywords: [ny sagsbehandler, skift]
        color: "#ff7f0e"
        key: "2"
  - id: contact_center
    label: Kontakt til jobcentret
    description: At komme igennem til jobcentret, telefontider, svar.
    keywords: [telefon, ringe]
    color: "#2ca02c"
    key: "3"
  - id: rules_and_system
    label: Regler og system
    description: Lovgivning, krav, kontrol, at være et nummer.
    color: "#d62728"
    key: "r"
  - id: letters_information
    label: Breve og information
    color: "#9467bd"
"""

FG1 = [
    ("Interviewer", "Hvordan var det første møde med jobcentret?"),
    ("Borger 1", "Min sagsbehandler lyttede ikke. Jeg følte mig som et nummer."),
    ("Borger 2", "Jeg har haft fire sagsbehandlere på et år – det er for meget."),
    ("Borger 1", "Man kan aldrig få fat i nogen på telefonen 😡"),
    ("Borger 2", "Brevene er svære at forstå, og jeg ved ikke, hvad der forventes af mig."),
    ("Interviewer", "Hvad fungerer godt?"),
    ("Borger 1", "Når jeg endelig får fat i min sagsbehandler, er hun rar og hjælpsom."),
    ("Borger 2", "Aktiviteterne giver ikke mening for mig, når jeg er syg."),
]
INT1 = [
    ("Interviewer", "Fortæl om din kontakt med jobcentret."),
    ("Medarbejder", "Vi har for mange sager, og telefontiden er kort."),
    ("Interviewer", "Hvad kunne gøres bedre?"),
    ("Medarbejder", "Færre sager per sagsbehandler og bedre breve."),
]


def build_project(path: str | Path, codebook: Path) -> Store:
    """A project with a focus group (fg1) and an interview (int1), attributes on two people."""
    store = init_project(path, codebook, coder="anna")
    import_parsed(store, make_parsed("fg1", FG1))
    interview = make_parsed("int1", INT1)
    interview.kind = "interview"
    for participant in interview.participants:
        if participant.key == "Medarbejder":
            participant.role = "medarbejder"
    import_parsed(store, interview)
    with store.write() as session:
        session.execute(update(Participant).where(Participant.key == "fg1:Borger 1")
                        .values(attributes={"ydelse": "dagpenge"}))
        session.execute(update(Participant).where(Participant.key == "fg1:Borger 2")
                        .values(attributes={"ydelse": "sygedagpenge"}))
    return store


@pytest.fixture
def tui_codebook(tmp_path: Path) -> Path:
    """The TUI tests' codebook file."""
    path = tmp_path / "jobcenter.yaml"
    path.write_text(CODEBOOK, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def template_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test project, built (and migrated) once per session."""
    folder = tmp_path_factory.mktemp("template")
    codebook = folder / "jobcenter.yaml"
    codebook.write_text(CODEBOOK, encoding="utf-8")
    path = folder / "project.kodebog"
    build_project(path, codebook).dispose()
    return path


@pytest.fixture
def project_path(tmp_path: Path, template_project: Path) -> Path:
    """A fresh copy of the test project: a SQLite file with two sources."""
    path = tmp_path / "project.kodebog"
    for suffix in ("", "-wal"):
        source = Path(f"{template_project}{suffix}")
        if source.exists():
            shutil.copy(source, f"{path}{suffix}")
    return path


@pytest.fixture
def store(project_path: Path) -> Iterator[Store]:
    """The project, open."""
    from kodebog.store import open_project

    store = open_project(project_path)
    yield store
    store.dispose()


@pytest.fixture
def make_app(store: Store) -> Iterator[type[KodebogApp]]:
    """A factory of apps on the project, as coder anna, with default settings."""

    def factory(coder: str | None = "anna", settings: Settings | None = None) -> KodebogApp:
        return KodebogApp(store, coder, settings if settings is not None else Settings())

    yield factory  # type: ignore[misc]


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project, built once per test session."""
    from kodebog.demo import build_demo

    return build_demo(tmp_path_factory.mktemp("demo") / "demo.kodebog")


@pytest.fixture
def demo_store(demo_file: Path, tmp_path: Path) -> Iterator[Store]:
    """A fresh copy of the demo project, open."""
    from kodebog.store import open_project

    path = tmp_path / "demo.kodebog"
    shutil.copy(demo_file, path)
    store = open_project(path)
    yield store
    store.dispose()


@pytest.fixture
def demo_app(demo_store: Store) -> KodebogApp:
    """The app on a fresh copy of the demo project, as coder anna."""
    return KodebogApp(demo_store, "anna", Settings())


@pytest.fixture
def anyio_backend() -> str:
    """Textual runs on asyncio."""
    return "asyncio"
