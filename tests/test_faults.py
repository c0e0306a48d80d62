"""Every fault ends in one clear line, a non-zero exit and nothing destroyed (issue 13, 6-8).

Each test asserts the message, the exit code and the files left on disk.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from kodebog.cli import main
from kodebog.tempfiles import SUFFIX

from .conftest import SMALL_CODEBOOK

TRANSCRIPT = "Interviewer: Hej.\n\nBorger 1: Det gik fint med min sagsbehandler.\n"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(list(args))
    err = capsys.readouterr().err
    return code, err


def _one_line(err: str) -> str:
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err.strip()


@pytest.fixture
def project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    codebook = tmp_path / "cb.yaml"
    codebook.write_text(SMALL_CODEBOOK, encoding="utf-8")
    path = tmp_path / "p.kodebog"
    assert main(["init", str(path), "--codebook", str(codebook)]) == 0
    source = tmp_path / "samtale.txt"
    source.write_text(TRANSCRIPT, encoding="utf-8")
    assert main(["import", str(path), str(source)]) == 0
    capsys.readouterr()
    return path


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- 6: never destroy what we did not make ----------------------------------------------------


@pytest.mark.parametrize("command", ["init", "copy", "backup"])
def test_a_fifo_target_is_refused_and_kept(project: Path, tmp_path: Path, command: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "target"
    os.mkfifo(target)
    before = _listing(tmp_path)
    args = (["init", str(target), "--codebook", str(tmp_path / "cb.yaml")]
            if command == "init" else [command, str(project), str(target)])
    code, err = _run(capsys, *args)
    assert code == 1
    assert _one_line(err) == (
        f"kodebog: {target}: is not a regular file; give the path of a new file")
    assert _listing(tmp_path) == before and target.is_fifo()


@pytest.mark.parametrize("command", ["init", "copy", "backup"])
def test_an_existing_empty_file_is_refused_and_kept(project: Path, tmp_path: Path, command: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "empty.kodebog"
    target.touch()
    args = (["init", str(target), "--codebook", str(tmp_path / "cb.yaml")]
            if command == "init" else [command, str(project), str(target)])
    code, err = _run(capsys, *args)
    assert code == 1 and "already exists" in _one_line(err)
    assert target.exists() and target.stat().st_size == 0


def test_a_symbolic_link_target_is_refused_and_its_file_kept(
        project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me", encoding="utf-8")
    link = tmp_path / "link.kodebog"
    link.symlink_to(precious)
    code, err = _run(capsys, "copy", str(project), str(link))
    assert code == 1 and "is not a regular file" in _one_line(err)
    assert precious.read_text(encoding="utf-8") == "keep me" and link.is_symlink()


def test_init_with_a_bad_codebook_removes_only_what_it_made(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("codes: [\n", encoding="utf-8")
    target = tmp_path / "p.kodebog"
    code, err = _run(capsys, "init", str(target), "--codebook", str(bad))
    assert code == 1 and _one_line(err).startswith(f"kodebog: {bad}:")
    assert _listing(tmp_path) == ["bad.yaml"]


def test_a_failed_copy_leaves_nothing_and_a_retry_works(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A copy that dies half-way (as if killed) leaves no file that looks like a project."""
    import kodebog.transfer as transfer

    target = tmp_path / "copy.kodebog"
    before = _listing(tmp_path)

    def killed(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(transfer, "index_units", killed)
    code, err = _run(capsys, "copy", str(project), str(target))
    assert code != 0 and _one_line(err) == (
        "kodebog: interrupted; the action in progress was not saved")
    assert _listing(tmp_path) == before
    monkeypatch.undo()
    code, err = _run(capsys, "copy", str(project), str(target))
    assert code == 0 and err == "" and target.is_file()


def _dead_pid() -> int:
    pid = 2**22 - 7
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        pid -= 1


@pytest.mark.parametrize("command", ["copy", "backup"])
def test_temporary_files_of_a_killed_run_are_removed_by_the_next(
        project: Path, tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "copy.kodebog"
    stale = tmp_path / f".copy.kodebog.{_dead_pid()}.abcd{SUFFIX}"
    stale.write_bytes(b"SQLite format 3\x00half a project")
    other = tmp_path / f".copy.kodebog.{os.getpid()}.live{SUFFIX}"  # a run still alive
    other.write_bytes(b"")
    code, err = _run(capsys, command, str(project), str(target))
    assert code == 0 and err == ""
    assert not stale.exists() and other.exists() and target.is_file()
    with sqlite3.connect(target) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_temporary_files_of_a_killed_export_are_removed_by_the_next(
        project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "rapport.md"
    stale = tmp_path / f".rapport.md.{_dead_pid()}.beef{SUFFIX}"
    stale.write_text("half a report", encoding="utf-8")
    code, err = _run(capsys, "export", str(project), "--output", str(out))
    assert code == 0 and err == ""
    assert not stale.exists() and out.is_file()
    assert not [p for p in tmp_path.iterdir() if SUFFIX in p.name]


# --- 8: one line, never a traceback --------------------------------------------------------------


@pytest.mark.parametrize("content", [b"not a database at all" * 100,
                                     b"SQLite format 3\x00" + b"\x17" * 4000])
def test_a_corrupt_project_file_is_one_line(tmp_path: Path, content: bytes,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "corrupt.kodebog"
    path.write_bytes(content)
    code, err = _run(capsys, "stats", str(path))
    assert code == 1
    line = _one_line(err)
    assert line.startswith(f"kodebog: {path}: cannot open the database (")
    assert path.read_bytes() == content and _listing(tmp_path) == ["corrupt.kodebog"]


def test_a_truncated_project_file_is_one_line(project: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    data = project.read_bytes()[:3000]
    broken = tmp_path / "broken.kodebog"
    broken.write_bytes(data)
    code, err = _run(capsys, "stats", str(broken))
    assert code == 1 and "malformed" in _one_line(err)


@pytest.mark.parametrize(("url", "expected"), [
    ("postgres://anna:hemmelig@db.example/kodebog",
     "kodebog: postgres://anna:***@db.example/kodebog: write postgresql+psycopg:// instead of "
     "postgres://"),
    ("mysql://anna:hemmelig@db.example/kodebog",
     "kodebog: mysql://anna:***@db.example/kodebog: kodebog works with SQLite files and "
     "PostgreSQL (postgresql+psycopg://...), not mysql"),
    ("postgresql+asyncpg://anna@db.example/kodebog",
     "kodebog: postgresql+asyncpg://anna@db.example/kodebog: the driver 'asyncpg' is not "
     "supported; use postgresql+psycopg://"),
    ("oracle+cx_oracle://anna@db.example/kodebog",
     "kodebog: oracle+cx_oracle://anna@db.example/kodebog: kodebog works with SQLite files "
     "and PostgreSQL (postgresql+psycopg://...), not oracle"),
])
def test_unsupported_urls_are_one_line(url: str, expected: str,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _run(capsys, "stats", url)
    assert code == 1 and _one_line(err) == expected and "hemmelig" not in err


def test_backup_to_memory_or_a_missing_folder_is_one_line(
        project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _listing(tmp_path)
    code, err = _run(capsys, "backup", str(project), "sqlite://")
    assert code == 1 and _one_line(err) == (
        "kodebog: sqlite://: an in-memory database cannot hold a project; give a file path")
    missing = tmp_path / "nowhere" / "b.kodebog"
    code, err = _run(capsys, "backup", str(project), str(missing))
    assert code == 1
    assert _one_line(err) == f"kodebog: {missing}: folder {missing.parent} does not exist"
    assert _listing(tmp_path) == before


@pytest.mark.parametrize("args", [["tag", "{p}", "samtale", "99999999999999999999999",
                                   "contact_center"],
                                  ["memo", "{p}", "samtale", "99999999999999999999999", "x"]])
def test_an_absurd_unit_number_is_one_line(project: Path, args: list[str],
                                           capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _run(capsys, *[a.replace("{p}", str(project)) for a in args])
    assert code == 1 and _one_line(err) == (
        "kodebog: source 'samtale' has no unit 99999999999999999999999; its units are 1 to 2")


def _special(kind: str, tmp_path: Path, suffix: str) -> str:
    if kind == "fifo":
        path = tmp_path / f"special{suffix}"
        os.mkfifo(path)
        return str(path)
    return "/dev/zero"


_SPECIAL_INPUTS = [
    (["import", "{p}", "{f}"], ".txt"),
    (["import", "{p}", "{f}"], ".docx"),
    (["import", "{p}", "{f}"], ".xlsx"),
    (["import", "{p}", "{f}"], ".csv"),
    (["import", "{p}", "{t}", "--pseudonymise", "{f}"], ".yaml"),
    (["import-codings", "{p}", "{f}"], ".csv"),
    (["init", "{n}", "--codebook", "{f}"], ".yaml"),
    (["codebook", "update", "{p}", "{f}"], ".yaml"),
    (["import-refi", "{f}", "{n}"], ".qdpx"),
    (["codebook", "from-qdc", "{f}", "{y}"], ".qdc"),
]


# /dev/zero has no suffix, so ``import`` refuses it by type (tested below); every other
# command is tried with a FIFO and with /dev/zero.
@pytest.mark.parametrize(("kind", "args", "suffix"), [
    (kind, args, suffix) for args, suffix in _SPECIAL_INPUTS for kind in ("fifo", "dev")
    if not (kind == "dev" and args[0] == "import" and len(args) == 3)])
def test_special_files_as_input_are_refused_in_one_line(
        project: Path, tmp_path: Path, kind: str, args: list[str], suffix: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    special = _special(kind, tmp_path, suffix)
    before = _listing(tmp_path)
    filled = [a.replace("{p}", str(project)).replace("{f}", special)
              .replace("{t}", str(tmp_path / "samtale.txt"))
              .replace("{n}", str(tmp_path / "new.kodebog"))
              .replace("{y}", str(tmp_path / "new.yaml")) for a in args]
    code, err = _run(capsys, *filled)
    assert code == 1 and "is not a regular file" in _one_line(err)
    assert special in err
    assert _listing(tmp_path) == before


def test_dev_zero_and_proc_files_are_refused_by_import(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for path in ("/dev/zero", "/proc/self/status"):
        code, err = _run(capsys, "import", str(project), path)
        assert code == 1 and _one_line(err).startswith(f"kodebog: {path}: unknown file type")
    code, err = _run(capsys, "import", str(project), "/dev/zero", "--kind", "interview")
    assert code == 1 and "kodebog: /dev/zero:" in _one_line(err)


# --- 9: huge units --------------------------------------------------------------------------------


def test_a_500_kb_text_with_single_line_breaks_is_cut_into_units(
        project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kodebog.sources import read_source
    from kodebog.sources.segment import MAX_UNIT

    lines = [f"Det her er sætning nummer {n}, og den handler om kommunen og mig." for n in
             range(8000)]
    lines[10] = "Et meget langt afsnit uden linjeskift. " * 200  # cut at sentence ends
    path = tmp_path / "whisper.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert path.stat().st_size > 500_000
    parsed = read_source(path)
    assert all(u.end - u.start <= MAX_UNIT for u in parsed.units)
    assert len(parsed.units) > 8000
    texts = [parsed.text[u.start:u.end] for u in parsed.units]
    assert texts[0] == lines[0] and all(t == t.strip() and t for t in texts)
    assert all(t.endswith(".") for t in texts)  # cut at sentence ends, never mid-word
    code = main(["import", str(project), str(path)])
    out = capsys.readouterr().out
    assert code == 0 and "cut 1 unit(s) longer than 4000 characters" in out
