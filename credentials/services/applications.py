"""Applications (申报) and qualification review (资格审核), seating in a session, results against the session.

A worker applies (or an institution enters the application for them) to an institution accredited for the
occupation and level; on the regular route the institution's review sees the engine's verdict (the clause met,
or what is missing and from when) and qualifies the candidate only when a clause is met — the clause is kept
on the application — or refuses with a reason. On the exceptional route an approved, unexpired request stands
in for the conditions (an approval naming the institution opens the application itself:
credentials.services.promotions). Qualified candidates are seated in one of the institution's open sessions
within its capacity; a failed one again (补考) within the retake window; the result entered against the session
decides the application (credentials.services.appraisal).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ladder.frameworks import level_rank
from ladder.i18n import Text

from ..bulk import in_list_batches
from ..clock import china_today
from ..errors import Conflict, Duplicate, Forbidden, ValidationFailed
from ..labels import APPLICATION_STATE_NAMES
from ..models import (
    Application,
    ApplicationRoute,
    ApplicationState,
    AppraisalResult,
    AppraisalSession,
    Institution,
    Occupation,
    PromotionRequest,
    PromotionState,
    SessionState,
    User,
    Worker,
    utcnow,
)
from ..models.applications import OPEN_APPLICATION_STATES
from ..permissions import may_apply_for, runs_appraisal
from ..queries.history import history_of
from .appraisal import LINKABLE, record_appraisal_result, settle
from .audit import record
from .eligibility import standing
from .institutions import is_accredited
from .overtaken import close_overtaken, tell_about_application
from .promotions import PENDING, check_approval_allows, current_level
from .sessions import seats_taken
from .state_changes import move_state
from .training import level_label, level_problem

MAX_REASON = 2000


def submit_application(
    session: Session, *, worker: Worker, occupation: Occupation, level: str, institution: Institution, by: User,
    promotion_request: PromotionRequest | None = None, today: date | None = None,
) -> Application:
    """A worker's application to sit `level` at `institution`, on the regular route or, with an approved
    request, the exceptional one. Whether the conditions are met is the review's question, not this one's."""
    today = today or china_today()
    if not may_apply_for(by, worker, institution.id):
        raise Forbidden("action")
    problem = level_problem(occupation, level, "level")
    if problem is not None:
        raise problem
    if not is_accredited(session, institution, occupation, level, today):
        raise ValidationFailed("not_accredited", field="institution_id", institution=institution.name,
                               occupation=occupation.name, level=level_label(level))
    held = current_level(session, worker, occupation)
    if held is not None and level_rank(held) >= level_rank(level):
        raise ValidationFailed("already_held", field="level", level=level_label(level))
    open_one = session.scalar(select(Application.id).where(
        Application.worker_id == worker.id, Application.occupation_id == occupation.id, Application.level == level,
        Application.state.in_(OPEN_APPLICATION_STATES)))
    if open_one is not None:
        raise Duplicate("open_application", field="level", level=level_label(level), id=open_one)
    if promotion_request is not None:
        _check_approval(session, promotion_request, worker=worker, occupation=occupation, level=level,
                        institution=institution, on=today)
    application = Application(
        worker_id=worker.id, occupation_id=occupation.id, level=level, institution_id=institution.id,
        route=ApplicationRoute.EXCEPTIONAL if promotion_request is not None else ApplicationRoute.REGULAR,
        promotion_request_id=promotion_request.id if promotion_request is not None else None,
        state=ApplicationState.SUBMITTED, submitted_by_id=by.id, version=1)
    session.add(application)
    session.flush()
    record(session, actor=by, action="application.submitted", entity_type="application", entity_id=application.id,
           after=application_snapshot(application))
    return application


def _check_approval(session: Session, request: PromotionRequest, *, worker: Worker, occupation: Occupation,
                    level: str, institution: Institution, on: date) -> None:
    check_approval_allows(session, request, on=on, worker=worker, occupation=occupation, level=level)
    if request.appraiser_id is not None and request.appraiser_id != institution.id:
        raise ValidationFailed("binding", field="promotion_request_id", reason=Text(
            "该批准指定由其他机构组织考评", "the approval names another institution to appraise"))
    taken = session.scalar(select(Application.id).where(Application.promotion_request_id == request.id))
    if taken is not None:
        raise Duplicate("open_application", field="promotion_request_id", level=level_label(level), id=taken)


def verdict_for(session: Session, application: Application, *, on: date) -> Text:
    """What the review page shows: the engine's words on the regular route; the approval on the other."""
    if application.promotion_request is not None:
        until = application.promotion_request.approval_valid_until
        if until is None:
            return Text("破格/越级申请未获批准或已失效", "the exceptional request is not (or no longer) approved")
        return Text(f"经破格/越级批准，{until.isoformat()} 前有效", f"exceptional approval, valid until {until}")
    return standing(history_of(session, application.worker_id), application.occupation.code, application.level,
                    on).explanation


