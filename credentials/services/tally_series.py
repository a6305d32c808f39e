"""What each indicator series counts, defined once per kind of record.

A `Source` is one table whose rows are counted. For one row it reads the row's *facts* (its values, plus the
values of other tables it depends on, e.g. the training institution's city) and `count(facts)` — a pure
function — says what the row contributes: `Count(series, city_code, month, key, value)` rows, `city_code`
being the most specific region it belongs to (a city; a province or "" the nation for what has no city);
`credentials.services.tallies` adds each count to that region and those above it. The same source also states
its rule set-based (`recount`: GROUP BY statements over the whole table, at the most specific region), which
rebuild and check use; the check (run after every test of the suite) is what proves that the per-row rule and
the set-based one agree.

Series (city: the 4-digit code; month: the first day of the month; key: "" when none):

- training.type / .form / .group (training_records): 1 per enrolment, in the month it started and the training
  institution's city; keyed by type / form / each target group the worker belonged to on the first day ("none"
  when no group).
- training.subsidy (training_records): the subsidy_amount (yuan) of subsidy_eligible records with an amount and
  a completion date, in the month of completion, keyed by training type.
- appraisal.sittings / .passes (appraisal_results): 1 per sitting not voided / per pass, in the exam's month and
  the appraising institution's city, keyed by level.
- certificates.level / .route / .occupation (certificates): 1 per certificate not revoked (historic ones too), in
  the issue month and the issuing institution's city.
- competitions.held / .in_plan (competitions): 1 per competition / per enterprise contest included in the
  government plan, in the month it started, keyed by tier; its city, else its province, else the nation ("").
- workforce.level (worker_standings): 1 per worker with a valid certificate, keyed by their highest valid level,
  in their current city; a stock, under the month 1900-01-01.

Adding a series (as `programme_series` does): write its facts loader, its pure `count` and its `recount`
statements (the helpers `facts_of`, `summed_series`, `tally_columns`, `month_start`, `as_text` here keep them short), add its `Source`
(with `links` for other tables its facts read) to `credentials.services.tallies.SOURCES`, then define
indicators over it in `credentials.queries.indicator_definitions`. Nothing else changes: the ORM listener, the
Core hook, rebuild and check all iterate over `SOURCES`, and add every count to its province and the nation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import Date, Select, String, and_, case, cast, func, literal, or_, select, type_coerce
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql import ColumnElement

from ladder.frameworks import all_frameworks

from ..bulk import in_list_batches
from ..models import (
    AppraisalResult,
    Base,
    Certificate,
    CertificateStatus,
    Competition,
    Institution,
    Occupation,
    PlanState,
    SittingOutcome,
    TrainingRecord,
    Worker,
    WorkerTargetGroup,
)
from ..models.tallies import NATION, STOCK_MONTH

AnySelect = Select[*tuple[Any, ...]]  # a SELECT of any columns
NO_GROUP = "none"  # training.group key of an enrolment whose worker belonged to no target group that day
WORKFORCE = "workforce.level"
LEVEL_RANKS = {level.code: level.rank for fw in all_frameworks() for level in fw.levels}


class Count(NamedTuple):
    series: str
    city_code: str
    month: date
    key: str
    value: Decimal


def month_of(day: date) -> date:
    return day.replace(day=1)


@dataclass(frozen=True)
class Link:
    """Rows of another table feed a source's facts: a change there recounts the source rows it names."""

    model: type[Base]  # e.g. WorkerTargetGroup
    column: str  # the column of `model` naming the source rows ("worker_id"; "id" for an institution)
    target: InstrumentedAttribute[Any]  # the source's column it matches, e.g. TrainingRecord.worker_id
    fields: frozenset[str] | None = None  # only changes to these attributes matter (None: any change)


@dataclass(frozen=True)
class Source:
    model: type[Base]
    series: tuple[str, ...]
    load: Callable[[Session, Sequence[int], bool], list[Any]]  # facts of rows by id, as in the database now
    count: Callable[[Any], Iterator[Count]]  # the rule, pure
    recount: Callable[[Session], list[Select[Any]]]  # the same rule, set-based: (series, city, month, key, value)
    links: tuple[Link, ...] = ()
    holder: Callable[[Any], int | None] = lambda facts: None  # a worker whose standing the row decides

    @property
    def table_name(self) -> str:
        return self.model.__table__.name


def count_of(value: object = 1) -> Decimal:
    return Decimal(str(value))


