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

ROLES = ("coder", "reviewer")


def read_password(args: argparse.Namespace) -> str:
    """The new password: from stdin with ``--password-stdin``, else asked twice."""
    if args.password_stdin:
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            raise ProjectError("--password-stdin: standard input had no password on its "
                               "first line")
        return password
    if not sys.stdin.isatty():
        raise ProjectError("no terminal to ask for the password on; pipe it in with "
                           "--password-stdin")
    try:
        first = getpass.getpass(f"password for {args.name}: ")
        second = getpass.getpass("the same password again: ")
    except EOFError:
        raise ProjectError("no password given; nothing was changed") from None
    if first != second:
        raise ProjectError("the two passwords differ; nothing was changed")
    return first


def cmd_add(args: argparse.Namespace) -> int:
    from kodebog.users import add_user

    password = read_password(args)
    with project(args) as store, store.write() as session:
        user = add_user(session, args.name, password, args.role)
    print(f"added {user.name} as {user.role}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from kodebog.users import remove_user

    with project(args) as store, store.write() as session:
        remove_user(session, args.name)
    print(f"removed {args.name}; their codings stay under that coder name")
    return 0


def cmd_role(args: argparse.Namespace) -> int:
    from kodebog.users import set_role

    with project(args) as store, store.write() as session:
        user = set_role(session, args.name, args.role)
    print(f"{user.name} is now {user.role}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from kodebog.users import list_users

    with project(args) as store, store.read() as session:
        users = list_users(session)
    for user in users:
        print(f"{user.name}\t{user.role}")
    if not users:
        print("no users: the project needs no login on this computer (kodebog serve "
              "on loopback only)")
    return 0


def register(command: Command) -> None:
    """Add ``users`` and its actions."""
    group = command("users", lambda _args: usage(group),
                    "who may log in to kodebog serve, and who is a reviewer")
    actions = group.add_subparsers(dest="users_action", metavar="ACTION")

    add = command("add", cmd_add, "add a user (asks for the password without echo)",
                  parent=actions)
    add_project(add)
    add.add_argument("name", metavar="NAME", help="the coder name they log in and code as")
    add.add_argument("--role", choices=ROLES, default="coder",
                     help="reviewers may also settle disputes (default: coder)")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from the first line of standard input")

    remove = command("remove", cmd_remove, "remove a user (their codings stay)",
                     parent=actions)
    add_project(remove)
    remove.add_argument("name", metavar="NAME")

    role = command("role", cmd_role, "set a user's role", parent=actions)
    add_project(role)
    role.add_argument("name", metavar="NAME")
    role.add_argument("--role", choices=ROLES, required=True)

    listing = command("list", cmd_list, "list the users and their roles", parent=actions)
    add_project(listing)
