"""Appraisal sessions (考试场次): an accredited institution's sitting on a date, at a site, for an occupation and
the levels it examines, with a capacity. Candidates are seated in them (credentials.services.applications)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ladder.frameworks import level_rank
from ladder.i18n import Text

from ..clock import china_today
from ..errors import Conflict, Forbidden, ValidationFailed
from ..models import (
    Application,
    ApplicationState,
    AppraisalResult,
    AppraisalSession,
    Institution,
    Occupation,
    SessionState,
    SittingOutcome,
    User,
)
from ..permissions import runs_appraisal
from .audit import record
from .institutions import is_accredited
from .training import level_label, level_problem

MAX_CAPACITY = 10_000
MAX_SITE = 200


def create_appraisal_session(
    session: Session, *, institution: Institution, occupation: Occupation, levels: Iterable[str], held_on: date,
    site: str, capacity: int, by: User, today: date | None = None,
) -> AppraisalSession:
    """A new open session; the institution must be accredited for every level it offers on that day."""
    today = today or china_today()
    if not runs_appraisal(by, institution.id):
        raise Forbidden("action")
    levels = sorted(set(levels or ()))
    if not levels:
        raise ValidationFailed("required", field="levels")
    for level in levels:
        problem = level_problem(occupation, level, "levels")
        if problem is not None:
            raise problem
        if not is_accredited(session, institution, occupation, level, held_on):
            raise ValidationFailed("not_accredited", field="levels", institution=institution.name,
                                   occupation=occupation.name, level=level_label(level))
    if held_on < today:
        raise ValidationFailed("session_date", field="held_on", reason=Text(
            "考试日期不能早于今天", "A session cannot be held in the past"))
    site = " ".join((site or "").split())
    if not site or len(site) > MAX_SITE:
        raise ValidationFailed("required", field="site") if not site else ValidationFailed(
            "binding", field="site", reason=Text(f"地点不超过 {MAX_SITE} 字", f"at most {MAX_SITE} characters"))
    if not 1 <= capacity <= MAX_CAPACITY:
        raise ValidationFailed("binding", field="capacity", reason=Text(
            f"人数须在 1 到 {MAX_CAPACITY} 之间", f"between 1 and {MAX_CAPACITY} seats"))
    levels.sort(key=level_rank)
    appraisal_session = AppraisalSession(institution_id=institution.id, occupation_id=occupation.id, levels=levels,
                                         held_on=held_on, site=site, capacity=capacity, state=SessionState.OPEN,
                                         created_by_id=by.id)
    session.add(appraisal_session)
    session.flush()
    record(session, actor=by, action="session.created", entity_type="appraisal_session",
           entity_id=appraisal_session.id, after=session_snapshot(appraisal_session, occupation))
    return appraisal_session


def close_appraisal_session(session: Session, appraisal_session: AppraisalSession, *, by: User) -> AppraisalSession:
    """No more seats are given (results can still be entered for those seated)."""
    if not runs_appraisal(by, appraisal_session.institution_id):
        raise Forbidden("action")
    if appraisal_session.state is SessionState.CLOSED:
        raise Conflict("wrong_state", state=Text("已关闭", "closed"), action=Text("关闭场次", "close the session"))
    appraisal_session.state = SessionState.CLOSED
    session.flush()
    record(session, actor=by, action="session.closed", entity_type="appraisal_session",
           entity_id=appraisal_session.id, after={"state": appraisal_session.state.value})
    return appraisal_session


def seats_taken(session: Session, appraisal_session: AppraisalSession) -> int:
    """Candidates seated and waiting for their result, plus sittings recorded in the session (not voided)."""
    waiting = session.scalar(select(func.count()).select_from(Application).where(
        Application.session_id == appraisal_session.id, Application.state == ApplicationState.SEATED)) or 0
    sat = session.scalar(select(func.count()).select_from(AppraisalResult).where(
        AppraisalResult.session_id == appraisal_session.id,
        AppraisalResult.outcome != SittingOutcome.VOIDED)) or 0
    return waiting + sat


def session_snapshot(appraisal_session: AppraisalSession, occupation: Occupation) -> dict[str, object]:
    return {"institution_id": appraisal_session.institution_id, "occupation": occupation.code,
            "levels": list(appraisal_session.levels), "held_on": appraisal_session.held_on.isoformat(),
            "site": appraisal_session.site, "capacity": appraisal_session.capacity,
            "state": appraisal_session.state.value}