def facts_of(session: Session, statement: AnySelect, column: InstrumentedAttribute[Any], ids: Sequence[int],
          lock: bool) -> Iterator[Any]:
    for batch in in_list_batches(session, sorted(set(ids))):
        query = statement.where(column.in_(batch))
        if lock:  # on PostgreSQL a concurrent writer of the same rows waits, so both read what the other wrote
            query = query.with_for_update(of=column.class_)
        yield from session.execute(query)


# ---- SQL helpers (set-based recount) -----------------------------------------------------------------------

def month_start(session: Session, column: Any) -> ColumnElement[date]:
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.date_trunc("month", column), Date)
    return type_coerce(func.date(column, "start of month"), Date)


def as_text(column: Any) -> ColumnElement[str]:
    return type_coerce(column, String)


def summed_series(series: str, rows: Select[Any]) -> Select[Any]:
    """SUM(value) GROUP BY (city, month, key) over `rows` (columns city_code, month, key, value), one per row."""
    sub = rows.subquery()
    return (select(literal(series, String).label("series"), sub.c.city_code, sub.c.month, sub.c.key,
                   func.sum(sub.c.value).label("value"))
            .group_by(sub.c.city_code, sub.c.month, sub.c.key))


def tally_columns(city: Any, month: Any, key: Any, value: Any = 1) -> list[Any]:
    return [city.label("city_code"), month.label("month"), key.label("key"),
            (literal(value) if isinstance(value, int) else value).label("value")]


# ---- training records --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TrainingFacts:
    id: int
    city_code: str
    training_type: str
    form: str
    started_on: date
    completed_on: date | None
    subsidy_eligible: bool
    subsidy_amount: Decimal | None
    groups: frozenset[str]


def _load_training(session: Session, ids: Sequence[int], lock: bool) -> list[TrainingFacts]:
    statement = (select(TrainingRecord.id, TrainingRecord.worker_id, Institution.city_code, TrainingRecord.training_type,
                        TrainingRecord.form, TrainingRecord.started_on, TrainingRecord.completed_on,
                        TrainingRecord.subsidy_eligible, TrainingRecord.subsidy_amount)
                 .join(Institution, Institution.id == TrainingRecord.institution_id))
    rows = list(facts_of(session, statement, TrainingRecord.id, ids, lock))
    memberships: dict[int, list[tuple[str, date, date | None]]] = defaultdict(list)
    for batch in in_list_batches(session, sorted({row.worker_id for row in rows})):
        for worker_id, group, valid_from, valid_until in session.execute(
                select(WorkerTargetGroup.worker_id, WorkerTargetGroup.group, WorkerTargetGroup.valid_from,
                       WorkerTargetGroup.valid_until).where(WorkerTargetGroup.worker_id.in_(batch))):
            memberships[worker_id].append((group.value, valid_from, valid_until))
    return [TrainingFacts(row.id, row.city_code, row.training_type.value, row.form.value, row.started_on,
                          row.completed_on, row.subsidy_eligible, row.subsidy_amount,
                          frozenset(group for group, since, until in memberships[row.worker_id]
                                    if since <= row.started_on and (until is None or row.started_on <= until)))
            for row in rows]


def count_training(t: TrainingFacts) -> Iterator[Count]:
    month = month_of(t.started_on)
    yield Count("training.type", t.city_code, month, t.training_type, count_of())
    yield Count("training.form", t.city_code, month, t.form, count_of())
    for group in sorted(t.groups) or [NO_GROUP]:
        yield Count("training.group", t.city_code, month, group, count_of())
    if t.subsidy_eligible and t.subsidy_amount is not None and t.completed_on is not None:
        yield Count("training.subsidy", t.city_code, month_of(t.completed_on), t.training_type,
                    Decimal(t.subsidy_amount))


def _recount_training(session: Session) -> list[Select[Any]]:
    month = month_start(session, TrainingRecord.started_on)
    enrolments = select(TrainingRecord).join(Institution, Institution.id == TrainingRecord.institution_id)
    on_start = and_(WorkerTargetGroup.worker_id == TrainingRecord.worker_id,
                    WorkerTargetGroup.valid_from <= TrainingRecord.started_on,
                    or_(WorkerTargetGroup.valid_until.is_(None), TrainingRecord.started_on <= WorkerTargetGroup.valid_until))
    member = (select(TrainingRecord.id.label("training_id"), as_text(WorkerTargetGroup.group).label("grp"))
              .join(WorkerTargetGroup, on_start).distinct().subquery())
    paid = and_(TrainingRecord.subsidy_eligible, TrainingRecord.subsidy_amount.is_not(None),
                TrainingRecord.completed_on.is_not(None))
    return [
        summed_series("training.type", enrolments.with_only_columns(
            *tally_columns(Institution.city_code, month, as_text(TrainingRecord.training_type)))),
        summed_series("training.form", enrolments.with_only_columns(
            *tally_columns(Institution.city_code, month, as_text(TrainingRecord.form)))),
        summed_series("training.group", enrolments.outerjoin(member, member.c.training_id == TrainingRecord.id)
               .with_only_columns(*tally_columns(Institution.city_code, month, func.coalesce(member.c.grp, NO_GROUP)))),
        summed_series("training.subsidy", enrolments.where(paid).with_only_columns(*tally_columns(
            Institution.city_code, month_start(session, TrainingRecord.completed_on), as_text(TrainingRecord.training_type),
            TrainingRecord.subsidy_amount))),
    ]


