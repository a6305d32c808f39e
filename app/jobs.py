"""A tiny job runner: work that takes long runs outside the request.

`JOB_RUNNER` (app/config.py) picks how: "thread" (the default without Redis) runs the job in a background
thread with its own app context and database session; "rq" (the default when REDIS_URL is set) puts it on
a Redis queue that `flask jobs worker` serves; "sync" runs it before the request returns (tests). Either
way the job writes its progress and outcome to its ImportJob row, so pages and the API read it the same.
The runner reads the file in a child process held to IMPORT_PARSE_CPU_SECONDS and IMPORT_PARSE_MEMORY_MB.

`flask imports seal` seals uploads kept in the clear (from before migration 0023) or under an old key;
`flask imports purge` deletes the files of jobs finished over IMPORT_FILE_RETENTION_DAYS ago. `flask jobs sweep`
(cron) does both besides marking dead jobs failed.
"""

from __future__ import annotations

import threading

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_limiter.util import get_remote_address
from limits import parse

from credentials.imports.jobs import fail_interrupted_imports, run_import
from credentials.imports.kept_files import purge_expired_files, seal_kept_files
from credentials.imports.sheet_budget import ParseBudget
from ladder.i18n import Text

from .auth import current_actor
from .extensions import db, limiter
from .i18n import localized

RQ_ENTRY_POINT = "app.job_entry.run_import_job"  # named, not imported: the entry point imports the factory
JOB_TIMEOUT = 3_600  # seconds: a 200,000-row file takes well under a minute
jobs_cli = AppGroup("jobs", help="Background jobs (bulk imports).")
imports_cli = AppGroup("imports", help="Bulk-import files kept: seal them, purge them after the retention period.")


def enqueue_import(job_id: int, actor_id: int | None = None) -> str:
    """Start an import job the configured way; returns the runner's name."""
    app = current_app._get_current_object()
    runner = app.config.get("JOB_RUNNER") or "thread"
    if runner == "rq":
        redis_queue(app).enqueue(RQ_ENTRY_POINT, job_id, actor_id, job_timeout=JOB_TIMEOUT, result_ttl=3_600,
                                 failure_ttl=7 * 86_400, description=f"import {job_id}")
    elif runner == "sync":
        run_in_context(app, job_id, actor_id)
    else:
        threading.Thread(target=run_in_context, args=(app, job_id, actor_id), name=f"import-{job_id}",
                         daemon=True).start()
    return runner


def run_in_context(app: Flask, job_id: int, actor_id: int | None) -> None:
    """Run in a fresh app context: its own session and connection, never the request's."""
    with app.app_context():
        try:
            run_import(db.session(), job_id, vault=app.extensions["vault"], actor_id=actor_id,
                       budget=parse_budget(app))
        finally:
            db.session.remove()


def upload_limit(**options):
    """IMPORT_UPLOAD_RATE per user (per address before sign-in), one bucket for the pages and the API."""
    return limiter.shared_limit(lambda: str(current_app.config["IMPORT_UPLOAD_RATE"]), scope="import-upload",
                                key_func=_uploader, **options)


def _uploader() -> str:
    actor = current_actor()
    return f"user:{actor.id}" if actor is not None else f"address:{get_remote_address()}"


def upload_limit_message() -> str:
    rate = parse(str(current_app.config["IMPORT_UPLOAD_RATE"]))
    zh, en = _PERIODS.get(rate.GRANULARITY.name, Text(rate.GRANULARITY.name, rate.GRANULARITY.name))
    many = rate.multiples != 1
    return localized(Text(
        f"上传过于频繁：每人每{f' {rate.multiples} ' if many else ''}{zh}最多上传 {rate.amount} 个文件，请稍后再试",
        f"Too many uploads: at most {rate.amount} files per {f'{rate.multiples} {en}s' if many else en} per person; "
        "try again later"))


_PERIODS = {"second": Text("秒", "second"), "minute": Text("分钟", "minute"), "hour": Text("小时", "hour"),
            "day": Text("天", "day"), "month": Text("个月", "month"), "year": Text("年", "year")}


def parse_budget(app: Flask) -> ParseBudget:
    return ParseBudget(cpu_seconds=int(app.config["IMPORT_PARSE_CPU_SECONDS"]),
                       memory_mb=int(app.config["IMPORT_PARSE_MEMORY_MB"]))


def redis_queue(app: Flask):
    from redis import Redis
    from rq import Queue

    if not app.config.get("REDIS_URL"):
        raise click.UsageError("REDIS_URL is not set: jobs run in-process, no worker is needed")
    return Queue(app.config["RQ_QUEUE"], connection=Redis.from_url(app.config["REDIS_URL"]))


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker_command(burst: bool) -> None:
    """Serve the job queue on Redis (REDIS_URL, RQ_QUEUE)."""
    from rq import SimpleWorker

    queue = redis_queue(current_app)
    # SimpleWorker runs jobs in this process: the app and its connection pool are made once, never forked.
    SimpleWorker([queue], connection=queue.connection).work(burst=burst)


@jobs_cli.command("sweep")
def sweep_command() -> None:
    """Mark imports whose runner died (running over an hour, queued over a day) as failed (nothing was written);
    purge the files past their retention period and seal any kept in the clear."""
    marked = fail_interrupted_imports(db.session())
    click.echo(f"{marked} interrupted import(s) marked failed")
    _purge()
    _seal()


@imports_cli.command("purge")
def purge_command() -> None:
    """Delete the uploaded files of imports finished over IMPORT_FILE_RETENTION_DAYS ago (outcome and report stay)."""
    _purge()


@imports_cli.command("seal")
def seal_command() -> None:
    """Seal import files kept in the clear (before migration 0023) or under an old key; safe to run any time."""
    _seal()


def _purge() -> None:
    days = int(current_app.config["IMPORT_FILE_RETENTION_DAYS"])
    purged = purge_expired_files(db.session(), retention_days=days)
    db.session.commit()
    click.echo(f"{purged} import file(s) older than {days} days purged")


def _seal() -> None:
    sealed = seal_kept_files(db.session(), current_app.extensions["vault"])
    db.session.commit()
    click.echo(f"{sealed} import file(s) sealed")
