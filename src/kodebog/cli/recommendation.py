"""``kodebog recommendation add|edit|remove|list``: the report's numbered recommendations."""

from __future__ import annotations

import argparse

from kodebog.cli.common import Command, add_project, coder, print_json, project, usage
from kodebog.errors import ProjectError


def _codes(values: list[str] | None) -> list[str]:
    return [c.strip() for value in values or [] for c in value.split(",") if c.strip()]


def _show(number: int, title: str, codes: tuple[str, ...], text: str = "") -> str:
    themes = f"  [{', '.join(codes)}]" if codes else ""
    return f"Anbefaling {number}: {title}{themes}" + (f"\n    {text}" if text else "")


def cmd_add(args: argparse.Namespace) -> int:
    """Add a recommendation (last, or at --number)."""
    from kodebog.findings.recommendations import add_recommendation

    with project(args) as store:
        added = add_recommendation(store, coder(args), args.title, args.text or "",
                                   _codes(args.code), args.number)
    print(f"added {_show(added.number, added.title, added.codes)}")
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    """Change a recommendation's title, text, themes or number."""
    from kodebog.findings.recommendations import edit_recommendation

    if args.title is None and args.text is None and args.code is None and args.to is None:
        raise ProjectError("nothing to change: give --title, --text, --code or --to")
    with project(args) as store:
        edited = edit_recommendation(
            store, coder(args), args.number, title=args.title, text=args.text,
            codes=None if args.code is None else _codes(args.code), new_number=args.to)
    print(f"saved {_show(edited.number, edited.title, edited.codes)}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    """Remove a recommendation; the later ones move up."""
    from kodebog.findings.recommendations import remove_recommendation

    with project(args) as store:
        removed = remove_recommendation(store, coder(args), args.number)
    print(f"removed Anbefaling {removed.number}: {removed.title} (the later ones moved up)")
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
        print("no recommendations yet; add one with `kodebog recommendation add PROJECT "
              "--title ...`")
    return 0


def register(command: Command) -> None:
    """Add ``recommendation`` and its actions."""
    group = command("recommendation", lambda _a: usage(group),
                    "the report's numbered recommendations, each tied to themes")
    actions = group.add_subparsers(dest="recommendation_command", metavar="ACTION")

    sub = command("add", cmd_add, "add a recommendation (the next number, or --number N)",
                  actions)
    add_project(sub)
    sub.add_argument("--title", required=True, help="the recommendation in one line")
    sub.add_argument("--text", help="what it means in practice")
    sub.add_argument("--code", action="append", metavar="CODE[,CODE]",
                     help="a theme it answers (repeat, or comma-separated)")
    sub.add_argument("--number", type=int, metavar="N", help="place it as number N")
    sub.add_argument("--coder", help="your name (for the log)")

    sub = command("edit", cmd_edit, "change a recommendation", actions)
    add_project(sub)
    sub.add_argument("number", type=int, metavar="N", help="its number")
    sub.add_argument("--title", help="new title")
    sub.add_argument("--text", help="new text")
    sub.add_argument("--code", action="append", metavar="CODE[,CODE]",
                     help="the themes it answers (replaces them; --code '' for none)")
    sub.add_argument("--to", type=int, metavar="N", help="move it to number N")
    sub.add_argument("--coder", help="your name (for the log)")

    sub = command("remove", cmd_remove, "remove a recommendation", actions)
    add_project(sub)
    sub.add_argument("number", type=int, metavar="N", help="its number")
    sub.add_argument("--coder", help="your name (for the log)")

    sub = command("list", cmd_list, "list the recommendations", actions)
    add_project(sub)
    sub.add_argument("--json", action="store_true", help="print JSON")
