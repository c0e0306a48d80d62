"""One browser session's app process: its environment, and ending it cleanly."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual_serve.app_service import AppService

from kodebog.i18n import ENV_LANGUAGE, N_, language, translate

#: The app processes read the project from here, so a URL's password is never in ``ps``.
PROJECT_ENV = "KODEBOG_SERVE_PROJECT"
#: Set for the app processes: the TUI remaps the keys browsers keep for themselves.
BROWSER_ENV = "KODEBOG_BROWSER"
#: The app page's own texts (templates/app_index.html), in the server's language.
PAGE_TEXTS = {"start": N_("Start"), "ended": N_("Session ended."), "restart": N_("Restart")}
#: The folder of kodebog's copy of textual-serve's app page.
TEMPLATES = Path(__file__).resolve().parent / "templates"


def page_text(key: str) -> str:
    """One of the app page's texts, for the page's template."""
    return translate(PAGE_TEXTS[key])


#: Seconds an app process gets to finish its writes and quit before it is killed.
QUIT_WAIT = 15.0


class KodebogAppService(AppService):
    """One session's app process, told the project, that it runs in a browser, and the
    server's language (which ``--lang`` may have set without the environment)."""

    project = ""

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width, height)
        environment[PROJECT_ENV] = self.project
        environment[BROWSER_ENV] = "1"
        environment[ENV_LANGUAGE] = language()
        return environment


async def reap(service: AppService, wait: float = 15.0) -> None:
    """Wait for an app process to end (killed after ``wait`` s) and close its pipes.

    textual-serve leaves the process and its transport to the garbage collector, which
    then complains about a closed event loop; this ends both while the loop runs.
    """
    process = getattr(service, "_process", None)
    if process is None:
        return
    if process.returncode is None:
        try:
            await asyncio.wait_for(process.wait(), wait)
        except TimeoutError:
            process.kill()
            await process.wait()
    transport = getattr(process, "_transport", None)
    if transport is not None:
        transport.close()
