"""What the project says: ``stats``, ``finding`` (the analyst's statement) and ``export``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kodebog.cli.common import Command, add_project, print_json, project
from kodebog.errors import ProjectError
from kodebog.export import EXPORTERS
from kodebog.i18n import LANGUAGES, _, formats, ngettext, translate
from kodebog.source_kinds import kind_name

if TYPE_CHECKING:
    from kodebog.store import Store


def cmd_stats(args: argparse.Namespace) -> int:
    from kodebog.queries import project_stats

    coders = parse_coders(args.coders)
    if coders and not args.agreed:
        raise ProjectError(_("--coders chooses the coders of the agreed coding; add --agreed"))
    agreed = None
    with project(args) as store, store.read() as session:
        if args.agreed:
            from kodebog.agreed import agreed_stats

            stats, agreed = agreed_stats(session, coders)
        else:
            stats = project_stats(session)
    if args.json:
        data = stats.to_dict()
        if agreed is not None:
            data["agreed"] = {"coders": list(agreed.coders), "rule": agreed.rule,
                              **agreed.counts()}
        print_json(data)
        return 0
    number = formats.number
    kinds = ", ".join(f"{number(n)} {kind_name(k)}" for k, n in sorted(stats.by_kind.items()))
    lines = [(_("sources"), number(stats.sources) + (f" ({kinds})" if kinds else "")),
             (_("participants"), number(stats.participants)),
             (_("units"), number(stats.units)),
             (_("words"), number(stats.words)),
             (_("codes"), number(stats.codes)),
             (_("coders"), ", ".join(stats.coders) or "-"),
             (_("codings"), _("{codings} on {units} units").format(
                 codings=number(stats.codings), units=number(stats.coded_units)))]
    width = max(12, *(len(label) for label, _value in lines))
    for label, value in lines:
        print(f"{label:<{width}} {value}")
    if stats.codings:
        width = max(len(row["code"]) for row in stats.by_code)
        for row in stats.by_code:
            who = ", ".join(f"{c} {number(n)}" for c, n in sorted(row["by_coder"].items()))
            units = ngettext("{n} unit", "{n} units", row["units"]).format(
                n=f"{number(row['units']):>5}")
            print(f"  {row['code']:<{width}} {units:<13} {who}".rstrip())
    if agreed is not None:
        print(agreed.describe())
        print(_("rule: {rule}").format(rule=translate(agreed.rule)))
    return 0


def parse_where(values: Sequence[str]) -> dict[str, str]:
    """``ATTR=VALUE`` options as a dict; ProjectError for a malformed or repeated one."""
    where: dict[str, str] = {}
    for value in values:
        key, sep, wanted = value.partition("=")
        key, wanted = key.strip(), wanted.strip()
        if not sep or not key or not wanted:
            raise ProjectError(_("--where {value}: write it as ATTR=VALUE, e.g. --where "
                                 "ydelsesgruppe=dagpenge or --where role=borger").format(
                                     value=value))
        if key in where:
            raise ProjectError(_("--where {key}: give each attribute once").format(key=key))
        where[key] = wanted
    return where


def cmd_finding(args: argparse.Namespace) -> int:
    """Set the analyst's finding statement for a code."""
    from kodebog.findings import set_finding
    from kodebog.settings import default_coder
    from kodebog.store import open_project

    text = args.text.strip()
    if not text:
        raise ProjectError(_("--text is empty; write the finding for the theme"))
    store = open_project(args.project)
    try:
        change = set_finding(store, args.code, text, args.coder or default_coder(),
                             quotes=args.quote, base_version=args.base_version)
    finally:
        store.dispose()
    said = (_("{code}: finding written (version {version})") if change.created
            else _("{code}: finding updated (version {version})"))
    print(said.format(code=change.code, version=change.version))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Export findings or codings to a file."""
    from kodebog.export import ExportOptions, export, format_for
    from kodebog.store import open_project

    if args.quotes < 0:
        raise ProjectError(_("--quotes {value}: give 0 or more").format(value=args.quotes))
    coders = parse_coders(args.coders)
    if coders and not args.agreed:
        raise ProjectError(_("--coders chooses the coders of the agreed coding; add --agreed "
                           "(or use --coder NAME for one coder's codings)"))
    output = Path(args.output).expanduser()
    fmt = format_for(output, args.format)
    given = [f"--{name.replace('_', '-')}" for name in ("offsets", "line_endings")
             if getattr(args, name) is not None]
    if given and fmt != "qdpx":
        raise ProjectError(ngettext("{options} applies only to a .qdpx export, not {format}",
                                    "{options} apply only to a .qdpx export, not {format}",
                                    len(given)).format(options=" / ".join(given), format=fmt))
    options = ExportOptions(
        coder=args.coder, codes=tuple(args.code or ()), sources=tuple(args.source or ()),
        where=parse_where(args.where or ()), quotes=args.quotes,
        allow_personal_data=args.allow_personal_data,
        offsets=args.offsets or "codepoints", line_endings=args.line_endings or "lf",
        agreed=args.agreed, agreed_coders=coders, publish=args.publish,
        threshold=args.threshold, memos=args.memos,
        template=Path(args.template).expanduser() if args.template else None,
        lang=args.report_lang,
    )
    if args.template and fmt != "docx":
        raise ProjectError(_("--template is for Word reports; {path} is {format}").format(
            path=output, format=fmt))
    store = open_project(args.project)
    try:
        print(export(store, output, options, fmt))
        if args.agreed:
            print_agreed(store, coders)
    finally:
        store.dispose()
    return 0


def parse_coders(value: str | None) -> tuple[str, ...]:
    """``--coders anna,bo`` as a tuple of names (empty when not given)."""
    return tuple(n.strip() for n in (value or "").split(",") if n.strip())


def print_agreed(store: Store, coders: Sequence[str]) -> None:
    """Print what the agreed coding holds and the rule it follows."""
    from kodebog.agreed import agreed_coding

    with store.read() as session:
        agreed = agreed_coding(session, coders)
    print(agreed.describe())
    print(_("rule: {rule}").format(rule=translate(agreed.rule)))


def add_agreed(parser: argparse.ArgumentParser) -> None:
    """``--agreed`` and ``--coders`` on a command that counts codings."""
    parser.add_argument("--agreed", action="store_true",
                        help=_("count the agreed coding: agreements of the coders, settled "
                             "disputes (the consensus coder's decisions) and single-coder "
                             "material; unsettled disputes are left out and flagged"))
    parser.add_argument("--coders", metavar="A,B",
                        help=_("with --agreed: the coders to agree (default: every coder but "
                             "the consensus coder)"))


def register(command: Command) -> None:
    """Add ``stats``, ``finding`` and ``export``."""
    sub = command("stats", cmd_stats, _("counts of sources, units and codings"))
    add_project(sub)
    sub.add_argument("--json", action="store_true", help=_("print JSON"))
    add_agreed(sub)

    sub = command(
        "finding", cmd_finding, _("write (or rewrite) the finding for a theme"))
    add_project(sub)
    sub.add_argument("code", metavar="CODE", help=_("code id"))
    sub.add_argument("--text", required=True, help=_("the finding, in the report's words"))
    sub.add_argument("--quote", type=int, action="append", metavar="CODING_ID",
                     help=_("pin a coding as quote, first in the export (repeat; ids from "
                          "`kodebog units --json`)"))
    sub.add_argument("--coder", help=_("your name as analyst (for the log)"))
    sub.add_argument("--base-version", type=int, metavar="N",
                     help=_("refuse if the stored finding is no longer version N (0: none yet)"))

    sub = command("export", cmd_export,
                  _("export findings (md, docx, html, json), codings (xlsx, csv) or the "
                  "project for other QDA tools (qdpx, qdc)"))
    add_project(sub)
    sub.add_argument("--format", choices=sorted(EXPORTERS),
                     help=_("output format (default: from the --output suffix)"))
    sub.add_argument("--output", "-o", required=True, metavar="PATH", help=_("file to write"))
    sub.add_argument("--coder", help=_("only this coder's codings (default: all coders, "
                                     "one count per unit and code)"))
    sub.add_argument("--code", nargs="+", action="extend", metavar="C",
                     help=_("only these codes"))
    sub.add_argument("--source", nargs="+", action="extend", metavar="S",
                     help=_("only these sources"))
    sub.add_argument("--where", nargs="+", action="extend", metavar="ATTR=VALUE",
                     help=_("only participants with this attribute value (or role=borger)"))
    sub.add_argument("--quotes", type=int, default=5, metavar="N",
                     help=_("quotes per theme in reports (default 5)"))
    add_agreed(sub)
    sub.add_argument("--publish", action="store_true",
                     help=_("publication: quotes attributed by role only, citation ids in an "
                          "appendix, groups under --threshold people hidden, personal data "
                          "always refused"))
    sub.add_argument("--threshold", type=int, default=5, metavar="N",
                     help=_("with --publish: hide groups of fewer than N people (default 5)"))
    sub.add_argument("--memos", action="store_true",
                     help=_("add the unit and coding memos as an analysts' appendix"))
    sub.add_argument("--template", metavar="FILE",
                     help=_("Word template (.dotx or .docx) with the municipality's styles, "
                          "page and header"))
    sub.add_argument("--allow-personal-data", action="store_true",
                     help=_("export even if quotes contain phone numbers, e-mails or CPR numbers"))
    sub.add_argument("--offsets", choices=("codepoints", "utf16"),
                     help=_("qdpx: what positions count, as the target tool does (default "
                          "codepoints; utf16 for NVivo)"))
    sub.add_argument("--line-endings", choices=("lf", "crlf"),
                     help=_("qdpx: line breaks of the sources' text files (default lf; crlf "
                          "for MAXQDA)"))
    sub.add_argument("--lang", dest="report_lang", choices=list(LANGUAGES), default="da",
                     metavar="{da,en}",
                     help=_("the language of the report, whatever kodebog speaks (default "
                            "da)"))
