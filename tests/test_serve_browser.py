"""kodebog serve in a real headless browser (Chromium + chromedriver from the system, Selenium).

Log in, open a source, code a unit with a code's hotkey, select words with the mouse and code
them, log out; the codings in the project carry the logged-in coder's name. Skips when no
browser or driver is installed, unless KODEBOG_REQUIRE_BROWSER=1 (CI), which fails instead.

textual-serve's page keeps its xterm.js terminal private; a script that runs before the
page's own catches it when the page assigns it (``this.terminal = new Terminal(...)``), so
the test reads the screen as text (``buffer.active``) instead of guessing from pixels.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from kodebog.importing import import_parsed
from kodebog.project import init_project
from kodebog.store.models import Code, Coder, Coding, Unit
from kodebog.users import add_user

from .conftest import make_parsed

PASSWORD = "rigtigt kodeord æ"
#: Runs before textual.js: keeps the first xterm Terminal assigned to ``.terminal``.
CATCH_TERMINAL = """
Object.defineProperty(Object.prototype, 'terminal', {configurable: true,
  set(value) {
    Object.defineProperty(this, 'terminal',
                          {value, writable: true, configurable: true, enumerable: true});
    if (value && value.buffer && !window.kodebogTerminal) window.kodebogTerminal = value;
  }});
"""
SCREEN = """
const terminal = window.kodebogTerminal;
if (!terminal) return null;
const lines = [];
for (let y = 0; y < terminal.rows; y++)
  lines.push(terminal.buffer.active.getLine(y).translateToString(true));
return lines;
"""
#: The terminal's cell size in CSS pixels and its top-left corner.
GEOMETRY = """
const terminal = window.kodebogTerminal;
const box = terminal.element.querySelector('.xterm-screen').getBoundingClientRect();
return [box.left, box.top, box.width / terminal.cols, box.height / terminal.rows];
"""


def _browser_paths() -> tuple[str, str] | str:
    """Chromium and chromedriver, or why they cannot be used."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    browser = next((found for name in ("chromium", "chromium-browser", "google-chrome")
                    if (found := shutil.which(name))), None)
    driver = shutil.which("chromedriver")
    if browser is None or driver is None:
        return ("no Chromium and chromedriver on PATH "
                "(apt-get install chromium chromium-driver)")
    return browser, driver


@pytest.fixture
def chromium() -> tuple[str, str]:
    found = _browser_paths()
    if isinstance(found, str):
        if os.environ.get("KODEBOG_REQUIRE_BROWSER") == "1":
            pytest.fail(f"KODEBOG_REQUIRE_BROWSER=1 but {found}")
        pytest.skip(found)
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Served:
    """A running ``kodebog serve`` and where it prints."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path


@pytest.fixture
def served(tmp_path: Path, codebook_file: Path) -> Iterator[Served]:
    """``kodebog serve`` on loopback for a project with a user, so the login page is used."""
    project = tmp_path / "p.kodebog"
    store = init_project(str(project), codebook_file)
    import_parsed(store, make_parsed())
    with store.write() as session:
        add_user(session, "anna", PASSWORD)
    store.dispose()
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "kodebog.cli", "serve", str(project), "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until(lambda: _answers(f"{url}/health"), 30, lambda: log.read_text())
        yield Served(url, process, log)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _wait_until(ready: Any, timeout: float, why: Any) -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = ready()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"not within {timeout} s:\n{why()}")


@pytest.fixture
def browser(chromium: tuple[str, str]) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, driver_path = chromium
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--window-size=1100,760", "--lang=da"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(driver_path))
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument",
                           {"source": CATCH_TERMINAL})
    try:
        yield driver
    finally:
        driver.quit()


class Terminal:
    """The app's screen in the page: read it, type into it, drag the mouse over it."""

    def __init__(self, driver: Any) -> None:
        self.driver = driver

    def lines(self) -> list[str]:
        found: list[str] | None = self.driver.execute_script(SCREEN)
        return found or []

    def wait_for(self, *texts: str, timeout: float = 30) -> list[str]:
        """The screen once one of its lines holds all of ``texts``."""
        def showing() -> list[str] | None:
            lines = self.lines()
            return lines if any(all(t in line for t in texts) for line in lines) else None

        found: list[str] = _wait_until(
            showing, timeout,
            lambda: f"{texts!r} not on the screen:\n" + "\n".join(self.lines()))
        return found

    def where(self, text: str) -> tuple[int, int]:
        """Row and column of ``text`` on the screen."""
        for row, line in enumerate(self.lines()):
            if text in line:
                return row, line.index(text)
        raise AssertionError(f"{text!r} not on the screen")

    def press(self, *keys: str) -> None:
        from selenium.webdriver.common.action_chains import ActionChains

        ActionChains(self.driver).send_keys(*keys).perform()

    def drag(self, row: int, first: int, last: int, shift: bool = False) -> None:
        """Press the mouse on cell ``first`` of ``row``, move to ``last``, release
        (holding shift with ``shift``): real input events of the browser (DevTools)."""
        left, top, width, height = self.driver.execute_script(GEOMETRY)
        y = top + (row + 0.5) * height
        xs = [left + (column + 0.5) * width for column in range(first, last, 2)]
        xs.append(left + (last + 0.5) * width)
        modifiers = 8 if shift else 0

        def mouse(kind: str, x: float, **more: object) -> None:
            self.driver.execute_cdp_cmd("Input.dispatchMouseEvent", {
                "type": kind, "x": x, "y": y, "modifiers": modifiers, **more})

        mouse("mouseMoved", xs[0])
        mouse("mousePressed", xs[0], button="left", buttons=1, clickCount=1)
        for x in xs[1:]:
            mouse("mouseMoved", x, button="left", buttons=1)
        mouse("mouseReleased", xs[-1], button="left", buttons=0, clickCount=1)

    def key(self, *chord: str) -> None:
        """Press a chord: modifiers held down, the last key pressed."""
        from selenium.webdriver.common.action_chains import ActionChains

        actions = ActionChains(self.driver)
        for modifier in chord[:-1]:
            actions.key_down(modifier)
        actions.send_keys(chord[-1])
        for modifier in reversed(chord[:-1]):
            actions.key_up(modifier)
        actions.perform()

    def background(self) -> int:
        """The background colour of the top-left cell (changes with the theme)."""
        colour: int = self.driver.execute_script(
            "return window.kodebogTerminal.buffer.active.getLine(0).getCell(0).getBgColor()")
        return colour


