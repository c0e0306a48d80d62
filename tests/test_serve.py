"""kodebog serve over HTTP (aiohttp's test server, no browser): login, limits, health."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from kodebog.errors import ProjectError
from kodebog.project import init_project
from kodebog.serve import KodebogServer, ServeConfig, check_config, is_loopback, pages
from kodebog.serve.sessions import LoginLimiter, Sessions
from kodebog.store import Store
from kodebog.store.models import Event
from kodebog.users import add_user

PASSWORD = "rigtigt kodeord æ"
Scenario = Callable[[TestClient[object, object], KodebogServer], Awaitable[None]]


@pytest.fixture
def store(project_location: str, codebook_file: Path) -> Iterator[Store]:
    store = init_project(project_location, codebook_file)
    yield store
    store.dispose()


def with_users(store: Store) -> Store:
    with store.write() as session:
        add_user(session, "anna", PASSWORD)
        add_user(session, "rikke", PASSWORD, role="reviewer")
    return store


def run(store: Store, config: ServeConfig, scenario: Scenario) -> list[str]:
    """Run ``scenario`` against a test server; the lines the server printed."""
    lines: list[str] = []

    async def main() -> None:
        server = KodebogServer(store, config, out=lines.append)
        client: TestClient[object, object] = TestClient(TestServer(await server._make_app()))
        await client.start_server()
        try:
            await scenario(client, server)
        finally:
            await client.close()

    asyncio.run(main())
    return lines


def network(store: Store, **kwargs: object) -> ServeConfig:
    return ServeConfig(project=store.display_name, host="0.0.0.0", **kwargs)  # type: ignore[arg-type]


def test_unauthenticated_requests_get_only_the_login_page(store: Store) -> None:
    with_users(store)

    async def scenario(client: TestClient[object, object], _: KodebogServer) -> None:
        for path in ("/", "/static/js/textual.js", "/ws", "/download/x", "/anything"):
            response = await client.get(path, allow_redirects=False)
            body = await response.text()
            assert response.status == 401, path
            assert '<form method="post" action="/login">' in body, path
            assert "textual" not in body.lower() and "<script" not in body, path
            assert "kodebog_session" not in response.cookies
        login = await client.get("/login")
        assert login.status == 200 and 'type="password"' in await login.text()

    run(store, network(store), scenario)


def test_wrong_password_refused_and_rate_limited(store: Store) -> None:
    with_users(store)

    async def scenario(client: TestClient[object, object], _: KodebogServer) -> None:
        for _try in range(5):
            response = await client.post("/login", data={"name": "anna", "password": "forkert"},
                                         allow_redirects=False)
            assert response.status == 401
            assert "Wrong name or password." in await response.text()
            assert "kodebog_session" not in response.cookies
        # now even the right password waits
        response = await client.post("/login", data={"name": "anna", "password": PASSWORD},
                                     allow_redirects=False)
        assert response.status == 429 and int(response.headers["Retry-After"]) > 0
        assert "Too many wrong tries; try again in 5 minutes." in await response.text()
        assert "kodebog_session" not in response.cookies
        assert (await client.get("/", allow_redirects=False)).status == 401

    lines = run(store, network(store), scenario)
    assert sum("login-refused anna" in line for line in lines) == 5
    assert any("login-throttled anna" in line for line in lines)
    assert all(PASSWORD not in line and "forkert" not in line for line in lines)


def test_login_opens_the_app_page_and_logout_ends_it(store: Store) -> None:
    with_users(store)

    async def scenario(client: TestClient[object, object], _: KodebogServer) -> None:
        response = await client.post("/login", data={"name": "anna", "password": PASSWORD},
                                     allow_redirects=False)
        assert response.status == 303 and response.headers["Location"] == "/"
        cookie = response.cookies["kodebog_session"]
        assert cookie["httponly"] and cookie["samesite"] == "Strict"
        page = await client.get("/")
        body = await page.text()
        assert page.status == 200 and "textual.js" in body and "/ws" in body
        assert (await client.get("/static/js/textual.js")).status == 200
        out = await client.post("/logout")
        assert out.status == 200 and "You are logged out." in await out.text()
        client.session.cookie_jar.update_cookies({"kodebog_session": cookie.value})
        assert (await client.get("/", allow_redirects=False)).status == 401

    lines = run(store, network(store), scenario)
    assert any(" login anna from 127.0.0.1 (role coder)" in line for line in lines)
    assert any(" logout anna " in line for line in lines)
    with store.read() as session:
        actions = list(session.scalars(select(Event.action).where(
            Event.entity == "session").order_by(Event.id)))
        remote = session.scalar(select(Event.after).where(Event.action == "serve.login"))
    assert actions == ["serve.login", "serve.logout"]
    assert remote == {"from": "127.0.0.1", "detail": "role coder"}


def test_health_endpoint(store: Store) -> None:
    async def scenario(client: TestClient[object, object], _: KodebogServer) -> None:
        response = await client.get("/health")
        assert response.status == 200
        assert await response.json() == {"status": "ok", "sessions": 0, "max_sessions": 3}

    run(store, ServeConfig(project=store.display_name, max_sessions=3), scenario)


def test_network_bind_needs_users_or_a_proxy_header(store: Store) -> None:
    config = network(store)
    with pytest.raises(ProjectError, match=r"--host 0\.0\.0\.0: serving beyond this machine"):
        check_config(config, has_users=False)
    check_config(config, has_users=True)
    check_config(network(store, trust_proxy_header="X-Remote-User"), has_users=False)
    check_config(ServeConfig(project="p"), has_users=False)  # loopback
    with pytest.raises(ProjectError, match="--max-sessions 0"):
        check_config(ServeConfig(project="p", max_sessions=0), has_users=True)
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10")


def test_loopback_without_users_needs_no_login(store: Store) -> None:
    async def scenario(client: TestClient[object, object], _: KodebogServer) -> None:
        page = await client.get("/")
        assert page.status == 200 and "textual.js" in await page.text()
        assert "kodebog_session" in page.cookies

    lines = run(store, ServeConfig(project=store.display_name, local_coder="ole"), scenario)
    assert any(" login ole from 127.0.0.1 (loopback)" in line for line in lines)


def test_loopback_with_users_asks_for_the_login(store: Store) -> None:
    with_users(store)

    async def scenario(client: TestClient[object, object], _: KodebogServer) -> None:
        assert (await client.get("/", allow_redirects=False)).status == 401

    run(store, ServeConfig(project=store.display_name, local_coder="ole"), scenario)


def test_proxy_header_names_the_user(store: Store) -> None:
    with_users(store)

    async def scenario(client: TestClient[object, object], _: KodebogServer) -> None:
        missing = await client.get("/")
        assert missing.status == 401 and "X-Remote-User" in await missing.text()
        stranger = await client.get("/", headers={"X-Remote-User": "mallory"})
        assert stranger.status == 401
        page = await client.get("/", headers={"X-Remote-User": "rikke"})
        assert page.status == 200 and "textual.js" in await page.text()

    lines = run(store, network(store, trust_proxy_header="X-Remote-User"), scenario)
    assert any("refused mallory" in line for line in lines)
    assert any(" login rikke " in line for line in lines)


def test_full_server_says_so(store: Store) -> None:
    async def scenario(client: TestClient[object, object], server: KodebogServer) -> None:
        server.state.opened.append(object())  # type: ignore[arg-type]
        page = await client.get("/")
        assert page.status == 503 and "--max-sessions 1" in await page.text()
        server.state.opened.clear()

    run(store, ServeConfig(project=store.display_name, local_coder="ole", max_sessions=1),
        scenario)


def test_sessions_expire_and_limiter_forgets() -> None:
    now = [0.0]
    sessions = Sessions(ttl=100, idle=10, clock=lambda: now[0])
    token = sessions.start("anna", "10.0.0.1").token
    now[0] = 9
    assert sessions.get(token) is not None  # used: idle time starts again
    now[0] = 18
    assert sessions.get(token) is not None
    now[0] = 29
    assert sessions.get(token) is None  # idle too long
    long = sessions.start("bo", "x").token
    for step in range(1, 13):
        now[0] = 29 + step * 9
        alive = sessions.get(long)
    assert alive is None  # past ttl although used
    limiter = LoginLimiter(max_failures=2, window=60, clock=lambda: now[0])
    limiter.failed("10.0.0.1", "anna")
    assert limiter.wait("10.0.0.1", "anna") == 0
    limiter.failed("10.0.0.2", "anna")
    assert limiter.wait("10.0.0.3", "anna") > 0  # the name is throttled from any address
    now[0] += 61
    assert limiter.wait("10.0.0.1", "anna") == 0


def test_each_session_runs_its_own_app_as_the_logged_in_coder(tmp_path: Path,
                                                             codebook_file: Path) -> None:
    store = with_users(init_project(str(tmp_path / "p.kodebog"), codebook_file))
    config = network(store)

    async def scenario(client: TestClient[object, object], server: KodebogServer) -> None:
        assert server.command_for("anna o'hara").endswith("--coder 'anna o'\"'\"'hara'")
        assert '"$KODEBOG_SERVE_PROJECT"' in server.command_for("anna")
        response = await client.post("/login", data={"name": "anna", "password": PASSWORD},
                                     allow_redirects=False)
        assert response.status == 303
        async with client.ws_connect("/ws?width=80&height=24") as websocket:
            received = await asyncio.wait_for(websocket.receive_bytes(), timeout=120)
            assert received  # the app process streams its screen
            assert len(server.state.opened) == 1
            opened = server.state.opened[0]
            assert opened.session.name == "anna" and opened.session.apps == 1
            assert opened.service is not None
            environment = opened.service._build_environment()
            assert environment["KODEBOG_SERVE_PROJECT"] == store.display_name
            assert environment["KODEBOG_BROWSER"] == "1"
        while server.state.opened:  # the server notices the close and quits the app
            await asyncio.sleep(0.05)

    try:
        lines = run(store, config, scenario)
    finally:
        store.dispose()
    assert any(" app-start anna " in line for line in lines)
    assert any(" app-end anna " in line for line in lines)


def test_login_page_and_refusals_speak_danish(store: Store, danish: None) -> None:
    with_users(store)

    async def scenario(client: TestClient[object, object], _: KodebogServer) -> None:
        page = await client.get("/", allow_redirects=False)
        body = await page.text()
        assert page.status == 401 and '<html lang="da">' in body
        for text in ("<title>kodebog · log ind</title>", ">Kodernavn</label>",
                     ">Adgangskode</label>", ">Log ind</button>"):
            assert text in body
        wrong = await client.post("/login", data={"name": "anna", "password": "forkert"})
        assert "Forkert navn eller adgangskode." in await wrong.text()
        for _try in range(4):
            await client.post("/login", data={"name": "anna", "password": "forkert"})
        throttled = await client.post("/login", data={"name": "anna", "password": PASSWORD})
        assert "For mange forkerte forsøg; prøv igen om 5 minutter." in await throttled.text()

    run(store, network(store), scenario)
    assert "Du er logget ud." in pages.logged_out_page()
    assert "Log ind via din organisations loginside" in pages.proxy_page("X-Remote-User")


def test_full_server_says_so_in_danish(store: Store, danish: None) -> None:
    async def scenario(client: TestClient[object, object], server: KodebogServer) -> None:
        server.state.opened.append(object())  # type: ignore[arg-type]
        page = await client.get("/")
        assert page.status == 503
        assert ("kodebog kører allerede 1 session, det højeste antal denne server tillader "
                "(--max-sessions 1)") in await page.text()
        server.state.opened.clear()

    lines = run(store, ServeConfig(project=store.display_name, local_coder="ole",
                                   max_sessions=1), scenario)
    assert any(" login ole from 127.0.0.1 (loopback)" in line for line in lines)
    assert lines[0].startswith("kodebog serve: ") and "højst 1 session)" in lines[0]


def test_app_page_speaks_the_server_language_and_loads_nothing_from_outside(
        store: Store, danish: None) -> None:
    async def scenario(client: TestClient[object, object], _: KodebogServer) -> None:
        page = await client.get("/")
        body = await page.text()
        assert page.status == 200 and '<html lang="da">' in body
        assert ">Sessionen er slut.</div>" in body and ">Start igen</button>" in body
        assert "googleapis" not in body and "https://" not in body
        assert "fonts/RobotoMono-VariableFont_wght.ttf" in body
        font = await client.get("/static/fonts/RobotoMono-VariableFont_wght.ttf")
        assert font.status == 200

    run(store, ServeConfig(project=store.display_name, local_coder="ole"), scenario)


def test_serve_help_speaks_danish(danish: None, capsys: pytest.CaptureFixture[str]) -> None:
    from kodebog.cli import main

    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    out = " ".join(capsys.readouterr().out.split())  # argparse wraps the lines
    assert "højst så mange sessioner på én gang (standard 20); flere afvises" in out
    assert "hent den indloggede bruger fra denne header" in out
