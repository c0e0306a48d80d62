"""Errors a user can fix: shown as one line, never as a traceback."""

from __future__ import annotations

from dataclasses import dataclass

from kodebog.i18n import _, ngettext


class KodebogError(Exception):
    """Base of every error caused by input or state the user controls.

    The CLI prints ``str(error)`` as one line (``kodebog: <message>``) and exits 1.
    Anything that is not a ``KodebogError`` is a bug and keeps its traceback.
    """


@dataclass(frozen=True)
class Problem:
    """One problem found in a file, located by 1-based line and column."""

    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message}"


class CodebookError(KodebogError):
    """A codebook file has one or more problems; all of them are listed."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        first = str(self.problems[0]) if self.problems else _("invalid codebook")
        more = len(self.problems) - 1
        # English says "problems" for one too (scripts match it); Danish has both forms
        super().__init__(first + (ngettext(" (and {count} more problems)",
                                           " (and {count} more problems)", more).format(
            count=more) if more > 0 else ""))



class SourceError(KodebogError):
    """A file given for import cannot be read as the material it claims to be."""


class ProjectError(KodebogError):
    """The project cannot do what was asked (unknown source, code, unit, coder ...)."""


class ConflictError(KodebogError):
    """A shared object was changed by someone else since it was read."""


class DatabaseBusyError(ProjectError):
    """Another program holds the project's write lock; trying again later can succeed."""


class DatabaseUnavailableError(ProjectError):
    """The database server did not answer or the connection broke; nothing was saved."""