# ---- appraisal sittings ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SittingFacts:
    id: int
    city_code: str
    level: str
    exam_date: date
    outcome: str
    passed: bool


def _load_sittings(session: Session, ids: Sequence[int], lock: bool) -> list[SittingFacts]:
    statement = (select(AppraisalResult.id, Institution.city_code, AppraisalResult.level, AppraisalResult.exam_date,
                        AppraisalResult.outcome, AppraisalResult.passed)
                 .join(Institution, Institution.id == AppraisalResult.institution_id))
    return [SittingFacts(r.id, r.city_code, r.level, r.exam_date, r.outcome.value, r.passed)
            for r in facts_of(session, statement, AppraisalResult.id, ids, lock)]


def count_sitting(s: SittingFacts) -> Iterator[Count]:
    if s.outcome == SittingOutcome.VOIDED:
        return
    yield Count("appraisal.sittings", s.city_code, month_of(s.exam_date), s.level, count_of())
    if s.passed:
        yield Count("appraisal.passes", s.city_code, month_of(s.exam_date), s.level, count_of())


def _recount_sittings(session: Session) -> list[Select[Any]]:
    sittings = (select(AppraisalResult).join(Institution, Institution.id == AppraisalResult.institution_id)
                .where(AppraisalResult.outcome != SittingOutcome.VOIDED))
    columns = tally_columns(Institution.city_code, month_start(session, AppraisalResult.exam_date), AppraisalResult.level)
    return [summed_series("appraisal.sittings", sittings.with_only_columns(*columns)),
            summed_series("appraisal.passes", sittings.where(AppraisalResult.passed).with_only_columns(*columns))]


# ---- certificates ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CertificateFacts:
    id: int
    worker_id: int
    city_code: str
    level: str
    route: str
    occupation: str
    issued_on: date
    status: str


def _load_certificates(session: Session, ids: Sequence[int], lock: bool) -> list[CertificateFacts]:
    statement = (select(Certificate.id, Certificate.worker_id, Institution.city_code, Certificate.level,
                        Certificate.route, Occupation.code, Certificate.issued_on, Certificate.status)
                 .join(Institution, Institution.id == Certificate.institution_id)
                 .join(Occupation, Occupation.id == Certificate.occupation_id))
    return [CertificateFacts(r.id, r.worker_id, r.city_code, r.level, r.route.value, r.code, r.issued_on, r.status.value)
            for r in facts_of(session, statement, Certificate.id, ids, lock)]


def count_certificate(c: CertificateFacts) -> Iterator[Count]:
    if c.status == CertificateStatus.REVOKED:
        return  # a revoked certificate counts nowhere: revocation takes it out of its issue month
    month = month_of(c.issued_on)
    yield Count("certificates.level", c.city_code, month, c.level, count_of())
    yield Count("certificates.route", c.city_code, month, c.route, count_of())
    yield Count("certificates.occupation", c.city_code, month, c.occupation, count_of())


def _recount_certificates(session: Session) -> list[Select[Any]]:
    issued = (select(Certificate).join(Institution, Institution.id == Certificate.institution_id)
              .join(Occupation, Occupation.id == Certificate.occupation_id)
              .where(Certificate.status != CertificateStatus.REVOKED))
    month = month_start(session, Certificate.issued_on)
    return [summed_series(f"certificates.{name}", issued.with_only_columns(*tally_columns(Institution.city_code, month, key)))
            for name, key in (("level", Certificate.level), ("route", as_text(Certificate.route)),
                              ("occupation", Occupation.code))]


# ---- competitions ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CompetitionFacts:
    id: int
    city_code: str | None
    province_code: str | None
    tier: str
    starts_on: date
    plan_state: str

    @property
    def place(self) -> str:
        """Its city; a provincial one with no city its province; a national one the nation ("")."""
        return self.city_code or self.province_code or NATION


