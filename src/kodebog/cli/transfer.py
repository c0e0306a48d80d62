"""Moving a project: ``copy`` (to a new file or database) and ``backup``."""

from __future__ import annotations

import argparse

from kodebog.cli.common import Command, add_project
from kodebog.i18n import _, formats


def cmd_copy(args: argparse.Namespace) -> int:
    from kodebog.store.engine import safe_url
    from kodebog.transfer import copy_project

    result = copy_project(args.source, args.target)
    rows = ", ".join(f"{formats.number(n)} {t}" for t, n in result.counts.items() if n)
    target = safe_url(result.target) if "://" in result.target else result.target
    print(_("copied to {target}").format(target=target))
    print(_("rows: {rows}").format(rows=rows))
    print(_("content sha256 {sha256} (same on both sides)").format(sha256=result.sha256))
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from kodebog.store.secrets import mask
    from kodebog.transfer import backup_project

    result = backup_project(args.project, args.destination)
    print(_("backup written to {target}: {rows} rows, content sha256 {sha256}").format(
        target=mask(result.target), rows=formats.number(sum(result.counts.values())),
        sha256=result.sha256))
    return 0


def register(command: Command) -> None:
    """Add ``copy`` and ``backup``."""
    sub = command("copy", cmd_copy, _("copy a project to a new file or database, verified"))
    sub.add_argument("source", metavar="SOURCE_PROJECT")
    sub.add_argument("target", metavar="TARGET", help=_("new project file or database URL"))

    sub = command("backup", cmd_backup, _("a consistent copy of a project while coders work"))
    add_project(sub)
    sub.add_argument("destination", metavar="DEST", help=_("new backup file (or database URL)"))
