"""A worker's progression: per occupation, the level reached, the certificates, training and results, and
the next level on the regular route: eligible now, or from when, and what is missing, in words."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import overload

from sqlalchemy import BindParameter, Select, bindparam, select
from sqlalchemy.orm import Session, joinedload

from ladder.appraisal import judge
from ladder.eligibility import Eligibility, NoRegularRoute, evaluate, get_rules, next_regular_target
from ladder.frameworks import get_level
from ladder.history import WorkerHistory
from ladder.i18n import Text
from ladder.subsidies import SubsidyDecision, restore

from ..clock import china_today
from ..models import (
    AppraisalResult,
    Certificate,
    CertificateStatus,
    FactState,
    Occupation,
    TrainingRecord,
    Worker,
    WorkPeriod,
)
from .history import history_of

FRAMEWORK = "skill-2022"


def clause_text(result: Eligibility) -> Text | None:
    """The application condition met, or the closest one, in words."""
    clause_id = result.matched_clause or result.closest_clause
    return next((c.text for c in get_rules(result.rules).clauses if c.id == clause_id), None)


def explain(result: Eligibility) -> Text:
    """One bilingual sentence: the condition met; or what is missing, from when, and the closest condition."""
    clause = clause_text(result)
    if result.eligible:
        assert clause is not None  # an eligible result names the condition it met
        return Text(f"符合条件：{clause.zh}", f"meets: {clause.en}")
    missing = (result.describe("zh"), result.describe("en"))
    if any(m.code == "already_held" for m in result.missing):
        return Text(missing[0][0], missing[1][0])
    if result.eligible_from is not None:
        when = Text(f"{result.eligible_from.isoformat()} 起可申报", f"eligible from {result.eligible_from}")
    else:
        when = Text("仅靠时间无法满足", "time alone will not do")
    zh = f"还差：{'；'.join(missing[0])}；{when.zh}"
    en = f"missing: {'; '.join(missing[1])}; {when.en}"
    if clause is not None:
        zh, en = f"{zh}（最接近的条件：{clause.zh}）", f"{en} (closest condition: {clause.en})"
    return Text(zh, en)


@dataclass(frozen=True)
class NextStep:
    target_level: str
    result: Eligibility
    clause: Text | None
    explanation: Text

    @property
    def eligible(self) -> bool:
        return self.result.eligible

    @property
    def eligible_from(self) -> date | None:
        return self.result.eligible_from

    @property
    def missing(self) -> tuple[Text, ...]:
        return tuple(Text(m.describe("zh"), m.describe("en")) for m in self.result.missing)


def next_step(history: WorkerHistory, occupation_code: str, *, on: date) -> NextStep | None:
    """The next appraised level and the worker's standing for it; None at the top of the ladder."""
    target = next_regular_target(history, occupation_code, FRAMEWORK)
    if target is None:
        return None
    try:
        result = evaluate(history, occupation_code, target, on=on)
    except (NoRegularRoute, LookupError):
        return None
    return NextStep(target, result, clause_text(result), explain(result))


@overload
def plain_score(value: Decimal) -> Decimal: ...
@overload
def plain_score(value: None) -> None: ...
@overload
def plain_score(value: Decimal | None) -> Decimal | None: ...
def plain_score(value: Decimal | None) -> Decimal | None:
    """78.50 as 78.5 and 60.00 as 60: scores read the way they were typed."""
    if value is None:
        return None
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def failure_reasons(result: AppraisalResult) -> tuple[Text, ...]:
    """Why a sitting failed, part by part (empty for a pass)."""
    return judge(result.level, plain_score(result.theory_score), plain_score(result.practical_score),
                 plain_score(result.review_score), on=result.exam_date).reasons


def subsidy_of(training: TrainingRecord) -> SubsidyDecision:
    """The subsidy decision the record keeps, with the rule in words."""
    return restore(training.subsidy_rule, training_type=training.training_type.value,
                   target_level=training.target_level, on=training.started_on, amount=training.subsidy_amount)


@dataclass(frozen=True)
class TimelineEntry:
    on: date
    kind: str  # certificate | result | training
    item: Certificate | AppraisalResult | TrainingRecord
    earned_by: AppraisalResult | None = None  # the sitting behind a certificate, when recorded

    @property
    def reasons(self) -> tuple[Text, ...]:
        return failure_reasons(self.item) if self.kind == "result" and isinstance(self.item, AppraisalResult) else ()

    @property
    def subsidy(self) -> SubsidyDecision | None:
        return subsidy_of(self.item) if self.kind == "training" and isinstance(self.item, TrainingRecord) else None


