"""``kodebog code ...``, ``kodebog codebook export|log`` and undo of codebook changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kodebog.cli import main

from .conftest import SMALL_CODEBOOK, make_parsed


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the CLI in-process; (exit code, stdout, stderr)."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """A SQLite project with the small codebook and one focus group."""
    from kodebog.importing import import_parsed
    from kodebog.store import open_project

    codebook = tmp_path / "codebook.yaml"
    codebook.write_text(SMALL_CODEBOOK, encoding="utf-8")
    path = str(tmp_path / "p.kodebog")
    assert run(capsys, "init", path, "--codebook", str(codebook), "--coder", "anna")[0] == 0
    store = open_project(path)
    import_parsed(store, make_parsed())
    store.dispose()
    return path


def codebook(capsys: pytest.CaptureFixture[str], project: str) -> str:
    code, out, _ = run(capsys, "codebook", "show", project)
    assert code == 0
    return out


def test_each_code_command_changes_the_codebook_and_undo_takes_it_back(
        project: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "code", "add", project, "--label", "Ventetid på svar",
                         "--key", "å", "--keyword", "vente", "--parent", "contact_center",
                         "--coder", "bo")
    assert (code, err) == (0, "")
    assert out.startswith("added 'ventetid_paa_svar' (Ventetid på svar); codebook version 2")
    assert "key: å" in codebook(capsys, project)

    assert run(capsys, "code", "rename", project, "ventetid_paa_svar", "Ventetid",
               "--coder", "bo")[0] == 0
    assert run(capsys, "code", "edit", project, "ventetid_paa_svar", "--example",
               "Jeg venter stadig", "--key", "", "--coder", "bo")[0] == 0
    assert run(capsys, "code", "move", project, "ventetid_paa_svar", "--top",
               "--coder", "bo")[0] == 0
    shown = codebook(capsys, project)
    assert "label: Ventetid\n" in shown and "Jeg venter stadig" in shown
    assert "key: å" not in shown

    assert run(capsys, "tag", project, "fg1", "2", "contact_center", "--coder", "anna")[0] == 0
    assert run(capsys, "tag", project, "fg1", "3", "contact_center", "--coder", "anna")[0] == 0
    code, out, _ = run(capsys, "code", "split", project, "contact_center", "telefontid",
                       "--units", "fg1:3", "--label", "Telefontid", "--coder", "bo")
    assert code == 0 and "split 'telefontid' (Telefontid) from 'contact_center' (1 codings)" in out
    code, out, _ = run(capsys, "code", "merge", project, "telefontid", "ventetid_paa_svar",
                       "--coder", "bo")
    assert code == 0 and "1 codings moved, 0 duplicates collapsed" in out
    _, out, _ = run(capsys, "units", project, "fg1", "--json")
    assert [u["codings"][0]["code"] for u in json.loads(out) if u["codings"]] == [
        "contact_center", "ventetid_paa_svar"]
    code, _, err = run(capsys, "code", "retire", project, "ventetid_paa_svar", "--coder", "bo")
    assert code == 1 and err.startswith("kodebog: 'ventetid_paa_svar' still has 1 codings")
    assert run(capsys, "code", "retire", project, "rules_and_system", "--coder", "bo")[0] == 0
    assert "rules_and_system" not in codebook(capsys, project)

    code, out, _ = run(capsys, "undo", project, "--coder", "bo")
    assert code == 0 and "rules_and_system" in codebook(capsys, project)
    run(capsys, "undo", project, "--coder", "bo")  # the merge
    _, out, _ = run(capsys, "units", project, "fg1", "--json")
    assert [u["codings"][0]["code"] for u in json.loads(out) if u["codings"]] == [
        "contact_center", "telefontid"]

    code, out, _ = run(capsys, "codebook", "log", project, "--json")
    log = json.loads(out)
    assert [entry["by"] for entry in log[:3]] == ["bo", "bo", "bo"]
    assert log[0]["change"].startswith("undo: merged 'telefontid' into 'ventetid_paa_svar'")
    assert log[-1] == {**log[-1], "version": 1, "by": "anna"}


def test_a_stale_change_is_refused_naming_the_newer_version(
        project: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "code", "rename", project, "contact_center", "Kontakt",
               "--base-version", "1", "--coder", "bo")[0] == 0
    code, out, err = run(capsys, "code", "add", project, "--label", "Ny", "--base-version",
                         "1", "--coder", "anna")
    assert code == 1 and out == ""
    assert err == ("kodebog: add code: the codebook is now version 2 (by bo: renamed "
                   "'contact_center': Kontakt til jobcentret -> Kontakt), not version 1 that "
                   "you started from; look at their change and try again\n")


def test_exported_codebook_validates_and_starts_the_same_project(
        project: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "code", "add", project, "--label", "Ærlighed", "--key", "æ", "--example",
        "Hun var ærlig", "--coder", "bo")
    run(capsys, "code", "merge", project, "rules_and_system", "contact_center", "--coder", "bo")
    exported = tmp_path / "levende.yaml"
    code, out, _ = run(capsys, "codebook", "export", project, str(exported))
    assert (code, out) == (0, f"codebook version 3 written to {exported}\n")
    assert run(capsys, "codebook", "validate", str(exported))[0] == 0
    again = str(tmp_path / "again.kodebog")
    assert run(capsys, "init", again, "--codebook", str(exported), "--coder", "bo")[0] == 0
    assert codebook(capsys, again) == codebook(capsys, project) == exported.read_text("utf-8")

    code, _, err = run(capsys, "codebook", "export", project, str(exported))
    assert code == 1 and "exists; choose another file or pass --force" in err
