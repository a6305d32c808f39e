"""The worker's own pages (phone first): my ladder, my certificates."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from sqlalchemy import select

from credentials.models import Certificate, Role
from credentials.queries.progression import progression
from ladder.frameworks import appraised_levels

from ..access import allow
from ..auth import current_actor
from ..extensions import db

bp = Blueprint("worker", __name__, url_prefix="/worker")


@bp.get("/")
@allow(Role.WORKER)
def home():
    worker = current_actor().worker
    return render_template(
        "worker/home.html", worker=worker, progress=progression(db.session(), worker),
        ladder=appraised_levels("skill-2022"),
    )


@bp.get("/certificates/<number>")
@allow(Role.WORKER)
def certificate(number: str):
    found = db.session.scalar(
        select(Certificate).where(Certificate.number == number, Certificate.worker_id == current_actor().worker_id)
    )
    if found is None:
        abort(404)
    return render_template("worker/certificate.html", certificate=found)


from . import (  # noqa: E402,F401 - modules that add routes to this blueprint
    worker_inbox,  # noqa: E402,F401 - inbox and promotion outcome pages join this blueprint
    worker_ladder,  # noqa: E402,F401 - the ladder and routes pages join this blueprint
)
