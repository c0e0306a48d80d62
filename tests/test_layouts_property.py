"""Property tests: a transcript generated in each layout reads back as the generated turns."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kodebog.sources import read_source
from kodebog.sources.labels import is_vocabulary
from kodebog.sources.transcript import segment_transcript

WORDS = [
    "jeg", "det", "var", "en", "lang", "ventetid", "og", "sagsbehandleren", "lyttede",
    "møde", "jobcentret", "brevet", "forstod", "ikke", "hvad", "skulle", "ske", "æble",
    "økonomi", "års", "kl.", "10.30", "„godt“", "–", "😀", "nej,", "ja!", "måske?",
]
FIRST = ["Jeg", "Det", "Hun", "Vi", "Så", "Ja", "Nej", "Hvordan", "Altså"]
ROLES = ["Interviewer", "Borger 1", "Borger 2", "Sagsbehandler", "Leder", "Moderator", "I"]
MACHINE = ["SPEAKER_00", "SPEAKER_01", "SPEAKER_02", "S00", "S01", "Speaker 1", "Speaker 2"]
NAMES = ["Anna", "Bo Holm", "Mette Hansen", "IP"]


@dataclass(frozen=True)
class Turn:
    speaker: str
    seconds: int
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def stamp(self) -> str:
        return _hms(self.seconds)


def _hms(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _short(seconds: int) -> str:
    """Teams and Otter: ``0:03``, ``12:40``, ``1:02:05``."""
    hours, rest = divmod(seconds, 3600)
    if hours:
        return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
    return f"{rest // 60}:{rest % 60:02d}"


line_text = st.builds(
    lambda first, rest: " ".join([first, *rest]) + ".",
    st.sampled_from(FIRST),
    st.lists(st.sampled_from(WORDS), min_size=0, max_size=8),
)


@st.composite
def transcripts(draw: st.DrawFn, labels: list[str], *, one_line: bool = False,
                alternate: bool = False) -> list[Turn]:
    """Turns by two to four speakers, each named label recurring or naming a role."""
    cast = draw(st.lists(st.sampled_from(labels), min_size=2, max_size=4, unique=True))
    count = draw(st.integers(min_value=2, max_value=12))
    speakers = []
    for _ in range(count):
        options = [s for s in cast if not (alternate and speakers and s == speakers[-1])]
        speakers.append(draw(st.sampled_from(options)))
    counts = Counter(speakers)
    assume(len(counts) >= 2)
    assume(all(is_vocabulary(label) or counts[label] >= 2 for label in counts))
    times = sorted(draw(st.lists(st.integers(0, 4 * 3600), min_size=count, max_size=count)))
    turns = []
    for speaker, seconds in zip(speakers, times, strict=True):
        size = 1 if one_line else draw(st.integers(1, 3))
        lines = tuple(draw(st.lists(line_text, min_size=size, max_size=size)))
        turns.append(Turn(speaker, seconds, lines))
    return turns


def read_back_text(text: str) -> list[tuple[str | None, str | None, str]]:
    found = segment_transcript(text)
    return [(u.speaker, u.timestamp, text[u.start : u.end]) for u in found.units]


def expected(turns: list[Turn], *, times: bool = True) -> list[tuple[str | None, ...]]:
    return [(t.speaker, t.stamp() if times else None, t.text) for t in turns]


TEXT_LAYOUTS: dict[str, tuple[list[str], Callable[[Turn], str], str, bool]] = {
    # name: (labels, one turn as text, separator between turns, turns carry times)
    "bundled": (ROLES + NAMES, lambda t: f"[{t.stamp()}] {t.speaker}: {t.text}", "\n\n", True),
    "good_tape": (MACHINE + ROLES, lambda t: f"{t.speaker} ({t.stamp()}):\n{t.text}", "\n\n",
                  True),
    "noscribe": (MACHINE, lambda t: f"{t.speaker}: {t.text} [{t.stamp()}]", "\n\n", True),
    "pyannote": (MACHINE, lambda t: f"[{t.speaker}]: {t.text}", "\n", False),
    "plain_lines": (ROLES + NAMES + MACHINE, lambda t: f"{t.speaker}: {t.text}", "\n", False),
    "teams_otter": (ROLES + NAMES + MACHINE, lambda t: f"{t.speaker}   {_short(t.seconds)}\n"
                    f"{t.text}", "\n\n", True),
    "zoom": (ROLES + NAMES, lambda t: f"[{t.speaker}] {t.stamp()}\n{t.text}", "\n\n", True),
    "sonix": (ROLES + MACHINE, lambda t: f"{t.speaker} {t.stamp()}\n{t.text}", "\n", True),
}


@pytest.mark.parametrize("layout", sorted(TEXT_LAYOUTS))
def test_text_layouts_read_back_the_generated_turns(layout: str) -> None:
    labels, render, separator, timed = TEXT_LAYOUTS[layout]

    @settings(max_examples=60, deadline=None)
    @given(transcripts(labels))
    def check(turns: list[Turn]) -> None:
        text = separator.join(render(turn) for turn in turns) + "\n"
        assert read_back_text(text) == expected(turns, times=timed)

    check()


@settings(max_examples=60, deadline=None)
@given(turns=transcripts(MACHINE, one_line=True))
def test_whisperx_text_with_ranges_reads_back(turns: list[Turn]) -> None:
    text = "\n".join(
        f"[{t.stamp()}.250 --> {_hms(t.seconds + 2)}.900] {t.speaker}: {t.text}" for t in turns
    )
    assert read_back_text(text) == expected(turns)


def _cues(turns: list[Turn], cue: Callable[[Turn, str], str], srt: bool) -> str:
    """Each line of a turn as one cue, one second apart."""
    blocks = [] if srt else ["WEBVTT"]
    number = 0
    for turn in turns:
        for i, line in enumerate(turn.lines):
            number += 1
            start, end = turn.seconds + i, turn.seconds + i + 1
            sep = "," if srt else "."
            timing = f"{_hms(start)}{sep}000 --> {_hms(end)}{sep}500"
            blocks.append(f"{number}\n{timing}\n{cue(turn, line)}")
    return "\n\n".join(blocks) + "\n"


SUBTITLES: dict[str, tuple[list[str], Callable[[Turn, str], str], bool]] = {
    "teams_vtt": (ROLES + NAMES + MACHINE, lambda t, line: f"<v {t.speaker}>{line}</v>", False),
    "zoom_vtt": (ROLES + NAMES, lambda t, line: f"{t.speaker}: {line}", False),
    "whisperx_srt": (MACHINE, lambda t, line: f"[{t.speaker}]: {line}", True),
    "whisperx_vtt": (MACHINE, lambda t, line: f"[{t.speaker}]: {line}", False),
}


@pytest.mark.parametrize("layout", sorted(SUBTITLES))
def test_subtitle_layouts_read_back_the_generated_turns(layout: str,
                                                        tmp_path: Path) -> None:
    labels, cue, srt = SUBTITLES[layout]
    path = tmp_path / ("t.srt" if srt else "t.vtt")

    @settings(max_examples=40, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(transcripts(labels, alternate=True))
    def check(turns: list[Turn]) -> None:
        path.write_text(_cues(turns, cue, srt), encoding="utf-8")
        source = read_source(path)
        found = [(u.speaker, u.timestamp, source.text[u.start : u.end]) for u in source.units]
        assert found == [(t.speaker, t.stamp(), " ".join(t.lines)) for t in turns]

    check()


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(turns=transcripts(ROLES + NAMES + MACHINE))
def test_teams_word_transcript_reads_back(turns: list[Turn], tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Interview-20240312_100203-Mødeoptagelse")
    for turn in turns:
        document.add_paragraph(f"{turn.speaker}   {_short(turn.seconds)}")
        for line in turn.lines:
            document.add_paragraph(line)
    path = tmp_path / "teams.docx"
    document.save(str(path))
    source = read_source(path)
    found = [(u.speaker, u.timestamp, source.text[u.start : u.end]) for u in source.units]
    assert found == [
        (None, None, "Interview-20240312_100203-Mødeoptagelse"),
        *[(t.speaker, t.stamp(), "\n\n".join(t.lines)) for t in turns],
    ]
