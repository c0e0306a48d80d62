"""``kodebog code ...`` (the living codebook) and ``kodebog codebook export|log``."""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kodebog.cli.common import Command, add_project, coder, print_json, project, usage
from kodebog.errors import ProjectError
from kodebog.i18n import _

if TYPE_CHECKING:
    from kodebog.codes import CodebookChange


def _done(change: CodebookChange) -> int:
    print(_("{message}; codebook version {version} stored (`kodebog undo` takes it back)")
          .format(message=change.message, version=change.version_id))
    return 0


def _lists(args: argparse.Namespace) -> dict[str, list[str] | None]:
    """The repeatable list options; one empty value clears a list."""
    return {
        name: [value for value in values if value.strip()] if values is not None else None
        for name, values in (
            ("include", args.include), ("exclude", args.exclude),
            ("examples", args.example), ("keywords", args.keyword),
            ("exclude_keywords", args.exclude_keyword),
        )
    }


def cmd_code_add(args: argparse.Namespace) -> int:
    from kodebog.codes import add_code

    lists = {name: value or [] for name, value in _lists(args).items()}
    with project(args) as store:
        change = add_code(store, coder(args), args.label, args.id, parent=args.parent,
                          key=args.key, color=args.color, description=args.description or "",
                          base_version=args.base_version, **lists)
    return _done(change)


def cmd_code_rename(args: argparse.Namespace) -> int:
    from kodebog.codes import rename_code

    with project(args) as store:
        return _done(rename_code(store, coder(args), args.id, args.label,
                                 base_version=args.base_version))


def cmd_code_edit(args: argparse.Namespace) -> int:
    from kodebog.codes import CodeEdit, edit_code

    edit = CodeEdit(label=args.label, description=args.description, color=args.color,
                    key=args.key, **_lists(args))
    with project(args) as store:
        return _done(edit_code(store, coder(args), args.id, edit,
                               base_version=args.base_version))


def cmd_code_move(args: argparse.Namespace) -> int:
    from kodebog.codes import move_code

    with project(args) as store:
        return _done(move_code(store, coder(args), args.id, None if args.top else args.parent,
                               base_version=args.base_version))


def cmd_code_merge(args: argparse.Namespace) -> int:
    from kodebog.codes import merge_codes

    with project(args) as store:
        return _done(merge_codes(store, coder(args), args.source, args.target,
                                 description=args.description,
                                 base_version=args.base_version))


def _units(value: str) -> tuple[str, list[int]]:
    source, _colon, numbers = value.rpartition(":")
    try:
        ordinals = [int(n) for n in numbers.split(",") if n.strip()]
    except ValueError:
        ordinals = []
    if not source or not ordinals:
        raise ProjectError(_("--units {value}: write SOURCE:N[,N...], e.g. --units fg1:3,7")
                           .format(value=value))
    return source, ordinals


def cmd_code_split(args: argparse.Namespace) -> int:
    from kodebog.codes import codings_on_units, split_code

    with project(args) as store:
        coding_ids: list[int] = []
        with store.read() as session:
            for value in args.units:
                source, ordinals = _units(value)
                coding_ids += codings_on_units(session, args.id, source, ordinals)
        if not coding_ids:
            raise ProjectError(_("'{code}' has no codings on {units}").format(
                code=args.id, units=", ".join(args.units)))
        return _done(split_code(store, coder(args), args.id, args.new_id, coding_ids,
                                label=args.label, base_version=args.base_version))


def cmd_code_retire(args: argparse.Namespace) -> int:
    from kodebog.codes import retire_code

    with project(args) as store:
        return _done(retire_code(store, coder(args), args.id, base_version=args.base_version))


def cmd_codebook_export(args: argparse.Namespace) -> int:
    from kodebog.codebook import dump_codebook
    from kodebog.codebook_live import latest_version, live_codebook

    target = Path(args.file)
    if target.exists() and not args.force:
        raise ProjectError(_("{path} exists; choose another file or pass --force to replace "
                             "it").format(path=target))
    if not target.parent.is_dir():
        raise ProjectError(_("{path}: no such folder").format(path=target.parent))
    with project(args) as store, store.read() as session:
        text = dump_codebook(live_codebook(session))
        version = latest_version(session).id
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    print(_("codebook version {version} written to {path}").format(version=version,
                                                                   path=target))
    return 0


def cmd_codebook_log(args: argparse.Namespace) -> int:
    from kodebog.codebook_live import codebook_log

    with project(args) as store, store.read() as session:
        versions = codebook_log(session)
    if args.json:
        print_json([{"version": v.id, "at": v.at.isoformat(), "by": v.by, "change": v.change}
                    for v in versions])
        return 0
    for v in versions:
        print(f"{v.id}\t{v.at:%Y-%m-%d %H:%M}\t{v.by or '-'}\t{v.change}")
    return 0