def log_in(driver: Any, url: str) -> Terminal:
    """Log in as anna; the app's screen once the sources are shown, keys going to it."""
    from selenium.webdriver.common.by import By

    driver.get(url + "/")
    assert driver.find_elements(By.CSS_SELECTOR, "form[action='/login']")
    assert not driver.find_elements(By.CSS_SELECTOR, ".textual-terminal")
    driver.find_element(By.ID, "name").send_keys("anna")
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    terminal = Terminal(driver)
    assert "coder anna" in terminal.wait_for("fg1")[0]
    driver.execute_script("window.kodebogTerminal.focus()")  # as a click on the page does
    return terminal


def test_log_in_code_by_hotkey_and_mouse_then_log_out(served: Served, browser: Any,
                                                     tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    started = time.monotonic()
    terminal = log_in(browser, served.url)
    terminal.press(Keys.ENTER)  # open the source
    terminal.wait_for("fire sagsbehandlere")
    terminal.press("1")  # the hotkey of caseworker_relation: the whole first unit
    terminal.wait_for("whole unit")

    row, column = terminal.where("fire sagsbehandlere")
    terminal.drag(row, column, column + len("fire sagsbehandlere") - 1)
    # the drag moved the cursor to that unit and selected exactly the dragged words
    terminal.wait_for("Unit 3")
    terminal.wait_for("Selected", "“fire sagsbehandlere”")
    terminal.press("3")  # contact_center on exactly the selected words
    terminal.wait_for("Kontakt til jobcentret", "“fire sagsbehandlere”")
    browser.save_screenshot(str(tmp_path / "coded.png"))

    browser.get(served.url + "/logout")
    assert "logged out" in browser.page_source or "logget ud" in browser.page_source
    browser.get(served.url + "/")
    assert browser.find_elements(By.CSS_SELECTOR, "form[action='/login']")

    from kodebog.store import open_project

    store = open_project(str(tmp_path / "p.kodebog"))
    try:
        with store.read() as session:
            rows = session.execute(
                select(Unit.ordinal, Code.id, Coding.start, Coding.end, Coding.text, Coder.name)
                .join(Unit, Unit.id == Coding.unit_id).join(Code, Code.id == Coding.code_id)
                .join(Coder, Coder.id == Coding.coder_id).order_by(Unit.ordinal)).all()
    finally:
        store.dispose()
    first, third = make_parsed().units[0], make_parsed().units[2]
    third_text = make_parsed().text[third.start:third.end]
    start = third_text.index("fire sagsbehandlere")
    assert [tuple(r) for r in rows] == [
        (1, "caseworker_relation", 0, first.end - first.start, "Hvordan var det første møde?",
         "anna"),
        (3, "contact_center", start, start + 19, "fire sagsbehandlere", "anna"),
    ]
    log = served.log.read_text()
    assert " login anna from 127.0.0.1 (role coder)" in log
    assert " logout anna " in log
    assert time.monotonic() - started < 60


#: Records every key press the page sees and whether the page kept it from the browser.
RECORD_KEYS = """
window.kodebogKeys = [];
window.addEventListener('keydown', event => setTimeout(() => window.kodebogKeys.push(
  [event.key, event.ctrlKey, event.shiftKey, event.defaultPrevented]), 0), true);
"""
CLIPBOARD = """
const done = arguments[0];
navigator.clipboard.readText().then(done, error => done('failed: ' + error));
"""
WRITE_CLIPBOARD = """
const done = arguments[1];
navigator.clipboard.writeText(arguments[0]).then(() => done(true), () => done(false));
"""
PASTE = """
const data = new DataTransfer();
data.setData('text/plain', arguments[0]);
document.querySelector('.xterm-helper-textarea').dispatchEvent(
  new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
"""


def test_browser_keys_paste_and_copy(served: Served, browser: Any) -> None:
    """What docs/serve.md says about keys, paste and copy in the browser."""
    from selenium.webdriver.common.keys import Keys

    control, shift = Keys.CONTROL, Keys.SHIFT
    terminal = log_in(browser, served.url)
    browser.execute_script(RECORD_KEYS)
    browser.execute_cdp_cmd("Browser.grantPermissions", {
        "origin": served.url, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})

    # F9 is the theme key in the browser (ctrl+t opens a tab there)
    dark = terminal.background()
    terminal.key(Keys.F9)
    _wait_until(lambda: terminal.background() != dark, 10, lambda: "F9 kept the theme")
    terminal.key(Keys.F9)
    _wait_until(lambda: terminal.background() == dark, 10, lambda: "F9 kept the theme")

    # the page keeps these from the browser (the app gets them); not these, the browser acts
    for chord in [(control, "s"), (control, "r"), (control, "p"), (control, "z"),
                  (control, "y"), (control, "f"), (control, "v"), (Keys.F5,)]:
        terminal.key(*chord)
        terminal.press(Keys.ESCAPE)
    for chord in [(control, shift, "v"), (shift, Keys.INSERT), (control, Keys.INSERT)]:
        terminal.key(*chord)

    # F2 is "new code" on the coding screen; ctrl+n is not bound there in the browser
    terminal.press(Keys.ENTER)
    terminal.wait_for("fire sagsbehandlere")
    terminal.key(control, "n")
    time.sleep(0.5)
    assert not any("New code" in line for line in terminal.lines())
    terminal.key(Keys.F2)
    terminal.wait_for("New code")
    terminal.press(Keys.ESCAPE)
    terminal.wait_for("fire sagsbehandlere")
    time.sleep(0.3)
    seen = {(key.lower(), ctrl, with_shift): kept for key, ctrl, with_shift, kept
            in browser.execute_script("return window.kodebogKeys")}
    for key in ("s", "r", "p", "z", "y", "f"):
        assert seen[(key, True, False)], f"ctrl+{key} went to the browser"
    assert not seen[("v", True, False)]  # ctrl+v: the browser pastes (kodebog's page)
    assert seen[("f5", False, False)] and seen[("f2", False, False)]
    assert seen[("f9", False, False)]
    assert not seen[("v", True, True)]  # ctrl+shift+v: the browser pastes
    assert not seen[("insert", False, True)]  # shift+insert: the browser pastes
    assert not seen[("insert", True, False)]  # ctrl+insert: the browser copies

    # a paste (ctrl+v, right-click Paste, ctrl+shift+v, shift+insert) arrives as typed text
    terminal.press("/")
    terminal.wait_for("Search all units")
    browser.execute_async_script(WRITE_CLIPBOARD, "telefonen")
    for kind in ("rawKeyDown", "keyUp"):  # ctrl+v as Chromium gets it from the keyboard
        browser.execute_cdp_cmd("Input.dispatchKeyEvent", {
            "type": kind, "modifiers": 2, "key": "v", "code": "KeyV",
            "windowsVirtualKeyCode": 86, "commands": ["paste"] if kind == "rawKeyDown" else []})
    terminal.wait_for("Man kan aldrig få fat i nogen på telefonen")
    browser.execute_script(PASTE, " sagsbehandler")  # as the right-click menu's Paste
    terminal.wait_for("telefonen sagsbehandler")
    terminal.press(Keys.ESCAPE)
    terminal.wait_for("fg1 · focus group")

    # shift+drag selects on the page (the app never sees it) for the browser's copy
    row, column = terminal.where("fire sagsbehandlere")
    terminal.drag(row, column, column + len("fire sagsbehandlere"), shift=True)
    assert browser.execute_script(
        "return window.kodebogTerminal.getSelection()") == "fire sagsbehandlere"
    assert not any("Selected" in line for line in terminal.lines())
    browser.execute_script("window.kodebogTerminal.focus(); document.execCommand('copy')")
    assert browser.execute_async_script(CLIPBOARD) == "fire sagsbehandlere"

    # SIGTERM (systemctl stop): the app quits, the page is told the session ended, exit 0
    served.process.terminate()
    assert served.process.wait(timeout=40) == 0
    _wait_until(lambda: browser.execute_script(
        "return document.body.classList.contains('-closed')"), 10,
        lambda: "the page was not told that the session ended")
    assert " app-end anna from 127.0.0.1 (server shutting down)" in served.log.read_text()
