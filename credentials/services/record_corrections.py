"""A worker asks for a wrong record to be corrected; the party responsible for it accepts or refuses.

Filing: only about the worker's own records (or their name, or a record that is missing), with an explanation
and checked evidence files. Who answers is derived here, never taken from the request: the institution that
wrote the record (a training, a result, a fact it attested), else the bureau of the worker's city (their name,
certificates, facts no institution attested). For a missing record the worker names one of the institutions
they have to do with, or the bureau.

Accepting applies the fix through the ordinary service of that record (`fix`, which keeps the earlier values —
a RecordAmendment, a ResultCorrection, a superseded fact row, a revocation) and closes the request in the same
transaction; the request keeps what the fix changed (before, after: `record_fixes.Fix`). Refusing needs a reason. Every state change
is conditional on the state the actor saw (`move_state`), audited, and told: the responsible staff when it is
filed or withdrawn, the worker at every step, once: what the record's service would tell the worker while
fixing it (a result corrected, a certificate revoked or issued) is said in "correction.accepted" instead.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ladder.i18n import Text

from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..identity import mask_name
from ..models import (
    AppraisalResult,
    BureauScope,
    CorrectionEvidence,
    CorrectionEvidenceBlob,
    CorrectionRequest,
    CorrectionState,
    CorrectionSubject,
    Role,
    TrainingRecord,
    User,
    Worker,
    utcnow,
)
from ..models.record_corrections import FACT_SUBJECTS
from ..permissions import may_answer_correction
from ..queries.record_corrections import connected_institutions, describe_subject, subject_record
from ..uploads import MAX_FILES_PER_REQUEST, RefusedFile, check_evidence_file
from .audit import record
from .inbox import held_back, notify
from .record_fixes import Fix, change_text
from .state_changes import move_state

MAX_EXPLANATION = 2000
MAX_PROPOSED = 200
MAX_OPEN_PER_WORKER = 10
MAX_NOTE = 200  # the note also becomes the reason of the fix (a fact's withdrawal keeps 200)
NOT_MINE, OTHER = Text("不是我的记录", "not my record"), Text("其他", "something else")
FIELDS: dict[CorrectionSubject, dict[str, Text]] = {  # what the worker says is wrong, per kind of record
    CorrectionSubject.IDENTITY_NAME: {"name": Text("姓名有误", "the name is wrong")},
    CorrectionSubject.CERTIFICATE: {"issued_on": Text("发证日期", "issue date"), "occupation": Text("职业", "occupation"),
                                    "not_mine": NOT_MINE, "other": OTHER},
    CorrectionSubject.TRAINING: {"started_on": Text("开始日期", "start date"),
                                 "completed_on": Text("结业日期", "completion date"), "hours": Text("学时", "hours"),
                                 "outcome": Text("培训结果", "outcome"), "not_mine": NOT_MINE, "other": OTHER},
    CorrectionSubject.RESULT: {"scores": Text("成绩", "scores"), "not_mine": NOT_MINE, "other": OTHER},
    **{kind: {"dates": Text("日期", "dates"), "details": Text("单位、职业或其他内容", "employer, occupation or other details"),
              "not_mine": NOT_MINE, "other": OTHER} for kind in FACT_SUBJECTS},
    CorrectionSubject.MISSING_RECORD: {
        "training": Text("培训记录", "a training"), "result": Text("评价成绩", "an appraisal result"),
        "work_period": Text("工作经历", "a work period"), "diploma": Text("学历", "a diploma"),
        "title": Text("职称", "a professional title"), "certificate": Text("证书", "a certificate"), "other": OTHER},
}
SUBJECT_NAMES = {
    CorrectionSubject.IDENTITY_NAME: Text("姓名", "name"), CorrectionSubject.CERTIFICATE: Text("证书", "certificate"),
    CorrectionSubject.TRAINING: Text("培训记录", "training"), CorrectionSubject.RESULT: Text("评价成绩", "result"),
    CorrectionSubject.WORK_PERIOD: Text("工作经历", "work period"), CorrectionSubject.DIPLOMA: Text("学历", "diploma"),
    CorrectionSubject.APPRENTICESHIP: Text("学徒经历", "apprenticeship"),
    CorrectionSubject.TITLE: Text("职称", "title"), CorrectionSubject.MISSING_RECORD: Text("缺少记录", "missing record"),
}
STATE_NAMES = {CorrectionState.OPEN: Text("待处理", "open"), CorrectionState.ACCEPTED: Text("已更正", "corrected"),
               CorrectionState.REFUSED: Text("未予更正", "refused"), CorrectionState.WITHDRAWN: Text("已撤回", "withdrawn")}
BUREAU = Text("人社部门", "the HR bureau")


# ---- filing and withdrawing (the worker) ---------------------------------------------------------------

def file_correction(
    session: Session, *, worker: Worker, subject_kind: CorrectionSubject | str, subject_id: int | None,
    field: str | None, explanation: str, proposed_value: str | None = None,
    files: Iterable[tuple[str | None, bytes]] = (), institution_id: int | None = None, by: User,
) -> CorrectionRequest:
    """The worker asks; who answers is derived from the record. `institution_id` only for a missing record."""
    if by.role is not Role.WORKER or by.worker_id != worker.id:
        raise Forbidden("action")
    kind = _subject_kind(subject_kind)
    subject_id = None if kind in (CorrectionSubject.IDENTITY_NAME, CorrectionSubject.MISSING_RECORD) else subject_id
    record_ = subject_record(session, worker, kind, subject_id)
    if kind is not CorrectionSubject.MISSING_RECORD and record_ is None:
        raise NotFound("record", what=SUBJECT_NAMES[kind])
    if field not in FIELDS[kind]:
        raise ValidationFailed("required", field="field")
    explanation = " ".join((explanation or "").split())
    if not explanation or len(explanation) > MAX_EXPLANATION:
        raise ValidationFailed("required", field="explanation") if not explanation else ValidationFailed(
            "binding", field="explanation", reason=Text(f"不超过 {MAX_EXPLANATION} 字", f"at most {MAX_EXPLANATION} characters"))
    proposed = " ".join((proposed_value or "").split())[:MAX_PROPOSED] or None
    if kind is CorrectionSubject.IDENTITY_NAME and proposed is None:
        raise ValidationFailed("required", field="proposed_value")
    responsible = _responsible(session, worker, kind, record_, institution_id)
    _refuse_repeat(session, worker, kind, subject_id)
    request = CorrectionRequest(
        worker_id=worker.id, subject_kind=kind, subject_id=subject_id,
        subject_text=describe_subject(kind, record_)._asdict(), field=field,
        proposed_value=proposed, explanation=explanation, responsible_institution_id=responsible,
        city_code=worker.city_code, filed_by_id=by.id, state=CorrectionState.OPEN, version=1)
    session.add(request)
    session.flush()
    for filename, content in list(files)[:MAX_FILES_PER_REQUEST + 1]:
        _attach(session, request, filename, content, by)
    record(session, actor=by, action="correction.filed", entity_type="correction_request", entity_id=request.id,
           after={**correction_snapshot(request), "evidence": len(request.evidence)})
    _tell(session, request, "correction.received", [by])
    _tell(session, request, "correction.filed", responsible_staff(session, request))
    return request


def _subject_kind(value: CorrectionSubject | str) -> CorrectionSubject:
    try:
        return CorrectionSubject(value)
    except ValueError:
        raise ValidationFailed("unknown_choice", field="subject_kind", what=Text("记录类型", "kind of record"),
                               value=value) from None


def _responsible(session: Session, worker: Worker, kind: CorrectionSubject, record_: object,
                 institution_id: int | None) -> int | None:
    if isinstance(record_, TrainingRecord | AppraisalResult):
        return record_.institution_id
    if kind in FACT_SUBJECTS:
        fact: Any = record_
        if fact.attestation.value != "attested" or fact.state.value != "current":
            raise ValidationFailed("binding", field="field", reason=Text(
                "这是您本人尚未证实的申报，可在“我的经历”中直接撤回或重新填写",
                "this is your own claim, not yet attested: withdraw or re-enter it on “My history”"))
        attested_by: int | None = fact.attested_by_institution_id
        return attested_by
    if kind is CorrectionSubject.MISSING_RECORD and institution_id is not None:
        if institution_id not in {found.id for found in session.scalars(connected_institutions(worker)).all()}:
            raise ValidationFailed("unknown_institution", field="institution_id", id=institution_id)
        return institution_id
    return None  # a name, a certificate, a missing record without an institution: the bureau


def _refuse_repeat(session: Session, worker: Worker, kind: CorrectionSubject, subject_id: int | None) -> None:
    open_ones = select(CorrectionRequest.id).where(CorrectionRequest.worker_id == worker.id,
                                                   CorrectionRequest.state == CorrectionState.OPEN)
    if (session.scalar(select(func.count()).select_from(open_ones.subquery())) or 0) >= MAX_OPEN_PER_WORKER:
        raise ValidationFailed("binding", field="explanation", reason=Text(
            f"您已有 {MAX_OPEN_PER_WORKER} 份待处理的更正申请，请等待处理后再提交",
            f"you have {MAX_OPEN_PER_WORKER} open requests; wait for them to be answered"))
    if kind is not CorrectionSubject.MISSING_RECORD and session.scalar(open_ones.where(
            CorrectionRequest.subject_kind == kind, CorrectionRequest.subject_id.is_(subject_id)
            if subject_id is None else CorrectionRequest.subject_id == subject_id)) is not None:
        raise ValidationFailed("binding", field="field", reason=Text(
            "这条记录已有一份待处理的更正申请", "this record already has an open correction request"))


def _attach(session: Session, request: CorrectionRequest, filename: str | None, content: bytes, by: User) -> None:
    if len(request.evidence) >= MAX_FILES_PER_REQUEST:
        raise ValidationFailed("evidence", field="evidence", reason=Text(
            f"每项申请至多 {MAX_FILES_PER_REQUEST} 个文件", f"at most {MAX_FILES_PER_REQUEST} files per request"))
    try:
        checked = check_evidence_file(filename, content)
    except RefusedFile as refused:
        raise ValidationFailed("evidence", field="evidence", reason=refused.reason) from None
    request.evidence.append(CorrectionEvidence(
        stored_name=uuid.uuid4().hex, original_name=checked.name, content_type=checked.content_type,
        size=len(checked.content), sha256=hashlib.sha256(checked.content).hexdigest(), uploaded_by_id=by.id,
        blob=CorrectionEvidenceBlob(content=checked.content)))
    session.flush()


def withdraw_correction(session: Session, request: CorrectionRequest, *, by: User) -> CorrectionRequest:
    """The worker takes their request back while it is open."""
    if by.role is not Role.WORKER or by.worker_id != request.worker_id:
        raise Forbidden("action")
    _move(session, request, CorrectionState.WITHDRAWN, by=by)
    _tell(session, request, "correction.withdrawn", [by, *responsible_staff(session, request)])
    return request


# ---- answering (the responsible party) -----------------------------------------------------------------

def accept_correction(session: Session, request: CorrectionRequest, *, fix: Callable[[], Fix], note: str,
                      by: User) -> CorrectionRequest:
    """Apply the fix through the record's own service, then close the request: one transaction (the caller
    commits, or rolls both back). The fix must be on the record the request is about."""
    _may_answer(request, by)
    note = _text(note, "note", MAX_NOTE)
    worker_account = _worker_account(session, request)
    with held_back(session, [worker_account]) as held:  # the record's service tells the worker in our message
        applied = fix()
    expected = (request.subject_kind.value, request.subject_id)
    if request.subject_kind is CorrectionSubject.IDENTITY_NAME:
        expected = ("identity_name", None)
    if request.subject_kind is not CorrectionSubject.MISSING_RECORD and (applied.record, applied.subject_id) != expected:
        raise ValidationFailed("binding", field="note", reason=Text("更正的不是申请所指的记录",
                                                                    "the fix is not on the record asked about"))
    _move(session, request, CorrectionState.ACCEPTED, by=by, reason=note, resolution=asdict(applied))
    _tell(session, request, "correction.accepted", [worker_account], reason=note,
          changes=change_text(applied.changes), aftermath=held.aftermath())
    return request


def refuse_correction(session: Session, request: CorrectionRequest, *, reason: str, by: User) -> CorrectionRequest:
    _may_answer(request, by)
    reason = _text(reason, "reason", MAX_EXPLANATION)
    _move(session, request, CorrectionState.REFUSED, by=by, reason=reason)
    _tell(session, request, "correction.refused", [_worker_account(session, request)], reason=reason)
    return request


def _may_answer(request: CorrectionRequest, by: User) -> None:
    if not may_answer_correction(by, request):
        raise Forbidden("action")
    if not request.is_open:
        raise Conflict("already_decided", state=STATE_NAMES[request.state])


def _text(value: str | None, name: str, limit: int) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise ValidationFailed("required", field=name)
    if len(value) > limit:
        raise ValidationFailed("binding", field=name, reason=Text(f"不超过 {limit} 字", f"at most {limit} characters"))
    return value


def _move(session: Session, request: CorrectionRequest, to: CorrectionState, *, by: User, reason: str | None = None,
          resolution: dict[str, Any] | None = None) -> None:
    before = correction_snapshot(request)
    values = {"resolution": resolution} if resolution is not None else {}  # a JSON None would be 'null', not NULL
    move_state(session, request, state="state", to=to, names=STATE_NAMES, closed_at=utcnow(), closed_by_id=by.id,
               resolution_reason=reason, **values)
    record(session, actor=by, action=f"correction.{to.value}", entity_type="correction_request",
           entity_id=request.id, before=before, after={**correction_snapshot(request), "reason": reason})


def correction_snapshot(request: CorrectionRequest) -> dict[str, Any]:
    """What the audit trail keeps: codes and ids, never the worker's words (they may hold personal data)."""
    return {"worker_id": request.worker_id, "subject_kind": request.subject_kind.value,
            "subject_id": request.subject_id, "field": request.field, "state": request.state.value,
            "responsible_institution_id": request.responsible_institution_id, "city": request.city_code,
            "resolution": {key: request.resolution[key] for key in ("record", "record_id", "action")}
            if request.resolution else None}  # what changed stays with the record (it may be a name)


