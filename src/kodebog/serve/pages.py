"""The few HTML pages ``kodebog serve`` writes itself: login, refusals."""

from __future__ import annotations

from html import escape

from kodebog.i18n import _, formats, language, ngettext

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
    """A complete, self-contained HTML page (no scripts, no external files), in the
    server's language."""
    return (f'<!DOCTYPE html><html lang="{language()}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
            f"<body><main>{body}</main></body></html>")


def login_page(project: str, message: str = "", name: str = "") -> str:
    """The login form; ``message`` says why the last try failed."""
    error = f'<p class="error" id="error">{escape(message)}</p>' if message else ""
    coder, password, log_in = _("Coder name"), _("Password"), _("Log in")
    return page(_("kodebog · log in"), (
        f"<h1>kodebog</h1><p>{escape(project)}</p>{error}"
        '<form method="post" action="/login">'
        f'<label for="name">{escape(coder)}</label>'
        f'<input id="name" name="name" autocomplete="username" required value="{escape(name)}">'
        f'<label for="password">{escape(password)}</label>'
        '<input id="password" name="password" type="password" '
        'autocomplete="current-password" required>'
        f'<button type="submit">{escape(log_in)}</button></form>'))


def proxy_page(header: str) -> str:
    """What a request without the trusted proxy's user header gets."""
    text = _("Log in through your organisation's login page; this server only accepts users "
             "the proxy has logged in (header {header}).").format(header=header)
    return page(_("kodebog · log in"), f"<h1>kodebog</h1><p>{escape(text)}</p>")


def message_page(title: str, text: str) -> str:
    """A one-paragraph page (a refusal, a goodbye)."""
    back = _("Back to the start")
    return page(f"kodebog · {title}", f"<h1>kodebog</h1><p>{escape(text)}</p>"
                                      f'<p><a href="/">{escape(back)}</a></p>')


def throttled_page(project: str, minutes: int, name: str) -> str:
    """The login form again, after too many wrong passwords."""
    return login_page(project, ngettext(
        "Too many wrong tries; try again in {count} minute.",
        "Too many wrong tries; try again in {count} minutes.", minutes).format(
            count=formats.number(minutes)), name)


def refused_page(project: str, name: str) -> str:
    """The login form again, after a wrong name or password (the same for both)."""
    return login_page(project, _("Wrong name or password."), name)


def logged_out_page() -> str:
    """The goodbye after ``/logout``."""
    return message_page(_("logged out"), _("You are logged out."))


def full_page(limit: int) -> str:
    """The refusal when every session place is taken."""
    return message_page(_("busy"), ngettext(
        "kodebog is already running {count} session, the most this server allows "
        "(--max-sessions {limit}). Close another session or try again later.",
        "kodebog is already running {count} sessions, the most this server allows "
        "(--max-sessions {limit}). Close another session or try again later.", limit).format(
            count=formats.number(limit), limit=limit))
