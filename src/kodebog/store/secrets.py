"""Database passwords never on screen: masking text, and crash reports without them.

A project given as ``postgresql+psycopg://user:PASSWORD@host/db`` puts a password in the
process's arguments, in SQLAlchemy URL objects and in the strings handed to the suggestions
helper. A bug can surface any of them in a traceback (Textual's crash screen prints every
frame's local variables). ``remember`` notes a password when a URL is parsed and installs
hooks that print uncaught exceptions masked; ``mask`` removes every remembered password and
any ``scheme://user:password@`` from a text; ``crash_report`` is what a crash prints:
the traceback without local variables, masked, and one line saying it is a bug.
"""

from __future__ import annotations

import re
import sys
import threading
import traceback
from types import TracebackType
from urllib.parse import quote

from kodebog.i18n import _

#: What a masked password is shown as (SQLAlchemy's own choice).
MASK = "***"

_URL_PASSWORD = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^\s:/@'\"]*:)"
                           r"(?P<password>[^\s@'\"]+)(?P<at>@)")
_secrets: set[str] = set()
_lock = threading.Lock()
_installed = False


def remember(password: str | None) -> None:
    """Mask ``password`` in everything ``mask`` sees from now on; install the crash hooks."""
    if not password:
        return
    with _lock:
        _secrets.update({password, quote(password, safe=""), repr(password)[1:-1]})
    install_hooks()


def mask(text: str) -> str:
    """``text`` without any remembered password or URL password."""
    text = _URL_PASSWORD.sub(lambda m: f"{m['head']}{MASK}{m['at']}", text)
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if len(secret) >= 3:  # a one- or two-letter password would mask half the text
            text = text.replace(secret, MASK)
    return text


def crash_report(error: BaseException) -> str:
    """A bug, for the terminal: its traceback without local variables, then one line; masked."""
    details = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    first = str(error).strip().splitlines()
    summary = f"{type(error).__name__}: {first[0]}" if first else type(error).__name__
    line = _("kodebog: unexpected error, a bug in kodebog ({summary}); nothing more was "
             "saved. Please report it with the lines above.").format(summary=summary)
    return mask(details.rstrip() + "\n" + line)


def _excepthook(kind: type[BaseException], error: BaseException,
                trace: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, trace)
        return
    error.__traceback__ = trace
    print(crash_report(error), file=sys.stderr)


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None or issubclass(args.exc_type, SystemExit):
        return
    error = args.exc_value
    error.__traceback__ = args.exc_traceback
    print(crash_report(error), file=sys.stderr)


def install_hooks() -> None:
    """Print uncaught exceptions (main thread and others) masked; idempotent."""
    global _installed
    with _lock:
        if _installed:
            return
        _installed = True
    sys.excepthook = _excepthook
    threading.excepthook = _thread_excepthook
