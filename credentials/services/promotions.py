"""Exceptional and level-skipping nominations: the nominating side, and the one way a request changes state.

Every change goes through `move`: a conditional UPDATE (WHERE state = the state the actor saw AND version
= the version they saw) so that two people acting at once produce exactly one change — the other gets
Conflict("already_decided") — then a PromotionDecision row, an audit event and inbox messages.

An approval opens a sitting: the request names the institution that appraises (`appraiser`, by default the
nominating institution when it is accredited for the target level), and the approval puts an application on
the exceptional route in that institution's list, qualified, to be seated before `approval_valid_until`
(credentials.services.applications); the certificate follows a pass (credentials.services.appraisal).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ladder.exceptional import (
    ExceptionalClause,
    ExceptionalPolicy,
    check_exceptional_target,
    exceptional_limits,
    exceptional_policies,
)
from ladder.frameworks import get_level, level_rank, vocabulary
from ladder.i18n import Text, join

from ..clock import china_today
from ..errors import Conflict, Duplicate, Forbidden, ValidationFailed
from ..identity import mask_name
from ..labels import STAGE_NAMES, STATE_NAMES
from ..models import (
    Application,
    ApplicationRoute,
    ApplicationState,
    Certificate,
    CertificateStatus,
    Evidence,
    EvidenceBlob,
    Institution,
    Occupation,
    PromotionDecision,
    PromotionKind,
    PromotionRequest,
    PromotionState,
    ReviewStage,
    Role,
    User,
    Worker,
    utcnow,
)
from ..permissions import is_nominating_side, may_nominate
from ..queries.scopes import worker_scope
from ..uploads import MAX_FILES_PER_REQUEST, RefusedFile, check_evidence_file
from .audit import record
from .inbox import notify
from .institutions import is_accredited
from .state_changes import move_state

MAX_STATEMENT = 4000
PENDING = (PromotionState.DRAFT, PromotionState.SUBMITTED, PromotionState.UNDER_REVIEW, PromotionState.RETURNED)
KIND_NAMES = {PromotionKind.EXCEPTIONAL: vocabulary("promotion_routes")["exceptional"],
              PromotionKind.LEVEL_SKIPPING: vocabulary("promotion_routes")["skip"]}


def current_level(session: Session, worker: Worker, occupation: Occupation) -> str | None:
    """The highest level the worker validly holds in the occupation (revoked certificates never count)."""
    levels = session.scalars(select(Certificate.level).where(
        Certificate.worker_id == worker.id, Certificate.occupation_id == occupation.id,
        Certificate.status == CertificateStatus.VALID)).all()
    return max(levels, key=level_rank, default=None)


def nominate_promotion(
    session: Session, *, worker: Worker, occupation: Occupation, kind: PromotionKind, target_level: str,
    grounds: Iterable[str], statement: str, rule_id: str | None = None, by: User, today: date | None = None,
    appraiser: Institution | None = None,
) -> PromotionRequest:
    """A draft nomination; evidence is attached next, then it is submitted. `appraiser` (by default the
    nominating institution, when accredited for the target) will hold the sitting once it is approved."""
    today = today or china_today()
    if not may_nominate(by, worker.city_code):
        raise Forbidden("action")
    if by.role is Role.INSTITUTION_STAFF and session.scalar(
            select(Worker.id).where(Worker.id == worker.id, worker_scope(by))) is None:
        raise ValidationFailed("outside_region", field="worker_id", what=Text("该劳动者", "This worker"))
    held = current_level(session, worker, occupation)
    if held is None:
        raise ValidationFailed("no_current_level", field="occupation_code", occupation=occupation.name)
    _check_target(occupation, held, target_level, kind, today)
    grounds = sorted(set(grounds or ()))
    unknown = [code for code in grounds if code not in vocabulary("promotion_grounds")]
    if not grounds or unknown:
        raise (ValidationFailed("unknown_choice", field="grounds", what=Text("提名理由", "ground"), value=unknown[0])
               if unknown else ValidationFailed("required", field="grounds"))
    statement = (statement or "").strip()
    if not statement or len(statement) > MAX_STATEMENT:
        raise ValidationFailed("required", field="statement") if not statement else ValidationFailed(
            "binding", field="statement",
            reason=Text(f"陈述不超过 {MAX_STATEMENT} 字", f"at most {MAX_STATEMENT} characters"))
    if rule_id and rule_id not in relied_rules(target_level, kind, on=today, city_code=worker.city_code):
        raise ValidationFailed("unknown_choice", field="rule_id", what=Text("政策条款", "rule"), value=rule_id)
    open_one = session.scalar(select(PromotionRequest.id).where(
        PromotionRequest.worker_id == worker.id, PromotionRequest.occupation_id == occupation.id,
        PromotionRequest.state.in_(PENDING)))
    if open_one is not None:
        raise Duplicate("open_promotion", field="worker_id", id=open_one)
    appraiser = _appraiser(session, appraiser, by, occupation, target_level, today)
    request = PromotionRequest(
        kind=kind, worker=worker, occupation=occupation, current_level=held, target_level=target_level,
        grounds=grounds, statement=statement, rule_id=rule_id or None, city_code=worker.city_code,
        nominated_by_id=by.id, institution_id=by.institution_id, state=PromotionState.DRAFT,
        stage=ReviewStage.CITY, version=1, appraiser_id=appraiser.id if appraiser else None)
    session.add(request)
    session.flush()
    _history(session, request, "nominated", PromotionState.DRAFT, by)
    record(session, actor=by, action="promotion.nominated", entity_type="promotion_request", entity_id=request.id,
           after=promotion_snapshot(request))
    return request


def _appraiser(session: Session, named: Institution | None, by: User, occupation: Occupation, target: str,
               today: date) -> Institution | None:
    """The institution named to hold the sitting (it must be accredited for the target), else the nominating
    institution when it is; None leaves the choice to the worker's application."""
    if named is not None:
        if not is_accredited(session, named, occupation, target, today):
            level = get_level(target)
            raise ValidationFailed("not_accredited", field="appraiser_id", institution=named.name,
                                   occupation=occupation.name, level=(level.name_zh, level.name_en))
        return named
    own = by.institution
    return own if own is not None and is_accredited(session, own, occupation, target, today) else None


