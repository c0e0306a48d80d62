"""``kodebog serve``: the TUI in the browser, one app process per session, behind a login.

textual-serve's ``Server`` starts one app process per websocket (``AppService``) and streams
it to its page; this subclass puts kodebog's login in front of every route but ``/login``
and ``/health``, starts ``kodebog open PROJECT --coder NAME`` with the logged-in name, limits
the app processes, and logs sessions to stdout and the project's event log.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import shlex
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp_jinja2
from aiohttp import WSCloseCode, WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from kodebog.errors import ProjectError
from kodebog.i18n import _, formats, language, ngettext
from kodebog.serve import pages
from kodebog.serve.apps import PROJECT_ENV, QUIT_WAIT, TEMPLATES, KodebogAppService, page_text, reap
from kodebog.serve.config import ServeConfig, announcement, is_loopback
from kodebog.serve.sessions import LoginLimiter, Session, Sessions
from kodebog.store import Store

COOKIE = "kodebog_session"
#: The page title while the app loads: the product's name, the same in every language.
PRODUCT = "kodebog"

SESSION = web.RequestKey("kodebog_session", Session)
NEW_SESSION = web.RequestKey("kodebog_new_session", Session)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class _Open:
    """An app process streaming to a browser."""

    session: Session
    websocket: web.WebSocketResponse
    service: AppService | None = None
    #: Set while the app is being ended; done when it has.
    ending: asyncio.Event | None = None


@dataclass
class _State:
    opened: list[_Open] = field(default_factory=list)
    stopping: bool = False


class KodebogServer(Server):
    """textual-serve's server with kodebog's login, limits and session log."""

    def __init__(self, store: Store, config: ServeConfig,
                 out: Callable[[str], None] | None = None) -> None:
        super().__init__(self._command_template(), host=config.host, port=config.port,
                         title=PRODUCT, public_url=config.public_url,
                         templates_path=TEMPLATES)
        self.store = store
        self.config = config
        self.sessions = Sessions(ttl=config.session_hours * 3600,
                                 idle=config.idle_minutes * 60)
        self.limiter = LoginLimiter()
        self.state = _State()
        self.out = out or self._print
        self._fixed_url = config.public_url

    @staticmethod
    def _command_template() -> str:
        return (f'{shlex.quote(sys.executable)} -m kodebog.cli open "${PROJECT_ENV}" '
                "--coder")

    def command_for(self, name: str) -> str:
        """The shell command of one session's app process."""
        return f"{self._command_template()} {shlex.quote(name)}"

    @staticmethod
    def _print(line: str) -> None:
        print(line, flush=True)

    # logging

    async def log(self, action: str, session: Session | None, name: str, remote: str,
                  detail: str = "", event: bool = True) -> None:
        """One line on stdout; and one Event (``serve.ACTION``) unless ``event`` is False.

        The line is a log record in English in one fixed format, as the event log is, for
        the operator's tools (journald, grep, fail2ban), not a message: never translated."""
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.out(f"{stamp} {action} {name or '-'} from {remote}"
                 + (f" ({detail})" if detail else ""))
        if event:
            await asyncio.to_thread(self._log_event, action, session, name, remote, detail)

    def _log_event(self, action: str, session: Session | None, name: str, remote: str,
                   detail: str) -> None:
        from kodebog.coding import coder_id, log_event

        after = {"from": remote, **({"detail": detail} if detail else {})}
        entity_id = session.ident if session else None
        try:
            with self.store.write() as db:
                log_event(db, coder_id(db, name) if name else None, f"serve.{action}",
                          "session", entity_id, None, after)
        except ProjectError as error:
            self.out(_("could not write {action} to the project's log: {error}").format(
                action=action, error=error))

    # who is asking

    def remote(self, request: web.Request) -> str:
        """The client's address (the proxy's forwarded address when behind one)."""
        if self.config.trust_proxy_header:
            forwarded = request.headers.get("X-Forwarded-For", "")
            if forwarded:
                return forwarded.split(",")[0].strip()
        return request.remote or "?"

    async def _has_users(self) -> bool:
        from kodebog.users import has_users

        def read() -> bool:
            with self.store.read() as db:
                return has_users(db)

        return await asyncio.to_thread(read)

    async def session_of(self, request: web.Request) -> Session | None:
        """The request's live session, starting one where no login is needed."""
        found = self.sessions.get(request.cookies.get(COOKIE))
        header = self.config.trust_proxy_header
        if header:
            name = request.headers.get(header, "").strip()
            if not name:
                return None
            if found is not None and found.name == name:
                return found
            if await self._has_users() and not await self._is_user(name):
                await self.log("refused", None, name, self.remote(request),
                               "not a user of this project", event=False)
                return None
            session = self.sessions.start(name, self.remote(request))
            request[NEW_SESSION] = session
            await self.log("login", session, name, session.remote, f"header {header}")
            return session
        if found is not None:
            return found
        if is_loopback(self.config.host) and not await self._has_users():
            session = self.sessions.start(self.config.local_coder, self.remote(request))
            request[NEW_SESSION] = session
            await self.log("login", session, session.name, session.remote, "loopback")
            return session
        return None

    async def _is_user(self, name: str) -> bool:
        from sqlalchemy import select

        from kodebog.store.models import AppUser

        def read() -> bool:
            with self.store.read() as db:
                return db.scalar(select(AppUser.id).where(AppUser.name == name)) is not None

        return await asyncio.to_thread(read)

    # the web application

    @web.middleware
    async def guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Only ``/login`` and ``/health`` without a session; the login page otherwise."""
        if request.path in ("/login", "/health"):
            return await handler(request)
        session = await self.session_of(request)
        if session is None:
            if self.config.trust_proxy_header:
                return web.Response(text=pages.proxy_page(self.config.trust_proxy_header),
                                    content_type="text/html", status=401)
            return web.Response(text=pages.login_page(self.store.display_name),
                                content_type="text/html", status=401)
        request[SESSION] = session
        response = await handler(request)
        fresh = request.get(NEW_SESSION)
        if fresh is not None:
            self._set_cookie(response, fresh)
        return response

    def _set_cookie(self, response: web.StreamResponse, session: Session) -> None:
        response.set_cookie(COOKIE, session.token, httponly=True, samesite="Strict",
                            secure=bool(self._fixed_url and
                                        self._fixed_url.startswith("https")),
                            max_age=int(self.sessions.ttl))

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self.guard)
        aiohttp_jinja2.get_env(app).globals.update(kodebog_text=page_text,
                                                   kodebog_language=language)
        app.router.add_get("/login", self.handle_login_page)
        app.router.add_post("/login", self.handle_login)
        app.router.add_post("/logout", self.handle_logout)
        app.router.add_get("/logout", self.handle_logout)
        app.router.add_get("/health", self.handle_health)
        return app

    async def handle_login_page(self, request: web.Request) -> web.Response:
        """The login form."""
        return web.Response(text=pages.login_page(self.store.display_name),
                            content_type="text/html")

    async def handle_login(self, request: web.Request) -> web.Response:
        """Check a name and password; wrong ones are refused and counted per address."""
        from kodebog.users import verify

        form = await request.post()
        name, password = str(form.get("name", "")).strip(), str(form.get("password", ""))
        remote = self.remote(request)
        wait = self.limiter.wait(remote, name)
        if wait > 0:
            await self.log("login-throttled", None, name, remote, event=False)
            return web.Response(
                text=pages.throttled_page(self.store.display_name, int(wait // 60) + 1, name),
                content_type="text/html", status=429,
                headers={"Retry-After": str(int(wait) + 1)})

        def check() -> Any:
            with self.store.read() as db:
                return verify(db, name, password)

        user = await asyncio.to_thread(check)
        if user is None:
            self.limiter.failed(remote, name)
            await self.log("login-refused", None, name, remote, event=False)
            return web.Response(text=pages.refused_page(self.store.display_name, name),
                                content_type="text/html", status=401)
        self.limiter.succeeded(remote, name)
        session = self.sessions.start(user.name, remote)
        await self.log("login", session, user.name, remote, f"role {user.role}")
        response = web.HTTPSeeOther("/")
        self._set_cookie(response, session)
        raise response

    async def handle_logout(self, request: web.Request) -> web.Response:
        """End the session and its app processes; the login page again."""
        token = request.cookies.get(COOKIE)
        session = self.sessions.end(token)
        if session is not None:
            for opened in [o for o in self.state.opened if o.session is session]:
                await self._close(opened, "logged out")
            await self.log("logout", session, session.name, self.remote(request))
        response = web.Response(text=pages.logged_out_page(), content_type="text/html")
        response.del_cookie(COOKIE)
        return response

    async def handle_health(self, request: web.Request) -> web.Response:
        """For the operator's monitoring: the database answers, how many sessions run."""
        from sqlalchemy import text

        def ping() -> None:
            with self.store.read() as db:
                db.execute(text("SELECT 1"))

        try:
            await asyncio.to_thread(ping)
            status, code = "ok", 200
        except Exception as error:  # any failure to reach the database is "unhealthy"
            status, code = f"database unavailable: {type(error).__name__}", 503
        body = {"status": "stopping" if self.state.stopping else status,
                "sessions": len(self.state.opened), "max_sessions": self.config.max_sessions}
        return web.Response(text=json.dumps(body), content_type="application/json",
                            status=503 if self.state.stopping else code)

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        """The app's page, unless every session place is taken (then said)."""
        if len(self.state.opened) >= self.config.max_sessions:
            return self._full()
        if not self._fixed_url:
            self.public_url = f"{request.scheme}://{request.host}"
        response: web.StreamResponse = await super().handle_index(request)
        return response

    def _full(self) -> web.Response:
        return web.Response(text=pages.full_page(self.config.max_sessions),
                            content_type="text/html", status=503)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One app process for this session's coder, streamed until either side closes."""
        session = request[SESSION]
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)
        if self.state.stopping or len(self.state.opened) >= self.config.max_sessions:
            await websocket.close(code=WSCloseCode.TRY_AGAIN_LATER,
                                  message=b"too many sessions; try again later")
            return websocket
        width = _int(request.query.get("width"), 80)
        height = _int(request.query.get("height"), 24)
        opened = _Open(session, websocket)
        self.state.opened.append(opened)
        session.apps += 1
        await self.log("app-start", session, session.name, self.remote(request))

        async def close() -> None:
            await websocket.close()

        try:
            service = KodebogAppService(self.command_for(session.name),
                                 write_bytes=websocket.send_bytes,
                                 write_str=websocket.send_str, close=close,
                                 download_manager=self.download_manager, debug=self.debug)
            service.project = self.config.project
            opened.service = service
            await service.start(width, height)
            await self._relay(websocket, service, session)
        except asyncio.CancelledError:
            pass
        finally:
            await asyncio.shield(self._close(opened, "closed"))
        return websocket

    async def _relay(self, websocket: web.WebSocketResponse, service: AppService,
                     session: Session) -> None:
        """Browser to app: keys, size, focus; each message keeps the session alive."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            if self.sessions.get(session.token) is None:
                await self.log("expired", session, session.name, session.remote)
                break
            envelope = message.json()
            if not isinstance(envelope, list) or not envelope:
                continue
            kind = envelope[0]
            if kind == "stdin":
                await service.send_bytes(str(envelope[1]).encode("utf-8"))
            elif kind == "resize":
                size = envelope[1]
                await service.set_terminal_size(_int(size.get("width"), 80),
                                                _int(size.get("height"), 24))
            elif kind == "ping":
                await websocket.send_json(["pong", envelope[1]])
            elif kind == "blur":
                await service.blur()
            elif kind == "focus":
                await service.focus()

    async def _close(self, opened: _Open, why: str) -> None:
        """Quit an app process (its queued writes finish) and close its websocket.

        A second caller waits for the first; the app counts as open until it has ended.
        """
        if opened.ending is not None:
            await opened.ending.wait()
            return
        opened.ending = asyncio.Event()
        try:
            if opened.service is not None:
                with contextlib.suppress(TimeoutError):  # it finishes its writes, then exits
                    await asyncio.wait_for(opened.service.stop(), QUIT_WAIT)
                await reap(opened.service, wait=5.0)
            if not opened.websocket.closed:
                await opened.websocket.close(code=WSCloseCode.GOING_AWAY,
                                             message=why.encode())
            await self.log("app-end", opened.session, opened.session.name,
                           opened.session.remote, why)
        finally:
            if opened in self.state.opened:
                self.state.opened.remove(opened)
                opened.session.apps -= 1
            opened.ending.set()

    async def on_startup(self, app: web.Application) -> None:
        """Say where it serves what."""
        self.out(announcement(self.config, self.store.display_name))

    async def on_shutdown(self, app: web.Application) -> None:
        """SIGTERM: every app process quits (finishing its writes), each browser is told."""
        self.state.stopping = True
        open_now = len(self.state.opened)
        self.out(ngettext("kodebog serve: stopping; closing {count} session",
                          "kodebog serve: stopping; closing {count} sessions", open_now).format(
                              count=formats.number(open_now)))
        await asyncio.gather(*(self._close(o, "server shutting down")
                               for o in list(self.state.opened)))


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
