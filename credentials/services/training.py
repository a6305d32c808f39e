"""Training records: the history that subsidies read, and eligibility's training hours (work periods and
diplomas: `credentials.services.worker_facts`).

The checks that need no database are public functions (`training_problems`, `subsidy_decision`,
`groups_on`) so that the bulk importer applies exactly the same rules row by row.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from ladder.frameworks import get_level
from ladder.i18n import Text
from ladder.subsidies import SubsidyDecision, groups_during, subsidy_for, withheld

from ..clock import china_today
from ..errors import Duplicate, Forbidden, ValidationFailed
from ..models import (
    Institution,
    Occupation,
    RecordAmendment,
    TrainingForm,
    TrainingOutcome,
    TrainingRecord,
    TrainingType,
    User,
    Worker,
    WorkerTargetGroup,
)
from ..permissions import may_amend_training
from .amendments import amend, amendment_reason
from .audit import record
from .institutions import is_accredited

MAX_HOURS = 10_000
E = TypeVar("E", bound=enum.StrEnum)
_WHAT = {
    "training_type": Text("培训类型", "training type"), "form": Text("培训形式", "training form"),
    "outcome": Text("培训结果", "training outcome"), "school_type": Text("学校类型", "school type"),
    "stream": Text("班级类型", "stream"),
}


def level_label(code: str) -> tuple[str, str]:
    level = get_level(code)
    return (level.name_zh, level.name_en)


def coerce(enum_cls: type[E], value: object, field: str) -> E:
    """An enum member from a member or its value; anything else is a field error."""
    if isinstance(value, str):  # a member is a str too; no other type can be a StrEnum's value
        try:
            return enum_cls(value)
        except ValueError:
            pass
    raise ValidationFailed("unknown_choice", field=field, what=_WHAT[field], value=value)


def level_problem(occupation: Occupation, level: str, field: str) -> ValidationFailed | None:
    try:
        label = level_label(level)
    except ValueError:
        return ValidationFailed("unknown_level", field=field, level=level)
    if level not in occupation.appraised_levels:
        return ValidationFailed("level_not_appraised", field=field, occupation=occupation.name, level=label)
    return None


def training_problems(*, occupation: Occupation, target_level: str, training_type: object, form: object,
                      hours: object, started_on: date, completed_on: date | None, outcome: object,
                      today: date) -> list[ValidationFailed]:
    """Every rule a training record breaks that needs no database, one error per field, in form order."""
    problems = [level_problem(occupation, target_level, "target_level")]
    choices = (("training_type", TrainingType, training_type), ("form", TrainingForm, form),
               ("outcome", TrainingOutcome, outcome))
    for field, enum_cls, value in choices:
        try:
            coerce(enum_cls, value, field)
        except ValidationFailed as error:
            problems.append(error)
    if isinstance(hours, bool) or not isinstance(hours, int) or not 0 <= hours <= MAX_HOURS:
        problems.append(ValidationFailed("hours_out_of_range", field="hours", max=f"{MAX_HOURS:,}"))
    if started_on > today:
        problems.append(ValidationFailed("date_in_future", field="started_on"))
    problems.append(_completion_problem(started_on, completed_on, outcome, today))
    return [p for p in problems if p is not None]


def _completion_problem(started_on: date, completed_on: date | None, outcome: object,
                        today: date) -> ValidationFailed | None:
    completed = outcome in (TrainingOutcome.COMPLETED, TrainingOutcome.COMPLETED.value)
    if completed_on is None:
        return ValidationFailed("completed_needs_date", field="completed_on") if completed else None
    if completed_on > today:
        return ValidationFailed("date_in_future", field="completed_on")
    if completed_on < started_on:
        return ValidationFailed("dates_out_of_order", field="completed_on")
    if not completed:
        return ValidationFailed("date_only_when_completed", field="completed_on")
    return None


class HasTargetGroups(Protocol):
    """A Worker, or the importer's KnownWorker: the target groups with their validity."""

    @property
    def target_groups(self) -> Sequence[WorkerTargetGroup]: ...


def groups_on(worker: HasTargetGroups, on: date, until: date | None = None) -> frozenset[str]:
    """The subsidy target groups the worker belonged to on a date, or, with `until`, for the whole of a
    training from `on` to `until` (a group the person joined or left in between does not count)."""
    return groups_during(((g.group.value, g.valid_from, g.valid_until) for g in worker.target_groups), on, until)


