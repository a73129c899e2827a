"""The station's pages on a campaign that `forms` and `letters` have run on: the time each page
takes on the server (Flask's test client, no network), the median of a few requests, and the
process's peak memory. Called by tools/bench.py as `bench_station.py FOLDER`; prints one line
per page, tab-separated: page, median ms, requests."""

from __future__ import annotations

import csv
import io
import os
import re
import resource
import statistics
import sys
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.load.ballots.tables import decode  # noqa: E402
from generator.load.register import read_register  # noqa: E402
from generator.station.accounts import add_user  # noqa: E402
from generator.station.app import create_app  # noqa: E402
from generator.station.store import database_url, entries, open_store  # noqa: E402

REQUESTS = 5
CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')


def timed(request, count: int = REQUESTS) -> float:
    """Return the median milliseconds of `count` requests (the first warms the caches)."""
    request()
    times = []
    for _ in range(count):
        start = time.perf_counter()
        response = request()
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code < 500, response.status_code
    return statistics.median(times)


def returned_serials(data: Path) -> set[str]:
    """Return the serials the ballot files hold: a sheet entered must be one not yet returned."""
    found = set()
    for path in (data / "ballots").glob("*.csv"):
        for row in csv.DictReader(io.StringIO(decode(path.read_bytes()))):
            found.add(row["ballot_id"])
    return found


def main() -> None:
    folder = Path(sys.argv[1])
    data, out = folder / "data", folder / "output"
    engine = open_store(database_url(data))
    for name, role in (("bench-clerk", "clerk"), ("bench-committee", "committee")):
        add_user(engine, name, role, "bench-password")
    app = create_app(data, out, engine)
    clients = {}
    for name in ("bench-clerk", "bench-committee"):
        client = app.test_client()
        client.post("/login", data={"name": name, "password": "bench-password"})
        clients[name] = (client, CSRF.search(client.get("/").data.decode()).group(1))
    clerk, csrf = clients["bench-clerk"]
    committee, _ = clients["bench-committee"]
    issued, _ = read_register(out, [])
    returned = returned_serials(data)
    serials = iter(b.serial for b in issued or [] if b.serial not in returned)
    first = (issued or [])[0].secretary_id

    def save():
        entry = {"csrf": csrf, "serial": next(serials), "version": "0", "status": "blank"}
        return clerk.post("/entry/save", data=entry)

    def rescored():
        """The grading page after a file changed: the campaign is scored anew."""
        os.utime(data / "assessment.yaml")
        return committee.get("/grading/")

    pages = {
        "first page": lambda: clerk.get("/"),
        "方案与名单": lambda: clerk.get("/plan/"),
        "会前材料": lambda: clerk.get("/prepare/"),
        "录入": lambda: clerk.get("/entry/"),
        "录入 save": save,
        "比对与裁定": lambda: clerk.get("/entry/compare"),
        "扫描": lambda: clerk.get("/scanning/"),
        "评定": lambda: committee.get("/grading/"),
        "评定 changed": rescored,
        "评定 one": lambda: committee.get(f"/grading/{first}"),
        "结果与归档": lambda: clerk.get("/archive/"),
    }
    for page, request in pages.items():
        print(f"{page}\t{timed(request):.0f}\t{REQUESTS}", flush=True)
    with engine.connect() as connection:
        saved = connection.execute(sa.select(sa.func.count()).select_from(entries)).scalar()
    if saved != REQUESTS + 1:
        sys.exit(f"{saved} of {REQUESTS + 1} sheets entered were saved")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak\t{peak:.0f}\t", flush=True)


if __name__ == "__main__":
    main()
