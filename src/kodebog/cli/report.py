"""What the project says: ``stats``, ``finding`` (the analyst's statement) and ``export``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from kodebog.cli.common import Command, add_project, print_json, project
from kodebog.errors import ProjectError
from kodebog.export import EXPORTERS


def cmd_stats(args: argparse.Namespace) -> int:
    from kodebog.queries import project_stats

    with project(args) as store, store.read() as session:
        stats = project_stats(session)
    if args.json:
        print_json(stats.to_dict())
        return 0
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(stats.by_kind.items()))
    print(f"sources      {stats.sources}" + (f" ({kinds})" if kinds else ""))
    print(f"participants {stats.participants}")
    print(f"units        {stats.units}")
    print(f"words        {stats.words}")
    print(f"codes        {stats.codes}")
    print(f"coders       {', '.join(stats.coders) or '-'}")
    print(f"codings      {stats.codings} on {stats.coded_units} units")
    if stats.codings:
        width = max(len(row["code"]) for row in stats.by_code)
        for row in stats.by_code:
            coders = ", ".join(f"{c} {n}" for c, n in sorted(row["by_coder"].items()))
            print(f"  {row['code']:<{width}} {row['units']:>5} units  {coders}")
    return 0


def parse_where(values: Sequence[str]) -> dict[str, str]:
    """``ATTR=VALUE`` options as a dict; ProjectError for a malformed or repeated one."""
    where: dict[str, str] = {}
    for value in values:
        key, sep, wanted = value.partition("=")
        key, wanted = key.strip(), wanted.strip()
        if not sep or not key or not wanted:
            raise ProjectError(f"--where {value}: write it as ATTR=VALUE, e.g. "
                               "--where ydelsesgruppe=dagpenge or --where role=borger")
        if key in where:
            raise ProjectError(f"--where {key}: give each attribute once")
        where[key] = wanted
    return where


def cmd_finding(args: argparse.Namespace) -> int:
    """Set the analyst's finding statement for a code."""
    from kodebog.findings import set_finding
    from kodebog.settings import default_coder
    from kodebog.store import open_project

    text = args.text.strip()
    if not text:
        raise ProjectError("--text is empty; write the finding for the theme")
    store = open_project(args.project)
    try:
        change = set_finding(store, args.code, text, args.coder or default_coder(),
                             quotes=args.quote, base_version=args.base_version)
    finally:
        store.dispose()
    print(f"{change.code}: finding {'written' if change.created else 'updated'} "
          f"(version {change.version})")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Export findings or codings to a file."""
    from kodebog.export import ExportOptions, export, format_for
    from kodebog.store import open_project

    if args.quotes < 0:
        raise ProjectError(f"--quotes {args.quotes}: give 0 or more")
    output = Path(args.output).expanduser()
    fmt = format_for(output, args.format)
    given = [f"--{name.replace('_', '-')}" for name in ("offsets", "line_endings")
             if getattr(args, name) is not None]
    if given and fmt != "qdpx":
        verb = "applies" if len(given) == 1 else "apply"
        raise ProjectError(f"{' and '.join(given)} {verb} only to a .qdpx export, not {fmt}")
    options = ExportOptions(
        coder=args.coder, codes=tuple(args.code or ()), sources=tuple(args.source or ()),
        where=parse_where(args.where or ()), quotes=args.quotes,
        allow_personal_data=args.allow_personal_data,
        offsets=args.offsets or "codepoints", line_endings=args.line_endings or "lf",
    )
    store = open_project(args.project)
    try:
        print(export(store, output, options, fmt))
    finally:
        store.dispose()
    return 0


def register(command: Command) -> None:
    """Add ``stats``, ``finding`` and ``export``."""
    sub = command("stats", cmd_stats, "counts of sources, units and codings")
    add_project(sub)
    sub.add_argument("--json", action="store_true", help="print JSON")

    sub = command(
        "finding", cmd_finding, "write (or rewrite) the finding for a theme")
    add_project(sub)
    sub.add_argument("code", metavar="CODE", help="code id")
    sub.add_argument("--text", required=True, help="the finding, in the report's words")
    sub.add_argument("--quote", type=int, action="append", metavar="CODING_ID",
                     help="pin a coding as quote, first in the export (repeat; ids from "
                          "`kodebog units --json`)")
    sub.add_argument("--coder", help="your name as analyst (for the log)")
    sub.add_argument("--base-version", type=int, metavar="N",
                     help="refuse if the stored finding is no longer version N (0: none yet)")

    sub = command("export", cmd_export,
                  "export findings (md, docx, html, json), codings (xlsx, csv) or the "
                  "project for other QDA tools (qdpx, qdc)")
    add_project(sub)
    sub.add_argument("--format", choices=sorted(EXPORTERS),
                     help="output format (default: from the --output suffix)")
    sub.add_argument("--output", "-o", required=True, metavar="PATH", help="file to write")
    sub.add_argument("--coder", help="only this coder's codings (default: all coders, "
                                     "one count per unit and code)")
    sub.add_argument("--code", nargs="+", action="extend", metavar="C",
                     help="only these codes")
    sub.add_argument("--source", nargs="+", action="extend", metavar="S",
                     help="only these sources")
    sub.add_argument("--where", nargs="+", action="extend", metavar="ATTR=VALUE",
                     help="only participants with this attribute value (or role=borger)")
    sub.add_argument("--quotes", type=int, default=5, metavar="N",
                     help="quotes per theme in reports (default 5)")
    sub.add_argument("--allow-personal-data", action="store_true",
                     help="export even if quotes contain phone numbers, e-mails or CPR numbers")
    sub.add_argument("--offsets", choices=("codepoints", "utf16"),
                     help="qdpx: what positions count, as the target tool does (default "
                          "codepoints; utf16 for NVivo)")
    sub.add_argument("--line-endings", choices=("lf", "crlf"),
                     help="qdpx: line breaks of the sources' text files (default lf; crlf "
                          "for MAXQDA)")
