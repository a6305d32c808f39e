"""Work periods and diplomas in an import: the rules of `credentials.services.worker_facts`, row by row.

Used by the work-history kind (a row records a work period, a diploma, or both) and by appraisal results,
whose optional work-start and diploma columns record the candidate's facts before eligibility is judged.
A fact already on record with the same key is "already present" (or a row problem where the file says
otherwise, for the work-history kind); the worker's unverified claim to the same fact is replaced by the
institution's record, as the single-record service does.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ladder.frameworks import vocabulary
from ladder.history import Diploma as DiplomaFact
from ladder.history import WorkerHistory
from ladder.history import WorkPeriod as WorkFact
from ladder.i18n import Text

from ..bulk import in_list_batches, one_of
from ..errors import ImportRejected, ValidationFailed
from ..identity import clean_person_name
from ..models import Attestation, Diploma, FactState, Institution, Occupation, WorkPeriod
from ..services.worker_facts import diploma_problems, work_period_problems
from .cells import CellProblem, choice_key, fold, parse_choice, parse_date, parse_occupation_code
from .lookups import occupations_by_code
from .new_facts import DiplomaKey, NewDiploma, NewFact, NewWorkPeriod, PeriodKey
from .validate import CellReader, Parser, Row, typed, typed_or_none

WORK_COLUMNS = ("occupation_code", "started_on", "ended_on", "employer_name", "related_to")
DIPLOMA_COLUMNS = ("school_type", "stream", "graduated_on", "current_graduate", "major_code", "school_name")
YES = ("是", "y", "yes", "true", "1", "应届", "√")
NO = ("否", "n", "no", "false", "0", "非应届", "×")


@dataclass(frozen=True)
class KnownPeriod:
    id: int
    attestation: Attestation
    employer_name: str | None
    ended_on: date | None
    related_to_id: int | None


@dataclass(frozen=True)
class KnownDiploma:
    id: int
    attestation: Attestation
    school_name: str | None
    graduated_on: date | None
    is_current_graduate: bool


def _names(group: str, extra: dict[str, tuple[str, ...]]) -> dict[str, str]:
    names = {}
    for code, label in vocabulary(group).items():
        for name in (code, label.zh, label.en, *extra.get(code, ())):
            if name:
                names[choice_key(name)] = code
    return names


def parse_yes_no(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    text = choice_key(fold(raw))
    if text in {choice_key(word) for word in YES}:
        return True
    if text in {choice_key(word) for word in NO}:
        return False
    raise CellProblem(ImportRejected("unknown_value", what=Text("应届毕业生", "current-year student"),
                                     choices=Text("是、否", "yes / no")))


def fact_parsers() -> dict[str, Parser]:
    schools = _names("school_types", {"technician_college": ("技师学院",), "junior_college": ("专科", "高职专科")})
    streams = _names("streams", {"none": ("无", "none", "—", "-")})
    listed_schools = Text("技工学校、高级技工学校、技师学院、中等职业学校、高等职业学校、大专、本科、硕士研究生",
                          "technical school … master's degree")
    listed_streams = Text("中级工班、高级工班、预备技师班", "intermediate / senior / preparatory technician class")
    return {
        "occupation_code": parse_occupation_code, "related_to": parse_occupation_code, "major_code": parse_occupation_code,
        "started_on": parse_date, "ended_on": parse_date, "graduated_on": parse_date, "work_started_on": parse_date,
        "employer_name": clean_person_name, "school_name": clean_person_name, "current_graduate": parse_yes_no,
        "school_type": lambda raw: parse_choice(raw, schools, Text("学校类型", "school type"), listed_schools),
        "stream": lambda raw: parse_choice(raw, streams, Text("班级类型", "stream"), listed_streams),
    }


def current_facts(session: Session, worker_ids: Iterable[int]) -> tuple[dict[PeriodKey, KnownPeriod],
                                                                        dict[DiplomaKey, KnownDiploma]]:
    """The workers' current work periods and diplomas (attested or claimed), by natural key."""
    periods: dict[PeriodKey, KnownPeriod] = {}
    diplomas: dict[DiplomaKey, KnownDiploma] = {}
    for batch in in_list_batches(session, set(worker_ids)):
        for p in session.scalars(select(WorkPeriod).where(one_of(session, WorkPeriod.worker_id, batch),
                                                          WorkPeriod.state == FactState.CURRENT)):
            periods[(p.worker_id, p.occupation_id, p.started_on)] = KnownPeriod(
                p.id, p.attestation, p.employer_name, p.ended_on, p.related_to_id)
        for d in session.scalars(select(Diploma).where(one_of(session, Diploma.worker_id, batch),
                                                       Diploma.state == FactState.CURRENT)):
            diplomas[(d.worker_id, d.school_type, d.stream, d.major_occupation_id)] = KnownDiploma(
                d.id, d.attestation, d.school_name, d.graduated_on, d.is_current_graduate)
    return periods, diplomas


