"""Accounts, passwords (argon2) and sessions, and the limit on failed logins."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Engine

from .store import failures, logins, now, users

ROLES = {"clerk": "办事员", "committee": "党委委员", "admin": "管理员"}
NAME = re.compile(r"^[\w.-]{1,64}$")
PASSWORD_MIN = 8
FAILURES_ALLOWED, FAILURE_WINDOW = 5, timedelta(minutes=15)
SESSION_IDLE = timedelta(hours=8)

_hasher = PasswordHasher()


class AccountError(ValueError):
    """An account cannot be made as asked; the message is for the person making it."""


@dataclass(frozen=True, slots=True)
class User:
    id: int
    name: str
    role: str

    @property
    def role_name(self) -> str:
        return ROLES[self.role]


def add_user(engine: Engine, name: str, role: str, password: str) -> User:
    """Make an account, or set a new password and role for an existing one."""
    if not NAME.match(name):
        raise AccountError(
            "用户名须为 1–64 个字母、数字、汉字或 ._- / a name is 1–64 letters or digits"
        )
    if role not in ROLES:
        raise AccountError(
            f"角色须为 {'、'.join(ROLES)} / the role must be one of {', '.join(ROLES)}"
        )
    if len(password) < PASSWORD_MIN:
        raise AccountError(
            f"密码至少 {PASSWORD_MIN} 位 / the password needs at least {PASSWORD_MIN} characters"
        )
    hashed = _hasher.hash(password)
    with engine.begin() as connection:
        found = connection.execute(sa.select(users.c.id).where(users.c.name == name)).first()
        if found:
            connection.execute(
                users.update()
                .where(users.c.id == found.id)
                .values(role=role, password_hash=hashed, active=True)
            )
            connection.execute(logins.delete().where(logins.c.user_id == found.id))
            return User(found.id, name, role)
        made = connection.execute(
            users.insert().values(
                name=name, role=role, password_hash=hashed, active=True, created=now()
            )
        )
        return User(int(made.inserted_primary_key[0]), name, role)  # type: ignore[index]


def list_users(engine: Engine) -> list[User]:
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(users.c.id, users.c.name, users.c.role)
            .where(users.c.active.is_(True))
            .order_by(users.c.name)
        )
        return [User(row.id, row.name, row.role) for row in rows]


def too_many_failures(engine: Engine, name: str, address: str) -> bool:
    """Say whether this name or this address failed too often lately: guessing is slowed down."""
    since = now() - FAILURE_WINDOW
    with engine.connect() as connection:
        count = connection.execute(
            sa.select(sa.func.count())
            .select_from(failures)
            .where(failures.c.at >= since)
            .where(sa.or_(failures.c.name == name, failures.c.address == address))
        ).scalar()
    return (count or 0) >= FAILURES_ALLOWED


def authenticate(engine: Engine, name: str, password: str, address: str) -> User | None:
    """Return the user whose password this is, or None (and remember the failure)."""
    with engine.connect() as connection:
        row = connection.execute(
            sa.select(users).where(users.c.name == name).where(users.c.active.is_(True))
        ).first()
    if row is not None:
        try:
            _hasher.verify(row.password_hash, password)
            return User(row.id, row.name, row.role)
        except (VerificationError, InvalidHashError):
            pass
    with engine.begin() as connection:
        connection.execute(failures.insert().values(name=name[:64], address=address, at=now()))
    return None


def open_session(engine: Engine, user: User) -> str:
    """Start a session; return its token (kept in the signed cookie)."""
    token = secrets.token_hex(32)
    with engine.begin() as connection:
        connection.execute(
            logins.insert().values(
                token=token, user_id=user.id, csrf=secrets.token_hex(32), created=now(), seen=now()
            )
        )
    return token


def session_user(engine: Engine, token: str) -> tuple[User, str] | None:
    """Return the session's user and CSRF token, or None when it ended or idled out."""
    with engine.begin() as connection:
        row = connection.execute(
            sa.select(users.c.id, users.c.name, users.c.role, logins.c.csrf, logins.c.seen)
            .join(users, users.c.id == logins.c.user_id)
            .where(logins.c.token == token)
            .where(users.c.active.is_(True))
        ).first()
        if row is None:
            return None
        if now() - row.seen > SESSION_IDLE:
            connection.execute(logins.delete().where(logins.c.token == token))
            return None
        connection.execute(logins.update().where(logins.c.token == token).values(seen=now()))
    return User(row.id, row.name, row.role), row.csrf


def close_session(engine: Engine, token: str) -> None:
    with engine.begin() as connection:
        connection.execute(logins.delete().where(logins.c.token == token))
