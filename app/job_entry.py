"""The function a queued import job names (`app.jobs.RQ_ENTRY_POINT`).

Under `flask jobs worker` the job runs in that command's app; under a plain `rq worker` there is none, so
the entry point builds one, once per worker process. It lives apart from `app.jobs` because it imports the
factory, which imports `app.jobs` (through the CLI): nothing imports this module, RQ finds it by name.
"""

from __future__ import annotations

from functools import cache

from flask import Flask, current_app, has_app_context

from . import create_app
from .jobs import run_in_context


def run_import_job(job_id: int, actor_id: int | None = None) -> None:
    app = current_app._get_current_object() if has_app_context() else _worker_app()
    run_in_context(app, job_id, actor_id)


@cache
def _worker_app() -> Flask:
    return create_app()