def subsidy_decision(*, city_code: str, groups: frozenset[str], training_type: TrainingType,
                     target_level: str, outcome: TrainingOutcome, on: date,
                     already_subsidised: bool, certificate_on: date | None = None,
                     insured_months: int | None = None, claim_on: date | None = None) -> SubsidyDecision:
    """The city's schedule on the enrolment date, then the once-per-occupation-and-level rule.

    A subsidy paid on the certificate (技能提升补贴) is never granted here without `certificate_on`: the record
    says "may claim after certification". `insured_months` (None: unknown) and `claim_on` are for the claim;
    the worker model holds no insured months, so the caller supplies them.
    """
    if outcome is TrainingOutcome.DROPPED_OUT:
        return withheld("dropped_out")
    decision = subsidy_for(city_code, training_type.value, target_level, groups, on=on,
                           certificate_on=certificate_on, insured_months=insured_months, claim_on=claim_on)
    if (decision.eligible or decision.pending) and already_subsidised:
        return withheld("already_subsidised")
    return decision


def record_training(
    session: Session, *, worker: Worker, institution: Institution, occupation: Occupation,
    target_level: str, training_type: TrainingType | str, form: TrainingForm | str, hours: int,
    started_on: date, completed_on: date | None = None, outcome: TrainingOutcome | str, by: User | None,
    today: date | None = None,
) -> TrainingRecord:
    """Record an enrolment (or a completed training) and decide its subsidy from the schedule in force
    on the enrolment date: the sum promised when the person enrolled, for the target groups the person
    belonged to throughout the training (a subsidy paid on the certificate is only announced)."""
    today = today or china_today()
    problems = training_problems(occupation=occupation, target_level=target_level,
                                 training_type=training_type, form=form, hours=hours, started_on=started_on,
                                 completed_on=completed_on, outcome=outcome, today=today)
    if problems:
        raise problems[0]
    training_type, form = TrainingType(training_type), TrainingForm(form)
    outcome = TrainingOutcome(outcome)
    if not is_accredited(session, institution, occupation, target_level, started_on):
        raise ValidationFailed("not_accredited_training", field="target_level",
                               institution=institution.name, occupation=occupation.name,
                               level=level_label(target_level))
    _refuse_second_enrolment(session, worker, institution, occupation, target_level, started_on)
    decision = _subsidy(session, worker, occupation, target_level, training_type, started_on, completed_on, outcome)
    training = TrainingRecord(
        worker=worker, institution=institution, occupation=occupation, target_level=target_level,
        training_type=training_type, form=form, hours=hours, started_on=started_on, completed_on=completed_on,
        outcome=outcome, subsidy_eligible=decision.eligible, subsidy_amount=decision.amount,
        subsidy_rule=decision.code,
    )
    session.add(training)
    session.flush()
    record(session, actor=by, action="training.recorded", entity_type="training_record",
           entity_id=training.id, after=training_snapshot(training))
    return training


def _refuse_second_enrolment(session: Session, worker: Worker, institution: Institution, occupation: Occupation,
                             target_level: str, started_on: date, *, other_than: int | None = None) -> None:
    if session.scalar(select(TrainingRecord.id).where(
            TrainingRecord.worker_id == worker.id, TrainingRecord.occupation_id == occupation.id,
            TrainingRecord.target_level == target_level, TrainingRecord.institution_id == institution.id,
            TrainingRecord.started_on == started_on, TrainingRecord.id != (other_than or 0))) is not None:
        raise Duplicate("training", field="started_on", date=started_on.isoformat(),
                        occupation=occupation.name, level=level_label(target_level))


def _subsidy(session: Session, worker: Worker, occupation: Occupation, target_level: str,
             training_type: TrainingType, started_on: date, completed_on: date | None, outcome: TrainingOutcome,
             *, other_than: int | None = None) -> SubsidyDecision:
    """The subsidy promised on the enrolment date; once per occupation and level (`other_than`: the record
    being corrected, whose own subsidy does not count against it)."""
    subsidised = session.scalar(select(TrainingRecord.id).where(
        TrainingRecord.worker_id == worker.id, TrainingRecord.occupation_id == occupation.id,
        TrainingRecord.target_level == target_level, TrainingRecord.subsidy_eligible,
        TrainingRecord.id != (other_than or 0))) is not None
    return subsidy_decision(city_code=worker.city_code, groups=groups_on(worker, started_on, completed_on),
                            training_type=training_type, target_level=target_level, outcome=outcome,
                            on=started_on, already_subsidised=subsidised)


