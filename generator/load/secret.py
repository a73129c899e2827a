"""The campaign's ballot secret, kept in the data folder: the same serials on every re-run."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

SECRET_FILE = ".ballot-secret"  # in the data folder: `make clean` keeps it, git ignores it


def read_secret(data_dir: Path) -> bytes | None:
    """Return the campaign's secret, or None when `forms` has not made one yet."""
    path = data_dir / SECRET_FILE
    if not path.is_file():
        return None
    return bytes.fromhex(path.read_text().strip())


def new_secret() -> bytes:
    return secrets.token_bytes(32)


def write_secret(data_dir: Path, secret: bytes) -> None:
    """Keep the secret in the data folder, readable by its owner only, written atomically."""
    path = data_dir / SECRET_FILE
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(secret.hex() + "\n")
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)
