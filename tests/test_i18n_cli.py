"""The command line speaks Danish by default: ``kodebog --help`` and an error of every command
family, in a fresh process with no ``KODEBOG_LANG``, without a locale and with a Danish one;
``kodebog --lang en`` speaks English."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kodebog.cli import FAMILIES

from .conftest import ROOT

SRC = ROOT / "src"
DANISH_LOCALES = {"no locale": None, "LANG=da_DK.UTF-8": "da_DK.UTF-8"}

# One error of each command family (in FAMILIES order), raised before any project is opened,
# with its Danish and English text. The families whose own checks all need a project answer
# with argparse's message (area "argparse"), which is the error their users meet first.
ERRORS: dict[str, tuple[list[str], str, str]] = {
    "project": (["import", "{p}", "a.txt", "b.txt", "--name", "x"],
                "--name virker kun med én fil ad gangen",
                "--name works with one file at a time"),
    "listing": (["units", "{p}"], "kodebog units: fejl: disse argumenter mangler: SOURCE",
                "kodebog units: error: the following arguments are required: SOURCE"),
    "coding": (["tag", "{p}", "fg1", "tre", "kode"],
               "argument UNIT: ugyldig int-værdi: 'tre'",
               "argument UNIT: invalid int value: 'tre'"),
    "codes": (["code", "move", "{p}", "kode"],
              "fejl: et af argumenterne --parent --top skal angives",
              "error: one of the arguments --parent --top is required"),
    "review": (["audit", "{p}", "--similarity", "0"],
               "--similarity 0.0: angiv en procent fra 1 til 100",
               "--similarity 0.0: give a percentage from 1 to 100"),
    "transfer": (["copy", "{p}"], "kodebog copy: fejl: disse argumenter mangler: TARGET",
                 "kodebog copy: error: the following arguments are required: TARGET"),
    "report": (["export", "{p}", "-o", "rapport.md", "--quotes", "-1"],
               "--quotes -1: angiv 0 eller flere", "--quotes -1: give 0 or more"),
    "recommendation": (["recommendation", "edit", "{p}", "1"],
                       "intet at ændre: angiv --title, --text, --code eller --to",
                       "nothing to change: give --title, --text, --code or --to"),
    "refi": (["import-refi"], "kodebog import-refi: fejl: disse argumenter mangler:",
             "kodebog import-refi: error: the following arguments are required:"),
    "suggest": (["suggest"], "kodebog suggest: fejl: disse argumenter mangler: PROJECT",
                "kodebog suggest: error: the following arguments are required: PROJECT"),
    "users": (["users", "add", "{p}"], "kodebog users add: fejl: disse argumenter mangler:",
              "kodebog users add: error: the following arguments are required:"),
    "serve": (["serve"], "kodebog serve: fejl: disse argumenter mangler: PROJECT",
              "kodebog serve: error: the following arguments are required: PROJECT"),
    "analysis": (["retrieve"], "kodebog retrieve: fejl: disse argumenter mangler: PROJECT",
                 "kodebog retrieve: error: the following arguments are required: PROJECT"),
}

# Runs every family's command through kodebog.cli.main in one fresh process (one process per
# command would cost a second each); main() chooses the language from the arguments and the
# environment on every call, as the ``kodebog`` command does.
DRIVER = """
import contextlib, io, json, sys
from kodebog.cli import main
results = {}
for name, argv in json.loads(sys.argv[1]).items():
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(argv)
        except SystemExit as stop:
            code = stop.code
    results[name] = [code, err.getvalue()]
