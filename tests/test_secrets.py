"""A database password never appears in crash output: the CLI's and Textual's (issue 13.5).

Each test provokes a bug (an exception that is not a ``KodebogError``) in a real process
opened on a PostgreSQL URL with a password, with the URL in the bug's message and in local
variables, and reads everything the process printed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from kodebog.store import secrets

from .conftest import ROOT

PASSWORD = "S3cretPw"

CLI_BUG = """
import sys
from kodebog.store import engine
from kodebog.cli import main

def buggy_store(self, url, **options):
    plain = url.render_as_string(hide_password=False)  # a local holding the password
    raise RuntimeError(f"bug while connecting to {plain}")

engine.Store.__init__ = buggy_store
sys.exit(main(sys.argv[1:]))
"""

TUI_BUG = """
import sys
from textual.app import App
from kodebog.cli import main
from kodebog.tui.app import KodebogApp

def buggy_mount(self):
    helper_args = (self.store.url.render_as_string(hide_password=False), "ann")
    settings = {"project": helper_args[0], "password": self.store.url.password}
    raise RuntimeError(f"bug: the helper cannot reach {helper_args[0]} ({settings})")

KodebogApp.on_mount = buggy_mount
KodebogApp.run = lambda self, **kw: App.run(self, headless=True)
sys.exit(main(sys.argv[1:]))
"""


def _secret_url(pg_url: str) -> str:
    return make_url(pg_url).set(password=PASSWORD).render_as_string(hide_password=False)


def _run(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + str(ROOT)}
    return subprocess.run([sys.executable, "-c", script, *args], capture_output=True,
                          text=True, env=env, timeout=120, cwd=ROOT)


@pytest.mark.pg
def test_a_bug_in_the_cli_prints_no_database_password(pg_url: str) -> None:
    url = _secret_url(pg_url)
    done = _run(CLI_BUG, "stats", url)
    printed = done.stdout + done.stderr
    assert done.returncode != 0
    assert "RuntimeError" in printed and "a bug in kodebog" in printed
    assert "postgres:***@127.0.0.1" in printed
    assert PASSWORD not in printed


@pytest.mark.pg
def test_a_bug_in_the_tui_prints_no_database_password(pg_url: str, tmp_path: Path) -> None:
    from kodebog.project import init_project

    from .conftest import SMALL_CODEBOOK

    codebook = tmp_path / "codebook.yaml"
    codebook.write_text(SMALL_CODEBOOK, encoding="utf-8")
    url = _secret_url(pg_url)
    init_project(url, codebook).dispose()
    done = _run(TUI_BUG, "open", url, "--coder", "ann")
    printed = done.stdout + done.stderr
    assert done.returncode != 0
    assert "RuntimeError" in printed and "a bug in kodebog" in printed
    assert "buggy_mount" in printed  # the traceback is there, for the bug report
    assert PASSWORD not in printed


def test_mask_hides_remembered_passwords_and_url_passwords() -> None:
    secrets.remember("Hemmelig/Kode")
    text = ("postgresql+psycopg://ann:x9y8z7@db/kb and {'password': 'Hemmelig/Kode'} "
            "and Hemmelig%2FKode")
    masked = secrets.mask(text)
    assert "x9y8z7" not in masked and "Hemmelig" not in masked
    assert masked.startswith("postgresql+psycopg://ann:***@db/kb")


@pytest.mark.pg
def test_init_with_a_password_in_the_url_prints_it_masked(
        pg_url: str, codebook_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kodebog.cli import main

    url = _secret_url(pg_url)
    assert main(["init", url, "--codebook", str(codebook_file)]) == 0
    printed = "".join(capsys.readouterr())
    assert "created postgresql+psycopg://postgres:***@127.0.0.1" in printed
    assert PASSWORD not in printed
