"""The ``kodebog`` command: parses arguments, calls the core, prints the result."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kodebog import __version__
from kodebog.errors import KodebogError, ProjectError

if TYPE_CHECKING:
    from kodebog.store import Store

Handler = Callable[[argparse.Namespace], int]


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def _coder(args: argparse.Namespace) -> str:
    if getattr(args, "coder", None):
        return str(args.coder)
    from kodebog.settings import default_coder

    return default_coder()


@contextmanager
def _project(args: argparse.Namespace) -> Iterator[Store]:
    from kodebog.store import open_project

    store = open_project(args.project)
    try:
        yield store
    finally:
        store.dispose()


def _span(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    try:
        start, end = (int(part) for part in value.split(":"))
    except ValueError:
        raise ProjectError(f"--span {value}: write it as START:END, e.g. --span 0:42") from None
    return start, end


# --- commands -----------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    from kodebog.project import init_project

    store = init_project(args.project, args.codebook, coder=_coder(args))
    store.dispose()
    print(f"created {args.project} with codebook {args.codebook}")
    return 0


def cmd_open(args: argparse.Namespace) -> int:
    from kodebog.tui import run

    run(args.project, args.coder)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from kodebog.demo import build_demo, demo_path

    path = demo_path()
    if not path.exists():
        print(f"building the demo project at {path} ...", file=sys.stderr)
    build_demo(path)
    if args.no_open:
        print(path)
        return 0
    from kodebog.tui import run

    run(str(path), args.coder)
    return 0


def cmd_codebook_validate(args: argparse.Namespace) -> int:
    from kodebog.codebook import validate_codebook_file

    problems = validate_codebook_file(args.file)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    print(f"{args.file}: valid")
    return 0


def cmd_codebook_update(args: argparse.Namespace) -> int:
    from kodebog.project import update_codebook

    with _project(args) as store:
        update = update_codebook(store, args.file, coder=_coder(args),
                                 base_version=args.base_version)
    if update.unchanged:
        print("codebook unchanged")
        return 0
    print(f"codebook version {update.version_id} stored")
    for label, items in (("added", update.added), ("changed", update.changed),
                         ("retired", update.retired)):
        if items:
            print(f"  {label}: {', '.join(items)}")
    for move, count in update.moved.items():
        print(f"  moved {count} codings: {move}")
    return 0


def cmd_codebook_show(args: argparse.Namespace) -> int:
    from kodebog.codebook import dump_codebook
    from kodebog.project import current_codebook

    with _project(args) as store, store.read() as session:
        sys.stdout.write(dump_codebook(current_codebook(session)))
    return 0


def _parse_roles(values: Sequence[str]) -> dict[str, str]:
    roles = {}
    for value in values:
        label, sep, role = value.partition("=")
        if not sep or not label.strip() or not role.strip():
            raise ProjectError(f"--role {value}: write it as LABEL=ROLE, e.g. 'Borger 2=borger'")
        roles[label.strip()] = role.strip()
    return roles


def cmd_import(args: argparse.Namespace) -> int:
    from kodebog.importing import paused_gc

    if args.name and len(args.files) > 1:
        raise ProjectError("--name works with one file at a time")
    roles = _parse_roles(args.role or [])
    names = None
    if args.pseudonymise:
        from kodebog.privacy import load_names

        names = load_names(args.pseudonymise)
    with paused_gc():
        return _import_files(args, roles, names)


def _import_files(args: argparse.Namespace, roles: dict[str, str], names: Any) -> int:
    """Read every file first (so a bad one stops before anything is stored), then store."""
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

    from kodebog.importing import import_parsed
    from kodebog.sources import read_source

    parsed_all = []
    for file in args.files:
        parsed = read_source(
            Path(file), kind=args.kind, name=args.name, id_column=args.id_column,
            text_columns=args.text_column or None, attribute_columns=args.attribute or None,
            roles=roles or None,
        )
        if args.pseudonymise:
            from kodebog.privacy import pseudonymise_source

            parsed = pseudonymise_source(parsed, names)
        parsed_all.append(parsed)
    with _project(args) as store:
        for parsed in parsed_all:
            with Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
                          transient=True, disable=not sys.stderr.isatty()) as bar:
                task = bar.add_task(f"importing {parsed.name}", total=len(parsed.units))

                def advance(done: int, _total: int, task_id: Any = task) -> None:
                    bar.update(task_id, completed=done)

                result = import_parsed(
                    store, parsed, replace=args.replace, coder=_coder(args), progress=advance
                )
            for line in result.report(parsed.filename):
                print(line)
    return 0


def cmd_import_codings(args: argparse.Namespace) -> int:
    from kodebog.exchange.codings_csv import apply_codings, read_codings_csv

    path = Path(args.file)
    rows = read_codings_csv(path)
    with _project(args) as store:
        applied = apply_codings(store, _coder(args), rows, path)
    print(f"{path}: {applied} codings applied ({len(rows) - applied} already there)")
    return 0


def cmd_sources(args: argparse.Namespace) -> int:
    from kodebog.queries import list_sources

    with _project(args) as store, store.read() as session:
        sources = list_sources(session, coder=args.coder)
    if args.json:
        _print_json([s.to_dict() for s in sources])
        return 0
    if not sources:
        print("no sources yet; add some with `kodebog import PROJECT FILE`")
        return 0
    width = max(len(s.name) for s in sources)
    print(f"{'source':<{width}}  {'kind':<12} {'units':>6} {'words':>7} {'people':>6} {'coded':>6}")
    for s in sources:
        print(f"{s.name:<{width}}  {s.kind:<12} {s.units:>6} {s.words:>7} {s.participants:>6} "
              f"{s.coded_share:>6.0%}")
    return 0


def cmd_units(args: argparse.Namespace) -> int:
    from kodebog.queries import find_source, list_units

    with _project(args) as store, store.read() as session:
        units = list_units(session, find_source(session, args.source), coder=args.coder,
                           all_coders=args.coder is None)
    if args.json:
        _print_json([u.to_dict() for u in units])
        return 0
    for unit in units:
        who = unit.speaker or unit.participant or ""
        stamp = f"[{unit.timestamp}] " if unit.timestamp else ""
        codes = sorted({c.code for c in unit.codings})
        body = unit.text.replace("\n", "\n      ")
        print(f"{unit.ordinal:>4}  {stamp}{who}{': ' if who else ''}{body}")
        if codes:
            print(f"      codes: {', '.join(codes)}")
    return 0


def _unit_id(store: Store, source: str, ordinal: int) -> int:
    from kodebog.queries import find_source, find_unit

    with store.read() as session:
        return find_unit(session, find_source(session, source), ordinal).id


def cmd_tag(args: argparse.Namespace) -> int:
    from kodebog.coding import apply_code

    with _project(args) as store:
        unit_id = _unit_id(store, args.source, args.unit)
        change = apply_code(store, _coder(args), unit_id, args.code, _span(args.span),
                            memo=args.memo, key_quote=True if args.key_quote else None)
    print(f"{args.source} unit {args.unit}: {args.code} {change.message}")
    return 0


def cmd_untag(args: argparse.Namespace) -> int:
    from kodebog.coding import remove_code

    with _project(args) as store:
        unit_id = _unit_id(store, args.source, args.unit)
        change = remove_code(store, _coder(args), unit_id, args.code, _span(args.span))
    print(f"{args.source} unit {args.unit}: {args.code} {change.message}")
    return 0


def cmd_memo(args: argparse.Namespace) -> int:
    from kodebog.coding import set_unit_memo

    with _project(args) as store:
        unit_id = _unit_id(store, args.source, args.unit)
        set_unit_memo(store, _coder(args), unit_id, args.text)
    print(f"{args.source} unit {args.unit}: memo {'saved' if args.text else 'cleared'}")
    return 0


def cmd_done(args: argparse.Namespace) -> int:
    from kodebog.coding import mark_source_done
    from kodebog.queries import find_source

    with _project(args) as store:
        with store.read() as session:
            source = find_source(session, args.source)
        change = mark_source_done(store, _coder(args), source.id, done=not args.undo)
    state = "not done" if args.undo else "done"
    print(f"{source.name}: marked {state}" if change.event_id else f"{source.name}: "
          f"{change.message}")
    return 0


def _undo_redo(args: argparse.Namespace, step: str) -> int:
    from kodebog import coding

    with _project(args) as store:
        change = coding.undo(store, _coder(args)) if step == "undo" else coding.redo(
            store, _coder(args))
    print(change.message)
    return 0


def cmd_undo(args: argparse.Namespace) -> int:
    return _undo_redo(args, "undo")


def cmd_redo(args: argparse.Namespace) -> int:
    return _undo_redo(args, "redo")


def _names(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _number(value: float | None, percent: bool = False) -> str:
    if value is None:
        return "n/a"
    return f"{value:.1f}%" if percent else f"{value:.3f}"


def cmd_agree(args: argparse.Namespace) -> int:
    from kodebog.comparison import compare_coders

    coders = _names(args.coders)
    with _project(args) as store, store.read() as session:
        result = compare_coders(session, coders, sources=args.source or None,
                                codes=args.code or None, by=args.by)
    if args.json:
        _print_json(result.to_dict())
        return 0
    print(f"coders: {', '.join(coders)}; sources compared: "
          f"{', '.join(result.sources) or 'none'}")
    print(f"rule: {result.rule}")
    if not result.sources:
        print("no source has been coded by all of these coders yet")
        return 0
    if args.by == "character":
        print(f"{'code':<24} {'source':<30} {'coders':<16} {'agree':>8} {'kappa':>7}")
        for char_row in result.characters:
            print(f"{char_row.code:<24} {char_row.source:<30} {'|'.join(char_row.coders):<16} "
                  f"{char_row.percent:>7.2f}% {char_row.kappa:>7.3f}")
        return 0
    pairs = list(result.codes[0].kappa) if result.codes else []
    header = f"{'code':<24} {'units':>6} " + " ".join(f"{c:>8}" for c in coders)
    header += f" {'agree':>7} " + " ".join(f"{'κ ' + p:>12}" for p in pairs) + f" {'α':>7}"
    print(header)
    rows = [*result.codes, *([result.overall] if result.overall else [])]
    for row in rows:
        name = "overall" if row.code == "*" else row.code
        line = f"{name:<24} {row.units:>6} " + " ".join(f"{row.counts[c]:>8}" for c in coders)
        line += f" {_number(row.percent * 100 if row.percent is not None else None, True):>7} "
        line += " ".join(f"{_number(row.kappa[p]):>12}" for p in pairs)
        line += f" {_number(row.alpha):>7}"
        print(line)
    return 0


def cmd_disagreements(args: argparse.Namespace) -> int:
    from kodebog.comparison import disagreements

    coders = _names(args.coders)
    with _project(args) as store, store.read() as session:
        found = disagreements(session, coders, codes=args.code or None,
                              sources=args.source or None)
    if args.json:
        _print_json([d.to_dict() for d in found])
        return 0
    if not found:
        print("no disagreements")
        return 0
    for item in found:
        who = ", ".join(f"{c}: {'yes' if item.has_code[c] else 'no'}" for c in coders)
        print(f"{item.code}  {item.source} unit {item.unit}  ({who})")
        speaker = f"{item.speaker}: " if item.speaker else ""
        print(f"    {speaker}{item.text[:200]}{'…' if len(item.text) > 200 else ''}")
    print(f"{len(found)} disagreements")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from kodebog.audit import AuditSettings, run_audit

    if not 0 < args.similarity <= 100:
        raise ProjectError(f"--similarity {args.similarity}: give a percentage from 1 to 100")
    with _project(args) as store, store.read() as session:
        findings = run_audit(session, AuditSettings(similarity=args.similarity))
    if args.json:
        _print_json([f.to_dict() for f in findings])
        return 0
    if not findings:
        print("no inconsistencies found")
        return 0
    for finding in findings:
        print(f"[{finding.kind}] {finding.message}")
        if finding.units and finding.kind not in ("near_duplicate", "exclude_keyword"):
            print(f"    units: {', '.join(map(str, finding.units))}")
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(
        {f.kind: sum(g.kind == f.kind for g in findings) for f in findings}.items()))
    print(f"{len(findings)} findings ({kinds})")
    return 0


def cmd_privacy_scan(args: argparse.Namespace) -> int:
    from kodebog.privacy import describe, load_names
    from kodebog.queries import personal_data_in_units

    names = load_names(args.names) if args.names else None
    with _project(args) as store, store.read() as session:
        found = [{"source": source, "unit": ordinal, "kind": hit.kind, "start": hit.start,
                  "end": hit.end, "description": describe(hit)}
                 for source, ordinal, hit in personal_data_in_units(session, names)]
    if args.json:
        _print_json(found)
    else:
        for item in found:
            print(f"{item['source']}#{item['unit']} [{item['start']}:{item['end']}] "
                  f"{item['description']}")
        print(f"{len(found)} possible personal data found" if found else
              "no personal data found")
    return 0


def cmd_log(args: argparse.Namespace) -> int:
    from kodebog.queries import list_events

    with _project(args) as store, store.read() as session:
        events = list_events(session, coder=args.coder, since=args.since, limit=args.limit)
    if args.json:
        _print_json([e.to_dict() for e in events])
        return 0
    for event in events:
        what = f"{event.entity} {event.entity_id}" if event.entity_id else event.entity
        print(f"{event.at[:19]}  {event.coder or '-':<12} {event.action:<18} {what}")
    return 0


def cmd_copy(args: argparse.Namespace) -> int:
    from kodebog.store.engine import safe_url
    from kodebog.transfer import copy_project

    result = copy_project(args.source, args.target)
    rows = ", ".join(f"{n} {t}" for t, n in result.counts.items() if n)
    print(f"copied to {safe_url(result.target) if '://' in result.target else result.target}")
    print(f"rows: {rows}")
    print(f"content sha256 {result.sha256} (same on both sides)")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from kodebog.transfer import backup_project

    result = backup_project(args.project, args.destination)
    print(f"backup written to {result.target}: {sum(result.counts.values())} rows, "
          f"content sha256 {result.sha256}")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from kodebog.queries import project_stats

    with _project(args) as store, store.read() as session:
        stats = project_stats(session)
    if args.json:
        _print_json(stats.to_dict())
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


# --- parser --------------------------------------------------------------------------------


def _add_project(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", metavar="PROJECT",
                        help="project file (SQLite) or database URL (postgresql+psycopg://...)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(
        prog="kodebog",
        description="Code Danish interviews, focus groups and survey comments against a "
        "YAML codebook.",
    )
    parser.add_argument("--version", action="version", version=f"kodebog {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, handler: Handler, help_text: str,
                parent: Any = commands) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = parent.add_parser(name, help=help_text,
                                                         description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    sub = command("open", cmd_open, "open the coding workspace (the TUI) on a project")
    _add_project(sub)
    sub.add_argument("--coder", help="your name as coder (asked once and remembered if left out)")

    sub = command("demo", cmd_demo, "build the example project once and open it")
    sub.add_argument("--coder", help="your name as coder (asked once and remembered if left out)")
    sub.add_argument("--no-open", action="store_true",
                     help="only build the demo project and print its path")

    sub = command("init", cmd_init, "create a project with a codebook")
    _add_project(sub)
    sub.add_argument("--codebook", required=True, metavar="FILE", help="codebook YAML")
    sub.add_argument("--coder", help="your name as coder")

    sub = command("import", cmd_import, "import transcripts or survey exports")
    _add_project(sub)
    sub.add_argument("files", nargs="+", metavar="FILE",
                     help=".txt .docx .vtt .srt .csv .tsv .xlsx")
    sub.add_argument("--kind", choices=["focus_group", "interview", "survey", "document"])
    sub.add_argument("--name", help="source name (default: the file name without extension)")
    sub.add_argument("--id-column", metavar="C", help="survey: respondent id column")
    sub.add_argument("--text-column", metavar="C", action="append",
                     help="survey: a text column (repeat for several)")
    sub.add_argument("--attribute", metavar="C", action="append",
                     help="survey: an attribute column (repeat; default: all other columns)")
    sub.add_argument("--role", metavar="LABEL=ROLE", action="append",
                     help="override a speaker's inferred role, e.g. 'Deltager 3=medarbejder'")
    sub.add_argument("--replace", action="store_true",
                     help="replace a changed source of the same name, keeping its codings")
    sub.add_argument("--pseudonymise", metavar="NAMES.yaml",
                     help="replace listed names and personal numbers before storing")
    sub.add_argument("--coder", help="your name as coder (for the log)")

    sub = command("import-codings", cmd_import_codings,
                  "apply codings from a CSV (source,unit,code,start,end,key_quote,memo)")
    _add_project(sub)
    sub.add_argument("file", metavar="FILE")
    sub.add_argument("--coder", help="the coder the codings belong to")

    codebook = command("codebook", lambda _a: _usage(codebook), "validate, update or show "
                       "a codebook")
    codebook_commands = codebook.add_subparsers(dest="codebook_command", metavar="ACTION")
    sub = command("validate", cmd_codebook_validate, "check a codebook file, listing every "
                  "problem as FILE:LINE:COL", codebook_commands)
    sub.add_argument("file", metavar="FILE")
    sub = command("update", cmd_codebook_update, "store a new codebook version in a project",
                  codebook_commands)
    _add_project(sub)
    sub.add_argument("file", metavar="FILE")
    sub.add_argument("--base-version", type=int, metavar="N",
                     help="refuse if the project's codebook is no longer version N")
    sub.add_argument("--coder", help="your name as coder (for the log)")
    sub = command("show", cmd_codebook_show, "print the project's current codebook",
                  codebook_commands)
    _add_project(sub)
    sub = command("from-qdc", _lazy_handler("kodebog.exchange.refi", "cmd_codebook_from_qdc"),
                  "convert a REFI-QDA codebook (.qdc) to a kodebog codebook YAML",
                  codebook_commands)
    from kodebog.exchange.refi import configure_codebook_from_qdc

    configure_codebook_from_qdc(sub)

    sub = command("sources", cmd_sources, "list the project's sources")
    _add_project(sub)
    sub.add_argument("--coder", help="count coded units of this coder only")
    sub.add_argument("--json", action="store_true", help="print JSON")

    sub = command("units", cmd_units, "list a source's units and codings")
    _add_project(sub)
    sub.add_argument("source", metavar="SOURCE")
    sub.add_argument("--coder", help="show this coder's codings only")
    sub.add_argument("--json", action="store_true", help="print JSON")

    for name, handler, text in (("tag", cmd_tag, "apply a code to a unit or a span of it"),
                                ("untag", cmd_untag, "remove a code from a unit")):
        sub = command(name, handler, text)
        _add_project(sub)
        sub.add_argument("source", metavar="SOURCE")
        sub.add_argument("unit", metavar="UNIT", type=int, help="unit number in the source")
        sub.add_argument("code", metavar="CODE", help="code id")
        sub.add_argument("--span", metavar="START:END",
                         help="characters inside the unit (0-based, END exclusive)")
        sub.add_argument("--coder", help="your name as coder")
        if name == "tag":
            sub.add_argument("--memo", help="a memo on the coding")
            sub.add_argument("--key-quote", action="store_true", help="mark as key quote")

    sub = command("memo", cmd_memo, "write (or with an empty text, clear) a memo on a unit")
    _add_project(sub)
    sub.add_argument("source", metavar="SOURCE")
    sub.add_argument("unit", metavar="UNIT", type=int)
    sub.add_argument("text", metavar="TEXT")
    sub.add_argument("--coder", help="your name as coder")

    sub = command("done", cmd_done, "mark a source as fully coded by you (agreement uses it)")
    _add_project(sub)
    sub.add_argument("source", metavar="SOURCE")
    sub.add_argument("--undo", action="store_true", help="remove the mark")
    sub.add_argument("--coder", help="your name as coder")

    for name, handler in (("undo", cmd_undo), ("redo", cmd_redo)):
        sub = command(name, handler, f"{name} your last coding action")
        _add_project(sub)
        sub.add_argument("--coder", help="your name as coder")

    sub = command("agree", cmd_agree, "inter-coder agreement per code: percent, Cohen's "
                  "kappa per pair, Krippendorff's alpha")
    _add_project(sub)
    sub.add_argument("--coders", required=True, metavar="A,B[,C...]")
    sub.add_argument("--source", action="append", metavar="S", help="only this source (repeat)")
    sub.add_argument("--code", action="append", metavar="C", help="only this code (repeat)")
    sub.add_argument("--by", choices=["unit", "character"], default="unit",
                     help="compare units (default) or characters, as NVivo does")
    sub.add_argument("--json", action="store_true", help="print JSON")

    sub = command("disagreements", cmd_disagreements, "units where the coders differ")
    _add_project(sub)
    sub.add_argument("--coders", required=True, metavar="A,B[,C...]")
    sub.add_argument("--code", action="append", metavar="C", help="only this code (repeat)")
    sub.add_argument("--source", action="append", metavar="S", help="only this source (repeat)")
    sub.add_argument("--json", action="store_true", help="print JSON")

    sub = command("audit", cmd_audit, "consistency audit: near-duplicates coded differently, "
                  "single-coder codes, excluded words, drift, unused codes")
    _add_project(sub)
    sub.add_argument("--similarity", type=float, default=90.0, metavar="PERCENT",
                     help="near-duplicate threshold (rapidfuzz token_set_ratio, default 90)")
    sub.add_argument("--json", action="store_true", help="print JSON")

    privacy = command("privacy", lambda _a: _usage(privacy), "personal data in a project")
    privacy_commands = privacy.add_subparsers(dest="privacy_command", metavar="ACTION")
    sub = command("scan", cmd_privacy_scan, "list CPR numbers, phone numbers, e-mails and "
                  "listed names still in the project's text", privacy_commands)
    _add_project(sub)
    sub.add_argument("--names", metavar="NAMES.yaml", help="real names to look for")
    sub.add_argument("--json", action="store_true", help="print JSON")

    sub = command("log", cmd_log, "the audit trail: who changed what, when")
    _add_project(sub)
    sub.add_argument("--coder", help="only this coder's actions")
    sub.add_argument("--since", metavar="DATE", help="from this date or date-time (UTC)")
    sub.add_argument("--limit", type=int, metavar="N", help="only the last N events")
    sub.add_argument("--json", action="store_true", help="print JSON with before and after")

    sub = command("copy", cmd_copy, "copy a project to a new file or database, verified")
    sub.add_argument("source", metavar="SOURCE_PROJECT")
    sub.add_argument("target", metavar="TARGET", help="new project file or database URL")

    sub = command("backup", cmd_backup, "a consistent copy of a project while coders work")
    _add_project(sub)
    sub.add_argument("destination", metavar="DEST", help="new backup file (or database URL)")

    sub = command("stats", cmd_stats, "counts of sources, units and codings")
    _add_project(sub)
    sub.add_argument("--json", action="store_true", help="print JSON")

    from kodebog.exchange import refi
    from kodebog.export import commands as export_commands
    from kodebog.suggest import commands as suggest_commands

    export_commands.register(command)
    refi.register(command)
    suggest_commands.register(command)
    return parser


def _lazy_handler(module: str, name: str) -> Handler:
    """A handler imported only when its command runs."""

    def run(args: argparse.Namespace) -> int:
        import importlib

        handler: Handler = getattr(importlib.import_module(module), name)
        return handler(args)

    return run


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; user errors print one line and return 1."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return handler(args)
    except KodebogError as error:
        print(f"kodebog: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("kodebog: interrupted; the action in progress was not saved", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
