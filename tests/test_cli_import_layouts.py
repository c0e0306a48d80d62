"""`kodebog import` with --layout, --no-speakers, --speakers, --rename and --role."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from kodebog.store import open_project
from kodebog.store.models import Participant, Source, Unit

from .conftest import SMALL_CODEBOOK
from .test_cli import fingerprint, run

DATA = Path(__file__).parent / "data" / "transcripts"


@pytest.fixture
def empty(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    codebook = tmp_path / "codebook.yaml"
    codebook.write_text(SMALL_CODEBOOK, encoding="utf-8")
    path = str(tmp_path / "p.kodebog")
    assert run(capsys, "init", path, "--codebook", str(codebook), "--coder", "anna")[0] == 0
    return path


def stored(project: str, name: str) -> tuple[str, list[tuple[str | None, str | None]],
                                              list[tuple[str, str | None, str | None]]]:
    """A source's kind, its units' (speaker, timestamp) and its participants."""
    store = open_project(project)
    with store.read() as session:
        source = session.scalars(select(Source).where(Source.name == name)).one()
        units = [(u.speaker, u.timestamp) for u in session.scalars(
            select(Unit).where(Unit.source_id == source.id).order_by(Unit.ordinal))]
        people = [(p.key, p.label, p.role) for p in session.scalars(
            select(Participant).where(Participant.key.startswith(f"{name}:"))
            .order_by(Participant.id))]
        kind = source.kind
    store.dispose()
    return kind, units, people


def test_machine_labels_are_listed_then_renamed_and_given_roles(
    empty: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "import", empty, str(DATA / "whisperx.srt"), "--name", "før")
    assert code == 0, err
    assert "layout cues (subtitle cues with speakers): 4 turns by 2 speakers" in out
    assert "2 machine speaker label(s); name them with --rename 'SPEAKER_00=Borger 1'" in out
    assert "SPEAKER_01 (2 turns): “Det var forvirrende. Ingen forklarede noget.”" in out
    code, out, err = run(capsys, "import", empty, str(DATA / "whisperx.srt"),
                         "--rename", "SPEAKER_01=Borger 1", "--role", "SPEAKER_00=interviewer")
    assert code == 0, err
    assert "machine speaker label" not in out
    kind, units, people = stored(empty, "whisperx")
    assert kind == "interview"
    assert [speaker for speaker, _ in units] == ["SPEAKER_00", "Borger 1"] * 2
    assert units[3] == ("Borger 1", "01:02:05")
    assert [(label, role) for _, label, role in people] == [
        ("SPEAKER_00", "interviewer"), ("Borger 1", "borger")
    ]


def test_layout_speakers_and_no_speakers(empty: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "import", empty, str(DATA / "otter.txt"), "--name", "tekst",
                         "--no-speakers")
    assert code == 0, err
    assert "layout paragraphs (no speakers)" in out and "speaker detection is off" in out
    assert stored(empty, "tekst")[0] == "document"
    code, out, err = run(capsys, "import", empty, str(DATA / "koronavirus.txt"))
    assert "no speakers taken: 'Koronavírus' is the only label" in out
    code, out, err = run(capsys, "import", empty, str(DATA / "koronavirus.txt"), "--name",
                         "nyheder", "--speakers", "Koronavírus, Ledighed")
    assert code == 0, err
    assert "speakers as given: 2 of 2 found" in out
    assert {p[1] for p in stored(empty, "nyheder")[2]} == {"Koronavírus", "Ledighed"}
    code, out, err = run(capsys, "import", empty, str(DATA / "forskningsspoergsmaal.txt"),
                         "--layout", "lines")
    assert code == 0, err
    assert "layout lines" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rename", "SPEAKER_01"], "--rename SPEAKER_01: write it as LABEL=NEW NAME"),
        (["--speakers", " , "], "--speakers: name the labels"),
        (["--layout", "cues"], "otter.txt: unknown layout 'cues' for this file"),
        (["--speakers", "Speaker 1", "--no-speakers"], "either --speakers or --no-speakers"),
        (["--role", "Speaker 1=chef"], "unknown role 'chef' for 'Speaker 1'"),
    ],
)
def test_bad_speaker_options_are_one_line_and_change_nothing(
    empty: str, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    before = fingerprint(empty)
    code, _, err = run(capsys, "import", empty, str(DATA / "otter.txt"), *args)
    assert code == 1 and message in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert fingerprint(empty) == before
