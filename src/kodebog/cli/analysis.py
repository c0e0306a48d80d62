"""Code-and-retrieve, comparison and cases: ``retrieve``, ``compare``,
``participants list|export|import|label|link``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kodebog.cli.common import Command, add_project, coder, print_json, project, usage
from kodebog.cli.report import add_agreed, parse_coders
from kodebog.errors import ProjectError
from kodebog.i18n import _, formats, translate

if TYPE_CHECKING:
    from kodebog.views.compare import Cell, Matrix

VALENCES = ("positive", "negative", "mixed", "none")
"""``coding.VALENCES``, written out: importing ``coding`` would load SQLAlchemy for --help."""


def _where(values: list[str] | None) -> tuple[tuple[str, str], ...]:
    pairs = []
    for value in values or ():
        name, sep, wanted = value.partition("=")
        if not sep or not name.strip():
            raise ProjectError(_("--where {value}: write it as ATTRIBUTE=VALUE, e.g. "
                                 "--where forløbslængde='over 2 år'").format(value=value))
        pairs.append((name.strip(), wanted.strip()))
    return tuple(pairs)


def _coders(args: argparse.Namespace, exclusive: str) -> tuple[str, ...]:
    """``--coders`` of the agreed coding, checked against ``--agreed`` and ``--coder``."""
    agreed_coders = parse_coders(args.coders)
    if agreed_coders and not args.agreed:
        raise ProjectError(_("--coders chooses the coders of the agreed coding; add --agreed"))
    if args.agreed and args.coder:
        raise ProjectError(exclusive)
    return agreed_coders


def cmd_retrieve(args: argparse.Namespace) -> int:
    from kodebog.coding import VALENCE_MARKS
    from kodebog.views.retrieve import RetrieveQuery, retrieve

    if args.near and args.within is None:
        raise ProjectError(_("--near needs --within N (how many units away)"))
    if args.within is not None and not args.near:
        raise ProjectError(_("--within goes with --near CODE"))
    agreed_coders = _coders(args, _("--coder and --agreed exclude each other: --agreed "
                                    "retrieves the agreed coding of --coders A,B (default: "
                                    "every coder)"))
    query = RetrieveQuery(
        codes=tuple(dict.fromkeys([*args.code, *(args.or_codes or ())])),
        and_codes=tuple(args.and_codes or ()), not_codes=tuple(args.not_codes or ()),
        near_codes=tuple(args.near or ()), within=args.within or 0, overlap=args.overlap,
        coders=agreed_coders or tuple(args.coder or ()), sources=tuple(args.source or ()),
        roles=tuple(args.role or ()), where=_where(args.where), key_quotes=args.key_quotes,
        agreed=args.agreed, valences=tuple(dict.fromkeys(args.valence or ())))
    with project(args) as store, store.read() as session:
        result = retrieve(session, query)
    agreed = result.agreed
    if args.json:
        data = {"query": query.describe(), "passages": [p.to_dict() for p in result.passages],
                "count": len(result.passages), "participants": result.participants}
        if agreed is not None:
            data["agreed"] = {"coders": list(agreed.coders), "rule": agreed.rule,
                              **agreed.counts()}
            print(_("rule: {rule}").format(rule=translate(agreed.rule)), file=sys.stderr)
        print_json(data)
        return 0
    if agreed is not None:
        print(agreed.describe())
        print(_("rule: {rule}").format(rule=translate(agreed.rule)))
    source = None
    for passage in result.passages:
        if passage.source != source:
            source = passage.source
            print(f"== {source}")
        who = passage.speaker or passage.participant or ""
        role = f" ({passage.role})" if passage.role else ""
        mark = (" ★" if passage.key_quote else "") + (
            f" {VALENCE_MARKS[passage.valence]}" if passage.valence in VALENCE_MARKS else "")
        print(f"{passage.unit:>5}  {who}{role}  [{passage.coder}] "
              f"{'+'.join(passage.codes)}{mark}")
        print("       " + passage.text.replace("\n", "\n       "))
        if passage.memo:
            print("       " + _("memo: {memo}").format(memo=passage.memo))
    print(result.summary())
    return 0


GROUPINGS = {"role": "role", "rolle": "role", "source": "source", "kilde": "source",
             "valence": "valence", "vurdering": "valence", "codes": "cooccurrence",
             "koder": "cooccurrence", "cooccurrence": "cooccurrence"}
"""``--by`` words (English and Danish) that are not attributes."""


def cmd_compare(args: argparse.Namespace) -> int:
    from kodebog.views.compare import COOCCURRENCE, CompareQuery, compare, cooccurrence
    from kodebog.views.exports import check_matrix, write_matrix
    from kodebog.views.retrieve import attribute_names

    agreed_coders = _coders(args, _("--coder and --agreed exclude each other: --agreed "
                                    "compares the agreed coding of --coders A,B (default: "
                                    "every coder)"))
    with project(args) as store, store.read() as session:
        by = GROUPINGS.get(args.by.strip().casefold())
        if by is None:  # an attribute, by its name or its label
            by = attribute_names(session).get(args.by.strip().casefold(), args.by.strip())
        query = CompareQuery(by, coders=agreed_coders or tuple(args.coder or ()),
                             codes=tuple(args.code or ()), sources=tuple(args.source or ()),
                             include_interviewers=args.with_interviewers, agreed=args.agreed)
        matrix = (cooccurrence(session, query) if by == COOCCURRENCE
                  else compare(session, query))
    if args.output:
        print(write_matrix(Path(args.output), matrix, args.allow_personal_data))
        return 0
    if args.json:
        if not args.allow_personal_data:
            check_matrix(matrix)
        print_json(_matrix_json(matrix))
        return 0
    _print_matrix(matrix)
    return 0


def _cell_json(cell: Cell) -> dict[str, Any]:
    return {"passages": cell.passages, "participants": cell.people, "of": cell.of,
            "share": cell.share}


def _matrix_json(matrix: Matrix) -> dict[str, Any]:
    """The matrix for scripts: its columns (with denominators) and a row per code."""
    data: dict[str, Any] = {
        "by": matrix.dimension, "title": matrix.title,
        "columns": [{"key": key, "label": matrix.column_label(key),
                     "of": matrix.denominators.get(key, 0)} for key in matrix.columns],
        "rows": [{"code": code, "label": label,
                  "cells": {key: _cell_json(matrix.cell(code, key)) for key in matrix.columns}}
                 for code, label in matrix.rows]}
    if matrix.note:
        data["note"] = matrix.note
    if matrix.agreed is not None:
        data["agreed"] = {"coders": list(matrix.agreed.coders), "rule": matrix.agreed.rule,
                          **matrix.agreed.counts()}
    return data


def _print_matrix(matrix: Matrix) -> None:
    """Codes down, groups across: ``passages · participants/of`` in each cell."""
    from kodebog.views.compare import COOCCURRENCE

    if matrix.agreed is not None:
        print(matrix.agreed.describe())
    header = [_("code")] + [
        matrix.column_label(key) + ("" if matrix.dimension == COOCCURRENCE else
                                    f" (n={formats.number(matrix.denominators.get(key, 0))})")
        for key in matrix.columns]
    rows = [[label] + [matrix.cell(code, key).text() for key in matrix.columns]
            for code, label in matrix.rows]
    widths = [max(len(row[n]) for row in [header, *rows]) for n in range(len(header))]
    print(matrix.title)
    for row in [header, *rows]:
        print("  ".join([row[0].ljust(widths[0])]
                        + [cell.rjust(width) for cell, width in zip(row[1:], widths[1:],
                                                                      strict=True)]).rstrip())
    print(_("units with both · participants") if matrix.dimension == COOCCURRENCE
          else _("passages · participants / participants in the group"))
    if matrix.note:
        print(matrix.note)


def cmd_participants_list(args: argparse.Namespace) -> int:
    from kodebog.participants import attribute_defs, format_value, list_participants

    with project(args) as store, store.read() as session:
        people = list_participants(session, args.source)
        infos = attribute_defs(session)
    if args.json:
        print_json([{"source": p.source, "speaker": p.speaker, "name": p.label,
                     "role": p.role, "case": p.case, "units": p.units,
                     "attributes": dict(p.attributes)} for p in people])
        return 0
    for p in people:
        values = ", ".join(f"{i.label}={format_value(p.attributes[i.name])}" for i in infos
                           if i.name in p.attributes)
        case = f" case={p.case_key}" if p.case_key else ""
        print(f"{p.source}:{p.speaker}  {p.label} ({p.role or '-'}){case}  {values}")
    return 0


def cmd_participants_export(args: argparse.Namespace) -> int:
    from kodebog.case_sheet import export_sheet

    with project(args) as store:
        print(export_sheet(store, Path(args.file).expanduser()))
    return 0


def cmd_participants_import(args: argparse.Namespace) -> int:
    from kodebog.case_sheet import import_sheet

    with project(args) as store:
        report = import_sheet(store, Path(args.file).expanduser(), coder(args))
    for line in report.lines():
        print(line)
    return 0


def cmd_participants_link(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from kodebog.participants import link
    from kodebog.store.models import Participant

    with project(args) as store:
        with store.read() as session:
            ids = []
            for key in args.participants:
                found = session.scalar(select(Participant.id).where(Participant.key == key))
                if found is None:
                    raise ProjectError(_("no participant '{key}'; write SOURCE:SPEAKER as "
                                         "`kodebog participants list` shows it").format(key=key))
                ids.append(found)
        case = link(store, ids, coder(args), args.case)
    print(_("linked {n} participants into case {case}").format(n=len(ids), case=case))
    return 0


def cmd_participants_label(args: argparse.Namespace) -> int:
    from kodebog.participants import define_attribute

    with project(args) as store:
        info = define_attribute(store, args.attribute, coder(args), label=args.label,
                                kind=args.type)
    print(_("attribute {name}: shown as '{label}' ({kind})").format(
        name=info.name, label=info.label, kind=info.kind))
    return 0


def register(command: Command) -> None:
    """Add ``retrieve`` and ``participants``."""
    sub = command("retrieve", cmd_retrieve, _("every passage coded with a code, combined with "
                  "AND, OR, NOT and near, filtered by coder, source, role and attributes"))
    add_project(sub)
    sub.add_argument("--code", action="append", required=True, metavar="X",
                     help=_("passages coded with this code (repeat: any of them)"))
    sub.add_argument("--and", dest="and_codes", action="append", metavar="Y",
                     help=_("and coded with Y on the same unit (repeat)"))
    sub.add_argument("--or", dest="or_codes", action="append", metavar="Y",
                     help=_("or coded with Y (repeat)"))
    sub.add_argument("--not", dest="not_codes", action="append", metavar="Z",
                     help=_("but not coded with Z on the same unit (repeat)"))
    sub.add_argument("--near", action="append", metavar="Y",
                     help=_("with Y coded at most --within units away in the same source"))
    sub.add_argument("--within", type=int, metavar="N", help=_("units away for --near"))
    sub.add_argument("--overlap", action="store_true",
                     help=_("--and and --not mean overlapping spans, not the same unit"))
    sub.add_argument("--coder", action="append", metavar="NAME",
                     help=_("only this coder's codings (repeat; default: every coder)"))
    sub.add_argument("--source", action="append", metavar="S", help=_("only this source (repeat)"))
    sub.add_argument("--role", action="append", metavar="R",
                     help=_("only participants with this role (repeat)"))
    sub.add_argument("--where", action="append", metavar="ATTR=VALUE",
                     help=_("only participants with this attribute value (repeat: all of them)"))
    sub.add_argument("--key-quotes", action="store_true", help=_("only key quotes"))
    sub.add_argument("--valence", action="append", choices=VALENCES,
                     help=_("only codings with this valence (none: without one; repeat: any)"))
    add_agreed(sub)
    sub.add_argument("--json", action="store_true", help=_("print JSON"))

    sub = command("compare", cmd_compare, _("codes x groups: passages and participants out of "
                  "the participants in each group (role, source, valence or an attribute), "
                  "or code x code co-occurrence"))
    add_project(sub)
    sub.add_argument("--by", default="role", metavar="GROUPING",
                     help=_("role, source, valence, an attribute (its name or label), or codes "
                            "for code x code (default: role)"))
    sub.add_argument("--code", action="append", metavar="X",
                     help=_("only this code's row (repeat; default: every code)"))
    sub.add_argument("--coder", action="append", metavar="NAME",
                     help=_("only this coder's codings (repeat; default: every coder)"))
    sub.add_argument("--source", action="append", metavar="S", help=_("only this source (repeat)"))
    sub.add_argument("--with-interviewers", action="store_true",
                     help=_("count interviewers too (left out by default)"))
    add_agreed(sub)
    sub.add_argument("--output", metavar="FILE", help=_("write the matrix to FILE.xlsx or "
                                                        "FILE.csv instead of printing it"))
    sub.add_argument("--allow-personal-data", action="store_true",
                     help=_("write groups named with personal data anyway (--output, --json)"))
    sub.add_argument("--json", action="store_true", help=_("print JSON"))

    group = command("participants", lambda _a: usage(group),
                    _("participants and cases: list, case sheet export and import, link"))
    actions = group.add_subparsers(dest="participants_command", metavar="ACTION")
    sub = command("list", cmd_participants_list, _("participants with role, case and "
                  "attributes"), actions)
    add_project(sub)
    sub.add_argument("source", nargs="?", metavar="SOURCE", help=_("only this source"))
    sub.add_argument("--json", action="store_true", help=_("print JSON"))
    sub = command("export", cmd_participants_export, _("write the case sheet (source, "
                  "speaker, name, role, case, attributes) to fill in"), actions)
    add_project(sub)
    sub.add_argument("file", metavar="FILE", help=_("cases.xlsx or cases.csv"))
    sub = command("import", cmd_participants_import, _("read a filled-in case sheet keyed by "
                  "source and speaker label; unknown labels are listed"), actions)
    add_project(sub)
    sub.add_argument("file", metavar="FILE", help=_("cases.xlsx or cases.csv"))
    sub.add_argument("--coder", help=_("your name (for the log)"))
    sub = command("label", cmd_participants_label, _("give an attribute its display label "
                  "(forløbslængde for forloebslaengde) and/or type"), actions)
    add_project(sub)
    sub.add_argument("attribute", metavar="ATTRIBUTE", help=_("the attribute's stored name"))
    sub.add_argument("label", metavar="LABEL", nargs="?", help=_("the label shown everywhere"))
    sub.add_argument("--type", choices=["text", "number", "date"],
                     help=_("convert every value to this type (refused naming a bad value)"))
    sub.add_argument("--coder", help=_("your name (for the log)"))
    sub = command("link", cmd_participants_link, _("link participants into one case (the "
                  "same person in several sources)"), actions)
    add_project(sub)
    sub.add_argument("participants", nargs="+", metavar="SOURCE:SPEAKER")
    sub.add_argument("--case", help=_("the case's name (default: the first participant's)"))
    sub.add_argument("--coder", help=_("your name (for the log)"))
