"""The few HTML pages ``kodebog serve`` writes itself: login, refusals."""

from __future__ import annotations

from html import escape

_STYLE = """
body { font-family: system-ui, sans-serif; background: #1e1e2e; color: #e0e0e0;
       display: flex; justify-content: center; margin-top: 10vh; }
main { background: #2a2a3c; padding: 2em 2.5em; border-radius: 8px; min-width: 20em; }
h1 { font-size: 1.4em; margin-top: 0; }
label { display: block; margin-top: 1em; }
input { width: 100%; padding: .4em; font-size: 1em; box-sizing: border-box; }
button { margin-top: 1.5em; padding: .5em 1.5em; font-size: 1em; }
.error { color: #ff8080; }
"""


def page(title: str, body: str) -> str:
    """A complete, self-contained HTML page (no scripts, no external files)."""
    return (f'<!DOCTYPE html><html lang="da"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
            f"<body><main>{body}</main></body></html>")


def login_page(project: str, message: str = "", name: str = "") -> str:
    """The login form; ``message`` says why the last try failed."""
    error = f'<p class="error" id="error">{escape(message)}</p>' if message else ""
    return page("kodebog · log ind", (
        f"<h1>kodebog</h1><p>{escape(project)}</p>{error}"
        '<form method="post" action="/login">'
        '<label for="name">Kodernavn</label>'
        f'<input id="name" name="name" autocomplete="username" required value="{escape(name)}">'
        '<label for="password">Adgangskode</label>'
        '<input id="password" name="password" type="password" '
        'autocomplete="current-password" required>'
        '<button type="submit">Log ind</button></form>'))


def proxy_page(header: str) -> str:
    """What a request without the trusted proxy's user header gets."""
    return page("kodebog · log ind", (
        "<h1>kodebog</h1><p>Log ind gennem jeres login-side; denne server tager kun imod "
        f"brugere, som proxyen har logget ind (header {escape(header)}).</p>"))


def message_page(title: str, text: str) -> str:
    """A one-paragraph page (a refusal, a goodbye)."""
    return page(f"kodebog · {title}", f"<h1>kodebog</h1><p>{escape(text)}</p>"
                                      '<p><a href="/">Til forsiden</a></p>')
