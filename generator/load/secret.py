"""The campaign's ballot secret, kept in the data folder: the same serials on every re-run."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

SECRET_FILE = ".ballot-secret"  # in the data folder: `make clean` keeps it, git ignores it


def campaign_secret(data_dir: Path, reissue: bool = False) -> tuple[bytes, bool]:
    """Return the campaign's secret, creating it on the first run or on --reissue.

    The second value says whether a new secret was made (every serial changed).
    """
    path = data_dir / SECRET_FILE
    if path.is_file() and not reissue:
        return bytes.fromhex(path.read_text().strip()), False
    secret = secrets.token_bytes(32)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(secret.hex() + "\n")
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)
    return secret, True
