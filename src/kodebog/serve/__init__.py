"""``kodebog serve``: the TUI for browsers (textual-serve), behind kodebog's login.

Never imported by the core; only the ``serve`` command imports it.
"""

from __future__ import annotations

from kodebog.serve.config import ServeConfig, check_config, is_loopback
from kodebog.serve.server import KodebogServer

__all__ = ["KodebogServer", "ServeConfig", "check_config", "is_loopback", "serve"]


def serve(config: ServeConfig) -> None:
    """Open the project, check that a network bind has a login, and serve until stopped."""
    from kodebog.store import open_project
    from kodebog.users import has_users

    store = open_project(config.project)
    try:
        with store.read() as session:
            users = has_users(session)
        check_config(config, users)
        KodebogServer(store, config).serve()
    finally:
        store.dispose()
