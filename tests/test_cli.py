"""The `kodebog` command end to end: output, JSON, and one clear line for every bad input."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from kodebog.cli import main
from kodebog.store import open_project

from .conftest import SMALL_CODEBOOK

FOCUS_GROUP = (
    "Interviewer: Hvordan var det første møde?\r\n\r\n"
    "Borger 1: Min sagsbehandler lyttede ikke.\r\nJeg følte mig som et nummer.\r\n\r\n"
    "[00:01:02] Borger 2: Telefontiden er alt for kort – man når det aldrig.\r\n"
)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the CLI in-process; (exit code, stdout, stderr)."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def fingerprint(project: str) -> str:
    """A hash of every row of every table: equal before and after means untouched."""
    store = open_project(project)
    digest = hashlib.sha256()
    with store.read() as session:
        tables = [row[0] for row in session.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"))]
        for table in tables:
            for row in session.execute(text(f'SELECT * FROM "{table}" ORDER BY 1')):
                digest.update(repr(tuple(row)).encode())
    store.dispose()
    return digest.hexdigest()


@pytest.fixture
def project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """A SQLite project with the small codebook and one focus group (CRLF, cp1252)."""
    codebook = tmp_path / "codebook.yaml"
    codebook.write_text(SMALL_CODEBOOK, encoding="utf-8")
    path = str(tmp_path / "p.kodebog")
    assert run(capsys, "init", path, "--codebook", str(codebook), "--coder", "anna")[0] == 0
    material = tmp_path / "fg1.txt"
    material.write_bytes(FOCUS_GROUP.encode("cp1252"))
    code, out, _ = run(capsys, "import", path, str(material))
    assert code == 0, out
    return path


def test_import_reports_counts_and_encoding(project: str, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    _code, out, _ = run(capsys, "sources", project, "--json")
    [source] = json.loads(out)
    assert (source["name"], source["units"], source["participants"]) == ("fg1", 3, 3)
    assert source["encoding"] == "cp1252"
    _, out, _ = run(capsys, "units", project, "fg1", "--json")
    units = json.loads(out)
    assert units[1]["text"] == "Min sagsbehandler lyttede ikke.\nJeg følte mig som et nummer."
    assert units[2]["timestamp"] == "00:01:02" and units[2]["role"] == "borger"


def test_importing_the_same_file_again_says_so(project: str, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "import", project, str(tmp_path / "fg1.txt"))
    assert code == 0 and "already imported" in out


def test_tag_untag_undo_and_stats(project: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "tag", project, "fg1", "2", "caseworker_relation", "--coder", "anna",
               "--memo", "kerne", "--key-quote")[0] == 0
    assert run(capsys, "tag", project, "fg1", "3", "contact_center", "--span", "0:12",
               "--coder", "anna")[0] == 0
    _code, out, _ = run(capsys, "units", project, "fg1", "--json")
    codings = [c for u in json.loads(out) for c in u["codings"]]
    assert [(c["code"], c["start"], c["end"], c["text"], c["key_quote"], c["memo"])
            for c in codings] == [
        ("caseworker_relation", 0, 60,
         "Min sagsbehandler lyttede ikke.\nJeg følte mig som et nummer.", True, "kerne"),
        ("contact_center", 0, 12, "Telefontiden", False, None),
    ]
    assert run(capsys, "undo", project, "--coder", "anna")[0] == 0
    assert run(capsys, "untag", project, "fg1", "2", "caseworker_relation",
               "--coder", "anna")[0] == 0
    _, out, _ = run(capsys, "stats", project, "--json")
    assert json.loads(out)["codings"] == 0
    assert run(capsys, "redo", project, "--coder", "anna")[1].startswith("nothing")


BAD_CODEBOOK = """\
language: da
codes:
  - id: a
    label: A
    key: "1"
    colour: "#fff"
  - id: a
    label: B
    key: "1"
