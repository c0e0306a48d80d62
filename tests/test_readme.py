"""The README's quick start: two commands, the second exactly what CI runs."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def quick_start_commands() -> list[str]:
    """The shell commands in the README's quick start, in order."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0].split("\n---", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, re.S)]


def test_quick_start_is_two_commands_install_and_open_then_install_and_test() -> None:
    first, second = quick_start_commands()
    assert "\n" not in first and "\n" not in second
    assert first.startswith("python3 -m venv .venv && ") and first.endswith("kodebog demo")
    assert second.startswith("python3 -m venv .venv && ") and "pytest" in second


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    commands = [line for line in ci if line and not line.startswith(("#", " "))]
    assert quick_start_commands()[1] == commands[-1]


def test_ci_requires_postgresql_and_hides_no_failed_start() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "export KODEBOG_REQUIRE_PG=1" in ci
    assert "|| true" not in ci


def test_no_test_reads_outside_the_repository() -> None:
    """The suite passes in a clone with nothing beside it: no path climbs out of the repo."""
    offenders = []
    for path in (ROOT / "tests").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"""["']shared["']|/ *["']\.\.["'] */""", text):
            offenders.append(path.relative_to(ROOT).as_posix())
    assert offenders == []
