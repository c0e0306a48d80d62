"""Browser sessions of ``kodebog serve``: who is logged in, for how long, and login limits.

Everything is in memory: restarting the server logs everybody out. Tokens are random
(``secrets.token_urlsafe``) and only their holder's browser has them (an HttpOnly cookie).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

#: Wrong passwords allowed per address (and per user name) within ``WINDOW`` seconds.
MAX_FAILURES = 5
WINDOW = 300.0


@dataclass
class Session:
    """One logged-in browser: the coder it codes as, from where, since when."""

    token: str
    name: str
    remote: str
    started: float
    last_seen: float
    #: Open app processes (websockets) of this session.
    apps: int = 0
    #: A short id for logs (never the token, which is the browser's secret).
    ident: str = field(default_factory=lambda: secrets.token_hex(4))


@dataclass
class Sessions:
    """The logged-in sessions; they expire after ``idle`` seconds unused or ``ttl`` in all."""

    ttl: float = 8 * 3600.0
    idle: float = 3600.0
    clock: Callable[[], float] = time.monotonic
    _by_token: dict[str, Session] = field(default_factory=dict)

    def start(self, name: str, remote: str) -> Session:
        """A new session for ``name``."""
        now = self.clock()
        session = Session(secrets.token_urlsafe(32), name, remote, now, now)
        self._by_token[session.token] = session
        return session

    def get(self, token: str | None) -> Session | None:
        """The live session of this token (its idle time starts again), else None."""
        if not token:
            return None
        session = self._by_token.get(token)
        if session is None:
            return None
        now = self.clock()
        if now - session.started > self.ttl or now - session.last_seen > self.idle:
            self._by_token.pop(token, None)
            return None
        session.last_seen = now
        return session

    def end(self, token: str | None) -> Session | None:
        """Log a session out; the ended session, if there was one."""
        return self._by_token.pop(token, None) if token else None

    def open_apps(self) -> int:
        """How many app processes run for browsers now."""
        return sum(s.apps for s in self._by_token.values())

    def __len__(self) -> int:
        return len(self._by_token)


@dataclass
class LoginLimiter:
    """Refuses further logins from an address or for a name after too many wrong passwords."""

    max_failures: int = MAX_FAILURES
    window: float = WINDOW
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, list[float]] = field(default_factory=dict)

    def _recent(self, key: str) -> list[float]:
        now = self.clock()
        kept = [t for t in self._failures.get(key, []) if now - t < self.window]
        if kept:
            self._failures[key] = kept
        else:
            self._failures.pop(key, None)
        return kept

    def wait(self, remote: str, name: str) -> float:
        """Seconds until a login from ``remote`` as ``name`` is tried again (0: now)."""
        waits = [0.0]
        for key in (f"addr:{remote}", f"name:{name}"):
            recent = self._recent(key)
            if len(recent) >= self.max_failures:
                waits.append(self.window - (self.clock() - recent[0]))
        return max(waits)

    def failed(self, remote: str, name: str) -> None:
        """Count a wrong password."""
        now = self.clock()
        for key in (f"addr:{remote}", f"name:{name}"):
            self._failures.setdefault(key, []).append(now)

    def succeeded(self, remote: str, name: str) -> None:
        """A right password clears the name's and the address's count."""
        for key in (f"addr:{remote}", f"name:{name}"):
            self._failures.pop(key, None)
