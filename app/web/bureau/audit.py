"""The audit trail of any record an officer may see: who, when, what, before and after (UX "Bureau officer" 5).
A record outside the officer's scope, or of a kind not listed, is not found."""

from __future__ import annotations

from flask import abort, render_template
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from credentials.models import (
    Certificate,
    Competition,
    CompetitionPromotion,
    CompetitionRule,
    Programme,
    PromotionRequest,
    Role,
    User,
    Worker,
)
from credentials.queries.scopes import (
    certificate_scope,
    competition_rule_scope,
    competition_scope,
    programme_scope,
    promotion_scope,
    proposal_scope,
    worker_scope,
)
from credentials.services.audit import trail_of

from ...access import allow
from ...auth import current_actor
from ...extensions import db
from .blueprint import bp

TRAIL_LIMIT = 500  # newest first; one record's trail is short, a longer one is cut with a note

# entity type -> (model, key column, scope, heading)
RECORDS = {
    "promotion_request": (PromotionRequest, PromotionRequest.id, promotion_scope, _l("破格/越级申请")),
    "competition_promotion": (CompetitionPromotion, CompetitionPromotion.id, proposal_scope, _l("竞赛晋升建议")),
    "competition": (Competition, Competition.id, competition_scope, _l("竞赛")),
    "competition_rule": (CompetitionRule, CompetitionRule.id, competition_rule_scope, _l("竞赛奖励办法")),
    "certificate": (Certificate, Certificate.number, certificate_scope, _l("证书")),
    "worker": (Worker, Worker.id, worker_scope, _l("劳动者")),
    "programme": (Programme, Programme.id, programme_scope, _l("技能人才项目")),
}


def _visible(entity_type: str, entity_id: str) -> bool:
    model, key, scope, _heading = RECORDS[entity_type]
    value: object = entity_id
    if key.type.python_type is int:
        if not entity_id.isdigit() or len(entity_id) > 12:
            return False
        value = int(entity_id)
    return db.session.scalar(select(model).where(key == value, scope(current_actor()))) is not None


@bp.get("/audit/<entity_type>/<entity_id>")
@allow(Role.BUREAU_OFFICER)
def audit(entity_type: str, entity_id: str):
    if entity_type not in RECORDS or not _visible(entity_type, entity_id):
        abort(404)
    events = db.session.scalars(trail_of(entity_type, entity_id).limit(TRAIL_LIMIT)).all()
    actor_ids = {event.actor_id for event in events if event.actor_id is not None}
    actors = ({u.id: u for u in db.session.scalars(select(User).where(User.id.in_(actor_ids)))}
              if actor_ids else {})
    return render_template("bureau/audit.html", events=events, actors=actors, limit=TRAIL_LIMIT,
                           heading=RECORDS[entity_type][3],
                           entity_type=entity_type, entity_id=entity_id, changes=changes)


def changes(event) -> list[tuple[str, object, object]]:
    """(field, before, after) for every field that differs; a created record shows its values as `after`."""
    before, after = event.before or {}, event.after or {}
    keys = [k for k in dict.fromkeys([*before, *after]) if before.get(k) != after.get(k)]
    return [(key, before.get(key), after.get(key)) for key in keys]
