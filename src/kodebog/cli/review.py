"""Checking the work: ``agree``, ``disagreements``, ``audit``, ``privacy scan|redact``, ``log``."""

from __future__ import annotations

import argparse

from kodebog.cli.common import (
    Command,
    add_project,
    coder,
    names,
    print_json,
    project,
    usage,
)
from kodebog.errors import ProjectError
from kodebog.i18n import _, formats, ngettext, translate


def _number(value: float | None, percent: bool = False) -> str:
    if value is None:
        return _("n/a")
    return formats.percent(value) if percent else formats.decimal(value, 3)


def cmd_agree(args: argparse.Namespace) -> int:
    from kodebog.comparison import compare_coders

    coders = names(args.coders)
    with project(args) as store, store.read() as session:
        result = compare_coders(session, coders, sources=args.source or None,
                                codes=args.code or None, by=args.by)
    if args.json:
        print_json(result.to_dict())
        return 0
    print(_("coders: {coders}; sources compared: {sources}").format(
        coders=", ".join(coders), sources=", ".join(result.sources) or _("none")))
    print(_("rule: {rule}").format(rule=result.rule))
    if not result.sources:
        print(_("no source has been coded by all of these coders yet"))
        return 0
    if args.by == "character":
        code, source, who, agree = _("code"), _("source"), _("coders"), _("agree")
        print(f"{code:<24} {source:<30} {who:<16} {agree:>8} {'kappa':>7}")
        for char_row in result.characters:
            print(f"{char_row.code:<24} {char_row.source:<30} {'|'.join(char_row.coders):<16} "
                  f"{formats.percent(char_row.percent, 2):>8} "
                  f"{formats.decimal(char_row.kappa, 3):>7}")
        return 0
    pairs = list(result.codes[0].kappa) if result.codes else []
    code, units, agree = _("code"), _("units"), _("agree")
    header = f"{code:<24} {units:>6} " + " ".join(f"{c:>8}" for c in coders)
    header += f" {agree:>7} " + " ".join(f"{'κ ' + p:>12}" for p in pairs) + f" {'α':>7}"
    print(header)
    rows = [*result.codes, *([result.overall] if result.overall else [])]
    for row in rows:
        name = _("overall") if row.code == "*" else row.code
        line = f"{name:<24} {formats.number(row.units):>6} " + " ".join(
            f"{formats.number(row.counts[c]):>8}" for c in coders)
        line += f" {_number(row.percent * 100 if row.percent is not None else None, True):>7} "
        line += " ".join(f"{_number(row.kappa[p]):>12}" for p in pairs)
        line += f" {_number(row.alpha):>7}"
        print(line)
    return 0


def cmd_disagreements(args: argparse.Namespace) -> int:
    from kodebog.comparison import disagreements

    coders = names(args.coders)
    with project(args) as store, store.read() as session:
        found = disagreements(session, coders, codes=args.code or None,
                              sources=args.source or None)
    if args.json:
        print_json([d.to_dict() for d in found])
        return 0
    if not found:
        print(_("no disagreements"))
        return 0
    for item in found:
        yes, no = _("yes"), _("no")
        who = ", ".join(f"{c}: {yes if item.has_code[c] else no}" for c in coders)
        print(_("{code}  {source} unit {unit}  ({who})").format(
            code=item.code, source=item.source, unit=item.unit, who=who))
        speaker = f"{item.speaker}: " if item.speaker else ""
        print(f"    {speaker}{item.text[:200]}{'…' if len(item.text) > 200 else ''}")
    print(ngettext("{n} disagreement", "{n} disagreements", len(found)).format(
        n=formats.number(len(found))))
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from kodebog.audit import AuditSettings, run_audit

    if not 0 < args.similarity <= 100:
        raise ProjectError(_("--similarity {value}: give a percentage from 1 to 100").format(
            value=args.similarity))
    with project(args) as store, store.read() as session:
        findings = run_audit(session, AuditSettings(similarity=args.similarity))
    if args.json:
        print_json([f.to_dict() for f in findings])
        return 0
    if not findings:
        print(_("no inconsistencies found"))
        return 0
    for finding in findings:
        print(f"[{finding.kind}] {finding.message}")
        if finding.units and finding.kind not in ("near_duplicate", "exclude_keyword"):
            print("    " + _("units: {units}").format(units=", ".join(map(str, finding.units))))
    kinds = ", ".join(f"{formats.number(n)} {k}" for k, n in sorted(
        {f.kind: sum(g.kind == f.kind for g in findings) for f in findings}.items()))
    print(ngettext("{n} finding ({kinds})", "{n} findings ({kinds})", len(findings)).format(
        n=formats.number(len(findings)), kinds=kinds))
    return 0