print(json.dumps(results))
"""


def environment(lang: str | None) -> dict[str, str]:
    """The user's environment without kodebog's language, with ``LANG`` as given."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("KODEBOG_LANG", "LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    if lang is not None:
        env["LANG"] = lang
    env["PYTHONPATH"] = str(SRC) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def kodebog(args: list[str], lang: str | None, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kodebog.cli", *args], env=environment(lang),
                          cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def family_errors(lang: str | None, cwd: Path, english: bool) -> dict[str, tuple[int, str]]:
    project = str(cwd / "projekt.kodebog")
    commands = {name: (["--lang", "en"] if english else [])
                + [project if a == "{p}" else a for a in argv]
                for name, (argv, _da, _en) in ERRORS.items()}
    done = subprocess.run([sys.executable, "-c", DRIVER, json.dumps(commands)],
                          env=environment(lang), cwd=cwd, capture_output=True, text=True,
                          timeout=300, check=True)
    return {name: (code, err) for name, (code, err) in json.loads(done.stdout).items()}


def test_every_command_family_has_an_error_here() -> None:
    names = [register.__module__.rsplit(".", 1)[-1] for register in FAMILIES]
    assert names == list(ERRORS)


@pytest.mark.parametrize("lang", DANISH_LOCALES.values(), ids=DANISH_LOCALES.keys())
def test_help_is_danish_by_default(lang: str | None, tmp_path: Path) -> None:
    done = kodebog(["--help"], lang, tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("brug: kodebog")
    assert "Kod danske interview, fokusgrupper og fritekstsvar med en kodebog i YAML." \
        in out
    assert "vis versionen af kodebog og afslut" in out
    assert "opret et projekt med en kodebog" in out  # init
    assert "eksportér fund (md, docx, html, json)" in out  # export
    assert "usage:" not in out and "create a project with a codebook" not in out


def test_help_is_english_with_lang_en(tmp_path: Path) -> None:
    done = kodebog(["--lang", "en", "--help"], None, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: kodebog")
    assert "create a project with a codebook" in done.stdout
    assert "opret et projekt" not in done.stdout


def test_a_command_error_is_danish_in_its_own_process(tmp_path: Path) -> None:
    done = kodebog(["audit", str(tmp_path / "p.kodebog"), "--similarity", "0"], None, tmp_path)
    assert done.returncode == 1
    assert done.stderr.strip() == "kodebog: --similarity 0.0: angiv en procent fra 1 til 100"


@pytest.mark.parametrize("lang", DANISH_LOCALES.values(), ids=DANISH_LOCALES.keys())
def test_an_error_of_every_family_is_danish_by_default(lang: str | None,
                                                       tmp_path: Path) -> None:
    results = family_errors(lang, tmp_path, english=False)
    wrong = {name: err for name, (code, err) in results.items()
             if code == 0 or ERRORS[name][1] not in err}
    assert wrong == {}
    assert not (tmp_path / "projekt.kodebog").exists()  # no error left a project behind


def test_an_error_of_every_family_is_english_with_lang_en(tmp_path: Path) -> None:
    results = family_errors(None, tmp_path, english=True)
    wrong = {name: err for name, (code, err) in results.items()
             if code == 0 or ERRORS[name][2] not in err}
    assert wrong == {}


@pytest.fixture
def fixture_project(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> str:
    """A private copy of the fixture project of test_findings, as a path."""
    from .test_findings import open_fixture_copy

    store = open_fixture_copy(tmp_path_factory, tmp_path)
    store.dispose()
    return str(tmp_path / "project.kodebog")


@pytest.mark.usefixtures("danish")
def test_stats_and_sources_speak_danish_with_danish_numbers(
        fixture_project: str, capsys: pytest.CaptureFixture[str]) -> None:
    from kodebog.cli import main

    assert main(["stats", fixture_project]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("kilder       5 (")
    assert "ord          16.129" in lines and "kodninger    28 på 24 enheder" in lines
    assert any(line.split()[1:3] == ["1", "enhed"] for line in lines[7:])
    assert main(["sources", fixture_project]) == 0
    out = capsys.readouterr().out
    assert out.split()[:6] == ["kilde", "slags", "enheder", "ord", "personer", "kodet"]
    assert "4.061" in out and "5\u00a0%" in out
    assert main(["sources", fixture_project, "--json"]) == 0
    assert '"words": 4061' in capsys.readouterr().out  # machine-readable: no Danish format


def test_stats_speak_english_with_english_numbers(
        fixture_project: str, capsys: pytest.CaptureFixture[str]) -> None:
    from kodebog.cli import main

    assert main(["stats", fixture_project]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "words        16,129" in lines and "codings      28 on 24 units" in lines
