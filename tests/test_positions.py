"""Where each coder left each source: remembered in a file beside the settings."""

from __future__ import annotations

import json

import pytest

from kodebog import positions


def test_a_position_is_kept_per_project_coder_and_source() -> None:
    assert positions.read_position("p", "anna", 1) is None
    assert positions.write_position("p", "anna", 1, 17)
    assert positions.write_position("p", "bo", 1, 3)
    assert positions.write_position("q", "anna", 1, 99)
    assert positions.read_position("p", "anna", 1) == 17
    assert positions.read_position("p", "bo", 1) == 3
    assert positions.read_position("q", "anna", 1) == 99
    assert positions.read_position("p", "anna", 2) is None


def test_an_unreadable_positions_file_means_starting_at_the_top() -> None:
    positions.path().parent.mkdir(parents=True, exist_ok=True)
    positions.path().write_text("{not json", encoding="utf-8")
    assert positions.read_position("p", "anna", 1) is None
    assert positions.write_position("p", "anna", 1, 5)
    assert positions.read_position("p", "anna", 1) == 5


def test_only_the_newest_positions_are_kept_in_the_file(monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    monkeypatch.setattr(positions, "LIMIT", 3)
    for source in range(5):
        positions.write_position("p", "anna", source, source + 10)
    kept = json.loads(positions.path().read_text(encoding="utf-8"))
    assert sorted(kept.values()) == [12, 13, 14]
