"""Write a validated plan, set-based, inside the caller's one transaction: all of it or (on error) none.

Certificates first (numbers allocated per series after taking the audit chain's lock, so that concurrent
writers queue instead of racing for the same serials), then the results that point at them, then one
audit event per created record appended in bulk. Inserts are plain executemany in chunks; the new ids are
read back afterwards by unique keys (certificate numbers, the job's natural keys), a handful of queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from ladder.frameworks import get_level

from ..bulk import in_list_batches, insert_rows
from ..errors import ImportRejected
from ..models import (
    AppraisalResult,
    Certificate,
    CertificateKind,
    CertificateRoute,
    CertificateStatus,
    ImportJob,
    Institution,
    Occupation,
    TrainingRecord,
    User,
    utcnow,
)
from ..services.applications import link_imported_results
from ..services.audit import NewEvent, lock_chain, record_many
from ..services.certificates import FRAMEWORK, NumberSeries, certificate_snapshot, number_series
from ..services.tallies import count_inserted_where
from ..services.training import level_label, training_snapshot
from .lookups import latest_serials
from .report import Plan
from .validate_results import NewResult
from .validate_training import NewTraining


@dataclass(frozen=True)
class _IssuedCertificate:
    """What `certificate_snapshot` reads of a certificate, for rows written without ORM objects."""

    number: str
    worker_id: int
    occupation: Occupation
    level: str
    issued_on: date
    institution_id: int
    route: CertificateRoute = CertificateRoute.REGULAR
    status: CertificateStatus = CertificateStatus.VALID



def _insert(session: Session, table: Table, rows: list[dict[str, object]]) -> None:
    """No RETURNING (SQLite can only honour it one row per statement): ids are read back by unique keys."""
    insert_rows(session, table, rows)


def _certificate_ids(session: Session, numbers: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in in_list_batches(session, numbers):
        found.update((number, certificate_id) for number, certificate_id in session.execute(
            select(Certificate.number, Certificate.id).where(Certificate.number.in_(chunk))))
    return found


def write_results(session: Session, plan: Plan[NewResult], *, job: ImportJob, institution: Institution,
                  by: User | None) -> int:
    records = plan.records
    lock_chain(session)
    numbers = _numbers(session, records, institution)
    now = utcnow()
    _insert(session, Certificate.__table__, [
        _certificate_values(new, *numbers[index], institution_id=institution.id, now=now)
        for index, new in enumerate(records) if new.passed])
    certificate_id = _certificate_ids(session, [number for number, _ in numbers.values()])
    _insert(session, AppraisalResult.__table__, [
        {**new.insert_values(institution.id, job.id), "created_at": now,
         "certificate_id": certificate_id[numbers[index][0]] if new.passed else None}
        for index, new in enumerate(records)])
    of_job = AppraisalResult.import_job_id == job.id
    # Counted set-based, before anything changes them through the ORM: the certificates are the results' own.
    count_inserted_where(session, Certificate, Certificate.id.in_(select(AppraisalResult.certificate_id).where(of_job)))
    count_inserted_where(session, AppraisalResult, of_job)
    keys = (AppraisalResult.worker_id, AppraisalResult.occupation_id, AppraisalResult.level,
            AppraisalResult.exam_date)
    result_id = {tuple(key): found for found, *key in session.execute(select(AppraisalResult.id, *keys).where(of_job))}
    result_ids = [result_id[new.key] for new in records]
    written = record_many(session, actor=by, events=_result_events(records, result_ids, numbers, institution))
    link_imported_results(session, job_id=job.id, institution_id=institution.id, by=by)
    return written


def _certificate_values(new: NewResult, number: str, scheme: str, *, institution_id: int, now: datetime) -> dict[str, object]:
    kind = CertificateKind.QUALIFICATION if scheme == "legacy16" else CertificateKind.SKILL_LEVEL
    return {"number": number, "number_scheme": scheme, "needs_review": new.needs_review, "kind": kind,
            "worker_id": new.worker_id, "occupation_id": new.occupation.id, "framework": FRAMEWORK,
            "level": new.level, "issued_on": new.exam_date, "institution_id": institution_id,
            "route": CertificateRoute.REGULAR, "status": CertificateStatus.VALID, "created_at": now}


def _result_events(records: list[NewResult], result_ids: list[int], numbers: dict[int, tuple[str, str]],
                   institution: Institution) -> Iterator[NewEvent]:
    """What `record_appraisal_result` appends for each row: the certificate issued, then the sitting."""
    for index, (new, result_id) in enumerate(zip(records, result_ids, strict=True)):
        number = numbers[index][0] if index in numbers else None
        if number is not None:
            certificate = _IssuedCertificate(number, new.worker_id, new.occupation, new.level, new.exam_date,
                                             institution.id)
            yield NewEvent("certificate.issued", "certificate", number,
                           after=certificate_snapshot(certificate))
        yield NewEvent("appraisal.recorded", "appraisal_result", result_id, after={
            "worker_id": new.worker_id, "institution_id": institution.id, "occupation": new.occupation.code,
            "level": new.level, "exam_date": new.exam_date.isoformat(), "theory": str(new.theory),
            "practical": str(new.practical), "review": None if new.review is None else str(new.review),
            "passed": new.passed, "outcome": new.outcome, "certificate": number})


def _numbers(session: Session, records: list[NewResult],
             institution: Institution) -> dict[int, tuple[str, str]]:
    """Record index -> (certificate number, scheme) of each pass: the file's own number, else the next free
    serial of the institution's series for that year and level."""
    numbers = {index: (new.number, new.scheme) for index, new in enumerate(records)
               if new.passed and new.number and new.scheme is not None}  # a number from the file has its scheme
    wanted: dict[tuple[str, int], list[int]] = defaultdict(list)
    series_of: dict[tuple[str, int], NumberSeries] = {}
    key_of: dict[tuple[str, date], tuple[str, int]] = {}  # (level, exam date) -> its series: a session has few
    for index, new in enumerate(records):
        if new.passed and not new.number:
            key = key_of.get((new.level, new.exam_date))
            if key is None:
                digit = get_level(new.level).nat_digit
                assert digit is not None  # an appraised level (validation checked it)
                series = number_series(institution, digit, new.exam_date)
                key = key_of[(new.level, new.exam_date)] = (series.prefix, len(series.number(1)))
                series_of[key] = series
            wanted[key].append(index)
    latest = latest_serials(session, wanted)
    given = [number for number, _ in numbers.values()]
    for (prefix, length), indexes in wanted.items():
        series = series_of[(prefix, length)]
        own = [n for n in given if n.startswith(prefix) and len(n) == length and n[len(prefix):].isdigit()]
        last = max([n for n in (latest[prefix], *own) if n], default=None)
        serial = int(last[len(prefix):]) if last else 0
        for index in indexes:
            serial += 1
            if serial >= 10 ** series.serial_width:
                new = records[index]
                raise ImportRejected("series_full", year=new.exam_date.year, level=level_label(new.level))
            numbers[index] = (series.number(serial), series.scheme)
    return numbers


def write_training(session: Session, plan: Plan[NewTraining], *, job: ImportJob, by: User | None) -> int:
    records = plan.records
    now = utcnow()
    _insert(session, TrainingRecord.__table__,
            [{**new.insert_values(job.id), "created_at": now} for new in records])
    keys = (TrainingRecord.worker_id, TrainingRecord.occupation_id, TrainingRecord.target_level,
            TrainingRecord.started_on)
    of_job = TrainingRecord.import_job_id == job.id
    record_id = {tuple(key): found for found, *key in session.execute(select(TrainingRecord.id, *keys).where(of_job))}
    count_inserted_where(session, TrainingRecord, of_job)
    return record_many(session, actor=by, events=(
        NewEvent("training.recorded", "training_record", record_id[new.key], after=training_snapshot(new))
        for new in records))