@dataclass
class OccupationProgress:
    occupation: Occupation
    certificates: list[Certificate] = field(default_factory=list)  # oldest first
    training: list[TrainingRecord] = field(default_factory=list)  # newest first
    results: list[AppraisalResult] = field(default_factory=list)  # newest first
    next: NextStep | None = None

    @property
    def current(self) -> Certificate | None:
        """The highest valid certificate (a revoked one never counts)."""
        valid = [c for c in self.certificates if c.status is CertificateStatus.VALID]
        return max(valid, key=lambda c: (get_level(c.level, FRAMEWORK).rank, c.issued_on), default=None)

    @property
    def current_level(self) -> str | None:
        return self.current.level if self.current else None

    @property
    def reached_on(self) -> date | None:
        return self.current.issued_on if self.current else None

    @property
    def timeline(self) -> list[TimelineEntry]:
        """Certificates (with the sitting that earned them), failed sittings and training, newest first."""
        earned = {r.certificate_id: r for r in self.results if r.certificate_id is not None}
        entries = [TimelineEntry(c.issued_on, "certificate", c, earned.get(c.id)) for c in self.certificates]
        entries += [TimelineEntry(r.exam_date, "result", r) for r in self.results if r.certificate_id is None]
        entries += [TimelineEntry(t.completed_on or t.started_on, "training", t) for t in self.training]
        order = {"certificate": 2, "result": 1, "training": 0}
        return sorted(entries, key=lambda e: (e.on, order[e.kind], e.item.id), reverse=True)


@dataclass(frozen=True)
class _ProgressionStatements:
    certificates: Select[Certificate]
    training: Select[TrainingRecord]
    results: Select[AppraisalResult]
    worked_in: Select[Occupation]


@functools.cache
def _statements() -> _ProgressionStatements:
    """Built once, the worker bound at execution (building them cost about as much as running them). Each list in
    one statement: its many-to-one details joined (selectinload ran a statement per detail per list, and loaded
    the same occupation again for each list)."""
    worker: BindParameter[int] = bindparam("worker_id")
    worked_in = select(WorkPeriod.occupation_id).where(WorkPeriod.worker_id == worker,
                                                       WorkPeriod.state == FactState.CURRENT)
    return _ProgressionStatements(
        certificates=select(Certificate).where(Certificate.worker_id == worker)
        .options(joinedload(Certificate.occupation), joinedload(Certificate.institution))
        .order_by(Certificate.issued_on, Certificate.id),
        training=select(TrainingRecord).where(TrainingRecord.worker_id == worker)
        .options(joinedload(TrainingRecord.occupation), joinedload(TrainingRecord.institution))
        .order_by(TrainingRecord.started_on.desc(), TrainingRecord.id.desc()),
        results=select(AppraisalResult).where(AppraisalResult.worker_id == worker)
        .options(joinedload(AppraisalResult.occupation), joinedload(AppraisalResult.institution),
                 joinedload(AppraisalResult.certificate))
        .order_by(AppraisalResult.exam_date.desc(), AppraisalResult.id.desc()),
        worked_in=select(Occupation).where(Occupation.id.in_(worked_in)),
    )


def progression(session: Session, worker: Worker, *, today: date | None = None) -> list[OccupationProgress]:
    """Every occupation the worker has a certificate, training, result or work period in."""
    today = today or china_today()
    by_occupation: dict[int, OccupationProgress] = {}

    def entry(occupation: Occupation) -> OccupationProgress:
        return by_occupation.setdefault(occupation.id, OccupationProgress(occupation))

    statements, bound = _statements(), {"worker_id": worker.id}
    for certificate in session.scalars(statements.certificates, bound):
        entry(certificate.occupation).certificates.append(certificate)
    for training in session.scalars(statements.training, bound):
        entry(training.occupation).training.append(training)
    for result in session.scalars(statements.results, bound):
        entry(result.occupation).results.append(result)
    for occupation in session.scalars(statements.worked_in, bound):
        entry(occupation)
    history = history_of(session, worker.id)
    for progress in by_occupation.values():
        progress.next = next_step(history, progress.occupation.code, on=today)
    def highest_first(progress: OccupationProgress) -> tuple[int, str]:
        rank = get_level(progress.current_level, FRAMEWORK).rank if progress.current_level else 0
        return -rank, progress.occupation.code

    return sorted(by_occupation.values(), key=highest_first)
