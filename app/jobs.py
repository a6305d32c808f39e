"""A tiny job runner: work that takes long runs outside the request.

`JOB_RUNNER` (app/config.py) picks how: "thread" (the default without Redis) runs the job in a background
thread with its own app context and database session; "rq" (the default when REDIS_URL is set) puts it on
a Redis queue that `flask jobs worker` serves; "sync" runs it before the request returns (tests). Either
way the job writes its progress and outcome to its ImportJob row, so pages and the API read it the same.
"""

from __future__ import annotations

import threading

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from credentials.imports.jobs import fail_interrupted_imports, run_import

from .extensions import db

RQ_ENTRY_POINT = "app.job_entry.run_import_job"  # named, not imported: the entry point imports the factory
JOB_TIMEOUT = 3_600  # seconds: a 200,000-row file takes well under a minute
jobs_cli = AppGroup("jobs", help="Background jobs (bulk imports).")


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
            run_import(db.session(), job_id, vault=app.extensions["vault"], actor_id=actor_id)
        finally:
            db.session.remove()


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
    """Mark imports whose runner died (running over an hour, queued over a day) as failed; nothing was written."""
    marked = fail_interrupted_imports(db.session())
    click.echo(f"{marked} interrupted import(s) marked failed")
