"""``kodebog recommendation add|edit|remove|list``: the report's numbered recommendations."""

from __future__ import annotations

import argparse

from kodebog.cli.common import Command, add_project, coder, print_json, project, usage
from kodebog.errors import ProjectError
from kodebog.i18n import _


def _codes(values: list[str] | None) -> list[str]:
    return [c.strip() for value in values or [] for c in value.split(",") if c.strip()]


def _show(number: int, title: str, codes: tuple[str, ...], text: str = "") -> str:
    themes = f"  [{', '.join(codes)}]" if codes else ""
    shown = _("Recommendation {number}: {title}").format(number=number, title=title)
    return shown + themes + (f"\n    {text}" if text else "")


def cmd_add(args: argparse.Namespace) -> int:
    """Add a recommendation (last, or at --number)."""
    from kodebog.findings.recommendations import add_recommendation

    with project(args) as store:
        added = add_recommendation(store, coder(args), args.title, args.text or "",
                                   _codes(args.code), args.number)
    print(_("added {recommendation}").format(
        recommendation=_show(added.number, added.title, added.codes)))
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    """Change a recommendation's title, text, themes or number."""
    from kodebog.findings.recommendations import edit_recommendation

    if args.title is None and args.text is None and args.code is None and args.to is None:
        raise ProjectError(_("nothing to change: give --title, --text, --code or --to"))
    with project(args) as store:
        edited = edit_recommendation(
            store, coder(args), args.number, title=args.title, text=args.text,
            codes=None if args.code is None else _codes(args.code), new_number=args.to)
    print(_("saved {recommendation}").format(
        recommendation=_show(edited.number, edited.title, edited.codes)))
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    """Remove a recommendation; the later ones move up."""
    from kodebog.findings.recommendations import remove_recommendation

    with project(args) as store:
        removed = remove_recommendation(store, coder(args), args.number)
    print(_("removed {recommendation} (the later ones moved up)").format(
        recommendation=_show(removed.number, removed.title, ())))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    """List the recommendations in number order."""
    from kodebog.findings.recommendations import list_recommendations

    with project(args) as store, store.read() as session:
        found = list_recommendations(session)
    if args.json:
        print_json([r.to_dict() for r in found])
        return 0
    for rec in found:
        print(_show(rec.number, rec.title, rec.codes, " ".join(rec.text.split())))
    if not found:
        print(_("no recommendations yet; add one with `kodebog recommendation add PROJECT "
              "--title ...`"))
    return 0


def register(command: Command) -> None:
    """Add ``recommendation`` and its actions."""
    group = command("recommendation", lambda _a: usage(group),
                    _("the report's numbered recommendations, each tied to themes"))
    actions = group.add_subparsers(dest="recommendation_command", metavar="ACTION")

    sub = command("add", cmd_add, _("add a recommendation (the next number, or --number N)"),
                  actions)
    add_project(sub)
    sub.add_argument("--title", required=True, help=_("the recommendation in one line"))
    sub.add_argument("--text", help=_("what it means in practice"))
    sub.add_argument("--code", action="append", metavar="CODE[,CODE]",
                     help=_("a theme it answers (repeat, or comma-separated)"))
    sub.add_argument("--number", type=int, metavar="N", help=_("place it as number N"))
    sub.add_argument("--coder", help=_("your name (for the log)"))

    sub = command("edit", cmd_edit, _("change a recommendation"), actions)
    add_project(sub)
    sub.add_argument("number", type=int, metavar="N", help=_("its number"))
    sub.add_argument("--title", help=_("new title"))
    sub.add_argument("--text", help=_("new text"))
    sub.add_argument("--code", action="append", metavar="CODE[,CODE]",
                     help=_("the themes it answers (replaces them; --code '' for none)"))
    sub.add_argument("--to", type=int, metavar="N", help=_("move it to number N"))
    sub.add_argument("--coder", help=_("your name (for the log)"))

    sub = command("remove", cmd_remove, _("remove a recommendation"), actions)
    add_project(sub)
    sub.add_argument("number", type=int, metavar="N", help=_("its number"))
    sub.add_argument("--coder", help=_("your name (for the log)"))

    sub = command("list", cmd_list, _("list the recommendations"), actions)
    add_project(sub)
    sub.add_argument("--json", action="store_true", help=_("print JSON"))
