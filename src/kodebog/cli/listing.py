"""Looking at what a project holds: ``sources`` and ``units``."""

from __future__ import annotations

import argparse

from kodebog.cli.common import Command, add_project, print_json, project
from kodebog.i18n import _, formats
from kodebog.source_kinds import kind_name


def cmd_sources(args: argparse.Namespace) -> int:
    from kodebog.queries import list_sources

    with project(args) as store, store.read() as session:
        sources = list_sources(session, coder=args.coder)
    if args.json:
        print_json([s.to_dict() for s in sources])
        return 0
    if not sources:
        print(_("no sources yet; add some with `kodebog import PROJECT FILE`"))
        return 0
    heads = (_("source"), _("kind"), _("units"), _("words"), _("people"), _("coded"))
    width = max(len(heads[0]), *(len(s.name) for s in sources))
    print(f"{heads[0]:<{width}}  {heads[1]:<12} {heads[2]:>6} {heads[3]:>7} {heads[4]:>6} "
          f"{heads[5]:>6}")
    for s in sources:
        print(f"{s.name:<{width}}  {kind_name(s.kind):<12} {formats.number(s.units):>6} "
              f"{formats.number(s.words):>7} {formats.number(s.participants):>6} "
              f"{formats.percent(s.coded_share * 100, 0):>6}")
    return 0


def cmd_units(args: argparse.Namespace) -> int:
    from kodebog.queries import find_source, list_units

    with project(args) as store, store.read() as session:
        units = list_units(session, find_source(session, args.source), coder=args.coder,
                           all_coders=args.coder is None)
    if args.json:
        print_json([u.to_dict() for u in units])
        return 0
    for unit in units:
        who = unit.speaker or unit.participant or ""
        stamp = f"[{unit.timestamp}] " if unit.timestamp else ""
        codes = sorted({c.code for c in unit.codings})
        body = unit.text.replace("\n", "\n      ")
        print(f"{unit.ordinal:>4}  {stamp}{who}{': ' if who else ''}{body}")
        if codes:
            print("      " + _("codes: {codes}").format(codes=", ".join(codes)))
    return 0


def register(command: Command) -> None:
    """Add ``sources`` and ``units``."""
    sub = command("sources", cmd_sources, _("list the project's sources"))
    add_project(sub)
    sub.add_argument("--coder", help=_("count coded units of this coder only"))
    sub.add_argument("--json", action="store_true", help=_("print JSON"))

    sub = command("units", cmd_units, _("list a source's units and codings"))
    add_project(sub)
    sub.add_argument("source", metavar="SOURCE")
    sub.add_argument("--coder", help=_("show this coder's codings only"))
    sub.add_argument("--json", action="store_true", help=_("print JSON"))
