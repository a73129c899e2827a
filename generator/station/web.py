"""What every page shares: the station's folders and store, the user, roles, CSRF, the audit log."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar, cast

from flask import abort, current_app, g, request
from sqlalchemy.engine import Engine

from .accounts import User
from .store import record

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class Station:
    """The campaign the station serves: its data folder, output folder and store."""

    data_dir: Path
    out_dir: Path
    engine: Engine


def station() -> Station:
    return cast(Station, current_app.extensions["station"])


def user() -> User:
    """Return the logged-in user (every page but the login and /healthz has one)."""
    return cast(User, g.user)


def requires(*roles: str) -> Callable[[F], F]:
    """Let only these roles (and the admin) use a view: others get 403."""

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if g.get("user") is None:
                abort(401)
            if g.user.role != "admin" and g.user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return cast(F, guarded)

    return decorate


def csrf_ok() -> bool:
    """Say whether a form carries this session's CSRF token (field or X-CSRF-Token header)."""
    sent = request.form.get("csrf") or request.headers.get("X-CSRF-Token") or ""
    expected = g.get("csrf") or ""
    return bool(expected) and hmac.compare_digest(sent.encode(), expected.encode())


def audit(action: str, detail: str = "") -> None:
    """Record what the current user did (never what a ballot says)."""
    record(station().engine, user().name, action, detail)