def _load_competitions(session: Session, ids: Sequence[int], lock: bool) -> list[CompetitionFacts]:
    statement = select(Competition.id, Competition.city_code, Competition.province_code, Competition.tier,
                       Competition.starts_on, Competition.plan_state)
    return [CompetitionFacts(r.id, r.city_code, r.province_code, r.tier, r.starts_on, r.plan_state.value)
            for r in facts_of(session, statement, Competition.id, ids, lock)]


def count_competition(c: CompetitionFacts) -> Iterator[Count]:
    yield Count("competitions.held", c.place, month_of(c.starts_on), c.tier, count_of())
    if c.plan_state == PlanState.INCLUDED:
        yield Count("competitions.in_plan", c.place, month_of(c.starts_on), c.tier, count_of())


def _recount_competitions(session: Session) -> list[Select[Any]]:
    place = func.coalesce(Competition.city_code, Competition.province_code, NATION)
    columns = tally_columns(place, month_start(session, Competition.starts_on), Competition.tier)
    return [summed_series("competitions.held", select(*columns)),
            summed_series("competitions.in_plan", select(*columns).where(Competition.plan_state == PlanState.INCLUDED))]


# ---- the sources, and the workforce standings --------------------------------------------------------------

_CITY_OF_INSTITUTION = frozenset({"city_code"})
SOURCES: tuple[Source, ...] = (
    Source(TrainingRecord, ("training.type", "training.form", "training.group", "training.subsidy"),
           _load_training, count_training, _recount_training,
           links=(Link(WorkerTargetGroup, "worker_id", TrainingRecord.worker_id),
                  Link(Institution, "id", TrainingRecord.institution_id, _CITY_OF_INSTITUTION))),
    Source(AppraisalResult, ("appraisal.sittings", "appraisal.passes"), _load_sittings, count_sitting,
           _recount_sittings, links=(Link(Institution, "id", AppraisalResult.institution_id, _CITY_OF_INSTITUTION),)),
    Source(Certificate, ("certificates.level", "certificates.route", "certificates.occupation"), _load_certificates,
           count_certificate, _recount_certificates,
           links=(Link(Institution, "id", Certificate.institution_id, _CITY_OF_INSTITUTION),),
           holder=lambda facts: facts.worker_id),
    Source(Competition, ("competitions.held", "competitions.in_plan"), _load_competitions, count_competition,
           _recount_competitions),
)
STOCK_SERIES = frozenset({WORKFORCE})
ALL_SERIES = frozenset(series for source in SOURCES for series in source.series) | STOCK_SERIES
# A worker's standing reads their certificates (a source: `holder`) and these columns of their own row.
STANDING_FIELDS = frozenset({"city_code", "merged_into_id"})


def standings(worker_filter: ColumnElement[bool] | None = None) -> Select[Any]:
    """(worker_id, city_code, highest_level, framework) of every worker with a valid certificate: the highest
    rank held in any occupation, on a tie the certificate reached first. A merged record has none."""
    rank = case(LEVEL_RANKS, value=Certificate.level, else_=0)
    order = func.row_number().over(partition_by=Certificate.worker_id,
                                   order_by=(rank.desc(), Certificate.issued_on, Certificate.id))
    ranked = (select(Certificate.worker_id, Worker.city_code, Certificate.level.label("highest_level"),
                     Certificate.framework, order.label("position"))
              .join(Worker, Worker.id == Certificate.worker_id)
              .where(Certificate.status == CertificateStatus.VALID, Worker.merged_into_id.is_(None)))
    if worker_filter is not None:
        ranked = ranked.where(worker_filter)
    sub = ranked.subquery()
    return select(sub.c.worker_id, sub.c.city_code, sub.c.highest_level, sub.c.framework).where(sub.c.position == 1)


def recount_workforce(standing_rows: Select[Any]) -> Select[Any]:
    """workforce.level from standings rows (the kept table, or `standings()` recomputed)."""
    sub = standing_rows.subquery()
    return summed_series(WORKFORCE, select(*tally_columns(sub.c.city_code, literal(STOCK_MONTH, Date), sub.c.highest_level)))


def count_standing(city_code: str, level: str, sign: int) -> Count:
    return Count(WORKFORCE, city_code, STOCK_MONTH, level, Decimal(sign))


def counts_of(source: Source, facts: Iterable[Any]) -> Iterator[Count]:
    for row in facts:
        yield from source.count(row)
