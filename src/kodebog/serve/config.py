"""What ``kodebog serve`` was asked to do, and the refusal of an unauthenticated network bind."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from kodebog.errors import ProjectError
from kodebog.i18n import _, formats, ngettext


def is_loopback(host: str) -> bool:
    """Whether ``host`` only listens on this machine (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class ServeConfig:
    """What ``kodebog serve`` was asked to do."""

    project: str
    host: str = "127.0.0.1"
    port: int = 8000
    trust_proxy_header: str | None = None
    max_sessions: int = 20
    public_url: str | None = None
    #: The coder of a loopback server without users (the person who started it).
    local_coder: str = ""
    session_hours: float = 8.0
    idle_minutes: float = 60.0


def check_config(config: ServeConfig, has_users: bool) -> None:
    """Refuse a network bind without authentication, and nonsense limits."""
    if config.max_sessions < 1:
        raise ProjectError(_("--max-sessions {value}: give at least 1").format(
            value=config.max_sessions))
    if not is_loopback(config.host) and not has_users and not config.trust_proxy_header:
        raise ProjectError(_(
            "--host {host}: serving beyond this machine needs a login; add users first "
            "(kodebog users add PROJECT NAME) or put an authenticating proxy in front "
            "(--trust-proxy-header NAME)").format(host=config.host))


def announcement(config: ServeConfig, project: str) -> str:
    """The line the server says when it starts: what, where, for whom, how many."""
    header = config.trust_proxy_header
    mode = (_("users from the proxy header {header}").format(header=header) if header
            else _("login with kodebog users"))
    return ngettext(
        "kodebog serve: {project} on {url} ({mode}; at most {count} session); "
        "stop with Ctrl+C or SIGTERM",
        "kodebog serve: {project} on {url} ({mode}; at most {count} sessions); "
        "stop with Ctrl+C or SIGTERM", config.max_sessions).format(
            project=project, url=f"http://{config.host}:{config.port}", mode=mode,
            count=formats.number(config.max_sessions))
