"""Coding from the command line: ``tag``, ``untag``, ``memo``, ``done``, ``undo``, ``redo``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from kodebog.cli.common import Command, add_project, coder, project, span
from kodebog.i18n import _

if TYPE_CHECKING:
    from kodebog.store import Store


def _unit_id(store: Store, source: str, ordinal: int) -> int:
    from kodebog.queries import find_source, find_unit

    with store.read() as session:
        return find_unit(session, find_source(session, source), ordinal).id


def cmd_tag(args: argparse.Namespace) -> int:
    from kodebog.coding import apply_code

    with project(args) as store:
        unit_id = _unit_id(store, args.source, args.unit)
        change = apply_code(store, coder(args), unit_id, args.code, span(args.span),
                            memo=args.memo, key_quote=True if args.key_quote else None,
                            valence=args.valence)
    print(_("{source} unit {unit}: {code} {message}").format(
        source=args.source, unit=args.unit, code=args.code, message=change.message))
    return 0


def cmd_untag(args: argparse.Namespace) -> int:
    from kodebog.coding import remove_code

    with project(args) as store:
        unit_id = _unit_id(store, args.source, args.unit)
        change = remove_code(store, coder(args), unit_id, args.code, span(args.span))
    print(_("{source} unit {unit}: {code} {message}").format(
        source=args.source, unit=args.unit, code=args.code, message=change.message))
    return 0


def cmd_memo(args: argparse.Namespace) -> int:
    from kodebog.coding import set_unit_memo

    with project(args) as store:
        unit_id = _unit_id(store, args.source, args.unit)
        set_unit_memo(store, coder(args), unit_id, args.text)
    said = (_("{source} unit {unit}: memo saved") if args.text
            else _("{source} unit {unit}: memo cleared"))
    print(said.format(source=args.source, unit=args.unit))
    return 0


def cmd_done(args: argparse.Namespace) -> int:
    from kodebog.coding import mark_source_done
    from kodebog.queries import find_source

    with project(args) as store:
        with store.read() as session:
            source = find_source(session, args.source)
        change = mark_source_done(store, coder(args), source.id, done=not args.undo)
    if not change.event_id:
        print(f"{source.name}: {change.message}")
    elif args.undo:
        print(_("{source}: marked not done").format(source=source.name))
    else:
        print(_("{source}: marked done").format(source=source.name))
    return 0


def _undo_redo(args: argparse.Namespace, step: str) -> int:
    from kodebog import coding

    with project(args) as store:
        change = coding.undo(store, coder(args)) if step == "undo" else coding.redo(
            store, coder(args))
    print(change.message)
    return 0


def cmd_undo(args: argparse.Namespace) -> int:
    return _undo_redo(args, "undo")


def cmd_redo(args: argparse.Namespace) -> int:
    return _undo_redo(args, "redo")


def register(command: Command) -> None:
    """Add ``tag``, ``untag``, ``memo``, ``done``, ``undo`` and ``redo``."""
    for name, handler, text in (("tag", cmd_tag, _("apply a code to a unit or a span of it")),
                                ("untag", cmd_untag, _("remove a code from a unit"))):
        sub = command(name, handler, text)
        add_project(sub)
        sub.add_argument("source", metavar="SOURCE")
        sub.add_argument("unit", metavar="UNIT", type=int, help=_("unit number in the source"))
        sub.add_argument("code", metavar="CODE", help=_("code id"))
        sub.add_argument("--span", metavar="START:END",
                         help=_("characters inside the unit (0-based, END exclusive)"))
        sub.add_argument("--coder", help=_("your name as coder"))
        if name == "tag":
            sub.add_argument("--memo", help=_("a memo on the coding"))
            sub.add_argument("--key-quote", action="store_true", help=_("mark as key quote"))
            sub.add_argument("--valence", choices=("positive", "negative", "mixed", "none"),
                             help=_("what the coding tells: works well, less well, both, or "
                                    "nothing said (on an existing coding it sets the "
                                    "valence)"))

    sub = command("memo", cmd_memo, _("write (or with an empty text, clear) a memo on a unit"))
    add_project(sub)
    sub.add_argument("source", metavar="SOURCE")
    sub.add_argument("unit", metavar="UNIT", type=int)
    sub.add_argument("text", metavar="TEXT")
    sub.add_argument("--coder", help=_("your name as coder"))

    sub = command("done", cmd_done, _("mark a source as fully coded by you (agreement uses it)"))
    add_project(sub)
    sub.add_argument("source", metavar="SOURCE")
    sub.add_argument("--undo", action="store_true", help=_("remove the mark"))
    sub.add_argument("--coder", help=_("your name as coder"))

    for name, handler, text in (("undo", cmd_undo, _("undo your last coding action")),
                                ("redo", cmd_redo, _("redo your last coding action"))):
        sub = command(name, handler, text)
        add_project(sub)
        sub.add_argument("--coder", help=_("your name as coder"))