def cmd_privacy_scan(args: argparse.Namespace) -> int:
    from kodebog.privacy import load_names
    from kodebog.privacy.outbound import scan
    from kodebog.privacy.project import project_items

    listed = load_names(args.names) if args.names else None
    with project(args) as store, store.read() as session:
        found = scan(project_items(session), listed)
    if args.json:
        print_json(found)
    else:
        for item in found:
            field = translate(str(item["field"]))
            print(f"{item['where']}: {field} [{item['start']}:{item['end']}] "
                  f"{item['description']}")
        print(_("{n} possible personal data found").format(n=formats.number(len(found)))
              if found else _("no personal data found"))
    return 0


def cmd_privacy_redact(args: argparse.Namespace) -> int:
    from kodebog.privacy import load_names
    from kodebog.privacy.redact import redact

    listed = load_names(args.names) if args.names else None
    with project(args) as store:
        result = redact(store, coder(args), listed, sources=args.source or ())
    print(result.describe())
    return 0


def cmd_log(args: argparse.Namespace) -> int:
    from kodebog.queries import list_events

    with project(args) as store, store.read() as session:
        events = list_events(session, coder=args.coder, since=args.since, limit=args.limit)
    if args.json:
        print_json([e.to_dict() for e in events])
        return 0
    for event in events:
        what = f"{event.entity} {event.entity_id}" if event.entity_id else event.entity
        print(f"{event.at[:19]}  {event.coder or '-':<12} {event.action:<18} {what}")
    return 0


def register(command: Command) -> None:
    """Add ``agree``, ``disagreements``, ``audit``, ``privacy`` and ``log``."""
    sub = command("agree", cmd_agree, _("inter-coder agreement per code: percent, Cohen's "
                  "kappa per pair, Krippendorff's alpha"))
    add_project(sub)
    sub.add_argument("--coders", required=True, metavar="A,B[,C...]")
    sub.add_argument("--source", action="append", metavar="S", help=_("only this source (repeat)"))
    sub.add_argument("--code", action="append", metavar="C", help=_("only this code (repeat)"))
    sub.add_argument("--by", choices=["unit", "character"], default="unit",
                     help=_("compare units (default) or characters, as NVivo does"))
    sub.add_argument("--json", action="store_true", help=_("print JSON"))

    sub = command("disagreements", cmd_disagreements, _("units where the coders differ"))
    add_project(sub)
    sub.add_argument("--coders", required=True, metavar="A,B[,C...]")
    sub.add_argument("--code", action="append", metavar="C", help=_("only this code (repeat)"))
    sub.add_argument("--source", action="append", metavar="S", help=_("only this source (repeat)"))
    sub.add_argument("--json", action="store_true", help=_("print JSON"))

    sub = command("audit", cmd_audit, _("consistency audit: near-duplicates coded differently, "
                  "single-coder codes, excluded words, drift, unused codes"))
    add_project(sub)
    sub.add_argument("--similarity", type=float, default=90.0, metavar="PERCENT",
                     help=_("near-duplicate threshold (rapidfuzz token_set_ratio, default 90)"))
    sub.add_argument("--json", action="store_true", help=_("print JSON"))

    privacy = command("privacy", lambda _a: usage(privacy), _("personal data in a project"))
    privacy_commands = privacy.add_subparsers(dest="privacy_command", metavar="ACTION")
    sub = command("scan", cmd_privacy_scan, _("list CPR numbers, phone numbers, e-mails and "
                  "listed names in every field an export can carry, and where each is"),
                  privacy_commands)
    add_project(sub)
    sub.add_argument("--names", metavar="NAMES.yaml", help=_("real names to look for"))
    sub.add_argument("--json", action="store_true", help=_("print JSON"))
    sub = command("redact", cmd_privacy_redact, _("replace what scan finds with placeholders "
                  "([telefonnummer], [navn] ...) in the stored text and memos, keeping every "
                  "coding's quote"), privacy_commands)
    add_project(sub)
    sub.add_argument("--names", metavar="NAMES.yaml", help=_("real names to replace by [navn]"))
    sub.add_argument("--source", action="append", metavar="S", help=_("only this source (repeat)"))
    sub.add_argument("--coder", help=_("your name (for the log)"))

    sub = command("log", cmd_log, _("the audit trail: who changed what, when"))
    add_project(sub)
    sub.add_argument("--coder", help=_("only this coder's actions"))
    sub.add_argument("--since", metavar="DATE", help=_("from this date or date-time (UTC)"))
    sub.add_argument("--limit", type=int, metavar="N", help=_("only the last N events"))
    sub.add_argument("--json", action="store_true", help=_("print JSON with before and after"))
