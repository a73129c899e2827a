"""The station's own state: accounts, logins, the audit log, double entry and jobs.

SQLAlchemy Core over SQLite (WAL, under the data folder) by default, or PostgreSQL for a county
server (`SHUZHI_DATABASE` = `postgresql+psycopg://…`). The campaign itself is never kept here: what
is decided is written into the data folder in the contract's formats.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

DATABASE_VARIABLE = "SHUZHI_DATABASE"
STATION_FOLDER = ".station"  # in the data folder; git and the archive ignore it
SQLITE_FILE = "station.sqlite3"

metadata = sa.MetaData()

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("created", sa.DateTime, nullable=False),
)

logins = sa.Table(  # one row per open session: logging out or disabling a user ends it
    "logins",
    metadata,
    sa.Column("token", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("csrf", sa.String(64), nullable=False),
    sa.Column("created", sa.DateTime, nullable=False),
    sa.Column("seen", sa.DateTime, nullable=False),
)

failures = sa.Table(  # failed logins, for the rate limit
    "login_failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(64), nullable=False),
    sa.Column("address", sa.String(64), nullable=False),
    sa.Column("at", sa.DateTime, nullable=False, index=True),
)

audit = sa.Table(  # who did what and when; never a ballot's content
    "audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("user_name", sa.String(64), nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("detail", sa.Text, nullable=False, default=""),
)

entries = sa.Table(  # one clerk's reading of one returned sheet
    "entries",
    metadata,
    sa.Column("ballot_id", sa.String(32), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), primary_key=True),
    sa.Column("status", sa.String(8), nullable=False),
    sa.Column("score", sa.Integer, nullable=True),
    sa.Column("problems", sa.Text, nullable=False, default=""),
    sa.Column("suggestions", sa.Text, nullable=False, default=""),
    sa.Column("version", sa.Integer, nullable=False, default=1),
    sa.Column("updated", sa.DateTime, nullable=False),
    # Kept in key order, not in the order typed (a rowid would keep that: docs/security.md).
    sqlite_with_rowid=False,
)

decisions = sa.Table(  # the third reading that settles two that differ
    "decisions",
    metadata,
    sa.Column("ballot_id", sa.String(32), primary_key=True),
    sa.Column("status", sa.String(8), nullable=False),
    sa.Column("score", sa.Integer, nullable=True),
    sa.Column("problems", sa.Text, nullable=False, default=""),
    sa.Column("suggestions", sa.Text, nullable=False, default=""),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("at", sa.DateTime, nullable=False),
)

jobs = sa.Table(
    "jobs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("command", sa.String(16), nullable=False),
    sa.Column("arguments", sa.Text, nullable=False, default=""),
    sa.Column("user_name", sa.String(64), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),  # running, done, failed, interrupted
    sa.Column("progress", sa.Integer, nullable=False, default=0),  # per mille
    sa.Column("log", sa.Text, nullable=False, default=""),
    sa.Column("exit_code", sa.Integer, nullable=True),
    sa.Column("started", sa.DateTime, nullable=False),
    sa.Column("finished", sa.DateTime, nullable=True),
)

job_slot = sa.Table(  # one row: the job that holds the output folder, so a job runs once
    "job_slot",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("job_id", sa.Integer, nullable=True),
)


def now() -> datetime:
    """Return the time, in UTC without a zone, as both databases store it."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def database_url(data_dir: Path) -> str:
    """Return the database to use: `SHUZHI_DATABASE`, else SQLite in the data folder."""
    configured = os.environ.get(DATABASE_VARIABLE, "").strip()
    if configured:
        return configured
    folder = data_dir / STATION_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{(folder / SQLITE_FILE).resolve().as_posix()}"


def open_store(url: str) -> Engine:
    """Connect, create the tables that are missing and return the engine."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = sa.create_engine(url, pool_pre_ping=True)
    metadata.create_all(engine)
    with engine.begin() as connection:
        if connection.execute(sa.select(sa.func.count()).select_from(job_slot)).scalar() == 0:
            connection.execute(job_slot.insert().values(id=1, job_id=None))
    return engine


def _sqlite_pragmas(connection: Any, record: Any) -> None:
    """WAL lets pages read while a clerk's entry is written; foreign keys are off by default."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def record(engine: Engine, user_name: str, action: str, detail: str = "") -> None:
    """Add a line to the audit log."""
    with engine.begin() as connection:
        connection.execute(
            audit.insert().values(at=now(), user_name=user_name, action=action, detail=detail)
        )
