"""Starting and filling a project: ``open``, ``demo``, ``init``, ``import``, ``import-codings``,
``codebook``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kodebog.cli.common import Command, add_project, coder, lazy_handler, project, usage
from kodebog.errors import ProjectError
from kodebog.i18n import _, formats, ngettext


def cmd_init(args: argparse.Namespace) -> int:
    from kodebog.project import init_project
    from kodebog.store.secrets import mask

    store = init_project(args.project, args.codebook, coder=coder(args))
    store.dispose()
    print(_("created {project} with codebook {codebook}").format(
        project=mask(args.project), codebook=args.codebook))
    return 0


def cmd_open(args: argparse.Namespace) -> int:
    from kodebog.tui import run

    return run(args.project, args.coder)


def cmd_demo(args: argparse.Namespace) -> int:
    from kodebog.demo import build_demo, demo_path

    path = demo_path()
    if not path.exists():
        print(_("building the demo project at {path} ...").format(path=path), file=sys.stderr)
    build_demo(path)
    if args.no_open:
        print(path)
        return 0
    from kodebog.tui import run

    return run(str(path), args.coder)


def cmd_codebook_validate(args: argparse.Namespace) -> int:
    from kodebog.codebook import validate_codebook_file

    problems = validate_codebook_file(args.file)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    print(_("{file}: valid").format(file=args.file))
    return 0


def cmd_codebook_update(args: argparse.Namespace) -> int:
    from kodebog.project import update_codebook

    with project(args) as store:
        update = update_codebook(store, args.file, coder=coder(args),
                                 base_version=args.base_version)
    if update.unchanged:
        print(_("codebook unchanged"))
        return 0
    print(_("codebook version {version} stored").format(version=update.version_id))
    for label, items in ((_("added"), update.added), (_("changed"), update.changed),
                         (_("retired"), update.retired)):
        if items:
            print(f"  {label}: {', '.join(items)}")
    for move, count in update.moved.items():
        print("  " + ngettext("moved {n} coding: {move}", "moved {n} codings: {move}", count)
              .format(n=formats.number(count), move=move))
    return 0


def cmd_codebook_show(args: argparse.Namespace) -> int:
    from kodebog.codebook import dump_codebook
    from kodebog.project import current_codebook

    with project(args) as store, store.read() as session:
        sys.stdout.write(dump_codebook(current_codebook(session)))
    return 0


def _parse_roles(values: Sequence[str]) -> dict[str, str]:
    roles = {}
    for value in values:
        label, sep, role = value.partition("=")
        if not sep or not label.strip() or not role.strip():
            raise ProjectError(_("--role {value}: write it as LABEL=ROLE, e.g. "
                                 "'Borger 2=borger'").format(value=value))
        roles[label.strip()] = role.strip()
    return roles


def _parse_renames(values: Sequence[str]) -> dict[str, str]:
    renames = {}
    for value in values:
        label, sep, new = value.partition("=")
        if not sep or not label.strip() or not new.strip():
            raise ProjectError(_("--rename {value}: write it as LABEL=NEW NAME, e.g. "
                                 "'SPEAKER_01=Borger 1'").format(value=value))
        renames[label.strip()] = new.strip()
    return renames


def cmd_import(args: argparse.Namespace) -> int:
    from kodebog.bulk import paused_gc

    if args.name and len(args.files) > 1:
        raise ProjectError(_("--name works with one file at a time"))
    if args.speakers is not None and not [s for s in args.speakers.split(",") if s.strip()]:
        raise ProjectError(_("--speakers: name the labels, e.g. --speakers 'Interviewer,Borger 1'"))
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
            roles=roles or None, layout=args.layout, no_speakers=args.no_speakers,
            speakers=[s.strip() for s in args.speakers.split(",") if s.strip()]
            if args.speakers else None,
            renames=_parse_renames(args.rename or []) or None, names=names,
        )
        if args.pseudonymise:
            from kodebog.privacy import pseudonymise_source

            parsed = pseudonymise_source(parsed, names)
        parsed_all.append(parsed)
    with project(args) as store:
        for parsed in parsed_all:
            with Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
                          transient=True, disable=not sys.stderr.isatty()) as bar:
                task = bar.add_task(_("importing {source}").format(source=parsed.name),
                                    total=len(parsed.units))

                def advance(done: int, _total: int, task_id: Any = task) -> None:
                    bar.update(task_id, completed=done)

                result = import_parsed(
                    store, parsed, replace=args.replace, coder=coder(args), progress=advance
                )
            for line in result.report(parsed.filename):
                print(line)
    return 0


def cmd_import_codings(args: argparse.Namespace) -> int:
    from kodebog.exchange.codings_csv import apply_codings, read_codings_csv

    path = Path(args.file)
    rows = read_codings_csv(path)
    with project(args) as store:
        applied = apply_codings(store, coder(args), rows, path)
    print(ngettext("{path}: {n} coding applied ({there} already there)",
                   "{path}: {n} codings applied ({there} already there)", applied).format(
        path=path, n=formats.number(applied), there=formats.number(len(rows) - applied)))
    return 0


def register(command: Command) -> None:
    """Add ``open``, ``demo``, ``init``, ``import``, ``import-codings`` and ``codebook``."""
    sub = command("open", cmd_open, _("open the coding workspace (the TUI) on a project"))
    add_project(sub)
    sub.add_argument("--coder",
                     help=_("your name as coder (asked once and remembered if left out)"))

    sub = command("demo", cmd_demo, _("build the example project once and open it"))
    sub.add_argument("--coder",
                     help=_("your name as coder (asked once and remembered if left out)"))
    sub.add_argument("--no-open", action="store_true",
                     help=_("only build the demo project and print its path"))

    sub = command("init", cmd_init, _("create a project with a codebook"))
    add_project(sub)
    sub.add_argument("--codebook", required=True, metavar="FILE", help=_("codebook YAML"))
    sub.add_argument("--coder", help=_("your name as coder"))

    sub = command("import", cmd_import, _("import transcripts or survey exports"))
    add_project(sub)
    sub.add_argument("files", nargs="+", metavar="FILE",
                     help=_(".txt .docx .vtt .srt .csv .tsv .xlsx"))
    sub.add_argument("--kind", choices=["focus_group", "interview", "survey", "document"])
    sub.add_argument("--name", help=_("source name (default: the file name without extension)"))
    sub.add_argument("--id-column", metavar="C", help=_("survey: respondent id column"))
    sub.add_argument("--text-column", metavar="C", action="append",
                     help=_("survey: a text column (repeat for several)"))
    sub.add_argument("--attribute", metavar="C", action="append",
                     help=_("survey: an attribute column (repeat; default: all other columns "
                     "except those that look like identifiers or contact data)"))
    sub.add_argument("--role", metavar="LABEL=ROLE", action="append",
                     help=_("override a speaker's inferred role, e.g. 'Deltager 3=medarbejder' "
                          "or 'SPEAKER_00=interviewer'"))
    sub.add_argument("--rename", metavar="LABEL=NAME", action="append",
                     help=_("give a speaker a new label, e.g. 'SPEAKER_01=Borger 1' (repeat)"))
    sub.add_argument("--layout", choices=["lines", "headers", "cues", "paragraphs"],
                     help=_("transcripts: how speakers are marked (default: detected; see "
                          "docs/transcripts.md)"))
    sub.add_argument("--speakers", metavar="LABELS",
                     help=_("transcripts: the speaker labels to trust, e.g. "
                            "'Interviewer,Borger 1'"))
    sub.add_argument("--no-speakers", action="store_true",
                     help=_("transcripts: no speakers, keep every label in the text"))
    sub.add_argument("--replace", action="store_true",
                     help=_("replace a changed source of the same name, keeping its codings"))
    sub.add_argument("--pseudonymise", metavar="NAMES.yaml",
                     help=_("replace listed names and personal numbers before storing"))
    sub.add_argument("--coder", help=_("your name as coder (for the log)"))

    sub = command("import-codings", cmd_import_codings,
                  _("apply codings from a CSV (source,unit,code,start,end,key_quote,memo)"))
    add_project(sub)
    sub.add_argument("file", metavar="FILE")
    sub.add_argument("--coder", help=_("the coder the codings belong to"))

    codebook = command("codebook", lambda _a: usage(codebook), _("validate, update, show, "
                       "export or log a codebook"))
    codebook_commands = codebook.add_subparsers(dest="codebook_command", metavar="ACTION")
    sub = command("validate", cmd_codebook_validate, _("check a codebook file, listing every "
                  "problem as FILE:LINE:COL"), codebook_commands)
    sub.add_argument("file", metavar="FILE")
    sub = command("update", cmd_codebook_update, _("store a new codebook version in a project"),
                  codebook_commands)
    add_project(sub)
    sub.add_argument("file", metavar="FILE")
    sub.add_argument("--base-version", type=int, metavar="N",
                     help=_("refuse if the project's codebook is no longer version N"))
    sub.add_argument("--coder", help=_("your name as coder (for the log)"))
    sub = command("show", cmd_codebook_show, _("print the project's current codebook"),
                  codebook_commands)
    add_project(sub)
    sub = command("from-qdc", lazy_handler("kodebog.exchange.refi", "cmd_codebook_from_qdc"),
                  _("convert a REFI-QDA codebook (.qdc) to a kodebog codebook YAML"),
                  codebook_commands)
    from kodebog.exchange.refi import configure_codebook_from_qdc

    configure_codebook_from_qdc(sub)
    from kodebog.cli.codes import register_codebook

    register_codebook(command, codebook_commands)
