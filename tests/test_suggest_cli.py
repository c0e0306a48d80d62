"""``kodebog suggest``: suggestions as a table and JSON, train, evaluate, accept, reject."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from kodebog import cli
from kodebog.cli import suggest as commands
from kodebog.store import open_project
from kodebog.store.models import Coding

from .test_suggest_service import N_CODED, NEW, make_store


@pytest.fixture(autouse=True)
def _registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """``kodebog suggest`` on the CLI's parser, whether or not the cli package registers it yet."""
    original: Callable[[], argparse.ArgumentParser] = cli.build_parser

    def build() -> argparse.ArgumentParser:
        parser = original()
        [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if "suggest" not in sub.choices:

            def command(name: str, handler: cli.Handler, text: str) -> argparse.ArgumentParser:
                new: argparse.ArgumentParser = sub.add_parser(name, help=text, description=text)
                new.set_defaults(handler=handler)
                return new

            commands.register(command)
        return parser

    monkeypatch.setattr(cli, "build_parser", build)


@pytest.fixture(scope="module", autouse=True)
def _spacy() -> None:
    from kodebog.suggest.nlp import get_analyzer

    get_analyzer("da")


@pytest.fixture
def project(project_location: str, tmp_path: Path) -> Iterator[str]:
    make_store(project_location, tmp_path).dispose()
    yield project_location


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["suggest", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_lists_suggestions_with_their_evidence(
    project: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, project, "--coder", "anna", "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert rows and {"source", "unit", "code", "score", "tier", "evidence", "id"} <= set(rows[0])
    first = [r for r in rows if r["unit"] == 2 + N_CODED]
    assert first[0]["code"] == "contact_center" and first[0]["source"] == "fg1"
    for row in rows:
        assert row["tier"] in ("rules", "learned", "both") and 0.05 <= row["score"] <= 1.0
        assert row["low"] == (row["score"] < 0.5) and row["similar"] == ""  # semantic off
        for e in row["evidence"]:
            assert {"start", "end", "text", "kind", "keyword"} <= set(e)
    assert 1 not in {r["unit"] for r in rows}  # the interviewer's turn is skipped
    code, out, _ = run(capsys, project, "--coder", "anna", "--json", "--code",
                       "letters_information", "--top", "2", "--min-score", "0.3")
    assert code == 0
    rows = json.loads(out)
    assert rows and {r["code"] for r in rows} == {"letters_information"}
    assert all(r["score"] >= 0.3 for r in rows)


def test_table_shows_the_evidence_words(project: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, project, "--coder", "anna", "--source", "fg1")
    assert code == 0, err
    header = out.splitlines()[0].split()
    assert header == ["id", "source", "unit", "code", "score", "tier", "evidence"]
    assert "«telefontiden»" in out and "contact_center" in out
    assert "suggestions for" in out


def test_train_evaluate_accept_and_reject(
    project: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, project, "--coder", "anna", "--train")
    assert code == 0 and f"trained on {N_CODED} coded units" in out, err
    code, out, err = run(capsys, project, "--coder", "anna", "--evaluate", "--folds", "2",
                         "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["coder"] == "anna" and report["n_units"] == N_CODED and report["k"] == 2
    for tier in ("rules", "learned", "combined", "fused"):
        for part in ("tiers", "codebook_only"):
            scores = report[part][tier]
            assert {"precision", "recall", "f1"} <= set(scores["micro"])
            assert 0.0 <= scores["top1_rate"] <= scores["top_hit_rate"] <= 1.0
    assert report["curve"] and {"n_train", "micro_f1"} <= set(report["curve"][-1])
    assert 0.0 <= report["quiet"]["fused"]["rate"] <= 1.0
    code, out, _ = run(capsys, project, "--coder", "anna", "--evaluate", "--folds", "2")
    assert code == 0 and "top-1" in out and "Learning curve" in out

    code, out, _ = run(capsys, project, "--coder", "anna", "--json")
    rows = json.loads(out)
    phone = next(r for r in rows if r["unit"] == 2 + N_CODED and r["code"] == "contact_center")
    other = next(r for r in rows if r["unit"] == 3 + N_CODED)
    code, out, err = run(capsys, project, "--coder", "anna", "--accept", str(phone["id"]))
    assert code == 0 and f"accepted suggestion {phone['id']}" in out, err
    store = open_project(project)
    with store.read() as session:
        origins = list(session.scalars(select(Coding.origin).where(Coding.text == NEW[0])))
    store.dispose()
    assert origins == ["suggestion"]
    code, out, _ = run(capsys, project, "--coder", "anna", "--reject", str(other["id"]),
                       "--json")
    assert code == 0 and json.loads(out)["status"] == "rejected"
    code, out, _ = run(capsys, project, "--coder", "anna", "--json")
    again = {(r["unit"], r["code"]) for r in json.loads(out)}
    assert (phone["unit"], "contact_center") not in again
    assert (other["unit"], other["code"]) not in again


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--reject", "999", "--coder", "anna"], "no suggestion with id 999"),
        (["--coder", "anna", "--code", "nope"], "unknown code 'nope'"),
        (["--coder", "anna", "--source", "nope"], "no source named 'nope'"),
        (["--coder", "anna", "--top", "0"], "--top 0"),
        (["--coder", "anna", "--accept", "99999"], "no suggestion with id 99999"),
        (["--coder", "anna", "--train", "--code", "contact_center"], "leave them out with --train"),
    ],
)
def test_errors_are_one_line(
    project: str, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(capsys, project, *args)
    assert code == 1 and message in err and len(err.strip().splitlines()) == 1 and not out


def test_evaluate_without_codings_says_so(
    project: str, capsys: pytest.CaptureFixture[str]
) -> None:
    store = open_project(project)
    from kodebog import coding

    with store.read() as session:
        unit = session.scalars(select(Coding.unit_id)).first()
    assert unit is not None
    coding.apply_code(store, "bo", unit, "contact_center")
    coding.remove_code(store, "bo", unit, "contact_center")
    store.dispose()
    code, _, err = run(capsys, project, "--coder", "bo", "--evaluate")
    assert code == 1 and "'bo' has no codings" in err


def test_registering_the_command_imports_nothing_heavy() -> None:
    probe = (
        "import sys, argparse\n"
        "from kodebog.cli import suggest as commands\n"
        "parser = argparse.ArgumentParser()\n"
        "sub = parser.add_subparsers()\n"
        "commands.register(lambda name, handler, text: sub.add_parser(name, help=text))\n"
        "parser.format_help()\n"
        "heavy = ('spacy', 'sqlalchemy', 'rapidfuzz', 'yaml', 'numpy', 'textual')\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == ""
