"""``kodebog serve``: the coding workspace in the browser, for a team."""

from __future__ import annotations

import argparse

from kodebog.cli.common import Command, add_project, coder
from kodebog.i18n import _


def cmd_serve(args: argparse.Namespace) -> int:
    from pathlib import Path

    from kodebog.serve import ServeConfig, serve
    from kodebog.store.engine import is_url

    project = args.project if is_url(args.project) else str(Path(args.project).resolve())
    serve(ServeConfig(
        project=project, host=args.host, port=args.port,
        trust_proxy_header=args.trust_proxy_header, max_sessions=args.max_sessions,
        public_url=args.public_url, local_coder=coder(args),
        session_hours=args.session_hours, idle_minutes=args.idle_minutes))
    return 0


def register(command: Command) -> None:
    """Add ``serve``."""
    sub = command("serve", cmd_serve,
                  _("serve the coding workspace to browsers (one app per session, with login)"))
    add_project(sub)
    sub.add_argument("--host", default="127.0.0.1",
                     help=_("address to listen on (default 127.0.0.1; any other address "
                            "needs users or --trust-proxy-header)"))
    sub.add_argument("--port", type=int, default=8000, help=_("port (default 8000)"))
    sub.add_argument("--trust-proxy-header", metavar="NAME",
                     help=_("take the logged-in user from this header set by an "
                            "authenticating reverse proxy (e.g. X-Remote-User)"))
    sub.add_argument("--max-sessions", type=int, default=20,
                     help=_("most app sessions at once (default 20); more are refused"))
    sub.add_argument("--public-url", metavar="URL",
                     help=_("the address browsers use, e.g. https://kodebog.example.dk "
                            "behind a TLS proxy (default: the address of each request)"))
    sub.add_argument("--session-hours", type=float, default=8.0,
                     help=_("a login expires after this many hours (default 8)"))
    sub.add_argument("--idle-minutes", type=float, default=60.0,
                     help=_("a login unused this long expires (default 60)"))
    sub.add_argument("--coder", help=_("the coder of a loopback server without users "
                                       "(default: the remembered coder)"))
