"""The ``kodebog`` command: parses arguments, calls the core, prints the result.

One module per command family; each has ``register(command)``, which adds its subcommands
with ``command(name, handler, help)`` (see ``common.Command``). To add a family, write a
module with a ``register`` function and append it to ``FAMILIES``: the order of the list is
the order of ``kodebog --help``. Handlers import the core lazily, so building the parser
(and ``--help``) stays fast and imports neither SQLAlchemy nor spaCy nor Textual.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

from kodebog import __version__
from kodebog.cli import (
    analysis,
    codes,
    coding,
    listing,
    project,
    recommendation,
    report,
    review,
    serve,
    suggest,
    transfer,
    users,
)
from kodebog.cli.common import Command, Handler
from kodebog.errors import KodebogError
from kodebog.exchange import refi
from kodebog.i18n import LANGUAGES, _, language_from, ngettext, set_language

__all__ = ["FAMILIES", "Command", "Handler", "build_parser", "main"]

PROG = "kodebog"

FAMILIES: list[Callable[[Command], None]] = [
    project.register,    # open, demo, init, import, import-codings, codebook
    listing.register,    # sources, units
    coding.register,     # tag, untag, memo, done, undo, redo
    codes.register,      # code add|rename|edit|move|merge|split|retire
    review.register,     # agree, disagreements, audit, privacy, log
    transfer.register,   # copy, backup
    report.register,     # stats, finding, export
    recommendation.register,  # recommendation add|edit|remove|list
    refi.register,       # import-refi
    suggest.register,    # suggest
    users.register,      # users add|remove|role|list
    serve.register,      # serve
    analysis.register,   # retrieve, participants
]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=_("Code Danish interviews, focus groups and survey comments against a "
                      "YAML codebook."),
    )
    parser.add_argument("--version", action="version", version=f"kodebog {__version__}",
                        help=_("show kodebog's version and exit"))
    parser.add_argument("--lang", choices=list(LANGUAGES), metavar="{da,en}",
                        help=_("the language kodebog speaks (default: KODEBOG_LANG, else "
                               "'language:' in the settings file, else da)"))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, handler: Handler, help_text: str,
                parent: Any = commands) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = parent.add_parser(name, help=help_text,
                                                         description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    for register in FAMILIES:
        register(command)
    return parser


def _language_option(argv: Sequence[str]) -> str | None:
    """The value of the global ``--lang`` (before the command), if given."""
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
        if not arg.startswith("-"):
            return None
    return None


def choose_language(argv: Sequence[str]) -> None:
    """Speak the language of ``--lang``, ``KODEBOG_LANG`` or the settings (Danish default)."""
    from kodebog.settings import load_settings

    try:
        remembered = load_settings().language
    except KodebogError:
        remembered = None  # a broken settings file is reported by whatever reads it next
    set_language(language_from(_language_option(argv), remembered))


# argparse's own messages ("usage:", "the following arguments are required") come from the
# module's gettext functions; route them through kodebog's catalogue (area "argparse").
setattr(argparse, "_", _)  # noqa: B010
setattr(argparse, "ngettext", ngettext)  # noqa: B010


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; user errors print one line and return 1."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        choose_language(arguments)
    except KodebogError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 2
    argv = arguments
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return handler(args)
    except KodebogError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: " + _("interrupted; the action in progress was not saved"),
              file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
