"""What every command family shares: the handler type, the project argument, printing."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol

from kodebog.errors import ProjectError
from kodebog.i18n import _

if TYPE_CHECKING:
    from kodebog.store import Store

Handler = Callable[[argparse.Namespace], int]


class Command(Protocol):
    """``command(name, handler, help)``: add a subcommand (to ``parent``, default the top)."""

    def __call__(self, name: str, handler: Handler, help_text: str,
                 parent: Any = ...) -> argparse.ArgumentParser: ...


def add_project(parser: argparse.ArgumentParser) -> None:
    """The ``PROJECT`` argument most commands start with."""
    parser.add_argument("project", metavar="PROJECT",
                        help=_("project file (SQLite) or database URL (postgresql+psycopg://...)"))


def print_json(data: Any) -> None:
    """``data`` as indented JSON with Danish letters kept, then a newline."""
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def coder(args: argparse.Namespace) -> str:
    """``--coder``, or the remembered default coder."""
    if getattr(args, "coder", None):
        return str(args.coder)
    from kodebog.settings import default_coder

    return default_coder()


@contextmanager
def project(args: argparse.Namespace) -> Iterator[Store]:
    """The project named by ``args.project``, disposed of afterwards."""
    from kodebog.store import open_project

    store = open_project(args.project)
    try:
        yield store
    finally:
        store.dispose()


def span(value: str | None) -> tuple[int, int] | None:
    """``--span START:END`` as a pair (None when not given)."""
    if value is None:
        return None
    try:
        start, end = (int(part) for part in value.split(":"))
    except ValueError:
        raise ProjectError(_("--span {value}: write it as START:END, e.g. --span 0:42").format(
            value=value)) from None
    return start, end


def names(value: str) -> list[str]:
    """``A,B,C`` as a list, blanks dropped."""
    return [part.strip() for part in value.split(",") if part.strip()]


def lazy_handler(module: str, name: str) -> Handler:
    """A handler imported only when its command runs."""

    def run(args: argparse.Namespace) -> int:
        import importlib

        handler: Handler = getattr(importlib.import_module(module), name)
        return handler(args)

    return run


def usage(parser: argparse.ArgumentParser) -> int:
    """A command group run without an action: its help on stderr, exit code 2."""
    parser.print_help(sys.stderr)
    return 2