def _check_target(occupation: Occupation, held: str, target: str, kind: PromotionKind, today: date) -> None:
    try:
        target_info = get_level(target)
    except ValueError:
        raise ValidationFailed("unknown_level", field="target_level", level=target) from None
    if target not in occupation.appraised_levels:
        raise ValidationFailed("level_not_appraised", field="target_level", occupation=occupation.name,
                               level=(target_info.name_zh, target_info.name_en))
    check = check_exceptional_target(held, target, kind.ladder_kind, on=today)
    if not check.ok:
        reason = join(list(check.violations))
        raise ValidationFailed("promotion_target", field="target_level", reason=(reason.zh, reason.en))


def jurisdictions_of(city_code: str) -> frozenset[str]:
    """The jurisdictions whose rules bind a worker of this city: the nation, the province, the city."""
    return frozenset({"CN", city_code[:2], city_code})


def local_clauses(target_level: str, city_code: str, *, on: date) -> list[tuple[ExceptionalPolicy, ExceptionalClause]]:
    """Local conditions for exceptional promotion in force in the worker's city or province on `on`."""
    bound = jurisdictions_of(city_code)
    return [(policy, clause) for policy in exceptional_policies(on=on) if policy.jurisdiction in bound
            for clause in policy.clauses if clause.target == target_level]


def relied_rules(target_level: str, kind: PromotionKind, *, on: date, city_code: str) -> dict[str, Text]:
    """The rules a nomination may rely on, by their human names: the national limit of its kind, and the
    local clauses for its target in force where the worker is (never another jurisdiction's)."""
    bound = jurisdictions_of(city_code)
    rules = {limit.id: limit.name for limit in exceptional_limits(on=on)
             if limit.kind == kind.ladder_kind and target_level in limit.targets and limit.jurisdiction in bound}
    if kind is PromotionKind.EXCEPTIONAL:
        rules.update({clause.id: Text(f"{policy.name.zh}：{clause.text.zh}", f"{policy.name.en}: {clause.text.en}")
                      for policy, clause in local_clauses(target_level, city_code, on=on)})
    return rules


