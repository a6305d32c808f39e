"""Correction requests as their readers see them: the worker's own, a responsible party's queue (oldest first),
the record a request is about, what could fix a missing record, and a record's history of corrections.

Visibility is `scopes.correction_scope`; a request's subject is read only among the worker's own records.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, func, select, union
from sqlalchemy.orm import Session

from ladder.frameworks import get_level
from ladder.i18n import Text

from ..clock import china_date
from ..models import (
    Application,
    AppraisalResult,
    Certificate,
    CorrectionRequest,
    CorrectionState,
    CorrectionSubject,
    Institution,
    RecordAmendment,
    SupersededCredential,
    TrainingRecord,
    User,
    Worker,
)
from .scopes import correction_scope
from .worker_facts import KINDS as FACT_MODELS
from .worker_facts import Fact

Subject = Worker | Certificate | TrainingRecord | AppraisalResult | Fact
RECORD_MODELS: dict[CorrectionSubject, Any] = {
    CorrectionSubject.CERTIFICATE: Certificate, CorrectionSubject.TRAINING: TrainingRecord,
    CorrectionSubject.RESULT: AppraisalResult,
    **{CorrectionSubject(kind): model for kind, model in FACT_MODELS.items()},
}


def subject_record(session: Session, worker: Worker, kind: CorrectionSubject,
                   subject_id: int | None) -> Subject | None:
    """The worker's own record of that kind (the worker themself for a name); None if it is not theirs."""
    if kind is CorrectionSubject.IDENTITY_NAME:
        return worker
    model = RECORD_MODELS.get(kind)
    if model is None or subject_id is None:
        return None
    found: Subject | None = session.scalar(select(model).where(model.id == subject_id,
                                                               model.worker_id == worker.id))
    return found


def subject_of(session: Session, request: CorrectionRequest) -> Subject | None:
    """The record the request is about as it is now (None once voided, or for a missing record)."""
    if request.subject_kind is CorrectionSubject.MISSING_RECORD:
        return None
    return subject_record(session, request.worker, request.subject_kind, request.subject_id)


def _level(code: str) -> Text:
    level = get_level(code)
    return Text(level.name_zh, level.name_en)


def describe_subject(kind: CorrectionSubject, record: Subject | None) -> Text:
    """The record in a line, as the worker and the responsible party read it."""
    if record is None:
        return Text("缺少的记录", "a missing record")
    if isinstance(record, Worker):
        return Text(f"登记的姓名“{record.name}”", f"the registered name “{record.name}”")
    if isinstance(record, Certificate):
        level = _level(record.level)
        return Text(f"证书 {record.number}（{record.occupation.name}{level.zh}）",
                    f"certificate {record.number} ({record.occupation.name}, {level.en})")
    if isinstance(record, TrainingRecord):
        level, on = _level(record.target_level), record.started_on.isoformat()
        return Text(f"{record.started_on.isoformat()} 开始的培训（{record.occupation.name}{level.zh}，"
                    f"{record.institution.name}）",
                    f"the training from {on} ({record.occupation.name}, {level.en}, {record.institution.name})")
    if isinstance(record, AppraisalResult):
        level, on = _level(record.level), record.exam_date.isoformat()
        return Text(f"{on} 的评价成绩（{record.occupation.name}{level.zh}）",
                    f"the appraisal result of {on} ({record.occupation.name}, {level.en})")
    return _describe_fact(kind, record)


def _describe_fact(kind: CorrectionSubject, fact: Fact) -> Text:
    names = {CorrectionSubject.WORK_PERIOD: Text("工作经历", "work period"),
             CorrectionSubject.DIPLOMA: Text("学历", "diploma"),
             CorrectionSubject.APPRENTICESHIP: Text("学徒经历", "apprenticeship"),
             CorrectionSubject.TITLE: Text("职称", "professional title")}
    name = names[kind]
    on: date | None = getattr(fact, "started_on", None) or getattr(fact, "graduated_on", None) or getattr(
        fact, "obtained_on", None)
    occupation = getattr(fact, "occupation", None)
    what = occupation.name if occupation is not None else (getattr(fact, "school_name", None) or "")
    since = f"{on.isoformat()} " if on else ""
    return Text(f"{name.zh}（{since}{what}）".replace("（）", ""), f"{name.en} ({since}{what})".replace(" ()", ""))


