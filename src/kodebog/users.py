"""People who may log in to a served project: hashed passwords and roles.

A project without users is a single-person (or trusted-team) project: everybody may do
everything. Once a user exists, ``kodebog serve`` asks for a login, and only users with the
``reviewer`` role may settle disputes. Passwords are stored as argon2id hashes
(argon2-cffi); the password itself is never stored, logged or shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kodebog.coding import coder_id, log_event
from kodebog.errors import ProjectError
from kodebog.i18n import _
from kodebog.store.models import CONSENSUS_CODER, AppUser

if TYPE_CHECKING:
    from argon2 import PasswordHasher

ROLES = ("coder", "reviewer")
#: The shortest password ``add_user`` accepts.
MIN_PASSWORD = 8

_HASHER: list[PasswordHasher] = []


def _hasher() -> PasswordHasher:
    if not _HASHER:
        from argon2 import PasswordHasher

        _HASHER.append(PasswordHasher())
    return _HASHER[0]


@dataclass(frozen=True)
class User:
    """A user as the rest of kodebog sees one (never with the hash)."""

    name: str
    role: str

    @property
    def is_reviewer(self) -> bool:
        """Whether this user may settle disputes."""
        return self.role == "reviewer"


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (with its own salt and parameters)."""
    return _hasher().hash(password)


def _check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ProjectError(_("the user's name is empty; give the coder name they code under"))
    if name == CONSENSUS_CODER:
        raise ProjectError(_("'{consensus}' is the consensus coder; choose another name")
                           .format(consensus=CONSENSUS_CODER))
    if len(name) > 200:
        raise ProjectError(_("the user's name is longer than 200 characters"))
    return name


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise ProjectError(_("role '{role}': choose one of {choices}").format(
            role=role, choices=", ".join(ROLES)))
    return role


def _get(session: Session, name: str) -> AppUser:
    found = session.scalar(select(AppUser).where(AppUser.name == name.strip()))
    if found is None:
        raise ProjectError(_("no user '{name}' in this project; see kodebog users list")
                           .format(name=name))
    return found


def add_user(session: Session, name: str, password: str, role: str = "coder") -> User:
    """Add a user who logs in as ``name`` with ``password``; logs ``user.add``."""
    name = _check_name(name)
    _check_role(role)
    if len(password) < MIN_PASSWORD:
        raise ProjectError(_("the password is shorter than {count} characters").format(
            count=MIN_PASSWORD))
    if session.scalar(select(AppUser.id).where(AppUser.name == name)) is not None:
        raise ProjectError(_("user '{name}' already exists; use kodebog users role to change "
                             "it").format(name=name))
    session.add(AppUser(name=name, password_hash=hash_password(password), role=role))
    session.flush()
    log_event(session, coder_id(session, name), "user.add", "app_user", name,
              None, {"name": name, "role": role})
    return User(name, role)


def remove_user(session: Session, name: str) -> None:
    """Remove a user (their codings stay under their coder name); logs ``user.remove``."""
    user = _get(session, name)
    before = {"name": user.name, "role": user.role}
    session.delete(user)
    session.flush()
    log_event(session, None, "user.remove", "app_user", before["name"], before, None)


def set_role(session: Session, name: str, role: str) -> User:
    """Give a user the role ``coder`` or ``reviewer``; logs ``user.role``."""
    _check_role(role)
    user = _get(session, name)
    before = {"name": user.name, "role": user.role}
    user.role = role
    session.flush()
    log_event(session, None, "user.role", "app_user", user.name, before,
              {"name": user.name, "role": role})
    return User(user.name, role)


def list_users(session: Session) -> list[User]:
    """Every user, by name."""
    return [User(u.name, u.role)
            for u in session.scalars(select(AppUser).order_by(AppUser.name))]


def has_users(session: Session) -> bool:
    """Whether the project has any user (then logins and roles apply)."""
    return bool(session.scalar(select(func.count(AppUser.id))))


def verify(session: Session, name: str, password: str) -> User | None:
    """The user when ``password`` is theirs, else None (same work for unknown names)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    user = session.scalar(select(AppUser).where(AppUser.name == name.strip()))
    stored = user.password_hash if user is not None else _dummy_hash()
    try:
        _hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None:
        return None
    return User(user.name, user.role)


_DUMMY: list[str] = []


def _dummy_hash() -> str:
    if not _DUMMY:
        _DUMMY.append(hash_password("no such user, same work as a real check"))
    return _DUMMY[0]


def may_settle(session: Session, name: str) -> bool:
    """Whether ``name`` may settle disputes: anyone without users, else only reviewers."""
    if not has_users(session):
        return True
    role = session.scalar(select(AppUser.role).where(AppUser.name == name.strip()))
    return role == "reviewer"


def require_reviewer(session: Session, name: str) -> None:
    """Refuse with one line unless ``name`` may settle disputes."""
    if not may_settle(session, name):
        raise ProjectError(_("'{name}' is not a reviewer in this project; only reviewers "
                             "settle disputes (kodebog users role PROJECT NAME --role "
                             "reviewer)").format(name=name))
