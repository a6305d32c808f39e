"""Read side of the appraisal road: applications, sessions and their seats, a result's history, and where a
certificate came from (the sitting, the clause met, the approval, or the historic evidence). Lists are
statements scoped once (credentials.queries.scopes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from ladder.eligibility import get_rules
from ladder.frameworks import level_rank
from ladder.i18n import Text

from ..clock import china_date
from ..models import (
    Accreditation,
    Application,
    ApplicationState,
    AppraisalResult,
    AppraisalSession,
    Certificate,
    CertificateEvidence,
    Institution,
    Occupation,
    PromotionRequest,
    ResultCorrection,
    SessionState,
    SittingOutcome,
    User,
    Worker,
)
from .scopes import application_scope, session_scope

APPLICATION_LOADS = (selectinload(Application.worker), selectinload(Application.occupation),
                     selectinload(Application.institution), selectinload(Application.session),
                     selectinload(Application.promotion_request))


def applications_for(user: User, *, state: str | None = None, search: str | None = None,
                     worker_id: int | None = None) -> Select[Application]:
    """Applications the account may see, waiting ones first, then newest."""
    statement = (select(Application).where(application_scope(user)).options(*APPLICATION_LOADS)
                 .order_by((Application.state != ApplicationState.SUBMITTED), Application.submitted_at.desc(),
                           Application.id.desc()))
    if state in {s.value for s in ApplicationState}:
        statement = statement.where(Application.state == ApplicationState(state))
    if worker_id is not None:
        statement = statement.where(Application.worker_id == worker_id)
    elif search:
        statement = statement.where(Application.worker_id.in_(
            select(Worker.id).where(Worker.name.contains(search.strip(), autoescape=True))))
    return statement


def sessions_for(user: User, *, upcoming_from: date | None = None) -> Select[AppraisalSession]:
    """Sessions the account may see, soonest first (only those on or after `upcoming_from` when given)."""
    statement = (select(AppraisalSession).where(session_scope(user))
                 .options(selectinload(AppraisalSession.occupation), selectinload(AppraisalSession.institution))
                 .order_by(AppraisalSession.held_on.desc(), AppraisalSession.id.desc()))
    if upcoming_from is not None:
        statement = statement.where(AppraisalSession.held_on >= upcoming_from)
    return statement


@dataclass
class SessionRoster:
    """One row per candidate of a session: seated and waiting, or with the result recorded here."""

    waiting: list[Application] = field(default_factory=list)
    results: list[AppraisalResult] = field(default_factory=list)

    @property
    def taken(self) -> int:
        return len(self.waiting) + sum(r.outcome is not SittingOutcome.VOIDED for r in self.results)


def roster(session: Session, appraisal_session: AppraisalSession) -> SessionRoster:
    waiting = session.scalars(select(Application).where(
        Application.session_id == appraisal_session.id, Application.state == ApplicationState.SEATED)
        .options(*APPLICATION_LOADS).order_by(Application.id)).all()
    results = session.scalars(select(AppraisalResult).where(AppraisalResult.session_id == appraisal_session.id)
                              .options(selectinload(AppraisalResult.worker), selectinload(AppraisalResult.certificate))
                              .order_by(AppraisalResult.id)).all()
    return SessionRoster(list(waiting), list(results))


def candidates_for(session: Session, appraisal_session: AppraisalSession) -> list[Application]:
    """Qualified candidates (and failed ones still within their retake window) who could sit this session."""
    found = session.scalars(select(Application).where(
        Application.institution_id == appraisal_session.institution_id,
        Application.occupation_id == appraisal_session.occupation_id,
        Application.level.in_(list(appraisal_session.levels)),
        Application.state.in_((ApplicationState.APPROVED, ApplicationState.FAILED)))
        .options(*APPLICATION_LOADS).order_by(Application.id)).all()
    return [a for a in found if a.state is ApplicationState.APPROVED or may_retake_on(a, appraisal_session.held_on)]


def may_retake_on(application: Application, held_on: date) -> bool:
    """A failed candidate sits again within the retake window and after the failed sitting (the rule
    `seat_application` keeps), so a page offers only sessions it would accept."""
    last = max((r.exam_date for r in application.results), default=None)
    return (application.retake_until is not None and held_on <= application.retake_until
            and (last is None or held_on > last))


def sessions_open_for(session: Session, application: Application, *, today: date) -> list[AppraisalSession]:
    """The institution's open, coming sessions that examine the application's occupation and level."""
    found = session.scalars(select(AppraisalSession).where(
        AppraisalSession.institution_id == application.institution_id,
        AppraisalSession.occupation_id == application.occupation_id,
        AppraisalSession.state == SessionState.OPEN, AppraisalSession.held_on >= today)
        .order_by(AppraisalSession.held_on, AppraisalSession.id)).all()
    return [s for s in found if application.level in s.levels
            and (application.state is not ApplicationState.FAILED or may_retake_on(application, s.held_on))]


def result_history(session: Session, result: AppraisalResult) -> list[ResultCorrection]:
    return list(session.scalars(select(ResultCorrection).where(ResultCorrection.result_id == result.id)
                                .options(selectinload(ResultCorrection.actor),
                                         selectinload(ResultCorrection.revoked_certificate),
                                         selectinload(ResultCorrection.issued_certificate))
                                .order_by(ResultCorrection.id)))


def clause_text(rule_set: str | None, clause_id: str | None) -> Text | None:
    """The words of a clause the engine matched (None when none was stored or the rules no longer name it)."""
    if not rule_set or not clause_id:
        return None
    try:
        rules = get_rules(rule_set)
    except LookupError:
        return None
    return next((c.text for c in rules.clauses if c.id == clause_id), None)


@dataclass(frozen=True)
class Provenance:
    """Why the holder has this certificate."""

    result: AppraisalResult | None
    application: Application | None
    clause: Text | None
    request: PromotionRequest | None
    evidence: list[CertificateEvidence]


def provenance(session: Session, certificate: Certificate) -> Provenance:
    result = session.scalar(select(AppraisalResult).where(AppraisalResult.certificate_id == certificate.id))
    if result is None:  # a corrected result keeps the link in its history
        result = session.scalar(select(AppraisalResult).join(
            ResultCorrection, ResultCorrection.result_id == AppraisalResult.id).where(
            ResultCorrection.issued_certificate_id == certificate.id))
    application = session.get(Application, result.application_id) if result and result.application_id else None
    clause = clause_text(result.matched_rules, result.matched_clause) if result else None
    if clause is None and application is not None:
        clause = clause_text(application.rule_set, application.matched_clause)
    request = session.get(PromotionRequest, certificate.promotion_request_id) \
        if certificate.promotion_request_id else None
    evidence = list(session.scalars(select(CertificateEvidence).where(
        CertificateEvidence.certificate_id == certificate.id).order_by(CertificateEvidence.id)))
    return Provenance(result, application, clause, request, evidence)


def accredited_institutions(session: Session, occupation: Occupation, level: str, *, on: date,
                            province_code: str | None = None) -> list[Institution]:
    """Institutions that may appraise the occupation at the level on the day (the worker's province first)."""
    rank = level_rank(level)
    accredited = select(Accreditation.institution_id).where(Accreditation.occupation_id == occupation.id)
    found = session.scalars(select(Institution).where(Institution.id.in_(accredited))
                            .options(selectinload(Institution.accreditations))).all()
    able = [i for i in found if any(a.occupation_id == occupation.id and a.covers(on)
                                    and level_rank(a.max_level) >= rank for a in i.accreditations)]
    return sorted(able, key=lambda i: (i.city_code[:2] != (province_code or ""), i.city_code, i.name))


def accredited_occupations(session: Session, institution_id: int, *, on: date) -> list[Occupation]:
    """The occupations an institution may appraise on the day, by name (what its pickers offer)."""
    accredited = select(Accreditation.occupation_id).where(
        Accreditation.institution_id == institution_id, Accreditation.valid_from <= on,
        (Accreditation.valid_until.is_(None)) | (Accreditation.valid_until >= on))
    return list(session.scalars(select(Occupation).where(Occupation.id.in_(accredited)).order_by(Occupation.code)))


@dataclass(frozen=True)
class Step:
    """One step of an application's road as the worker sees it: what, when, and the detail in words."""

    key: str  # applied | approval | review | seated | result | certificate | closed
    done: bool
    on: date | None
    detail: Text
    certificate_number: str | None = None


def road(application: Application) -> list[Step]:
    """approved → seated in session X on date → result → certificate, each step dated and explained."""
    steps: list[Step] = []
    request = application.promotion_request
    if request is not None:
        until = request.approval_valid_until
        decided = china_date(request.decided_at) if request.decided_at else None
        steps.append(Step("approval", until is not None, decided,
                          Text(f"破格/越级申请（编号 {request.id}）已批准，{until} 前有效", f"exceptional request no. "
                               f"{request.id} approved, valid until {until}") if until else
                          Text(f"破格/越级申请（编号 {request.id}）", f"exceptional request no. {request.id}")))
    else:
        steps.append(Step("applied", True, china_date(application.submitted_at),
                          Text(f"向{application.institution.name}申报", f"applied to {application.institution.name}")))
        reviewed = china_date(application.reviewed_at) if application.reviewed_at else None
        if application.state is ApplicationState.REFUSED:
            steps.append(Step("review", True, reviewed, Text(f"资格审核未通过：{application.refusal_reason}",
                                                             f"refused: {application.refusal_reason}")))
            return steps
        clause = clause_text(application.rule_set, application.matched_clause)
        steps.append(Step("review", reviewed is not None, reviewed,
                          Text(f"资格审核通过，符合：{clause.zh}", f"qualified, meets: {clause.en}") if clause
                          else Text("等待资格审核", "awaiting the qualification review")))
    sittings = {r.session_id for r in application.results}
    if application.session is not None and application.session.id not in sittings:
        s = application.session
        steps.append(Step("seated", True, s.held_on, Text(f"已安排考试：{s.held_on}，{s.site}",
                                                          f"seated in the session of {s.held_on} at {s.site}")))
    for result in application.results:
        outcome = {SittingOutcome.PASSED: Text("通过", "passed"), SittingOutcome.FAILED: Text("未通过", "failed"),
                   SittingOutcome.INCOMPLETE: Text("成绩不完整，待补录", "incomplete, a score to come"),
                   SittingOutcome.VOIDED: Text("已作废", "voided")}[result.outcome]
        steps.append(Step("result", result.outcome is not SittingOutcome.VOIDED, result.exam_date,
                          Text(f"考试成绩：{outcome.zh}", f"result: {outcome.en}")))
        if result.certificate is not None:
            steps.append(Step("certificate", True, result.certificate.issued_on,
                              Text(f"证书 {result.certificate.number}", f"certificate {result.certificate.number}"),
                              result.certificate.number))
    if application.state is ApplicationState.FAILED and application.retake_until is not None:
        until = application.retake_until
        steps.append(Step("retake", False, until, Text(f"可在 {until} 前补考", f"may retake until {until}")))
    if application.state is ApplicationState.CLOSED:
        steps.append(Step("closed", True, None, Text(f"已关闭：{application.closed_reason}",
                                                     f"closed: {application.closed_reason}")))
    return steps
