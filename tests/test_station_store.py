"""The station's store on both databases it supports: SQLite in the data folder (the default) and
PostgreSQL for a county server (Debian's postgresql, started for these tests)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from stationkit import hold_slot


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    from generator.station.store import database_url, metadata, open_store

    if request.param == "sqlite":
        engine = open_store(database_url(tmp_path))
        assert (tmp_path / ".station" / "station.sqlite3").is_file()
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        yield engine
    else:
        engine = open_store(request.getfixturevalue("postgres_url"))
        yield engine
        metadata.drop_all(engine)
    engine.dispose()


def test_accounts_sessions_and_the_login_limit(engine):
    from generator.station.accounts import (
        add_user,
        authenticate,
        close_session,
        open_session,
        session_user,
        too_many_failures,
    )

    made = add_user(engine, "王𬀩", "clerk", "correct horse")
    assert authenticate(engine, "王𬀩", "correct horse", "10.0.0.1") == made
    with engine.connect() as connection:
        stored = connection.execute(sa.text("select password_hash from users")).scalar()
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    token = open_session(engine, made)
    found = session_user(engine, token)
    assert found is not None and found[0] == made and len(found[1]) == 64
    close_session(engine, token)
    assert session_user(engine, token) is None
    for _ in range(4):
        assert authenticate(engine, "王𬀩", "wrong", "10.0.0.2") is None
    assert not too_many_failures(engine, "王𬀩", "10.0.0.3")
    assert authenticate(engine, "王𬀩", "wrong", "10.0.0.2") is None
    assert too_many_failures(engine, "王𬀩", "10.0.0.3")  # the name is limited …
    assert too_many_failures(engine, "other", "10.0.0.2")  # … and so is the address
    assert not too_many_failures(engine, "other", "10.0.0.9")


def test_a_second_job_finds_the_running_one(engine, tmp_path: Path):
    from generator.station.jobs import latest_jobs, release_interrupted, start_job
    from generator.station.store import job_slot

    running = hold_slot(engine, "letters", "clerk1")
    found, new = start_job(engine, "forms", tmp_path, tmp_path / "out", "clerk2")
    assert not new
    assert found.id == running and found.command == "letters"
    assert [j.id for j in latest_jobs(engine)] == [running]  # the refused one left no row
    release_interrupted(engine)
    assert latest_jobs(engine)[0].state == "interrupted"
    with engine.connect() as connection:
        assert connection.execute(sa.select(job_slot.c.job_id)).scalar() is None