def approve_application(session: Session, application: Application, *, by: User,
                        today: date | None = None) -> Application:
    """Qualify the candidate: on the regular route only when the engine finds a clause met today (it is kept),
    on the exceptional one only while the approval holds."""
    today = today or china_today()
    _may_review(by, application)
    rules = clause = None
    if application.promotion_request is not None:
        check_approval_allows(session, application.promotion_request, on=today)
    else:
        verdict = standing(history_of(session, application.worker_id), application.occupation.code,
                           application.level, today)
        if not verdict.eligible:
            raise ValidationFailed("not_eligible", field="decision", level=level_label(application.level),
                                   explanation=(verdict.explanation.zh, verdict.explanation.en))
        rules, clause = verdict.rules, verdict.clause
    return _move(session, application, ApplicationState.APPROVED, by=by, action="approved",
                 reviewed_by_id=by.id, reviewed_at=utcnow(), rule_set=rules, matched_clause=clause)


def refuse_application(session: Session, application: Application, *, reason: str, by: User) -> Application:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("required", field="reason")
    if len(reason) > MAX_REASON:
        raise ValidationFailed("binding", field="reason",
                               reason=Text(f"理由不超过 {MAX_REASON} 字", f"at most {MAX_REASON} characters"))
    _may_review(by, application)
    return _move(session, application, ApplicationState.REFUSED, by=by, action="refused", reason=reason,
                 refusal_reason=reason, reviewed_by_id=by.id, reviewed_at=utcnow())


def _may_review(by: User, application: Application) -> None:
    if not runs_appraisal(by, application.institution_id):
        raise Forbidden("action")
    if application.state is not ApplicationState.SUBMITTED:
        raise Conflict("already_decided", state=APPLICATION_STATE_NAMES[application.state])


def seat_application(session: Session, application: Application, appraisal_session: AppraisalSession, *,
                     by: User, today: date | None = None) -> Application:
    """Seat a qualified candidate (or a failed one, for the retake within its window) in one of the
    institution's open sessions that examines the level, while seats are left."""
    today = today or china_today()
    if not runs_appraisal(by, application.institution_id):
        raise Forbidden("action")
    if appraisal_session.institution_id != application.institution_id:
        raise ValidationFailed("session_mismatch", field="session_id", reason=Text(
            "只能安排到本机构的场次", "only a session of the same institution"))
    if application.state not in (ApplicationState.APPROVED, ApplicationState.FAILED):
        raise Conflict("wrong_state", state=APPLICATION_STATE_NAMES[application.state],
                       action=Text("安排考试", "seat the candidate"))
    if appraisal_session.state is not SessionState.OPEN:
        raise Conflict("wrong_state", state=Text("场次已关闭", "session closed"), action=Text("安排考试", "seat"))
    if appraisal_session.occupation_id != application.occupation_id:
        raise ValidationFailed("session_mismatch", field="session_id", reason=Text(
            "场次的职业与申报不同", "the session examines another occupation"))
    if application.level not in appraisal_session.levels:
        raise ValidationFailed("level_not_offered", field="session_id", level=level_label(application.level))
    held_on = appraisal_session.held_on
    if held_on < today:
        raise ValidationFailed("session_date", field="session_id", reason=Text(
            "该场次已经举行", "that session has already been held"))
    if application.state is ApplicationState.FAILED:
        assert application.retake_until is not None  # a failure opens the window
        last = max((r.exam_date for r in application.results), default=None)
        if held_on > application.retake_until:
            raise Conflict("retake_window_closed", field="session_id", date=application.retake_until.isoformat())
        if last is not None and held_on <= last:
            raise ValidationFailed("session_date", field="session_id", reason=Text(
                "补考须在上次考试之后", "a retake comes after the failed sitting"))
    request = application.promotion_request
    if request is not None:
        check_approval_allows(session, request, on=held_on)
    taken = seats_taken(session, appraisal_session)
    if taken >= appraisal_session.capacity:
        raise Conflict("session_full", field="session_id", capacity=appraisal_session.capacity)
    moved = _move(session, application, ApplicationState.SEATED, by=by, action="seated",
                  session_id=appraisal_session.id)
    tell_about_application(session, moved, "application.seated", date=held_on.isoformat(),
                           site=appraisal_session.site)
    return moved


