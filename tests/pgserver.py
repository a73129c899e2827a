"""A throwaway PostgreSQL server from Debian's packages, for the station's county-server tests.

initdb refuses to run as root, so as root the cluster belongs to the `postgres` account that the
Debian package makes; it listens on a Unix socket in its own folder only, never on the network.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

PORT = 54329


def _binaries() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: make test installs Debian's postgresql")
    return Path(found[-1]).parent


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """Start a server in a new folder; yield its SQLAlchemy URL; stop it and remove the folder."""
    binaries = _binaries()
    folder = Path(tempfile.mkdtemp(prefix="station-postgres-"))  # under /tmp: postgres can reach it
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    cluster, socket = folder / "cluster", folder
    run = {"check": True, "capture_output": True}
    subprocess.run(
        _as_owner([str(binaries / "initdb"), "-D", str(cluster), "-U", "postgres", "-A", "trust"]),
        **run,
    )
    options = f"-k {socket} -p {PORT} -c listen_addresses='' -c fsync=off"
    start = ["-D", str(cluster), "-l", str(folder / "log"), "-o", options, "-w", "start"]
    subprocess.run(_as_owner([str(binaries / "pg_ctl"), *start]), **run)
    try:
        subprocess.run(
            _as_owner(
                [
                    str(binaries / "createdb"),
                    "-h",
                    str(socket),
                    "-p",
                    str(PORT),
                    "-U",
                    "postgres",
                    "station",
                ]
            ),
            **run,
        )
        yield f"postgresql+psycopg://postgres@/station?host={socket}&port={PORT}"
    finally:
        subprocess.run(
            _as_owner([str(binaries / "pg_ctl"), "-D", str(cluster), "-m", "fast", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(folder, ignore_errors=True)
