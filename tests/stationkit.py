"""The station under test: a campaign copied into a temporary folder, its accounts, logins.

`Campaign.client(name)` returns a Flask test client logged in as that account, with `csrf` set;
`post` sends the session's CSRF token with every form, as the pages do.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

_STORE = Path(tempfile.mkdtemp(prefix="station-accounts-"))
ACCOUNTS = {"clerk1": "clerk", "clerk2": "clerk", "committee1": "committee", "admin1": "admin"}
CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')


def password(name: str) -> str:
    return f"password-{name}"


@dataclass
class Campaign:
    """A station on a copy of a campaign: its data folder, output folder and application."""

    data_dir: Path
    out_dir: Path
    app: object

    @property
    def engine(self):
        return self.app.extensions["station"].engine  # type: ignore[attr-defined]

    def client(self, name: str | None = None) -> LoggedIn:
        client = LoggedIn(self.app.test_client())  # type: ignore[attr-defined]
        if name is not None:
            client.login(name)
        return client


class LoggedIn:
    """A test client that keeps its session's CSRF token and sends it with every POST."""

    def __init__(self, client):
        self.client = client
        self.csrf = ""

    def login(self, name: str, secret: str | None = None):
        response = self.client.post(
            "/login", data={"name": name, "password": secret or password(name)}
        )
        assert response.status_code == 302, response.data.decode()[:500]
        self.csrf = CSRF.search(self.client.get("/").data.decode()).group(1)
        return response

    def get(self, url: str, **kwargs):
        return self.client.get(url, **kwargs)

    def post(self, url: str, data: dict | None = None, **kwargs):
        return self.client.post(url, data={"csrf": self.csrf, **(data or {})}, **kwargs)


def make_campaign(
    root: Path, data: Path, output: Path | None = None, database: str | None = None
) -> Campaign:
    """Copy a campaign (and, when given, its output folder) and open a station on it, with its
    store in the data folder or in `database` (a PostgreSQL URL).

    The output is linked, not copied: runs replace its files, never write into them. The
    accounts come from a store made once per test process (argon2 is slow on purpose).
    """
    from generator.station.app import create_app
    from generator.station.store import SQLITE_FILE, STATION_FOLDER, database_url, open_store

    data_dir, out_dir = root / "data", root / "output"
    shutil.copytree(data, data_dir, ignore=shutil.ignore_patterns(".station"))
    if output is not None:
        shutil.copytree(
            output, out_dir, ignore=shutil.ignore_patterns("archive", "letters"),
            copy_function=os.link,
        )  # fmt: skip
    if database is None:
        (data_dir / STATION_FOLDER).mkdir()
        shutil.copyfile(_accounts_store(), data_dir / STATION_FOLDER / SQLITE_FILE)
        engine = open_store(database_url(data_dir))
    else:
        from generator.station.accounts import add_user

        engine = open_store(database)
        for name, role in ACCOUNTS.items():
            add_user(engine, name, role, password(name))
    app = create_app(data_dir, out_dir, engine)
    app.config["TESTING"] = True
    return Campaign(data_dir, out_dir, app)


@functools.cache
def _accounts_store() -> Path:
    """Return a store file holding the test accounts, made once."""
    from generator.station.accounts import add_user
    from generator.station.store import SQLITE_FILE, STATION_FOLDER, database_url, open_store

    engine = open_store(database_url(_STORE))
    for name, role in ACCOUNTS.items():
        add_user(engine, name, role, password(name))
    engine.dispose()  # checkpoints the WAL into the file
    return _STORE / STATION_FOLDER / SQLITE_FILE


def hold_slot(engine, command: str, user_name: str, progress: int = 0, log: str = "") -> int:
    """Record a run as going and holding the output folder, as a running job does; return its id."""
    from generator.station.store import job_slot, jobs, now

    with engine.begin() as connection:
        running = connection.execute(
            jobs.insert().values(
                command=command,
                user_name=user_name,
                state="running",
                progress=progress,
                log=log,
                started=now(),
            )
        ).inserted_primary_key[0]
        connection.execute(job_slot.update().values(job_id=running))
    return running
