"""Training records: the rules of `credentials.services.training`, applied to a whole file at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from ladder.i18n import Text
from ladder.subsidies import training_vocabulary

from ..errors import ImportRejected, ValidationFailed
from ..identity import clean_person_name
from ..models import ImportKind, Institution, Occupation, TrainingForm, TrainingOutcome, TrainingType
from ..services.institutions import AccreditationScope, accreditation_scope
from ..services.training import groups_on, level_label, subsidy_decision, training_problems
from ..spreadsheets import Row as SheetRow
from ..vault import PersonalDataVault
from .cells import (
    choice_key,
    level_names,
    parse_choice,
    parse_date,
    parse_level,
    parse_occupation_code,
    parse_whole,
)
from .columns import KIND_COLUMNS, Layout
from .lookups import EnrolmentFacts, EnrolmentKey, KnownWorker, existing_training, load_target_groups, subsidised
from .report import Plan
from .validate import (
    CellReader,
    Parser,
    Progress,
    Row,
    Seen,
    check_worker,
    find_occupation,
    id_hasher,
    known_workers_and_occupations,
    read_rows,
    typed,
    typed_or_none,
)

COLUMNS = KIND_COLUMNS[ImportKind.TRAINING_RECORDS]
# Words people write for the outcome (the record forms say 在训 / 已结业 / 中途退出).
OUTCOME_NAMES = {
    TrainingOutcome.ENROLLED: ("在训", "在读", "培训中", "enrolled"),
    TrainingOutcome.COMPLETED: ("结业", "已结业", "完成", "已完成", "completed"),
    TrainingOutcome.DROPPED_OUT: ("退训", "中途退出", "未完成", "dropped out", "dropped_out"),
}
# A rule's `field` (the service's form field) -> the import column it is about.
FIELD_COLUMNS: dict[str | None, str] = {field: field for field in ("target_level", "training_type", "form", "hours", "started_on",
                                            "completed_on", "outcome")}
COMPARED = ("training_type", "form", "hours", "completed_on", "outcome")


@dataclass(frozen=True)
class NewTraining:
    """A record to insert; its attribute names are the model's, so `training_snapshot` reads it as is."""

    row: int
    worker_id: int
    institution_id: int
    occupation: Occupation
    target_level: str
    training_type: TrainingType
    form: TrainingForm
    hours: int
    started_on: date
    completed_on: date | None
    outcome: TrainingOutcome
    subsidy_eligible: bool
    subsidy_amount: Decimal | None
    subsidy_rule: str

    @property
    def key(self) -> EnrolmentKey:
        """The natural key of an enrolment at this institution (the table's unique constraint)."""
        return (self.worker_id, self.occupation.id, self.target_level, self.started_on)

    def insert_values(self, import_job_id: int) -> dict[str, object]:
        return {"worker_id": self.worker_id, "institution_id": self.institution_id,
                "occupation_id": self.occupation.id, "target_level": self.target_level,
                "training_type": self.training_type, "form": self.form, "hours": self.hours,
                "started_on": self.started_on, "completed_on": self.completed_on, "outcome": self.outcome,
                "subsidy_eligible": self.subsidy_eligible, "subsidy_amount": self.subsidy_amount,
                "subsidy_rule": self.subsidy_rule, "import_job_id": import_job_id}


def _names(group: str, extra: dict[str, tuple[str, ...]]) -> dict[str, str]:
    names = {}
    for code, label in training_vocabulary(group).items():
        for name in (code, label.zh, label.en, label.zh.removesuffix("培训"), *extra.get(code, ())):
            names[choice_key(name)] = code
    return names


def parsers(vault: PersonalDataVault) -> dict[str, Parser]:
    types = _names("training_types", {"on_the_job_upgrading": ("岗位提升", "技能提升")})
    listed_types = Text("就业技能培训、岗位技能提升培训、创业培训",
                    "employment skills / on-the-job upgrading / entrepreneurship")
    listed_forms = Text("定向、定岗、订单式、新型学徒制、其他",
                    "directed / post-specific / order-based / new apprenticeship / other")
    forms = _names("training_forms", {"apprenticeship": ("学徒", "学徒制"), "other": ("其它",)})
    outcomes = {choice_key(name): outcome.value for outcome, names in OUTCOME_NAMES.items() for name in names}
    levels = level_names()
    return {
        "national_id": id_hasher(vault), "name": clean_person_name, "occupation_code": parse_occupation_code,
        "target_level": lambda raw: parse_level(raw, levels),
        "training_type": lambda raw: parse_choice(raw, types, Text("培训类型", "training type"), listed_types),
        "form": lambda raw: parse_choice(raw, forms, Text("培训形式", "training form"), listed_forms),
        "hours": parse_whole, "started_on": parse_date, "completed_on": parse_date,
        "outcome": lambda raw: parse_choice(raw, outcomes, Text("培训结果", "outcome"),
                                            Text("在训、已结业、中途退出", "enrolled / completed / dropped out")),
    }