def attach_evidence(session: Session, request: PromotionRequest, *, filename: str | None, content: bytes,
                    by: User) -> Evidence:
    """Checked and made safe (credentials.uploads); only while the nominating side may still change it."""
    if not is_nominating_side(by, request):
        raise Forbidden("not_nominator")
    if request.state not in (PromotionState.DRAFT, PromotionState.RETURNED):
        raise Conflict("wrong_state", state=STATE_NAMES[request.state], action=Text("上传材料", "upload evidence"))
    count = session.scalar(select(func.count()).select_from(Evidence).where(Evidence.request_id == request.id)) or 0
    if count >= MAX_FILES_PER_REQUEST:
        raise ValidationFailed("evidence", field="evidence", reason=Text(
            f"每项申请至多 {MAX_FILES_PER_REQUEST} 个文件", f"at most {MAX_FILES_PER_REQUEST} files per request"))
    try:
        checked = check_evidence_file(filename, content)
    except RefusedFile as refused:
        raise ValidationFailed("evidence", field="evidence", reason=refused.reason) from None
    evidence = Evidence(request=request, stored_name=uuid.uuid4().hex, original_name=checked.name,
                        content_type=checked.content_type, size=len(checked.content),
                        sha256=hashlib.sha256(checked.content).hexdigest(), uploaded_by_id=by.id,
                        blob=EvidenceBlob(content=checked.content))
    session.add(evidence)
    session.flush()
    record(session, actor=by, action="promotion.evidence_added", entity_type="promotion_request",
           entity_id=request.id, after={"evidence_id": evidence.id, "name": checked.name,
                                        "type": checked.content_type, "size": evidence.size,
                                        "sha256": evidence.sha256})
    return evidence


def submit_promotion(session: Session, request: PromotionRequest, *, by: User) -> PromotionRequest:
    """Draft → submitted, to the city stage. Evidence is required: the grounds must be shown, not only said."""
    _nominating(by, request, PromotionState.DRAFT, Text("提交", "submit"))
    if not request.evidence:
        raise ValidationFailed("required", field="evidence")
    return move(session, request, action="submitted", to_state=PromotionState.SUBMITTED, by=by,
                stage=ReviewStage.CITY, submitted_at=utcnow())


def resubmit_promotion(session: Session, request: PromotionRequest, *, by: User) -> PromotionRequest:
    """Returned → submitted, back to the stage that asked for more information."""
    _nominating(by, request, PromotionState.RETURNED, Text("重新提交", "resubmit"))
    return move(session, request, action="resubmitted", to_state=PromotionState.SUBMITTED, by=by,
                submitted_at=utcnow())


def withdraw_promotion(session: Session, request: PromotionRequest, *, by: User,
                       reason: str | None = None) -> PromotionRequest:
    if not is_nominating_side(by, request):
        raise Forbidden("not_nominator")
    if request.state not in PENDING:
        raise Conflict("already_decided", state=STATE_NAMES[request.state])
    return move(session, request, action="withdrawn", to_state=PromotionState.WITHDRAWN, by=by,
                reason=(reason or "").strip() or None)


def _nominating(by: User, request: PromotionRequest, expected: PromotionState, action: tuple[str, str]) -> None:
    if not is_nominating_side(by, request):
        raise Forbidden("not_nominator")
    if request.state is not expected:
        raise Conflict("wrong_state", state=STATE_NAMES[request.state], action=action)


def move(session: Session, request: PromotionRequest, *, action: str, to_state: PromotionState, by: User,
         reason: str | None = None, **values: object) -> PromotionRequest:
    """The only state change: conditional on the state and version the actor saw."""
    stage, before = request.stage, promotion_snapshot(request)
    seen_state = move_state(session, request, state="state", to=to_state, names=STATE_NAMES, **values)
    _history(session, request, action, seen_state, by, reason=reason, stage=stage)
    record(session, actor=by, action=f"promotion.{action}", entity_type="promotion_request",
           entity_id=request.id, before=before, after={**promotion_snapshot(request), "reason": reason})
    _tell(session, request, action, reason, stage)
    if request.state is PromotionState.APPROVED and request.appraiser_id is not None:
        _open_sitting(session, request, by)
    return request


