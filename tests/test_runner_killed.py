"""Nothing lost, nothing half-written (issue 12): a real job runner, killed with SIGKILL in the middle of an
import's commit, leaves no row of that import in any table, and the sweep then marks the job failed
("interrupted"). Runs on the suite's database, SQLite or PostgreSQL.

The runner is `app.jobs.run_in_context` — what `flask jobs worker` and the thread runner call — in a process of
its own on the same database. A probe in it (around the loader's bulk insert, COPY on PostgreSQL) reports the
moment the import's first rows are in (inside the one transaction that writes them all) and holds it there, so
the kill always lands half-way; nothing else about the runner is changed.
"""

from __future__ import annotations

import os
import select as selectors
import signal
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select, text

from app.extensions import db
from credentials.imports.jobs import create_import, fail_interrupted_imports
from credentials.models import Base, ImportJob, ImportStatus, Worker, utcnow
from tests.conftest import national_id

ROOT = Path(__file__).resolve().parent.parent
WORKER_HEADERS = ["身份证号", "姓名", "所在城市", "工作单位", "培训补贴对象类别", "类别认定日期"]
RUNNER = """
import os, sys, time
from app import create_app
from app.jobs import run_in_context
import credentials.imports.loader_people as loader

def hold_half_way(write):
    def written_then_held(session, table, rows):
        write(session, table, rows)  # the first table's rows are in the transaction now (COPY or executemany)
        print("writing", flush=True)
        time.sleep(60)  # killed long before this ends
    return written_then_held

loader.insert_rows = hold_half_way(loader.insert_rows)
app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": os.environ["RUNNER_DATABASE_URL"],
                  "SECRET_KEY": os.environ["RUNNER_SECRET_KEY"]})
run_in_context(app, int(sys.argv[1]), int(sys.argv[2]))
print("finished", flush=True)
"""


def row_counts() -> dict[str, int]:
    db.session.remove()  # a fresh connection: nothing cached, no transaction left open
    counts = {table.name: db.session.scalar(select(func.count()).select_from(table))
              for table in Base.metadata.sorted_tables}
    db.session.remove()
    return counts


def start_runner(app, job_id: int, actor_id: int) -> subprocess.Popen:
    env = {**os.environ, "RUNNER_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "RUNNER_SECRET_KEY": app.config["SECRET_KEY"], "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", RUNNER, str(job_id), str(actor_id)], cwd=ROOT, env=env,  # noqa: S603
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_line(process: subprocess.Popen, expected: str, timeout: float = 90) -> None:
    ready, _, _ = selectors.select([process.stdout], [], [], timeout)
    line = process.stdout.readline().strip() if ready else ""
    if line != expected:
        process.kill()
        raise AssertionError(f"runner said {line!r}, not {expected!r}: {process.stderr.read()[-3000:]}")


def test_a_runner_killed_half_way_through_a_commit_leaves_no_trace_and_the_sweep_says_so(app, setting, runner):
    people = [[national_id(date(1995, 1, 1) + timedelta(days=n)), "赵某某", "苏州市", "", "", ""] for n in range(300)]
    body = "\r\n".join(",".join(row) for row in [WORKER_HEADERS, *people]).encode()
    job = create_import(db.session(), kind="workers", institution=setting.institution, file_bytes=body,
                        filename="新生.csv", dry_run=False, by=setting.staff, vault=setting.vault)
    db.session.commit()
    job_id, staff_id = job.id, setting.staff.id
    before = row_counts()

    process = start_runner(app, job_id, staff_id)
    try:
        wait_for_line(process, "writing")
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
        process.stdout.close()
        process.stderr.close()

    assert process.returncode == -signal.SIGKILL
    assert row_counts() == before  # every table: not one worker, audit event, tally or anything else
    assert db.session.scalar(select(func.count()).select_from(Worker)) == before["workers"]
    stuck = db.session.get(ImportJob, job_id)
    assert stuck.status is ImportStatus.RUNNING and stuck.rows_total == 300  # it had checked every row
    assert fail_interrupted_imports(db.session()) == 0  # a runner that may still be alive is left alone
    db.session.execute(text("UPDATE import_jobs SET started_at = :then WHERE id = :id"),
                       {"then": utcnow() - timedelta(hours=2), "id": job_id})
    db.session.commit()

    result = runner.invoke(args=["jobs", "sweep"])

    assert result.exit_code == 0 and "1 interrupted import(s) marked failed" in result.output
    db.session.expire_all()
    failed = db.session.get(ImportJob, job_id)
    assert (failed.status, failed.failure, failed.rows_created) == (ImportStatus.FAILED, "interrupted", 0)
    assert {name: count for name, count in row_counts().items() if name not in ("import_jobs", "audit_events")} == {
        name: count for name, count in before.items() if name not in ("import_jobs", "audit_events")}
