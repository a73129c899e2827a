"""Start the station (waitress, a production WSGI server that also runs on Windows), and make
accounts from the command line."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

from ..model.errors import PipelineError
from .accounts import AccountError, add_user
from .app import create_app
from .store import database_url, open_store, record

THREADS = 8


def serve(data_dir: Path, out_dir: Path, host: str, port: int) -> None:
    """Serve until interrupted; stopping it so is no failure."""
    from waitress import serve as waitress_serve

    if not (data_dir / "campaign.yaml").is_file():
        raise PipelineError(
            f"{data_dir}: 没有 campaign.yaml，不是考核数据目录 / not a campaign data folder"
        )
    app = create_app(data_dir, out_dir)
    print(f"工作站 / station: http://{host}:{port}/  (Ctrl-C 停止 / to stop)", file=sys.stderr)
    waitress_serve(app, host=host, port=port, threads=THREADS, ident="station")
    # waitress returns when Ctrl-C, or a service manager's SIGTERM, interrupts it
    print("工作站已停止 / the station has stopped", file=sys.stderr)


def add_account(data_dir: Path, name: str, role: str, from_stdin: bool) -> int:
    """Make or reset an account; the password is asked twice, or read from stdin."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("密码 / password: ")
        if getpass.getpass("再输一次 / again: ") != password:
            print("两次输入的密码不同 / the passwords differ", file=sys.stderr)
            return 2
    engine = open_store(database_url(data_dir))
    try:
        made = add_user(engine, name, role, password)
    except AccountError as e:
        print(e, file=sys.stderr)
        return 2
    record(engine, "命令行 / command line", "设置账号 / set an account", f"{made.name} ({role})")
    print(f"已设置账号 {made.name}（{made.role_name}）/ account set", file=sys.stderr)
    return 0