# ---- who is told ---------------------------------------------------------------------------------------

def responsible_staff(session: Session, request: CorrectionRequest) -> list[User]:
    """The institution's staff, or the officers of the worker's city bureau (of the province when the city has
    none on the system)."""
    active = (User.is_active.is_(True),)
    if request.responsible_institution_id is not None:
        return list(session.scalars(select(User).where(
            *active, User.role == Role.INSTITUTION_STAFF, User.institution_id == request.responsible_institution_id)))
    city = list(session.scalars(select(User).where(*active, User.role == Role.BUREAU_OFFICER,
                                                   User.bureau_scope == BureauScope.CITY,
                                                   User.region_code == request.city_code)))
    return city or list(session.scalars(select(User).where(
        *active, User.role == Role.BUREAU_OFFICER, User.bureau_scope == BureauScope.PROVINCE,
        User.region_code == request.city_code[:2])))


def _worker_account(session: Session, request: CorrectionRequest) -> User | None:
    return session.scalar(select(User).where(User.worker_id == request.worker_id))


def responsible_name(request: CorrectionRequest) -> Text:
    institution = request.responsible_institution
    return Text(institution.name, institution.name) if institution is not None else BUREAU


def _tell(session: Session, request: CorrectionRequest, code: str, users: Iterable[User | None],
          **params: object) -> None:
    subject = Text(request.subject_text["zh"], request.subject_text["en"])
    notify(session, users, code, entity_type="correction_request", entity_id=request.id,
           worker=mask_name(request.worker.name), subject=subject, responsible=responsible_name(request),
           explanation=request.explanation[:200], **params)