"""


def test_codebook_validate_lists_every_problem(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD_CODEBOOK, encoding="utf-8")
    code, _, err = run(capsys, "codebook", "validate", str(path))
    lines = err.strip().splitlines()
    assert code == 1 and len(lines) >= 3
    assert all(line.startswith(f"{path}:") for line in lines)
    assert any(":6:5:" in line and "colour" in line for line in lines)
    assert any(":7:" in line and "duplicate" in line for line in lines)


def test_codebook_validate_accepts_the_example(capsys: pytest.CaptureFixture[str]) -> None:
    from kodebog.paths import example_codebook

    code, out, _ = run(capsys, "codebook", "validate", str(example_codebook()))
    assert code == 0 and "valid" in out


def _bad_inputs(tmp_path: Path) -> list[tuple[list[str], str]]:
    """(arguments after PROJECT's command, expected fragment of the one error line)."""
    broken = tmp_path / "broken.yaml"
    broken.write_text("language: da\ncodes: [\n", encoding="utf-8")
    unknown = tmp_path / "notes.pdf"
    unknown.write_bytes(b"%PDF-1.4")
    changed = tmp_path / "changed" / "fg1.txt"
    changed.parent.mkdir()
    changed.write_text("Borger 1: Noget helt andet.\n", encoding="utf-8")
    survey = tmp_path / "survey.csv"
    survey.write_text("id,svar\nR1,Godt\n", encoding="utf-8")
    dropped = tmp_path / "dropped.yaml"
    dropped.write_text(SMALL_CODEBOOK.replace(
        '  - id: rules_and_system\n    label: Regler og system\n    key: "4"\n', ""),
        encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)
    return [
        (["import", "{p}", str(unknown)], "notes.pdf"),
        (["import", "{p}", str(tmp_path / "missing.txt")], "missing.txt"),
        (["import", "{p}", str(empty)], "empty"),
        (["import", "{p}", str(binary)], "binary"),
        (["import", "{p}", str(changed)], "--replace"),
        (["import", "{p}", str(survey), "--text-column", "kommentar"], "kommentar"),
        (["codebook", "update", "{p}", str(broken)], "broken.yaml:"),
        (["codebook", "update", "{p}", str(dropped)], "rules_and_system"),
        (["tag", "{p}", "fg1", "2", "no_such_code"], "unknown code 'no_such_code'"),
        (["tag", "{p}", "fg1", "99", "contact_center"], "no unit 99"),
        (["tag", "{p}", "nope", "1", "contact_center"], "no source named 'nope'"),
        (["tag", "{p}", "fg1", "2", "contact_center", "--span", "5:1"], "span 5:1"),
        (["tag", "{p}", "fg1", "2", "contact_center", "--span", "x"], "START:END"),
        (["import", "{p}", str(changed), "--role", "Borger"], "LABEL=ROLE"),
    ]


def test_every_bad_input_is_one_line_and_leaves_the_project_as_it_was(
    project: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "tag", project, "fg1", "3", "rules_and_system", "--coder", "anna")
    before = fingerprint(project)
    for args, fragment in _bad_inputs(tmp_path):
        argv = [a.replace("{p}", project) for a in args]
        code, out, err = run(capsys, *argv)
        assert code == 1, (argv, out, err)
        assert len(err.strip().splitlines()) == 1, (argv, err)
        assert err.startswith("kodebog: ") and fragment in err, (argv, err)
        assert fingerprint(project) == before, argv


def test_missing_project_and_bad_url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "sources", str(tmp_path / "nope.kodebog"))
    assert code == 1 and "kodebog init" in err
    code, _, err = run(capsys, "sources", "postgresql+psycopg://kim:hemmelig@127.0.0.1:1/x")
    assert code == 1 and "hemmelig" not in err and "***" in err


def test_init_with_a_bad_codebook_creates_nothing(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_CODEBOOK, encoding="utf-8")
    code, _, err = run(capsys, "init", str(tmp_path / "p.kodebog"), "--codebook", str(bad))
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "p.kodebog").exists()


def test_console_script_prints_no_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kodebog.cli", "units", str(tmp_path / "x.kodebog"), "fg1"],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1


def test_help_does_not_import_heavy_modules() -> None:
    probe = (
        "import sys\n"
        "from kodebog.cli import build_parser\n"
        "build_parser().format_help()\n"
        "heavy = [m for m in ('spacy', 'textual', 'sqlalchemy') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == ""


def test_import_codings_from_csv(project: str, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "anna.csv"
    good.write_text("source,unit,code,start,end,key_quote,memo\n"
                    "fg1,2,caseworker_relation,,,1,klar\n"
                    "fg1,3,contact_center,0,12,,\n", encoding="utf-8")
    code, out, err = run(capsys, "import-codings", project, str(good), "--coder", "anna")
    assert code == 0 and "2 codings applied" in out, err
    code, out, _ = run(capsys, "units", project, "fg1", "--json")
    codings = [(c["code"], c["text"], c["origin"]) for u in json.loads(out) for c in u["codings"]]
    assert ("contact_center", "Telefontiden", "import") in codings
    before = fingerprint(project)
    bad = tmp_path / "bad.csv"
    bad.write_text("source,unit,code\nfg1,1,rules_and_system\nfg1,2,nope\n", encoding="utf-8")
    code, _, err = run(capsys, "import-codings", project, str(bad), "--coder", "anna")
    assert code == 1 and "bad.csv:3:" in err and "unknown code 'nope'" in err
    assert fingerprint(project) == before
