"""Access denials in the security trail (等保 level 3 security audit; ASVS 7.2): every 403 answered — the route
gate's (`app.access`), a view's `abort(403)`, the domain's `Forbidden`, the API's "change your password first" —
is recorded as "access.denied" with the route and the actor. At most one line per actor and route a minute:
someone hammering a forbidden page cannot flood the hash-chained trail (nor slow everyone's writes)."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, Response, current_app, request
from sqlalchemy.exc import SQLAlchemyError

from credentials.models import utcnow
from credentials.queries.audit_log import recorded_since
from credentials.services.audit import record

from .auth import current_actor
from .extensions import db

WINDOW = timedelta(minutes=1)
ACTION, ENTITY = "access.denied", "route"


def init_app(app: Flask) -> None:
    app.after_request(record_denial)


def record_denial(response: Response) -> Response:
    if response.status_code != 403 or request.endpoint is None:
        return response
    try:
        _record(request.endpoint[:64])
    except SQLAlchemyError:  # the answer is still the 403: a trail that cannot be written is logged, not shown
        db.session.rollback()
        current_app.logger.exception("access denial not recorded")
    return response


def _record(route: str) -> None:
    db.session.rollback()  # a refused request keeps nothing it may have begun
    actor = current_actor()
    actor_id = actor.id if actor is not None else None
    if db.session.scalar(recorded_since(ACTION, ENTITY, route, actor_id, utcnow() - WINDOW)) is not None:
        return
    rule = request.url_rule.rule if request.url_rule is not None else ""
    record(db.session(), actor=actor, action=ACTION, entity_type=ENTITY, entity_id=route,
           after={"method": request.method, "rule": rule[:200]})
    db.session.commit()
