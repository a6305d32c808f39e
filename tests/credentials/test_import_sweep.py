"""An import whose runner died is told as failed ("interrupted"), never shown running for ever."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from app.extensions import db
from credentials.imports.jobs import create_import, fail_interrupted_imports
from credentials.models import ImportStatus, utcnow


def _job(staff, *, status, age):
    job = create_import(db.session(), kind="appraisal_results", institution=staff.institution,
                        file_bytes="身份证号\n".encode(), filename="x.csv", dry_run=True, by=staff,
                        vault=current_app.extensions["vault"])
    job.status = status
    job.created_at = job.started_at = utcnow() - age
    db.session.commit()
    return job


def test_only_jobs_stuck_past_their_limits_are_marked_interrupted(make_user):
    staff = make_user("institution_staff")
    stuck = _job(staff, status=ImportStatus.RUNNING, age=timedelta(hours=2))
    busy = _job(staff, status=ImportStatus.RUNNING, age=timedelta(minutes=5))
    waiting = _job(staff, status=ImportStatus.QUEUED, age=timedelta(hours=3))
    forgotten = _job(staff, status=ImportStatus.QUEUED, age=timedelta(days=2))

    assert fail_interrupted_imports(db.session()) == 2

    db.session.expire_all()
    assert (stuck.status, stuck.failure) == (ImportStatus.FAILED, "interrupted")
    assert forgotten.status is ImportStatus.FAILED
    assert busy.status is ImportStatus.RUNNING and waiting.status is ImportStatus.QUEUED


def test_the_sweep_command_reports_what_it_marked(make_user, runner):
    _job(make_user("institution_staff"), status=ImportStatus.RUNNING, age=timedelta(hours=5))

    result = runner.invoke(args=["jobs", "sweep"])

    assert result.exit_code == 0 and "1 interrupted import(s) marked failed" in result.output