class FactChecker:
    """Checks the fact columns of rows whose worker is known, collecting the facts to write in `facts`.

    `compare`: an attested fact already on record with the same key must say the same (the work-history kind);
    without it, a fact already on record is simply left as it is (appraisal results' extra columns)."""

    def __init__(self, session: Session, reader: CellReader, rows: list[Row], worker_ids: Iterable[int], *,
                 today: date, compare: bool, facts: list[NewFact]) -> None:
        self.reader, self.today, self.compare, self.facts = reader, today, compare, facts
        codes = {v for row in rows for key in ("occupation_code", "related_to", "major_code")
                 if row.ok(key) and isinstance(v := row.values.get(key), str)}
        self.occupations = occupations_by_code(session, codes)
        names = {v for row in rows if row.ok("employer_name") and isinstance(v := row.values.get("employer_name"), str)}
        self.employers = dict(session.execute(select(Institution.name, Institution.id).where(
            Institution.name.in_(names))).all()) if names else {}
        self.periods, self.diplomas = current_facts(session, worker_ids)
        self.existing = 0
        self._seen: dict[tuple[object, ...], int] = {}

    def occupation(self, row: Row, key: str) -> Occupation | None:
        code = typed_or_none(row.values, key, str)
        if code is None or not row.ok(key):
            return None
        found = self.occupations.get(code)
        if found is None:
            self.reader.fail(row, key, ValidationFailed("unknown_occupation", occupation=code))
        return found

    def _require(self, row: Row, keys: tuple[str, ...]) -> bool:
        """All of `keys` present (a blank one is a problem of its own); False if any is missing."""
        missing = [key for key in keys if row.values.get(key) is None and row.ok(key)]
        for key in missing:
            self.reader.fail(row, key, ValidationFailed("required"), "")
        return not missing and row.ok(*keys)

    def _first(self, row: Row, key: tuple[object, ...], column: str) -> bool:
        first = self._seen.setdefault(key, row.number)
        if first != row.number and self.compare:
            self.reader.fail(row, column, ImportRejected("duplicate_row", row=first, key=Text("同一条记录", "the same fact")))
        return first == row.number

    def _report(self, row: Row, errors: list[ValidationFailed], columns: dict[str | None, str]) -> bool:
        for error in errors:
            self.reader.fail(row, columns.get(error.field, next(iter(columns.values()))), error)
        return not errors

    def _differs(self, row: Row, differing: list[str]) -> None:
        headers = [self.reader.layout.header(key) for key in differing]
        self.reader.fail(row, differing[0], ImportRejected("differs_from_record",
                                                          fields=("、".join(headers), ", ".join(headers))))

    def work_period(self, row: Row, worker_id: int, occupation: Occupation | None = None,
                    start_key: str = "started_on") -> None:
        """The row's work period (its occupation from the row, or the result's)."""
        if occupation is None:
            if not self._require(row, ("occupation_code", start_key)):
                return
            occupation = self.occupation(row, "occupation_code")
        related = self.occupation(row, "related_to")
        if occupation is None or not row.ok(start_key, "ended_on", "related_to", "employer_name"):
            return
        v = row.values
        started_on, ended_on = typed(v, start_key, date), typed_or_none(v, "ended_on", date)
        errors = work_period_problems(occupation_id=occupation.id, related_to_id=related.id if related else None,
                                      started_on=started_on, ended_on=ended_on, today=self.today)
        if not self._report(row, errors, {"started_on": start_key, "ended_on": "ended_on", "related_to": "related_to"}):
            return
        key = (worker_id, occupation.id, started_on)
        if not self._first(row, ("work",) + key, start_key):
            return
        employer_name = typed_or_none(v, "employer_name", str)
        known = self.periods.get(key)
        if known is not None and known.attestation is Attestation.ATTESTED:
            differing = [k for k, on_record, given in (
                ("ended_on", known.ended_on, ended_on), ("employer_name", known.employer_name, employer_name),
                ("related_to", known.related_to_id, related.id if related else None)) if on_record != given]
            if self.compare and differing:
                self._differs(row, differing)
            else:
                self.existing += 1
            return
        self.facts.append(NewWorkPeriod(
            row=row.number, worker_id=worker_id, occupation=occupation, started_on=started_on, ended_on=ended_on,
            related_to=related, employer_id=self.employers.get(employer_name) if employer_name else None,
            employer_name=employer_name, replaces_id=known.id if known else None))

    def diploma(self, row: Row, worker_id: int, major: Occupation | None = None) -> None:
        """The row's diploma (its major from the row, or the result's occupation)."""
        if not self._require(row, ("school_type",)):
            return
        if "major_code" in row.values:
            major = self.occupation(row, "major_code")
        if not row.ok(*DIPLOMA_COLUMNS):
            return
        v = row.values
        school_type, stream = typed(v, "school_type", str), typed_or_none(v, "stream", str) or "none"
        graduated_on, current = typed_or_none(v, "graduated_on", date), bool(v.get("current_graduate"))
        errors = diploma_problems(school_type=school_type, stream=stream, graduated_on=graduated_on,
                                  is_current_graduate=current, today=self.today)
        if not self._report(row, errors, {"school_type": "school_type", "stream": "stream",
                                          "graduated_on": "graduated_on"}):
            return
        key = (worker_id, school_type, stream, major.id if major else None)
        if not self._first(row, ("diploma",) + key, "school_type"):
            return
        school_name = typed_or_none(v, "school_name", str)
        known = self.diplomas.get(key)
        if known is not None and known.attestation is Attestation.ATTESTED:
            differing = [k for k, on_record, given in (
                ("graduated_on", known.graduated_on, graduated_on), ("current_graduate", known.is_current_graduate, current),
                ("school_name", known.school_name, school_name)) if on_record != given and k in v]
            if self.compare and differing:
                self._differs(row, differing)
            else:
                self.existing += 1
            return
        self.facts.append(NewDiploma(row=row.number, worker_id=worker_id, school_type=school_type, stream=stream,
                                     major_occupation=major, graduated_on=graduated_on, is_current_graduate=current,
                                     school_name=school_name, replaces_id=known.id if known else None))


def has_any(row: Row, keys: Iterable[str]) -> bool:
    """Whether any of these cells holds something (or failed to parse: it held something)."""
    return any(row.values.get(key) is not None or not row.ok(key) for key in keys)


def with_facts(histories: dict[int, WorkerHistory], facts: Iterable[NewFact]) -> dict[int, WorkerHistory]:
    """The histories as they will be once the facts are written: what eligibility judges the rows by."""
    for fact in facts:
        history = histories.get(fact.worker_id)
        if history is None:
            continue
        if isinstance(fact, NewWorkPeriod):
            codes = [fact.occupation.code] + ([fact.related_to.code] if fact.related_to else [])
            added = tuple(WorkFact(code, fact.started_on, fact.ended_on) for code in codes)
            history = dataclasses.replace(history, work_periods=(*history.work_periods, *added))
        else:
            major = fact.major_occupation.code if fact.major_occupation else None
            diploma = DiplomaFact(fact.school_type, fact.stream, major, fact.graduated_on, fact.is_current_graduate)
            history = dataclasses.replace(history, diplomas=(*history.diplomas, diploma))
        histories[fact.worker_id] = history
    return histories
