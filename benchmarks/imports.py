"""`import_rows_per_s`: an exam session's appraisal results through the real bulk import, against a raw insert
of the same rows; `import_peak_mb`: the peak resident memory of the process running that import.

Setup (not timed): N workers registered in bulk, each with work history in 车工 from a different start date
(so every one may sit 初级工 on the regular route), and an accredited institution with a clerk. Timed: the
whole import of an N-row CSV, from upload to committed (read, check every row with the same rules as
one-by-one entry, issue certificates, write results and one audit event per record). Baseline: the same N
result rows written into the same table by the driver's own bulk path — `executemany` on SQLite, `COPY` on
PostgreSQL — in a transaction rolled back.

The import runs in a child process of its own (`python -m benchmarks.imports`), so that its peak memory is
the import's and not the benchmark's: the peak is reset after the setup and read when the import is done.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import subprocess
import sys
import time
from datetime import date, timedelta
from decimal import Decimal

from .harness import Bench, peak_rss_mb, reset_peak_rss
from .serve import ROOT

OCCUPATION = "6-18-01-01"
EXAM = date(2024, 7, 1)
AREA = "320506"  # demo and synth workers use other areas or sequences
COLUMNS = ("worker_id", "institution_id", "occupation_id", "level", "exam_date", "theory_score", "practical_score",
           "review_score", "passed", "outcome", "created_at")


def bench_imports(bench: Bench, database_url: str, scratch: str, rows: int) -> None:
    command = [sys.executable, "-m", "benchmarks.imports", "--database-url", database_url, "--scratch", scratch,
               "--rows", str(rows)]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)  # noqa: S603 - our own module
    if done.returncode != 0:
        raise RuntimeError(f"import benchmark failed:\n{done.stderr[-4000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    bench.report("import_rows_per_s", result["rate"], "rows/s", baseline=result["baseline"], rows=rows,
                 baseline_path=result["baseline_path"], created=result["created"], errors=result["errors"],
                 seconds=result["seconds"])
    if result["peak_mb"] is not None:
        bench.report("import_peak_mb", result["peak_mb"], "MB", rows=rows, start_mb=result["start_mb"],
                     process="import_only")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.imports")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--scratch", required=True)
    parser.add_argument("--rows", type=int, required=True)
    args = parser.parse_args()
    print(json.dumps(measure(args.database_url, args.scratch, args.rows)))


def measure(database_url: str, scratch: str, rows: int) -> dict[str, object]:
    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_DIR": scratch, "LOG_LEVEL": "WARNING"})
    with app.app_context():
        session = db.session()
        institution, clerk, occupation_id = _institution(session)
        workers = _workers(session, app.extensions["vault"], rows, occupation_id)
        session.commit()
        rng = random.Random(7)  # noqa: S311 - test scores, not secrets
        results = [(worker_id, number, Decimal(rng.randint(45, 100)), Decimal(rng.randint(50, 100)))
                   for worker_id, number in workers]
        baseline, baseline_path = _raw_rate(session, institution.id, occupation_id, results)
        data = _csv(results)
        del workers, results
        reset = reset_peak_rss()
        start_mb = peak_rss_mb()
        rate, job, seconds = _import_rate(session, app, institution, clerk, data)
        peak = peak_rss_mb() if reset else None
        db.engine.dispose()
    return {"rate": rate, "baseline": baseline, "baseline_path": baseline_path, "created": job.rows_created,
            "errors": job.error_count, "seconds": round(seconds, 2), "peak_mb": peak, "start_mb": start_mb}


def _institution(session):
    from credentials.models import InstitutionKind, Role
    from credentials.services.accounts import create_user
    from credentials.services.institutions import accredit, create_institution
    from credentials.services.reference import find_occupation

    occupation = find_occupation(session, OCCUPATION)
    institution = create_institution(session, name="基准测试职业技能评价中心",
                                     kind=InstitutionKind.APPRAISAL_BODY, city_code="3205", by=None)
    accredit(session, institution, occupation, max_level="senior_technician", valid_from=date(2000, 1, 1),
             by=None)
    clerk = create_user(session, role=Role.INSTITUTION_STAFF, username="bench-clerk",
                        password="bench-password-123", institution=institution, by=None)  # noqa: S106 - scratch db
    return institution, clerk, occupation.id


def _workers(session, vault, count: int, occupation_id: int) -> list[tuple[int, str]]:
    """(worker id, national ID) of `count` new workers, each with one open work period in the occupation."""
    from sqlalchemy import insert

    from credentials.demo.seed import demo_national_id
    from credentials.models import Worker, WorkPeriod

    made: list[tuple[int, str]] = []
    for start in range(0, count, 10_000):
        serials = range(start, min(start + 10_000, count))
        numbers = [demo_national_id(date(1970, 1, 1) + timedelta(days=n // 400), 500 + n % 400, AREA)
                   for n in serials]
        sealed = [vault.seal(n) for n in numbers]
        ids = session.execute(insert(Worker).returning(Worker.id, sort_by_parameter_order=True), [
            {"name": f"基准{start + i}", "id_hash": s.hash, "id_ciphertext": s.ciphertext,
             "id_masked": s.masked, "birth_date": s.parsed.birth_date, "gender": s.parsed.gender,
             "city_code": "3205"}
            for i, s in enumerate(sealed)]).scalars().all()
        session.execute(insert(WorkPeriod), [
            {"worker_id": worker_id, "occupation_id": occupation_id,
             "started_on": date(2005, 1, 1) + timedelta(days=(start + i) * 7 % 5_000)}
            for i, worker_id in enumerate(ids)])
        made += list(zip(ids, numbers, strict=True))
    return made


def _csv(results) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["身份证号", "职业编码", "等级", "考试日期", "理论知识考试成绩", "操作技能考核成绩"])
    for _, number, theory, practical in results:
        writer.writerow([number, OCCUPATION, "初级工", EXAM.isoformat(), theory, practical])
    return out.getvalue().encode("gb18030")


def _raw_rate(session, institution_id: int, occupation_id: int, results) -> tuple[float, str]:
    """The driver's bulk insert of the same rows into appraisal_results (COPY on PostgreSQL), rolled back."""
    from credentials.models import utcnow

    connection = session.get_bind().raw_connection()
    sqlite = session.get_bind().dialect.name == "sqlite"
    now = utcnow()
    rows = [(worker_id, institution_id, occupation_id, "junior", EXAM.isoformat() if sqlite else EXAM,
             float(theory) if sqlite else theory, float(practical) if sqlite else practical, None,
             theory >= 60 and practical >= 60, "passed" if theory >= 60 and practical >= 60 else "failed",
             now.isoformat() if sqlite else now)
            for worker_id, _, theory, practical in results]
    try:
        cursor = connection.cursor()
        started = time.perf_counter()
        if sqlite:
            sql = (f"INSERT INTO appraisal_results ({', '.join(COLUMNS)}) "  # noqa: S608 - fixed names
                   f"VALUES ({', '.join(['?'] * len(COLUMNS))})")
            cursor.executemany(sql, rows)
        else:
            with cursor.copy(f"COPY appraisal_results ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        elapsed = time.perf_counter() - started
        cursor.close()
    finally:
        connection.rollback()
        connection.close()
    return len(rows) / elapsed, "executemany" if sqlite else "copy"


def _import_rate(session, app, institution, clerk, data: bytes):
    from credentials.imports.jobs import create_import, run_import
    from credentials.models import ImportStatus

    started = time.perf_counter()
    job = create_import(session, kind="appraisal_results", institution=institution, file_bytes=data,
                        filename="bench.csv", dry_run=False, by=clerk, vault=app.extensions["vault"])
    session.commit()
    from app.jobs import parse_budget  # as the runner reads it: in a child process held to the budget

    job = run_import(session, job.id, vault=app.extensions["vault"], budget=parse_budget(app))
    elapsed = time.perf_counter() - started
    if job.status is not ImportStatus.COMMITTED:
        raise RuntimeError(f"benchmark import did not commit: {job.status.value} {job.failure} "
                           f"{job.errors[:3]}")
    return job.rows_total / elapsed, job, elapsed


if __name__ == "__main__":
    main()
