"""A worker's facts: work periods, diplomas, apprenticeships and professional titles (what eligibility reads
besides certificates and training), each recorded, claimed, attested, corrected or withdrawn.

Who writes decides what a fact is worth (`credentials.permissions`): an official's record is attested and
counts at once; the worker's own is a claim, shown as unverified and not counted until an official attests it.
Corrections never overwrite: the corrected row stays, superseded, and the new one points back to it; a
withdrawal keeps the row with its reason. Every change goes to the worker's audit trail with before and after.

The checks that need no database are public (`*_problems`) so that the bulk importer applies them row by row.
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from ladder.frameworks import UnknownTitle, get_title_series, vocabulary
from ladder.i18n import Text

from ..clock import china_today
from ..errors import Conflict, CredentialsError, Duplicate, Forbidden, ValidationFailed
from ..models import (
    Apprenticeship,
    Attestation,
    Diploma,
    FactState,
    Institution,
    Occupation,
    ProfessionalTitle,
    Role,
    User,
    Worker,
    WorkPeriod,
    utcnow,
)
from ..models.worker_facts import REASON_MAX
from ..permissions import may_attest, may_change_fact, may_claim_facts, may_record_facts
from .audit import record

Fact = WorkPeriod | Diploma | Apprenticeship | ProfessionalTitle
F = TypeVar("F", WorkPeriod, Diploma, Apprenticeship, ProfessionalTitle)
KIND_OF: dict[type[Fact], str] = {WorkPeriod: "work_period", Diploma: "diploma", Apprenticeship: "apprenticeship",
                                  ProfessionalTitle: "title"}
APPRENTICESHIP_TARGETS = ("intermediate", "senior", "technician", "senior_technician")  # DOMAIN §8 (2021 意见)
FIELDS = {  # what a fact says, as the audit trail keeps it
    "work_period": ("occupation", "related_to", "employer_id", "employer_name", "started_on", "ended_on"),
    "diploma": ("school_type", "stream", "major_occupation", "school_name", "graduated_on", "is_current_graduate"),
    "apprenticeship": ("enterprise_id", "enterprise_name", "occupation", "target_level", "started_on", "ended_on",
                       "completed"),
    "title": ("series", "grade", "obtained_on", "issuer_name"),
}
_WHAT = {
    "school_type": Text("学校类型", "school type"), "stream": Text("班级类型", "stream"),
    "target_level": Text("学徒培养目标等级", "apprenticeship target level"),
    "series": Text("职称系列", "title series"), "grade": Text("职称等级", "title grade"),
}


def clean_name(name: str | None) -> str | None:
    return " ".join((name or "").split())[:128] or None


# ---- rules that need no database ----------------------------------------------------------------------

def _dates(started_on: date, ended_on: date | None, today: date, *, start: str = "started_on",
           end: str = "ended_on", end_may_be_ahead: bool = False) -> list[ValidationFailed]:
    problems = []
    if started_on > today:
        problems.append(ValidationFailed("date_in_future", field=start))
    if ended_on is not None and ended_on < started_on:
        problems.append(ValidationFailed("dates_out_of_order", field=end))
    elif ended_on is not None and ended_on > today and not end_may_be_ahead:
        problems.append(ValidationFailed("date_in_future", field=end))
    return problems


def work_period_problems(*, occupation_id: int, related_to_id: int | None, started_on: date,
                         ended_on: date | None, today: date) -> list[ValidationFailed]:
    """Every rule a work period breaks, one per field, in form order. An open period (no end) goes on today."""
    problems = _dates(started_on, ended_on, today)
    if related_to_id is not None and related_to_id == occupation_id:
        problems.append(ValidationFailed("related_same", field="related_to"))
    return problems


def diploma_problems(*, school_type: str, stream: str, graduated_on: date | None, is_current_graduate: bool,
                     today: date) -> list[ValidationFailed]:
    """A current-year student (应届) may have no graduation date yet (or one ahead); anyone else needs it."""
    problems = [ValidationFailed("unknown_choice", field=field, what=_WHAT[field], value=value)
                for field, group, value in (("school_type", "school_types", school_type), ("stream", "streams", stream))
                if value not in vocabulary(group)]
    if graduated_on is None and not is_current_graduate:
        problems.append(ValidationFailed("required", field="graduated_on"))
    if graduated_on is not None and graduated_on > today and not is_current_graduate:
        problems.append(ValidationFailed("date_in_future", field="graduated_on"))
    return problems


def apprenticeship_problems(*, target_level: str, started_on: date, ended_on: date | None, completed: bool,
                            today: date) -> list[ValidationFailed]:
    """A term may be planned to end ahead; a completed one (学徒期满) has ended, on a day already past."""
    problems = []
    if target_level not in APPRENTICESHIP_TARGETS:
        problems.append(ValidationFailed("unknown_choice", field="target_level", what=_WHAT["target_level"],
                                         value=target_level))
    problems += _dates(started_on, ended_on, today, end_may_be_ahead=not completed)
    if completed and ended_on is None:
        problems.append(ValidationFailed("completed_needs_end", field="ended_on"))
    return problems


def title_problems(*, series: str, grade: str, obtained_on: date, today: date) -> list[ValidationFailed]:
    problems = []
    try:
        get_title_series(series).grade(grade)
    except UnknownTitle:
        try:
            get_title_series(series)
        except UnknownTitle:
            problems.append(ValidationFailed("unknown_choice", field="series", what=_WHAT["series"], value=series))
        else:
            problems.append(ValidationFailed("unknown_choice", field="grade", what=_WHAT["grade"], value=grade))
    if obtained_on > today:
        problems.append(ValidationFailed("date_in_future", field="obtained_on"))
    return problems


def _refuse(problems: list[ValidationFailed]) -> None:
    if problems:
        raise problems[0]


# ---- writing ------------------------------------------------------------------------------------------

def fact_snapshot(kind: str, fact: Any, *, fact_id: int | None = None) -> dict[str, Any]:
    """What the audit trail keeps of a fact (a model row, or a row the importer is about to write)."""
    snapshot: dict[str, Any] = {"fact": kind, "fact_id": fact_id if fact_id is not None else fact.id}
    for name in FIELDS[kind]:
        value = getattr(fact, name)
        snapshot[name] = value.code if isinstance(value, Occupation) else (
            value.isoformat() if isinstance(value, date) else value)
    for name in ("attestation", "state"):
        value = getattr(fact, name, None)
        snapshot[name] = getattr(value, "value", value)
    return snapshot


def _lifecycle(by: User | None, worker: Worker, *, claims: bool) -> dict[str, Any]:
    """Who stands behind a new fact: an official (or the system) attests it; the worker claims it."""
    now = utcnow()
    if by is None:
        return {"attestation": Attestation.ATTESTED, "attested_at": now}
    if may_record_facts(by, worker):
        return {"attestation": Attestation.ATTESTED, "attested_at": now, "attested_by_id": by.id,
                "attested_by_institution_id": by.institution_id, "recorded_by_id": by.id,
                "recorded_by_institution_id": by.institution_id}
    if claims and may_claim_facts(by, worker):
        return {"attestation": Attestation.UNVERIFIED, "attested_at": None, "recorded_by_id": by.id}
    raise Forbidden("action")


def _employer_id(fact: Fact) -> int | None:
    return fact.employer_id if isinstance(fact, WorkPeriod) else None


def _check_change(fact: Fact, worker: Worker, by: User | None) -> None:
    """The fact belongs to the worker, is current, and `by` may correct or withdraw it."""
    if fact.worker_id != worker.id:
        raise Forbidden("action")
    if fact.state is not FactState.CURRENT:
        raise Conflict("fact_ended")
    if by is None or may_change_fact(by, worker, attested=fact.attestation is Attestation.ATTESTED,
                                     attested_by_institution_id=fact.attested_by_institution_id,
                                     employer_id=_employer_id(fact)):
        return
    if by.role is Role.WORKER:
        raise Forbidden("own_claims_only")
    raise _employer_refusal(fact) or Forbidden("action")


def _employer_refusal(fact: Fact) -> Forbidden | None:
    if isinstance(fact, WorkPeriod) and fact.attestation is Attestation.UNVERIFIED and fact.employer is not None:
        return Forbidden("attest_by_employer", employer=fact.employer.name)
    return None


def _end(fact: Fact, state: FactState, by: User | None) -> None:
    fact.state, fact.ended_at, fact.ended_by_id = state, utcnow(), by.id if by else None


def _write(session: Session, worker: Worker, fact: F, *, by: User | None, same: list[ColumnElement[bool]],
           duplicate: CredentialsError, correcting: F | None) -> F:
    """Add a new fact, or the correction of `correcting`. A second current fact with the same key is refused,
    except that an official's record replaces the worker's claim to the same fact; the row corrected or
    replaced stays, superseded, and the new one points back to it."""
    model, kind = type(fact), KIND_OF[type(fact)]
    if correcting is not None:
        _check_change(correcting, worker, by)
    same_key = [f for f in session.scalars(select(model).where(
        model.worker_id == worker.id, model.state == FactState.CURRENT, *same)) if f is not correcting]
    claim = next((f for f in same_key if f.attestation is Attestation.UNVERIFIED), None)
    if len(same_key) > 1 or (same_key and (claim is None or correcting is not None
                                           or fact.attestation is Attestation.UNVERIFIED)):
        raise duplicate
    replaced = correcting or claim
    before = None
    if replaced is not None:
        before = fact_snapshot(kind, replaced)
        _end(replaced, FactState.SUPERSEDED, by)
        fact.replaces_id = replaced.id
    session.add(fact)
    session.flush()
    action = "corrected" if correcting is not None else (
        "recorded" if fact.attestation is Attestation.ATTESTED else "claimed")
    record(session, actor=by, action=f"{kind}.{action}", entity_type="worker", entity_id=worker.id,
           before=before, after=fact_snapshot(kind, fact))
    return fact


def record_work_period(
    session: Session, *, worker: Worker, occupation: Occupation, started_on: date, ended_on: date | None = None,
    employer: Institution | None = None, employer_name: str | None = None, related_to: Occupation | None = None,
    by: User | None, today: date | None = None, correcting: WorkPeriod | None = None,
) -> WorkPeriod:
    """Time worked in an occupation (an open period goes on today), at an employer in the registry or named;
    `related_to`: the occupation it also counts towards as a 相关职业. With `correcting`, the corrected version
    of that period."""
    _refuse(work_period_problems(occupation_id=occupation.id, related_to_id=related_to.id if related_to else None,
                                 started_on=started_on, ended_on=ended_on, today=today or china_today()))
    period = WorkPeriod(worker_id=worker.id, occupation=occupation, related_to=related_to, employer=employer,
                        employer_name=employer.name if employer else clean_name(employer_name),
                        started_on=started_on, ended_on=ended_on, **_lifecycle(by, worker, claims=True))
    return _write(session, worker, period, by=by, correcting=correcting,
                  same=[WorkPeriod.occupation_id == occupation.id, WorkPeriod.started_on == started_on],
                  duplicate=Duplicate("work_period", field="started_on", date=started_on.isoformat(),
                                      occupation=occupation.name))


def record_diploma(
    session: Session, *, worker: Worker, school_type: str, stream: str = "none",
    major_occupation: Occupation | None = None, school_name: str | None = None, graduated_on: date | None = None,
    is_current_graduate: bool = False, by: User | None, today: date | None = None,
    correcting: Diploma | None = None,
) -> Diploma:
    """A school diploma; a current-year student (应届) may have none yet, anyone else needs its date."""
    _refuse(diploma_problems(school_type=school_type, stream=stream, graduated_on=graduated_on,
                             is_current_graduate=is_current_graduate, today=today or china_today()))
    diploma = Diploma(worker_id=worker.id, school_type=school_type, stream=stream, major_occupation=major_occupation,
                      school_name=clean_name(school_name), graduated_on=graduated_on,
                      is_current_graduate=is_current_graduate, **_lifecycle(by, worker, claims=True))
    major = Diploma.major_occupation_id == major_occupation.id if major_occupation else Diploma.major_occupation_id.is_(None)
    return _write(session, worker, diploma, by=by, correcting=correcting,
                  same=[Diploma.school_type == school_type, Diploma.stream == stream, major],
                  duplicate=Duplicate("diploma", field="school_type"))


def record_apprenticeship(
    session: Session, *, worker: Worker, occupation: Occupation, target_level: str, started_on: date,
    ended_on: date | None = None, completed: bool = False, enterprise: Institution | None = None,
    enterprise_name: str | None = None, by: User | None, today: date | None = None,
    correcting: Apprenticeship | None = None,
) -> Apprenticeship:
    """An enterprise apprenticeship (企业新型学徒制). Recorded by officials only (the enterprise, a training
    institution, the bureau): a completed one (学徒期满) counts as holding 学徒工 from its end."""
    _refuse(apprenticeship_problems(target_level=target_level, started_on=started_on, ended_on=ended_on,
                                    completed=completed, today=today or china_today()))
    name = enterprise.name if enterprise else clean_name(enterprise_name)
    if name is None:
        raise ValidationFailed("required", field="enterprise_name")
    apprenticeship = Apprenticeship(
        worker_id=worker.id, enterprise=enterprise, enterprise_name=name, occupation=occupation,
        target_level=target_level, started_on=started_on, ended_on=ended_on, completed=completed,
        **_lifecycle(by, worker, claims=False))
    return _write(session, worker, apprenticeship, by=by, correcting=correcting,
                  same=[Apprenticeship.occupation_id == occupation.id, Apprenticeship.started_on == started_on],
                  duplicate=Duplicate("apprenticeship", field="started_on", date=started_on.isoformat(),
                                      occupation=occupation.name))


def title_name(series: str, grade: str) -> Text:
    title = get_title_series(series).grade(grade)
    return Text(title.name_zh, title.name_en)


def record_title(
    session: Session, *, worker: Worker, series: str, grade: str, obtained_on: date, issuer_name: str | None = None,
    by: User | None, today: date | None = None, correcting: ProfessionalTitle | None = None,
) -> ProfessionalTitle:
    """A professional title held (职称): from 助理级 up it may open the matching skill level (DOMAIN §5.2)."""
    _refuse(title_problems(series=series, grade=grade, obtained_on=obtained_on, today=today or china_today()))
    title = ProfessionalTitle(worker_id=worker.id, series=series, grade=grade, obtained_on=obtained_on,
                              issuer_name=clean_name(issuer_name), **_lifecycle(by, worker, claims=True))
    return _write(session, worker, title, by=by, correcting=correcting,
                  same=[ProfessionalTitle.series == series, ProfessionalTitle.grade == grade],
                  duplicate=Duplicate("title", field="grade", title=title_name(series, grade)))


def attest_fact(session: Session, fact: F, *, worker: Worker, by: User) -> F:
    """Confirm a worker's claim: from now on it counts. Who may is `permissions.may_attest`."""
    if fact.worker_id != worker.id:
        raise Forbidden("action")
    if fact.state is not FactState.CURRENT:
        raise Conflict("fact_ended")
    if fact.attestation is Attestation.ATTESTED:
        raise Conflict("already_attested")
    if not may_attest(by, worker, employer_id=_employer_id(fact)):
        raise _employer_refusal(fact) or Forbidden("action")
    kind, before = KIND_OF[type(fact)], fact_snapshot(KIND_OF[type(fact)], fact)
    fact.attestation, fact.attested_at = Attestation.ATTESTED, utcnow()
    fact.attested_by_id, fact.attested_by_institution_id = by.id, by.institution_id
    session.flush()
    record(session, actor=by, action=f"{kind}.attested", entity_type="worker", entity_id=worker.id,
           before=before, after=fact_snapshot(kind, fact))
    return fact


def withdraw_fact(session: Session, fact: F, *, worker: Worker, by: User | None, reason: str) -> F:
    """Withdraw a fact (it stops counting; the row stays, with the reason): who may is as for a correction."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed("required", field="reason")
    if len(reason) > REASON_MAX:
        raise ValidationFailed("reason_too_long", field="reason", max=REASON_MAX)
    _check_change(fact, worker, by)
    kind, before = KIND_OF[type(fact)], fact_snapshot(KIND_OF[type(fact)], fact)
    _end(fact, FactState.WITHDRAWN, by)
    fact.withdrawal_reason = reason
    session.flush()
    record(session, actor=by, action=f"{kind}.withdrawn", entity_type="worker", entity_id=worker.id,
           before=before, after={**fact_snapshot(kind, fact), "reason": reason})
    return fact

