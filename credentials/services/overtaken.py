"""Requests and applications overtaken by events: once a worker holds a level (by a sitting, an approval, a
competition or a historic entry), a pending promotion request or an unused approval for that level or below,
and any open application for it, has nothing left to decide. Each is closed with the reason, and its people
are told (credentials.services.inbox)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ladder.frameworks import get_level, level_rank
from ladder.i18n import Text

from ..identity import mask_name
from ..models import (
    Application,
    ApplicationState,
    Certificate,
    PromotionRequest,
    PromotionState,
    Role,
    User,
)
from ..models.applications import OPEN_APPLICATION_STATES
from .audit import record
from .inbox import notify
from .promotions import PENDING, close_promotion

# The reason columns are free text, read as they are by the API, exports and staff pages, so the system's reason
# is stored as one "中文 / English" string; `reason_text` reads it back as a Text for pages in one language.
OVERTAKEN_PREFIX = "已于 "
OVERTAKEN_SEPARATOR = " / "
OVERTAKEN_ENGLISH_PREFIX = "Already holds "


def overtaken_reason(certificate: Certificate) -> str:
    level = get_level(certificate.level, certificate.framework)
    day = certificate.issued_on.isoformat()
    return (f"{OVERTAKEN_PREFIX}{day} 取得{level.name_zh}（证书 {certificate.number}）{OVERTAKEN_SEPARATOR}"
            f"{OVERTAKEN_ENGLISH_PREFIX}{level.name_en} since {day} (certificate {certificate.number})")


def reason_text(reason: str) -> Text | str:
    """A stored reason as a reader should see it: one written by `overtaken_reason` (known by its fixed
    prefixes) as a Text; anything else, a person's own words, as it is (a person may well type " / ")."""
    zh, separator, en = reason.partition(OVERTAKEN_SEPARATOR + OVERTAKEN_ENGLISH_PREFIX)
    if not reason.startswith(OVERTAKEN_PREFIX) or not separator:
        return reason
    return Text(zh=zh, en=OVERTAKEN_ENGLISH_PREFIX + en)


def close_overtaken(session: Session, certificate: Certificate, *, by: User | None) -> None:
    """Close what `certificate` made pointless. Requests need an actor for their history: without one (a
    system write such as the demo seed) they are left for the next certificate or a person to close."""
    reached = level_rank(certificate.level)
    reason = overtaken_reason(certificate)
    if by is not None:
        used = select(Certificate.promotion_request_id).where(Certificate.promotion_request_id.is_not(None))
        requests = session.scalars(select(PromotionRequest).where(
            PromotionRequest.worker_id == certificate.worker_id,
            PromotionRequest.occupation_id == certificate.occupation_id,
            PromotionRequest.state.in_((*PENDING, PromotionState.APPROVED)),
            PromotionRequest.id.not_in(used)).order_by(PromotionRequest.id)).all()
        for request in requests:
            if level_rank(request.target_level) <= reached:
                close_promotion(session, request, reason=reason, by=by)
    applications = session.scalars(select(Application).where(
        Application.worker_id == certificate.worker_id, Application.occupation_id == certificate.occupation_id,
        Application.state.in_(OPEN_APPLICATION_STATES)).order_by(Application.id)).all()
    for application in applications:
        if level_rank(application.level) <= reached:
            close_application(session, application, reason=reason, by=by)


def close_application(session: Session, application: Application, *, reason: str, by: User | None) -> None:
    before = application.state
    application.state = ApplicationState.CLOSED
    application.closed_reason = reason
    application.version += 1
    session.flush()
    record(session, actor=by, action="application.closed", entity_type="application", entity_id=application.id,
           before={"state": before.value}, after={"state": application.state.value, "reason": reason})
    tell_about_application(session, application, "application.closed", reason=reason)


def tell_about_application(session: Session, application: Application, code: str, **params: object) -> None:
    """The worker, and the institution's clerk who entered the application for them."""
    level = get_level(application.level)
    recipients: list[User | None] = list(session.scalars(select(User).where(
        User.worker_id == application.worker_id)))
    entered_by = session.get(User, application.submitted_by_id) if application.submitted_by_id else None
    if entered_by is not None and entered_by.role is Role.INSTITUTION_STAFF:
        recipients.append(entered_by)
    notify(session, recipients, code, entity_type="application", entity_id=application.id,
           worker=mask_name(application.worker.name), occupation=application.occupation.name,
           level=(level.name_zh, level.name_en), institution=application.institution.name, **params)
