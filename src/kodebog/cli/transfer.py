"""Moving a project: ``copy`` (to a new file or database) and ``backup``."""

from __future__ import annotations

import argparse

from kodebog.cli.common import Command, add_project


def cmd_copy(args: argparse.Namespace) -> int:
    from kodebog.store.engine import safe_url
    from kodebog.transfer import copy_project

    result = copy_project(args.source, args.target)
    rows = ", ".join(f"{n} {t}" for t, n in result.counts.items() if n)
    print(f"copied to {safe_url(result.target) if '://' in result.target else result.target}")
    print(f"rows: {rows}")
    print(f"content sha256 {result.sha256} (same on both sides)")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from kodebog.transfer import backup_project

    result = backup_project(args.project, args.destination)
    print(f"backup written to {result.target}: {sum(result.counts.values())} rows, "
          f"content sha256 {result.sha256}")
    return 0


def register(command: Command) -> None:
    """Add ``copy`` and ``backup``."""
    sub = command("copy", cmd_copy, "copy a project to a new file or database, verified")
    sub.add_argument("source", metavar="SOURCE_PROJECT")
    sub.add_argument("target", metavar="TARGET", help="new project file or database URL")

    sub = command("backup", cmd_backup, "a consistent copy of a project while coders work")
    add_project(sub)
    sub.add_argument("destination", metavar="DEST", help="new backup file (or database URL)")