def _common(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--coder", help=_("your name as coder (the change is yours to undo)"))
    sub.add_argument("--base-version", type=int, metavar="N",
                     help=_("refuse if the project's codebook is no longer version N"))


def _definition(sub: argparse.ArgumentParser, *, edit: bool) -> None:
    sub.add_argument("--description", metavar="TEXT", help=_("the code's definition"))
    removes = " " + _("('' removes it)") if edit else ""
    sub.add_argument("--color", metavar="#RRGGBB", help=_("its colour") + removes)
    sub.add_argument("--key", metavar="K", help=_("its hotkey: a-z, æ, ø, å or 0-9") + removes)
    what = " " + (_("(repeat; replaces the list, '' empties it)") if edit else _("(repeat)"))
    for flag, text in (("--include", _("what belongs")), ("--exclude", _("what does not belong")),
                       ("--example", _("a typical quote")),
                       ("--keyword", _("a word that suggests the code")),
                       ("--exclude-keyword", _("a word that stops a suggestion"))):
        sub.add_argument(flag, action="append", metavar="TEXT", help=text + what)


def register(command: Command) -> None:
    """Add ``code add|rename|edit|move|merge|split|retire``."""
    group = command("code", lambda _a: usage(group), _("change the project's codebook: add, "
                    "rename, edit, move, merge, split or retire a code"))
    actions: Any = group.add_subparsers(dest="code_command", metavar="ACTION")

    sub = command("add", cmd_code_add, _("add a code (its id is made from the label when left "
                  "out)"), actions)
    add_project(sub)
    sub.add_argument("id", metavar="ID", nargs="?", help=_("the new code's id (a-z, 0-9, _)"))
    sub.add_argument("--label", required=True, metavar="TEXT", help=_("the name people see"))
    sub.add_argument("--parent", metavar="ID", help=_("put it under this code"))
    _definition(sub, edit=False)
    _common(sub)

    sub = command("rename", cmd_code_rename, _("give a code a new label (its id stays)"), actions)
    add_project(sub)
    sub.add_argument("id", metavar="ID")
    sub.add_argument("label", metavar="LABEL", help=_("the new label"))
    _common(sub)

    sub = command("edit", cmd_code_edit, _("change a code's label, definition, lists, colour "
                  "or hotkey"), actions)
    add_project(sub)
    sub.add_argument("id", metavar="ID")
    sub.add_argument("--label", metavar="TEXT", help=_("a new label"))
    _definition(sub, edit=True)
    _common(sub)

    sub = command("move", cmd_code_move, _("put a code (and its sub-codes) under another code"),
                  actions)
    add_project(sub)
    sub.add_argument("id", metavar="ID")
    where = sub.add_mutually_exclusive_group(required=True)
    where.add_argument("--parent", metavar="ID", help=_("the new parent"))
    where.add_argument("--top", action="store_true", help=_("to the top level"))
    _common(sub)

    sub = command("merge", cmd_code_merge, _("merge code FROM into INTO: its codings follow, "
                  "duplicates collapse, FROM stays as an alias"), actions)
    add_project(sub)
    sub.add_argument("source", metavar="FROM")
    sub.add_argument("target", metavar="INTO")
    sub.add_argument("--description", metavar="TEXT", help=_("a new definition for INTO"))
    _common(sub)

    sub = command("split", cmd_code_split, _("move a code's codings on chosen units to a new "
                  "code"), actions)
    add_project(sub)
    sub.add_argument("id", metavar="ID")
    sub.add_argument("new_id", metavar="NEW_ID")
    sub.add_argument("--units", action="append", required=True, metavar="SOURCE:N[,N...]",
                     help=_("units whose codings of ID go to NEW_ID (repeat for more sources)"))
    sub.add_argument("--label", metavar="TEXT", help=_("the new code's label"))
    _common(sub)

    sub = command("retire", cmd_code_retire, _("take an unused code out of the codebook"),
                  actions)
    add_project(sub)
    sub.add_argument("id", metavar="ID")
    _common(sub)


def register_codebook(command: Command, actions: Any) -> None:
    """Add ``codebook export`` and ``codebook log`` to the ``codebook`` group."""
    sub = command("export", cmd_codebook_export, _("write the project's living codebook as a "
                  "YAML file (for `codebook validate`, `init`, sharing)"), actions)
    add_project(sub)
    sub.add_argument("file", metavar="FILE.yaml")
    sub.add_argument("--force", action="store_true", help=_("replace FILE if it exists"))
    sub = command("log", cmd_codebook_log, _("list the codebook's versions: when, who, what"),
                  actions)
    add_project(sub)
    sub.add_argument("--json", action="store_true", help=_("print JSON"))
