"""`verify_rps`: the public verification API under gunicorn, beside a bare Flask route doing the same indexed
SELECT (benchmarks/baseline.py) served the same way, measured alternately in the same run by one load tool;
then `server_peak_mb`: the peak resident memory of the API's gunicorn workers after that load and one
national census page (the heaviest page a worker serves).

Both servers run at once on the same database with the same worker count; each round drives one, then the
other (the order flips every round), for `seconds` each, and each side's figure is the median of its rounds.
The bodies are real certificate numbers with their holders' names, spread over the registry, posted as JSON
(names never go into URLs).
"""

from __future__ import annotations

import json
import random
import statistics

from sqlalchemy import func, select

from .harness import Bench, peak_rss_mb
from .serve import Load, Server, Spec, gunicorns, post_json, post_load, signed_in_opener, tool_name

API_PATH = "/api/v1/verify"
SAMPLE = 1000


def bench_verify(bench: Bench, app, database_url: str, scratch: str, *, workers: int, connections: int,
                 seconds: float, rounds: int, tool: str) -> None:
    bodies = _bodies(app)
    tool = tool_name(tool)
    specs = [Spec("api", "app.wsgi:app"), Spec("baseline", "benchmarks.baseline:app", ready_path="/healthz")]
    with gunicorns(specs, database_url=database_url, workers=workers, scratch=scratch) as (api, bare):
        _same_answer(api, bare, bodies[0])
        encoded = [json.dumps(body, ensure_ascii=False).encode() for body in bodies]
        sides: dict[str, list[Load]] = {"api": [], "baseline": []}
        targets = {"api": (api, API_PATH), "baseline": (bare, "/verify")}
        for server, path in targets.values():  # warm both: connections, caches, first-request work
            post_load(tool, server, path, encoded, seconds=min(seconds, 2), connections=connections, scratch=scratch)
        for round_number in range(rounds):
            order = ("api", "baseline") if round_number % 2 == 0 else ("baseline", "api")
            for name in order:
                server, path = targets[name]
                sides[name].append(post_load(tool, server, path, encoded, seconds=seconds, connections=connections,
                                             scratch=scratch))
        api_rps = statistics.median(load.rps for load in sides["api"])
        bare_rps = statistics.median(load.rps for load in sides["baseline"])
        errors = sum(load.errors for loads in sides.values() for load in loads)
        bench.report("verify_rps", api_rps, "req/s", baseline=bare_rps, tool=tool, workers=workers,
                     connections=connections, seconds=seconds, rounds=rounds, errors=errors, path=API_PATH,
                     requests=sum(load.requests for load in sides["api"]))
        _server_peak(bench, api)


def _bodies(app) -> list[dict[str, str]]:
    """Up to SAMPLE (number, holder's name) pairs spread over the certificates."""
    from app.extensions import db
    from credentials.models import Certificate, CertificateStatus, Worker

    with app.app_context():
        session = db.session()
        top = session.scalar(select(func.max(Certificate.id))) or 0
        rng = random.Random(11)  # noqa: S311 - a sample, not a secret
        ids = sorted(rng.sample(range(1, top + 1), min(top, SAMPLE * 2)))
        rows = []
        for start in range(0, len(ids), 900):
            rows += session.execute(
                select(Certificate.number, Worker.name).join(Worker, Worker.id == Certificate.worker_id)
                .where(Certificate.id.in_(ids[start:start + 900]), Certificate.status == CertificateStatus.VALID)
            ).all()
    if not rows:
        raise RuntimeError("no certificates to verify: synthesize some workers first")
    return [{"number": number, "name": name} for number, name in rows[:SAMPLE]]


def _same_answer(api: Server, bare: Server, body: dict[str, str]) -> None:
    """Both sides find the certificate valid: they do the same work, not a cheap refusal."""
    for server, path in ((api, API_PATH), (bare, "/verify")):
        status, answer = post_json(server, path, body)
        if status != 200 or answer.get("status") != "valid":
            raise RuntimeError(f"{server.name} {path} answered {status} {answer}")


def _server_peak(bench: Bench, api: Server) -> None:
    from credentials.demo.seed import DEMO_PASSWORD

    officer = signed_in_opener(api, "mohrss", DEMO_PASSWORD)
    for path in ("/bureau/", "/bureau/ladder"):
        with officer.open(api.url(path), timeout=1800) as response:
            if response.status != 200:
                raise RuntimeError(f"{path}: {response.status}")
            response.read()
    peaks = [peak for pid in api.worker_pids() if (peak := peak_rss_mb(pid)) is not None]
    if peaks:
        bench.report("server_peak_mb", max(peaks), "MB", workers=len(peaks), after="verify_load+/bureau/ladder_national",
                     mean=sum(peaks) / len(peaks))
