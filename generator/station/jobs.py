"""Long runs (forms, letters, verify, scan): one at a time, as the command line runs them.

A job is the CLI itself in a child process, so the station and `make forms` cannot disagree and a
crash in rendering cannot take the server down. Its stderr lines become the job's log; each kind
rendered moves the progress bar. The single row of `job_slot` is taken with one conditional
update, so a second click (or a second server process) finds the running job instead of starting
another.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from ..documents.registry import pack
from .store import job_slot, jobs, now

COMMANDS = {
    "forms": "生成会前材料",
    "letters": "评定结果与归档",
    "verify": "核验归档",
    "scan": "读取扫描件",
}
LOG_MAX = 200_000  # characters of a job's log kept


@dataclass(frozen=True, slots=True)
class Job:
    id: int
    command: str
    user_name: str
    state: str
    progress: int  # per mille
    log: str
    exit_code: int | None
    started: datetime
    finished: datetime | None

    @property
    def title(self) -> str:
        return COMMANDS[self.command]

    @property
    def running(self) -> bool:
        return self.state == "running"

    @property
    def percent(self) -> int:
        return self.progress // 10


def start_job(
    engine: Engine,
    command: str,
    data_dir: Path,
    out_dir: Path,
    user_name: str,
    extra: tuple[str, ...] = (),
) -> tuple[Job, bool]:
    """Start the command unless a job runs; return the job and whether it is the new one."""
    with engine.begin() as connection:
        made = connection.execute(
            jobs.insert().values(
                command=command,
                arguments=" ".join(extra),
                user_name=user_name,
                state="running",
                progress=0,
                log="",
                started=now(),
            )
        )
        job_id = int(made.inserted_primary_key[0])  # type: ignore[index]
        taken = connection.execute(
            job_slot.update()
            .where(job_slot.c.id == 1)
            .where(job_slot.c.job_id.is_(None))
            .values(job_id=job_id)
        ).rowcount
        if not taken:
            connection.execute(jobs.delete().where(jobs.c.id == job_id))
            holder = connection.execute(sa.select(job_slot.c.job_id)).scalar()
    if not taken:
        running = job(engine, holder) if holder is not None else None
        if running is None:
            raise RuntimeError("job slot held by a vanished job")
        return running, False
    argv = [sys.executable, "-m", "generator", command, "--data", str(data_dir)]
    argv += ["--out", str(out_dir), *extra]
    thread = threading.Thread(
        target=_follow, args=(engine, job_id, argv, _steps(command)), daemon=True
    )
    thread.start()
    started = job(engine, job_id)
    assert started is not None
    return started, True


def _steps(command: str) -> int:
    """Return how many progress lines a run prints: one per kind, and the archive for letters."""
    if command == "forms":
        return len(pack("forms"))
    if command == "letters":
        return len(pack("letters")) + 1
    return 0


def _follow(engine: Engine, job_id: int, argv: list[str], steps: int) -> None:
    """Run the command, keep its log and progress, and free the slot when it ends."""
    lines: list[str] = []
    code = 1
    try:
        child = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8"
        )
        assert child.stdout is not None
        done = 0
        for line in child.stdout:
            lines.append(line.rstrip("\n"))
            if "个文件 / files" in line or "signing and bundling" in line:
                done += 1
            progress = min(990, done * 1000 // steps) if steps else 0  # 0: not known
            _update(engine, job_id, progress=progress, log="\n".join(lines)[-LOG_MAX:])
        code = child.wait()
    except OSError as error:
        lines.append(f"无法启动 / cannot start: {error}")
    finally:
        state = "done" if code == 0 else "failed"
        _update(
            engine,
            job_id,
            state=state,
            progress=1000 if code == 0 else None,
            log="\n".join(lines)[-LOG_MAX:],
            exit_code=code,
            finished=now(),
        )
        with engine.begin() as connection:
            connection.execute(
                job_slot.update().where(job_slot.c.job_id == job_id).values(job_id=None)
            )


def _update(engine: Engine, job_id: int, **values: object) -> None:
    values = {key: value for key, value in values.items() if value is not None}
    with engine.begin() as connection:
        connection.execute(jobs.update().where(jobs.c.id == job_id).values(**values))


def job(engine: Engine, job_id: int) -> Job | None:
    with engine.connect() as connection:
        row = connection.execute(sa.select(jobs).where(jobs.c.id == job_id)).first()
    return _job(row) if row else None


def latest_jobs(engine: Engine, command: str | None = None, limit: int = 20) -> list[Job]:
    query = sa.select(jobs).order_by(jobs.c.id.desc()).limit(limit)
    if command:
        query = query.where(jobs.c.command == command)
    with engine.connect() as connection:
        return [_job(row) for row in connection.execute(query)]


def release_interrupted(engine: Engine) -> None:
    """At start: a job left running by a server that stopped is over; free its slot."""
    with engine.begin() as connection:
        connection.execute(
            jobs.update()
            .where(jobs.c.state == "running")
            .values(state="interrupted", finished=now())
        )
        connection.execute(job_slot.update().values(job_id=None))


def _job(row: sa.Row) -> Job:
    return Job(
        row.id,
        row.command,
        row.user_name,
        row.state,
        row.progress,
        row.log,
        row.exit_code,
        row.started,
        row.finished,
    )
