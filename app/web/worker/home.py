"""The worker's own pages (phone first): my ladder, my certificates."""

from __future__ import annotations

from flask import render_template

from credentials.models import Role
from credentials.queries.applications import provenance
from credentials.queries.programmes import KIND_NAMES, PART_NAMES, TIER_NAMES, programmes_of_worker
from credentials.queries.progression import progression
from ladder.frameworks import appraised_levels

from ...access import allow
from ...auth import current_actor
from ...extensions import db
from ...lookups import certificate_or_404
from .blueprint import bp


@bp.get("/")
@allow(Role.WORKER)
def home():
    worker = current_actor().worker
    return render_template(
        "worker/home.html", worker=worker, progress=progression(db.session(), worker),
        ladder=appraised_levels("skill-2022"),
        programmes=programmes_of_worker(db.session(), worker.id),
        programme_names={"part": PART_NAMES, "kind": KIND_NAMES, "tier": TIER_NAMES},
    )


@bp.get("/certificates/<number>")
@allow(Role.WORKER)
def certificate(number: str):
    found = certificate_or_404(number)
    return render_template("worker/certificate.html", certificate=found, provenance=provenance(db.session(), found))