def plan_training(session: Session, vault: PersonalDataVault, layout: Layout, rows: list[SheetRow], *,
                  institution: Institution, today: date, plan: Plan[NewTraining],
                  progress: Progress | None) -> Plan[NewTraining]:
    reader = CellReader(layout, COLUMNS, parsers(vault), plan.problems)
    half = len(rows)
    parsed = read_rows(reader, rows, progress and (lambda done: progress(done // 2)))
    workers, occupations = known_workers_and_occupations(session, parsed)
    load_target_groups(session, workers.values())
    scope = accreditation_scope(session, institution, [o.id for o in occupations.values()])
    worker_ids = [worker.id for worker in workers.values()]
    existing = existing_training(session, institution.id, worker_ids)
    granted = subsidised(session, worker_ids)
    seen = Seen(Text("身份证号、职业、培训等级和开班日期",
                 "national ID, occupation, target level and start date"))
    # In order of enrolment: the first enrolment of a person, occupation and level gets the subsidy.
    ordered = sorted(parsed, key=lambda r: (r.values["started_on"] or date.max, r.number))
    for index, row in enumerate(ordered, start=1):
        worker = check_worker(reader, row, workers)
        occupation = find_occupation(reader, row, occupations)
        if occupation is not None and row.ok(*FIELD_COLUMNS.values()):
            _check_record(reader, row, occupation, institution, scope, today)
        if worker is not None and occupation is not None and row.ok("target_level", "started_on"):
            _place(reader, row, worker, occupation, institution, seen, existing, granted, plan)
        if progress and index % 2_000 == 0:
            progress(half // 2 + index // 2)
    return plan


def _values(row: Row) -> dict[str, object]:
    values = dict(row.values)
    values["form"] = values["form"] or TrainingForm.OTHER.value
    if values["outcome"] is None:  # unsaid: a completion date means completed
        completed = values["completed_on"] is not None
        values["outcome"] = (TrainingOutcome.COMPLETED if completed else TrainingOutcome.ENROLLED).value
    return values


def _check_record(reader: CellReader, row: Row, occupation: Occupation, institution: Institution,
                  scope: AccreditationScope, today: date) -> None:
    v = _values(row)
    target_level, started_on = typed(v, "target_level", str), typed(v, "started_on", date)
    for error in training_problems(occupation=occupation, target_level=target_level,
                                   training_type=v["training_type"], form=v["form"], hours=v["hours"],
                                   started_on=started_on, completed_on=typed_or_none(v, "completed_on", date),
                                   outcome=v["outcome"], today=today):
        reader.fail(row, FIELD_COLUMNS.get(error.field, "target_level"), error)
    if row.ok("target_level") and not scope.covers(occupation.id, target_level, started_on):
        reader.fail(row, "target_level", ValidationFailed(
            "not_accredited_training", institution=institution.name, occupation=occupation.name,
            level=level_label(target_level)))


def _place(reader: CellReader, row: Row, worker: KnownWorker, occupation: Occupation, institution: Institution,
           seen: Seen, existing: dict[EnrolmentKey, EnrolmentFacts], granted: set[tuple[int, int, str]],
           plan: Plan[NewTraining]) -> None:
    """Duplicate in the file, already on record, or new (with its subsidy decided)."""
    target_level, started_on = typed(row.values, "target_level", str), typed(row.values, "started_on", date)
    key = (worker.id, occupation.id, target_level, started_on)
    first = seen.first_row(key, row.number)
    if first is not None:
        reader.fail(row, "national_id", seen.duplicate(first))
        return
    if row.failed:  # a cell that could not be read is reported already; its value is missing
        return
    v = _values(row)
    if key in existing:
        on_record = dict(zip(COMPARED, existing[key], strict=True))
        differing = [c for c in COLUMNS if c.key in COMPARED and on_record[c.key] != v[c.key]]
        if differing:
            fields = ("、".join(c.header for c in differing), ", ".join(c.english.lower() for c in differing))
            reader.fail(row, differing[0].key, ImportRejected("differs_from_record", fields=fields))
        else:
            plan.existing += 1
        return
    training_type, outcome = TrainingType(typed(v, "training_type", str)), TrainingOutcome(typed(v, "outcome", str))
    subsidy_key = (worker.id, occupation.id, target_level)
    completed_on = typed_or_none(v, "completed_on", date)
    decision = subsidy_decision(city_code=worker.city_code, groups=groups_on(worker, started_on, completed_on),
                                training_type=training_type, target_level=target_level, outcome=outcome,
                                on=started_on, already_subsidised=subsidy_key in granted)
    if decision.eligible:
        granted.add(subsidy_key)
    plan.records.append(NewTraining(
        row=row.number, worker_id=worker.id, institution_id=institution.id, occupation=occupation,
        target_level=target_level, training_type=training_type, form=TrainingForm(typed(v, "form", str)),
        hours=typed(v, "hours", int), started_on=started_on, completed_on=typed_or_none(v, "completed_on", date),
        outcome=outcome,
        subsidy_eligible=decision.eligible, subsidy_amount=decision.amount, subsidy_rule=decision.code))