def record_session_result(
    session: Session, appraisal_session: AppraisalSession, application: Application, *, theory: Decimal,
    practical: Decimal, review: Decimal | None = None, number: str | None = None, by: User,
    today: date | None = None,
) -> AppraisalResult:
    """The seated candidate's result in this session, dated the session's day."""
    if not runs_appraisal(by, appraisal_session.institution_id):
        raise Forbidden("action")
    return record_appraisal_result(
        session, worker=application.worker, institution=appraisal_session.institution,
        occupation=application.occupation, level=application.level, exam_date=appraisal_session.held_on,
        theory=theory, practical=practical, review=review, number=number, by=by, today=today,
        application=application, appraisal_session=appraisal_session)


def link_imported_results(session: Session, *, job_id: int, institution_id: int, by: User | None) -> int:
    """Attach each result of a bulk import to the candidate's open application at the institution, when there
    is one, and let it decide the application as a result entered by hand would. Returns how many linked."""
    linkable = select(Application.worker_id).where(Application.institution_id == institution_id,
                                                   Application.state.in_(LINKABLE))
    waiting = select(Application.worker_id).where(Application.state.in_(OPEN_APPLICATION_STATES)).union(
        select(PromotionRequest.worker_id).where(PromotionRequest.state.in_((*PENDING, PromotionState.APPROVED))))
    # Only the results that may link or overtake are loaded: a 100,000-row file mostly has neither.
    concerned = or_(AppraisalResult.worker_id.in_(linkable),
                    AppraisalResult.certificate_id.is_not(None) & AppraisalResult.worker_id.in_(waiting))
    results = session.scalars(select(AppraisalResult).where(AppraisalResult.import_job_id == job_id, concerned)
                              .order_by(AppraisalResult.exam_date, AppraisalResult.id)).all()
    workers = sorted({r.worker_id for r in results})
    open_by_key: dict[tuple[int, int, str], list[Application]] = defaultdict(list)
    for chunk in in_list_batches(session, workers):
        for application in session.scalars(select(Application).where(
                Application.institution_id == institution_id, Application.worker_id.in_(chunk),
                Application.state.in_(LINKABLE)).order_by(Application.id.desc())):
            open_by_key[(application.worker_id, application.occupation_id, application.level)].append(application)
    linked = 0
    for result in results:
        for application in open_by_key.get((result.worker_id, result.occupation_id, result.level), []):
            in_window = application.state is not ApplicationState.FAILED or (
                application.retake_until is not None and result.exam_date <= application.retake_until)
            if application.state in LINKABLE and in_window:
                result.application_id = application.id
                session.flush()
                settle(session, result, by=by)
                linked += 1
                break
    _close_overtaken_by_passes(session, [r for r in results if r.application_id is None and r.certificate_id],
                               by=by)
    return linked


def _close_overtaken_by_passes(session: Session, passes: list[AppraisalResult], *, by: User | None) -> None:
    """An imported pass without an application of its own may still overtake a request or an application
    elsewhere; only the workers who have one open are looked at (two queries for the whole file)."""
    workers = sorted({r.worker_id for r in passes})
    waiting: set[int] = set()
    for chunk in in_list_batches(session, workers):
        waiting.update(session.scalars(select(Application.worker_id).where(
            Application.worker_id.in_(chunk), Application.state.in_(OPEN_APPLICATION_STATES))))
        waiting.update(session.scalars(select(PromotionRequest.worker_id).where(
            PromotionRequest.worker_id.in_(chunk), PromotionRequest.state.in_((*PENDING, PromotionState.APPROVED)))))
    for result in passes:
        if result.worker_id in waiting and result.certificate is not None:
            close_overtaken(session, result.certificate, by=by)


def _move(session: Session, application: Application, to: ApplicationState, *, by: User, action: str,
          reason: str | None = None, **values: object) -> Application:
    before = application_snapshot(application)
    move_state(session, application, state="state", to=to, names=APPLICATION_STATE_NAMES, **values)
    record(session, actor=by, action=f"application.{action}", entity_type="application", entity_id=application.id,
           before=before, after={**application_snapshot(application), "reason": reason})
    if action in ("approved", "refused"):
        tell_about_application(session, application, f"application.{action}", reason=reason or "")
    return application


def application_snapshot(application: Application) -> dict[str, object]:
    return {"worker_id": application.worker_id, "occupation_id": application.occupation_id,
            "level": application.level, "institution_id": application.institution_id,
            "route": application.route.value, "promotion_request_id": application.promotion_request_id,
            "state": application.state.value, "session_id": application.session_id,
            "rule_set": application.rule_set, "clause": application.matched_clause,
            "version": application.version}