def _open_sitting(session: Session, request: PromotionRequest, by: User) -> Application:
    """The approval replaces the ordinary conditions: a qualified application on the exceptional route, in the
    appraising institution's list, to be seated before the approval runs out."""
    application = Application(
        worker_id=request.worker_id, occupation_id=request.occupation_id, level=request.target_level,
        institution_id=request.appraiser_id, route=ApplicationRoute.EXCEPTIONAL, promotion_request_id=request.id,
        state=ApplicationState.APPROVED, submitted_by_id=request.nominated_by_id, reviewed_by_id=by.id,
        reviewed_at=utcnow(), version=1)
    session.add(application)
    session.flush()
    record(session, actor=by, action="application.opened_by_approval", entity_type="application",
           entity_id=application.id, after={"worker_id": request.worker_id, "level": request.target_level,
                                            "institution_id": request.appraiser_id,
                                            "promotion_request_id": request.id, "state": application.state.value})
    return application


def close_promotion(session: Session, request: PromotionRequest, *, reason: str, by: User) -> PromotionRequest:
    """Overtaken by events (the worker reached the target another way): a pending request, or an approval not
    yet used, is closed (state withdrawn, action "closed") with the reason, and its people are told."""
    if request.state not in (*PENDING, PromotionState.APPROVED):
        raise Conflict("already_decided", state=STATE_NAMES[request.state])
    values: dict[str, object] = {}
    if request.state is PromotionState.APPROVED:  # the approval lapses; its decision stays in the history
        values = {"approval_valid_until": None, "decided_at": None, "decided_by_id": None}
    return move(session, request, action="closed", to_state=PromotionState.WITHDRAWN, by=by, reason=reason,
                **values)


def _history(session: Session, request: PromotionRequest, action: str, from_state: PromotionState, by: User,
             *, reason: str | None = None, stage: ReviewStage | None = None) -> None:
    session.add(PromotionDecision(request_id=request.id, stage=stage or request.stage, action=action,
                                  from_state=from_state, to_state=request.state, reason=reason, actor_id=by.id))
    session.flush()


def _tell(session: Session, request: PromotionRequest, action: str, reason: str | None,
          stage: ReviewStage) -> None:
    level = get_level(request.target_level)
    workers = session.scalars(select(User).where(User.worker_id == request.worker_id)).all()
    shown_stage = request.stage if action in ("submitted", "resubmitted", "reviewed") else stage
    notify(session, [*workers, session.get(User, request.nominated_by_id)], f"promotion.{action}",
           entity_type="promotion_request", entity_id=request.id, worker=mask_name(request.worker.name),
           kind=(KIND_NAMES[request.kind].zh, KIND_NAMES[request.kind].en),
           occupation=request.occupation.name, level=(level.name_zh, level.name_en),
           stage=STAGE_NAMES[shown_stage], reason=reason or "",
           until=request.approval_valid_until.isoformat() if request.approval_valid_until else "")


def promotion_snapshot(request: PromotionRequest) -> dict[str, object]:
    """What the audit trail keeps: codes and ids, never names or ID numbers."""
    return {
        "kind": request.kind.value, "worker_id": request.worker_id, "occupation_id": request.occupation_id,
        "current_level": request.current_level, "target_level": request.target_level, "grounds": request.grounds,
        "rule_id": request.rule_id, "state": request.state.value, "stage": request.stage.value,
        "version": request.version, "appraiser_id": request.appraiser_id, "approval_valid_until":
            request.approval_valid_until.isoformat() if request.approval_valid_until else None,
    }


def check_approval_allows(session: Session, request: PromotionRequest, *, on: date, worker: Worker | None = None,
                          occupation: Occupation | None = None, level: str | None = None) -> None:
    """An approval lets its worker sit its target level until approval_valid_until, and earns one certificate."""
    mismatch = ((worker is not None and worker.id != request.worker_id)
                or (occupation is not None and occupation.id != request.occupation_id)
                or (level is not None and level != request.target_level))
    if mismatch:
        raise ValidationFailed("binding", field="promotion_request_id", reason=Text(
            "该批准属于其他劳动者、职业或等级", "the approval is for another worker, occupation or level"))
    if request.state is not PromotionState.APPROVED:
        raise Conflict("wrong_state", state=STATE_NAMES[request.state], action=Text("发证", "issue a certificate"))
    assert request.approval_valid_until is not None  # set iff approved (CHECK approved_iff_valid_until)
    if on > request.approval_valid_until:
        raise Conflict("approval_expired", date=request.approval_valid_until.isoformat())
    if session.scalar(select(Certificate.id).where(Certificate.promotion_request_id == request.id)) is not None:
        raise Conflict("wrong_state", state=Text("已发证", "certificate issued"), action=Text("再次发证", "issue again"))
