"""A bounded, mixed concurrent load on the production server, then a check that nothing was lost or doubled.

    python -m benchmarks.load [--seconds 30] [--clients 16] [--workers 4]
                              [--database-url postgresql://postgres@127.0.0.1:5432/postgres]
                              [--redis-url redis://127.0.0.1:6379/15]

gunicorn (the repository's gunicorn.conf.py, `--workers` processes) runs on loopback against a scratch PostgreSQL
database with the demo loaded (made on the server `--database-url` names, dropped afterwards) and Redis (rate
limits shared by the workers, JOB_RUNNER=rq). `--clients` threads, each with its own keep-alive connection, then
send for `--seconds` a mix of what a registry serves at once:

  reads   public verification (POST /api/v1/verify), a city bureau's dashboards (the campaign's city page and the
          region's ladder, signed in through the login form), a worker's record through the API;
  writes  an institution's clerk registers a worker (POST /api/v1/workers; the national ID, unique per request,
          is the client's key) with the years they worked (POST /api/v1/workers/<id>/work-periods), and later
          records a passed appraisal sitting for a worker the same client registered (POST /api/v1/results; the
          server numbers the certificate it issues, a counter every writer contends for).

Afterwards, on the database: every acknowledged worker exists exactly once under its key and no unacknowledged one
exists; so does every acknowledged work period, result and its certificate; certificate numbers are unique; the audit
chain verifies; the indicator tallies equal a recount. The run passes with zero errors (any answer >= 400, or a
socket error) and every check holding; it prints one `BENCH` line per figure and exits 1 otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import json
import os
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from .serve import Server, Spec, gunicorns, post_json, signed_in_opener

DEMO_PASSWORD = "ladder-demo-2024"  # noqa: S105 - the published demo credential
LOAD_NAME = "负载测试"  # every worker the load registers has this name: they are told apart by their keys
MIX = (("verify", 4), ("dashboard", 2), ("worker_read", 2), ("register", 2), ("result", 2))


@dataclass
class Tally:
    answered: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    registered: dict[str, int] = field(default_factory=dict)  # national ID -> worker id, acknowledged
    work_periods: dict[int, int] = field(default_factory=dict)  # work period id -> worker id, acknowledged
    results: dict[int, str] = field(default_factory=dict)  # result id -> certificate number, acknowledged
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass(frozen=True)
class Fixture:
    token: str  # the clerk's bearer token (苏州技师学院)
    bureau_cookie: str  # the city officer's signed-in session
    certificate: tuple[str, str]  # a demo certificate's number and holder, to verify
    worker_id: int  # a demo worker, to read
    campaign: str


def national_ids(client: int) -> itertools.count:
    return itertools.count(client * 100_000)


def national_id(key: int) -> str:
    """A valid ID number unique to the key (born 1990-2009 in Suzhou's Gusu district)."""
    from credentials.identity import check_character

    birth = date(1990 + key % 20, 1 + key // 20 % 12, 1 + key // 240 % 28)
    body = f"320508{birth:%Y%m%d}{key // 6720 % 1000:03d}"
    return body + check_character(body)


def fixture(app, server: Server) -> Fixture:
    from sqlalchemy import select

    from app.extensions import db
    from credentials.models import Campaign, Certificate, Worker

    with app.app_context():
        number, worker_id = db.session.execute(select(Certificate.number, Certificate.worker_id)
                                               .order_by(Certificate.id).limit(1)).one()
        holder = db.session.get(Worker, worker_id).name
        campaign = db.session.scalars(select(Campaign.code).order_by(Campaign.id)).first()
    status, body = post_json(server, "/api/v1/auth/token", {"account": "szjsxy", "password": DEMO_PASSWORD})
    if status != 201:
        raise RuntimeError(f"the clerk could not sign in to the API: {status} {body}")
    opener = signed_in_opener(server, "suzhou-hrss", DEMO_PASSWORD)
    jar = next(h for h in opener.handlers if hasattr(h, "cookiejar")).cookiejar
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return Fixture(body["access_token"], cookie, (number, holder), worker_id, campaign)


def drive(server: Server, fix: Fixture, tally: Tally, client: int, deadline: float) -> None:
    rng = random.Random(client)  # noqa: S311 - a load mix, not a secret
    keys = national_ids(client)
    mine: list[str] = []  # national IDs this client registered and may record results for
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    kinds = [kind for kind, weight in MIX for _ in range(weight)]
    api = {"Authorization": f"Bearer {fix.token}", "Content-Type": "application/json"}

    def send(kind: str, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        nonlocal connection
        try:
            connection.request(method, path, json.dumps(body, ensure_ascii=False).encode() if body else None,
                               headers or {})
            response = connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as error:
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
            with tally.lock:
                tally.errors.append(f"{kind}: {type(error).__name__} {error}")
            return None
        with tally.lock:
            tally.answered[kind] += 1
            if response.status >= 400:
                tally.errors.append(f"{kind}: {method} {path} answered {response.status} {data[:300]!r}")
                return None
        return json.loads(data) if response.headers.get("Content-Type", "").endswith("json") else data

    while time.monotonic() < deadline:
        kind = rng.choice(kinds)
        if kind == "result" and not mine:
            kind = "register"  # nobody of this client's is waiting for a result yet
        if kind == "verify":
            number, name = fix.certificate
            send(kind, "POST", "/api/v1/verify", {"number": number, "name": name}, {"Content-Type": "application/json"})
        elif kind == "dashboard":
            path = rng.choice([f"/bureau/campaigns/{fix.campaign}/cities/3205", "/bureau/ladder"])
            send(kind, "GET", path, headers={"Cookie": fix.bureau_cookie})
        elif kind == "worker_read":
            send(kind, "GET", f"/api/v1/workers/{fix.worker_id}", headers=api)
        elif kind == "register":
            key = national_id(next(keys))
            answer = send(kind, "POST", "/api/v1/workers", {"name": LOAD_NAME, "national_id": key, "city_code": "3205"},
                          api)
            if answer is None:
                continue
            with tally.lock:
                tally.registered[key] = answer["id"]
            period = send("work_period", "POST", f"/api/v1/workers/{answer['id']}/work-periods", {
                "occupation_code": "6-18-01-01", "started_on": "2020-01-01", "ended_on": "2024-12-31"}, api)
            if period is not None:
                mine.append(key)  # now eligible for the junior level
                with tally.lock:
                    tally.work_periods[period["id"]] = answer["id"]
        elif kind == "result":
            key = mine.pop(rng.randrange(len(mine)))  # one passed sitting per worker: each earns one certificate
            answer = send(kind, "POST", "/api/v1/results", {
                "national_id": key, "occupation_code": "6-18-01-01", "level": "junior", "exam_date": "2025-06-01",
                "theory": "85", "practical": "80"}, api)
            if answer is not None:
                with tally.lock:
                    tally.results[answer["id"]] = answer["certificate_number"]
    connection.close()


def check_database(app, tally: Tally) -> list[str]:
    """What the database holds against what the server acknowledged: the problems found (none when all holds)."""
    from sqlalchemy import func, select

    from app.extensions import db
    from credentials.models import AppraisalResult, Certificate, Worker, WorkPeriod
    from credentials.services.audit import verify_chain
    from credentials.services.tallies import check_tallies

    problems = []
    vault = app.extensions["vault"]
    with app.app_context():
        session = db.session()
        rows = session.execute(select(Worker.id, Worker.id_hash).where(Worker.name == LOAD_NAME)).all()
        by_hash = Counter(id_hash for _id, id_hash in rows)
        for key, worker_id in tally.registered.items():
            found = [i for i, h in rows if h == vault.index(key)]
            if found != [worker_id]:
                problems.append(f"worker {key}: acknowledged as {worker_id}, found {found}")
        if len(rows) != len(tally.registered) or any(n > 1 for n in by_hash.values()):
            problems.append(f"{len(rows)} load workers stored, {len(tally.registered)} acknowledged")
        periods = dict(session.execute(select(WorkPeriod.id, WorkPeriod.worker_id).join(Worker, Worker.id == WorkPeriod.worker_id)
                                       .where(Worker.name == LOAD_NAME)).all())
        if periods != tally.work_periods:
            problems.append(f"work periods: {len(periods)} stored, {len(tally.work_periods)} acknowledged")
        results = dict(session.execute(
            select(AppraisalResult.id, Certificate.number).join(Certificate, AppraisalResult.certificate)
            .join(Worker, AppraisalResult.worker).where(Worker.name == LOAD_NAME)).all())
        if results != tally.results:
            missing = set(tally.results.items()) - set(results.items())
            extra = set(results.items()) - set(tally.results.items())
            problems.append(f"results and certificates: {len(missing)} acknowledged not stored, {len(extra)} unacknowledged")
        doubled = session.scalar(select(func.count()).select_from(
            select(Certificate.number).group_by(Certificate.number).having(func.count() > 1).subquery()))
        if doubled:
            problems.append(f"{doubled} certificate numbers stored twice")
        chain = verify_chain(session)
        if not chain.ok:
            problems.append(f"the audit chain breaks at event {chain.first_broken_id}")
        differences = check_tallies(session)
        if differences:
            problems.append(f"indicator tallies differ from a recount: {differences[:5]}")
        session.rollback()
    return problems


@contextlib.contextmanager
def environment(**values: str) -> Iterator[None]:
    """The servers' environment (gunicorns() passes ours on), restored afterwards: a test runs this in-process."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run(*, seconds: float, clients: int, workers: int, database_url: str, redis_url: str) -> tuple[Tally, list[str], float]:
    from .harness import fresh_app

    with tempfile.TemporaryDirectory(prefix="tl-load-") as scratch, fresh_app(scratch, database_url) as (app, url):
        with environment(REDIS_URL=redis_url, JOB_RUNNER="rq"), \
                gunicorns([Spec("load", "app.wsgi:app")], database_url=url, workers=workers, scratch=scratch) as [server]:
            fix = fixture(app, server)
            tally = Tally()
            deadline = time.monotonic() + seconds
            started = time.monotonic()
            threads = [threading.Thread(target=drive, args=(server, fix, tally, n, deadline), daemon=True)
                       for n in range(clients)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(seconds + 180)
            elapsed = time.monotonic() - started
        return tally, check_database(app, tally), elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL")
                        or "postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15")
    args = parser.parse_args(argv)
    tally, problems, elapsed = run(seconds=args.seconds, clients=args.clients, workers=args.workers,
                                   database_url=args.database_url, redis_url=args.redis_url)
    total = sum(tally.answered.values())
    detail = " ".join(f"{kind}={count}" for kind, count in sorted(tally.answered.items()))
    print(f"BENCH load_rps {total / elapsed:.1f} req/s clients={args.clients} workers={args.workers} "
          f"seconds={elapsed:.1f} {detail}")
    print(f"BENCH load_errors {len(tally.errors)} count")
    writes = len(tally.registered) + len(tally.work_periods) + len(tally.results)
    print(f"BENCH load_writes_acknowledged {writes} rows workers={len(tally.registered)} "
          f"work_periods={len(tally.work_periods)} results={len(tally.results)} problems={len(problems)}")
    for line in tally.errors[:20] + problems:
        print("  " + line, file=sys.stderr)
    return 0 if not tally.errors and not problems else 1


if __name__ == "__main__":
    sys.exit(main())