def correct_training(
    session: Session, training: TrainingRecord, *, hours: int, started_on: date, completed_on: date | None,
    outcome: TrainingOutcome | str, reason: str, by: User, today: date | None = None,
) -> RecordAmendment:
    """Correct the hours, dates or outcome of a training entered wrongly (its institution only). The earlier
    values stay in a RecordAmendment; the subsidy is decided again from the corrected dates and outcome."""
    if not may_amend_training(by, training):
        raise Forbidden("action")
    reason = amendment_reason(reason)
    problems = training_problems(occupation=training.occupation, target_level=training.target_level,
                                 training_type=training.training_type, form=training.form, hours=hours,
                                 started_on=started_on, completed_on=completed_on, outcome=outcome,
                                 today=today or china_today())
    if problems:
        raise problems[0]
    outcome = TrainingOutcome(outcome)
    if (hours, started_on, completed_on, outcome) == (training.hours, training.started_on, training.completed_on,
                                                      training.outcome):
        raise ValidationFailed("binding", field="hours", reason=Text("培训记录没有变化", "nothing was changed"))
    _refuse_second_enrolment(session, training.worker, training.institution, training.occupation,
                             training.target_level, started_on, other_than=training.id)
    before = training_snapshot(training)
    decision = _subsidy(session, training.worker, training.occupation, training.target_level,
                        training.training_type, started_on, completed_on, outcome, other_than=training.id)
    training.hours, training.started_on, training.completed_on, training.outcome = (
        hours, started_on, completed_on, outcome)
    training.subsidy_eligible, training.subsidy_amount = decision.eligible, decision.amount
    training.subsidy_rule = decision.code
    session.flush()
    amendment = amend(session, worker_id=training.worker_id, entity_type="training_record", entity_id=training.id,
                      action="corrected", before=before, after=training_snapshot(training), reason=reason, by=by)
    record(session, actor=by, action="training.corrected", entity_type="training_record", entity_id=training.id,
           before=before, after={**training_snapshot(training), "reason": reason})
    return amendment


def void_training(session: Session, training: TrainingRecord, *, reason: str, by: User) -> RecordAmendment:
    """A training recorded for the wrong person, or that never took place, leaves the record (so that nothing
    counts it: hours, subsidies, eligibility); what it said is kept in a RecordAmendment and the audit trail."""
    if not may_amend_training(by, training):
        raise Forbidden("action")
    reason = amendment_reason(reason)
    before = training_snapshot(training)
    amendment = amend(session, worker_id=training.worker_id, entity_type="training_record", entity_id=training.id,
                      action="voided", before=before, after=None, reason=reason, by=by)
    record(session, actor=by, action="training.voided", entity_type="training_record", entity_id=training.id,
           before=before, after={"reason": reason})
    session.delete(training)
    session.flush()
    return amendment


class TrainingFacts(Protocol):
    """What `training_snapshot` reads: a TrainingRecord, or a row the bulk importer is about to write."""

    @property
    def worker_id(self) -> int: ...
    @property
    def institution_id(self) -> int: ...
    @property
    def occupation(self) -> Occupation: ...
    @property
    def target_level(self) -> str: ...
    @property
    def training_type(self) -> TrainingType: ...
    @property
    def form(self) -> TrainingForm: ...
    @property
    def hours(self) -> int: ...
    @property
    def started_on(self) -> date: ...
    @property
    def completed_on(self) -> date | None: ...
    @property
    def outcome(self) -> TrainingOutcome: ...
    @property
    def subsidy_rule(self) -> str | None: ...
    @property
    def subsidy_amount(self) -> Decimal | None: ...


def training_snapshot(training: TrainingFacts) -> dict[str, Any]:
    return {
        "worker_id": training.worker_id, "institution_id": training.institution_id,
        "occupation": training.occupation.code, "target_level": training.target_level,
        "training_type": training.training_type.value, "form": training.form.value, "hours": training.hours,
        "started_on": training.started_on.isoformat(),
        "completed_on": training.completed_on.isoformat() if training.completed_on else None,
        "outcome": training.outcome.value, "subsidy_rule": training.subsidy_rule,
        "subsidy_amount": str(training.subsidy_amount) if training.subsidy_amount is not None else None,
    }

