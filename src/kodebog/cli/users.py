"""``kodebog users add|remove|role|list``: who may log in to a served project, and as what.

Passwords are read without echo from the terminal (asked twice), or as the first line of
standard input with ``--password-stdin``; never from the command line.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from kodebog.cli.common import Command, add_project, project, usage
from kodebog.errors import ProjectError
from kodebog.i18n import N_, _, translate

ROLES = ("coder", "reviewer")
#: How a role is said (the role itself, stored and typed, stays the English word).
ROLE_NAMES = {"coder": N_("coder"), "reviewer": N_("reviewer")}


def role_name(role: str) -> str:
    """``role`` as shown to people."""
    return translate(ROLE_NAMES.get(role, role))


def read_password(args: argparse.Namespace) -> str:
    """The new password: from stdin with ``--password-stdin``, else asked twice."""
    if args.password_stdin:
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            raise ProjectError(_("--password-stdin: standard input had no password on its "
                                 "first line"))
        return password
    if not sys.stdin.isatty():
        raise ProjectError(_("no terminal to ask for the password on; pipe it in with "
                             "--password-stdin"))
    try:
        first = getpass.getpass(_("password for {name}: ").format(name=args.name))
        second = getpass.getpass(_("the same password again: "))
    except EOFError:
        raise ProjectError(_("no password given; nothing was changed")) from None
    if first != second:
        raise ProjectError(_("the two passwords differ; nothing was changed"))
    return first


def cmd_add(args: argparse.Namespace) -> int:
    from kodebog.users import add_user

    password = read_password(args)
    with project(args) as store, store.write() as session:
        user = add_user(session, args.name, password, args.role)
    print(_("added {name} as {role}").format(name=user.name, role=role_name(user.role)))
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from kodebog.users import remove_user

    with project(args) as store, store.write() as session:
        remove_user(session, args.name)
    print(_("removed {name}; their codings stay under that coder name").format(
        name=args.name))
    return 0


def cmd_role(args: argparse.Namespace) -> int:
    from kodebog.users import set_role

    with project(args) as store, store.write() as session:
        user = set_role(session, args.name, args.role)
    print(_("{name} is now {role}").format(name=user.name, role=role_name(user.role)))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from kodebog.users import list_users

    with project(args) as store, store.read() as session:
        users = list_users(session)
    for user in users:
        print(f"{user.name}\t{user.role}")
    if not users:
        print(_("no users: the project needs no login on this computer (kodebog serve "
                "on loopback only)"))
    return 0


def register(command: Command) -> None:
    """Add ``users`` and its actions."""
    group = command("users", lambda _args: usage(group),
                    _("who may log in to kodebog serve, and who is a reviewer"))
    actions = group.add_subparsers(dest="users_action", metavar="ACTION")

    add = command("add", cmd_add, _("add a user (asks for the password without echo)"),
                  parent=actions)
    add_project(add)
    add.add_argument("name", metavar="NAME",
                     help=_("the coder name they log in and code as"))
    add.add_argument("--role", choices=ROLES, default="coder",
                     help=_("reviewers may also settle disputes (default: coder)"))
    add.add_argument("--password-stdin", action="store_true",
                     help=_("read the password from the first line of standard input"))

    remove = command("remove", cmd_remove, _("remove a user (their codings stay)"),
                     parent=actions)
    add_project(remove)
    remove.add_argument("name", metavar="NAME", help=_("the user's coder name"))

    role = command("role", cmd_role, _("set a user's role"), parent=actions)
    add_project(role)
    role.add_argument("name", metavar="NAME", help=_("the user's coder name"))
    role.add_argument("--role", choices=ROLES, required=True,
                      help=_("coder, or reviewer (may also settle disputes)"))

    listing = command("list", cmd_list, _("list the users and their roles"), parent=actions)
    add_project(listing)
