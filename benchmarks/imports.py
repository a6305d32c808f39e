"""Bulk import rate of an exam session's appraisal results, against a raw executemany of the same rows.

Setup (not timed): N workers registered in bulk, each with work history in 车工 from a different start date
(so every one may sit 初级工 on the regular route), and an accredited institution with a clerk. Timed: the
whole import of an N-row CSV, from upload to committed (read, check every row with the same rules as
one-by-one entry, issue certificates, write results and one audit event per record). Baseline: the same N
result rows inserted with the driver's own executemany into the same table, in a transaction rolled back.
"""

from __future__ import annotations

import csv
import io
import random
import time
from datetime import date, timedelta
from decimal import Decimal

from .harness import Bench

OCCUPATION = "6-18-01-01"
EXAM = date(2024, 7, 1)
AREA = "320506"  # demo and synth workers use other areas or sequences


def bench_imports(bench: Bench, app, rows: int) -> None:
    from app.extensions import db

    with app.app_context():
        session = db.session()
        institution, clerk, occupation_id = _institution(session)
        workers = _workers(session, app.extensions["vault"], rows, occupation_id)
        session.commit()
        rng = random.Random(7)  # noqa: S311 - test scores, not secrets
        results = [(worker_id, number, Decimal(rng.randint(45, 100)), Decimal(rng.randint(50, 100)))
                   for worker_id, number in workers]
        baseline = _executemany_rate(session, institution.id, occupation_id, results)
        data = _csv(results)
        rate, job = _import_rate(session, app, institution, clerk, data)
    bench.report("import.rows_per_s", rate, "rows/s", baseline=baseline, ratio=rate / baseline, rows=rows,
                 created=job.rows_created, errors=job.error_count)


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


def _executemany_rate(session, institution_id: int, occupation_id: int, results) -> float:
    """The driver's executemany of the same rows into appraisal_results, rolled back."""
    from credentials.models import utcnow

    connection = session.get_bind().raw_connection()
    sqlite = session.get_bind().dialect.name == "sqlite"
    mark = "?" if sqlite else "%s"
    now = utcnow()
    rows = [(worker_id, institution_id, occupation_id, "junior", EXAM.isoformat() if sqlite else EXAM,
             float(theory) if sqlite else theory, float(practical) if sqlite else practical, None,
             theory >= 60 and practical >= 60, now.isoformat() if sqlite else now)
            for worker_id, _, theory, practical in results]
    columns = ("worker_id, institution_id, occupation_id, level, exam_date, theory_score, practical_score, "
               "review_score, passed, created_at")
    sql = f"INSERT INTO appraisal_results ({columns}) VALUES ({', '.join([mark] * 10)})"  # noqa: S608 - fixed
    try:
        cursor = connection.cursor()
        started = time.perf_counter()
        cursor.executemany(sql, rows)
        elapsed = time.perf_counter() - started
        cursor.close()
    finally:
        connection.rollback()
        connection.close()
    return len(rows) / elapsed


def _import_rate(session, app, institution, clerk, data: bytes):
    from credentials.imports.jobs import create_import, run_import
    from credentials.models import ImportStatus

    started = time.perf_counter()
    job = create_import(session, kind="appraisal_results", institution=institution, file_bytes=data,
                        filename="bench.csv", dry_run=False, by=clerk)
    session.commit()
    job = run_import(session, job.id, vault=app.extensions["vault"])
    elapsed = time.perf_counter() - started
    if job.status is not ImportStatus.COMMITTED:
        raise RuntimeError(f"benchmark import did not commit: {job.status.value} {job.failure} "
                           f"{job.errors[:3]}")
    return job.rows_total / elapsed, job
