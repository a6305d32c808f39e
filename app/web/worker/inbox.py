"""The worker's inbox (UX "Worker" 4: decisions with their reasons), the page of a request about them, and the
data of the small promotions block on their progression page. Joins `worker.bp`."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import select

from credentials.models import Application, Certificate, Role
from credentials.queries.approvals import recognition_of
from credentials.services.inbox import unread_count

from ...access import allow
from ...auth import current_actor
from ...extensions import db
from ...lookups import request_or_404
from ..approvals import (
    inbox_mark_read,
    inbox_page,
    register_helpers,
)
from .blueprint import bp

register_helpers(bp)


@bp.app_context_processor
def promotions_block():
    """`promotion_block()` for templates/worker/_promotions.html (included by the worker's home)."""
    def promotion_block():
        user = current_actor()
        if user is None or user.role is not Role.WORKER:
            return None
        return recognition_of(db.session(), user.worker_id, with_decisions=True)

    def inbox_unread() -> int:
        user = current_actor()
        return unread_count(db.session(), user) if user is not None else 0

    return {"promotion_block": promotion_block, "inbox_unread": inbox_unread}


@bp.get("/inbox")
@allow(Role.WORKER)
def inbox():
    return inbox_page("worker.inbox_read")


@bp.post("/inbox/read")
@allow(Role.WORKER)
def inbox_read():
    return inbox_mark_read("worker.inbox")


@bp.get("/promotions/<int:request_id>")
@allow(Role.WORKER)
def promotion(request_id: int):
    req = request_or_404(request_id)
    sitting = db.session.scalar(select(Application).where(Application.promotion_request_id == req.id,
                                                          Application.worker_id == req.worker_id))
    earned = db.session.scalar(select(Certificate).where(Certificate.promotion_request_id == req.id,
                                                         Certificate.worker_id == req.worker_id))
    return render_template("worker/promotion.html", req=req, sitting=sitting, earned=earned)