def correction_requests_of(worker_id: int) -> Select[CorrectionRequest]:
    """The worker's requests, newest first."""
    return (select(CorrectionRequest).where(CorrectionRequest.worker_id == worker_id)
            .order_by(CorrectionRequest.id.desc()))


def correction_queue(user: User, *, state: CorrectionState | None = CorrectionState.OPEN
                     ) -> Select[CorrectionRequest]:
    """What the user's party answers, oldest first (all states when `state` is None)."""
    statement = select(CorrectionRequest).where(correction_scope(user))
    if state is not None:
        statement = statement.where(CorrectionRequest.state == state)
    return statement.order_by(CorrectionRequest.created_at, CorrectionRequest.id)


def open_correction_count(session: Session, user: User) -> int:
    return session.scalar(select(func.count()).select_from(correction_queue(user).order_by(None).subquery())) or 0


def connected_institutions(worker: Worker) -> Select[Institution]:
    """The institutions the worker has to do with (employer, registering, training, appraising, certifying, or
    one they applied to): the ones a missing record can be asked of."""
    ids = union(*(select(model.institution_id).where(model.worker_id == worker.id)
                  for model in (Certificate, AppraisalResult, TrainingRecord, Application)))
    named = {i for i in (worker.employer_id, worker.registered_by_institution_id) if i is not None}
    return (select(Institution).where(Institution.id.in_(select(ids.subquery().c[0])) | Institution.id.in_(named))
            .order_by(Institution.name))


def records_since(session: Session, request: CorrectionRequest) -> list[tuple[str, int, Text]]:
    """Records of the worker written by the responsible party since the request was filed: what may be named
    as the missing record (kind as in `subject_record`, id, a line describing it)."""
    worker, since, institution_id = request.worker, request.created_at, request.responsible_institution_id
    found: list[tuple[str, int, Text]] = []
    models: list[tuple[CorrectionSubject, Any]] = [(CorrectionSubject.TRAINING, TrainingRecord),
                                                   (CorrectionSubject.RESULT, AppraisalResult)]
    if institution_id is None:
        models = [(CorrectionSubject.CERTIFICATE, Certificate)]  # a historic certificate entered from paper
    for kind, model in models:
        statement = select(model).where(model.worker_id == worker.id, model.created_at >= since)
        if institution_id is not None:
            statement = statement.where(model.institution_id == institution_id)
        found += [(kind.value, row.id, describe_subject(kind, row)) for row in session.scalars(statement)]
    for name, fact_model in FACT_MODELS.items():
        by_them = (fact_model.recorded_by_institution_id == institution_id if institution_id is not None
                   else fact_model.recorded_by_institution_id.is_(None))
        facts: Any = session.scalars(select(fact_model).where(
            fact_model.worker_id == worker.id, fact_model.created_at >= since, fact_model.recorded_by_id.is_not(None),
            by_them))
        kind = CorrectionSubject(name)
        found += [(kind.value, fact.id, describe_subject(kind, fact)) for fact in facts]
    return found


def amendments_of(entity_type: str, entity_id: int) -> Select[RecordAmendment]:
    """A record's corrections, oldest first: the history its page shows."""
    return (select(RecordAmendment).where(RecordAmendment.entity_type == entity_type,
                                          RecordAmendment.entity_id == entity_id)
            .order_by(RecordAmendment.id))


def superseded_on(session: Session, certificate: Certificate) -> date | None:
    """The last day (China time) a correction superseded the certificate's digital credentials, if ever."""
    moment = session.scalar(select(func.max(SupersededCredential.superseded_at))
                            .where(SupersededCredential.certificate_id == certificate.id))
    return china_date(moment) if moment is not None else None
