"""Appraisal results: the rules of `credentials.services.appraisal` (pass rule, accreditation, eligibility,
certificate numbers), applied to a whole file at once."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from ladder.appraisal import judge
from ladder.frameworks import get_level
from ladder.history import HeldLevel, WorkerHistory
from ladder.i18n import Text

from ..errors import Duplicate, ImportRejected, ValidationFailed
from ..identity import clean_person_name
from ..models import ImportKind, Institution, Occupation
from ..numbers import normalize_certificate_number
from ..queries.history import histories_for
from ..services.appraisal import result_problems
from ..services.certificates import _checked_number  # the one place of the number-versus-record rule
from ..services.eligibility import eligibility_problem
from ..services.institutions import AccreditationScope, accreditation_scope
from ..services.training import level_label
from ..spreadsheets import Row as SheetRow
from ..vault import PersonalDataVault
from .cells import level_names, parse_date, parse_level, parse_occupation_code, parse_score
from .columns import KIND_COLUMNS, Layout
from .lookups import KnownWorker, SittingKey, SittingScores, existing_results, taken_numbers
from .report import Plan
from .validate import (
    CellReader,
    Parser,
    Progress,
    Row,
    Seen,
    certificate_number_text,
    check_worker,
    find_occupation,
    id_hasher,
    known_workers_and_occupations,
    read_rows,
    typed,
    typed_or_none,
)
from .validate_facts import DIPLOMA_COLUMNS, FactChecker, fact_parsers, has_any, with_facts

COLUMNS = KIND_COLUMNS[ImportKind.APPRAISAL_RESULTS]
FIELD_COLUMNS: dict[str | None, str] = {  # error.field -> column key (None: the record as a whole)
    "level": "level", "exam_date": "exam_date", "theory": "theory_score",
    "practical": "practical_score", "review": "review_score", "number": "certificate_number",
}
RULE_INPUTS = ("level", "exam_date", "theory_score", "practical_score", "review_score", "certificate_number")


# Not frozen: a frozen dataclass sets every field through object.__setattr__, which cost as much as the rest of
# placing a row; nothing changes one once made (dataclasses.replace makes a new one).
@dataclass(slots=True)
class NewResult:
    row: int
    worker_id: int
    occupation: Occupation
    level: str
    exam_date: date
    theory: Decimal
    practical: Decimal
    review: Decimal | None
    outcome: str  # passed, failed or incomplete (ladder.appraisal.Verdict.outcome)
    number: str | None = None  # given in the file (normalised); None: the next of the series on commit
    scheme: str | None = None
    needs_review: bool = False

    @property
    def passed(self) -> bool:
        return self.outcome == "passed"

    @property
    def key(self) -> SittingKey:
        """The natural key of a sitting (the table's unique constraint)."""
        return (self.worker_id, self.occupation.id, self.level, self.exam_date)

    def insert_values(self, institution_id: int, import_job_id: int) -> dict[str, object]:
        return {"worker_id": self.worker_id, "institution_id": institution_id,
                "occupation_id": self.occupation.id, "level": self.level, "exam_date": self.exam_date,
                "theory_score": self.theory, "practical_score": self.practical, "review_score": self.review,
                "passed": self.passed, "outcome": self.outcome, "import_job_id": import_job_id}


def parsers(vault: PersonalDataVault) -> dict[str, Parser]:
    levels = level_names()
    return {
        **fact_parsers(),  # the optional work-start and diploma columns
        "national_id": id_hasher(vault), "name": clean_person_name, "occupation_code": parse_occupation_code,
        "level": lambda raw: parse_level(raw, levels), "exam_date": parse_date, "theory_score": parse_score,
        "practical_score": parse_score, "review_score": parse_score,
        "certificate_number": certificate_number_text,
    }


def plan_results(session: Session, vault: PersonalDataVault, layout: Layout, rows: list[SheetRow], *,
                 institution: Institution, today: date, plan: Plan[NewResult], progress: Progress | None) -> Plan[NewResult]:
    reader = CellReader(layout, COLUMNS, parsers(vault), plan.problems)
    parsed = read_rows(reader, rows, progress and (lambda done: progress(done // 2)))
    workers, occupations = known_workers_and_occupations(session, parsed)
    scope = accreditation_scope(session, institution, [o.id for o in occupations.values()])
    existing = existing_results(session, [worker.id for worker in workers.values()])
    seen = Seen(Text("身份证号、职业、等级和考试日期", "national ID, occupation, level and exam date"))
    candidates: list[tuple[Row, NewResult]] = []
    facts = _fact_checker(session, reader, layout, parsed, workers, today, plan)
    sittings = SittingRules(institution, scope, today)
    for index, row in enumerate(parsed, start=1):
        worker = check_worker(reader, row, workers)
        occupation = find_occupation(reader, row, occupations)
        if facts is not None and worker is not None and occupation is not None:
            _record_facts(facts, row, worker.id, occupation)
        outcome = None
        if occupation is not None and row.ok(*RULE_INPUTS):
            outcome = sittings.check(reader, row, occupation)
        if worker is not None and occupation is not None and outcome is not None:
            new = _place(reader, row, worker.id, occupation, outcome, seen, existing, plan)
            if new is not None:
                candidates.append((row, new))
        if progress and index % 2_000 == 0:
            progress(len(rows) // 2 + index // 2)
    _check_passes(session, reader, candidates, plan)
    return plan


def _fact_checker(session: Session, reader: CellReader, layout: Layout, parsed: list[Row],
                  workers: dict[str, KnownWorker], today: date, plan: Plan[NewResult]) -> FactChecker | None:
    """The candidates' work-start and diploma columns, when the file has them (recorded in `plan.facts`)."""
    if not any(key in layout.positions for key in ("work_started_on", *DIPLOMA_COLUMNS)):
        return None
    return FactChecker(session, reader, parsed, [worker.id for worker in workers.values()], today=today,
                       compare=False, facts=plan.facts)


def _record_facts(facts: FactChecker, row: Row, worker_id: int, occupation: Occupation) -> None:
    """A work period in the result's occupation from the work-start date; a diploma in its field."""
    if has_any(row, ("work_started_on",)):
        facts.work_period(row, worker_id, occupation, start_key="work_started_on")
    if has_any(row, DIPLOMA_COLUMNS):
        facts.diploma(row, worker_id, major=occupation)


class SittingRules:
    """The pass rule, the record's limits and the accreditation, judged once per distinct sitting: an exam session
    repeats the same occupation, level, date and scores thousands of times, and the verdict depends on nothing
    else (the certificate number only on whether one is given)."""

    def __init__(self, institution: Institution, scope: AccreditationScope, today: date) -> None:
        self.institution, self.scope, self.today = institution, scope, today
        self._judged: dict[tuple[object, ...], tuple[list[tuple[str, ValidationFailed]], str | None]] = {}

    def check(self, reader: CellReader, row: Row, occupation: Occupation) -> str | None:
        """The pass rule's verdict (passed, failed or incomplete), or None when the sitting breaks a rule."""
        v = row.values
        key = (occupation.id, v["level"], v["exam_date"], v["theory_score"], v["practical_score"],
               v.get("review_score"), bool(v.get("certificate_number")))
        judged = self._judged.get(key)
        if judged is None:
            judged = self._judged[key] = self._judge(row, occupation)
        problems, outcome = judged
        for column, error in problems:
            reader.fail(row, column, error)
        return outcome

    def _judge(self, row: Row, occupation: Occupation) -> tuple[list[tuple[str, ValidationFailed]], str | None]:
        v = row.values
        level, exam_date = typed(v, "level", str), typed(v, "exam_date", date)
        theory, practical = typed(v, "theory_score", Decimal), typed(v, "practical_score", Decimal)
        review = typed_or_none(v, "review_score", Decimal)
        errors = result_problems(occupation=occupation, level=level, exam_date=exam_date, theory=theory,
                                 practical=practical, review=review, number=typed_or_none(v, "certificate_number", str),
                                 today=self.today)
        if errors:
            return [(FIELD_COLUMNS.get(error.field, "level"), error) for error in errors], None
        if not self.scope.covers(occupation.id, level, exam_date):
            return [("level", ValidationFailed("not_accredited", institution=self.institution.name,
                                               occupation=occupation.name, level=level_label(level)))], None
        return [], judge(level, theory, practical, review, on=exam_date).outcome


def _place(reader: CellReader, row: Row, worker_id: int, occupation: Occupation, outcome: str, seen: Seen,
           existing: dict[SittingKey, SittingScores], plan: Plan[NewResult]) -> NewResult | None:
    v = row.values
    key = (worker_id, occupation.id, typed(v, "level", str), typed(v, "exam_date", date))
    first = seen.first_row(key, row.number)
    if first is not None:
        reader.fail(row, "national_id", seen.duplicate(first))
        return None
    if row.failed:
        return None
    if key in existing:
        scores = dict(zip(("theory_score", "practical_score", "review_score"), existing[key], strict=True))
        differing = [c for c in COLUMNS if c.key in scores and scores[c.key] != v[c.key]]
        if differing:
            fields = ("、".join(c.header for c in differing), ", ".join(c.english.lower() for c in differing))
            reader.fail(row, differing[0].key, ImportRejected("differs_from_record", fields=fields))
        else:
            plan.existing += 1
        return None
    return NewResult(row=row.number, worker_id=worker_id, occupation=occupation, level=key[2], exam_date=key[3],
                     theory=typed(v, "theory_score", Decimal), practical=typed(v, "practical_score", Decimal),
                     review=typed_or_none(v, "review_score", Decimal), outcome=outcome)


def _check_passes(session: Session, reader: CellReader, candidates: list[tuple[Row, NewResult]],
                  plan: Plan[NewResult]) -> None:
    """Eligibility on the exam date and the certificate number of each pass, in date order: a level passed
    earlier in the same file counts for the next one, as it would had the rows been entered one by one."""
    passes = [(row, new) for row, new in candidates if new.passed]
    histories = with_facts(histories_for(session, {new.worker_id for _, new in passes}), plan.facts)
    given = {n: row.number for row, _ in passes if (n := _given(row)) is not None}
    taken = taken_numbers(session, given)
    numbers_seen: dict[str, int] = {}
    accepted: dict[int, NewResult] = {row.number: new for row, new in candidates if not new.passed}
    verdicts: dict[tuple[WorkerHistory, str, str, date], Text | None] = {}  # a cohort shares its histories
    for row, new in sorted(passes, key=lambda pair: (pair[1].exam_date, pair[0].number)):
        code = new.occupation.code
        question = (histories[new.worker_id], code, new.level, new.exam_date)
        if question not in verdicts:
            verdicts[question] = eligibility_problem(*question)
        problem = verdicts[question]
        if problem is not None:
            reader.fail(row, "level", ValidationFailed("not_eligible", level=level_label(new.level),
                                                       explanation=(problem.zh, problem.en)))
            continue
        if row.values["certificate_number"]:
            numbered = _with_number(reader, row, new, taken, numbers_seen, plan)
            if numbered is None:
                continue
            new = numbered
        history = histories[new.worker_id]
        histories[new.worker_id] = dataclasses.replace(
            history, held_levels=(*history.held_levels, HeldLevel(code, new.level, new.exam_date)))
        accepted[row.number] = new
    plan.records.extend(accepted[number] for number in sorted(accepted))


def _given(row: Row) -> str | None:
    raw = typed_or_none(row.values, "certificate_number", str)
    return normalize_certificate_number(raw) if raw else None


def _with_number(reader: CellReader, row: Row, new: NewResult, taken: dict[str, int], numbers_seen: dict[str, int],
                 plan: Plan[NewResult]) -> NewResult | None:
    """A number from the file: impossible or contradicting the record → error; unknown scheme → flagged."""
    try:
        number, scheme, needs_review = _checked_number(typed(row.values, "certificate_number", str),
                                                       get_level(new.level).nat_digit, new.exam_date.year)
    except ValidationFailed as error:
        reader.fail(row, "certificate_number", error)
        return None
    if number in taken:
        reader.fail(row, "certificate_number", Duplicate("certificate", number=number))
        return None
    first = numbers_seen.setdefault(number, row.number)
    if first != row.number:
        reader.fail(row, "certificate_number", ImportRejected("number_repeated", row=first))
        return None
    if needs_review:
        plan.flagged += 1
        plan.problems.add(row.number, reader.layout.header("certificate_number"),
                          ImportRejected("number_unknown_scheme"), number, warning=True)
    return dataclasses.replace(new, number=number, scheme=scheme, needs_review=needs_review)
