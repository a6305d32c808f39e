"""Work history: work periods and diplomas of registered workers, a row recording one or both, with the rules
of `credentials.services.worker_facts`. The institution's records are attested, as its clerk's would be."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from ..errors import ImportRejected
from ..identity import clean_person_name
from ..models import ImportKind, Institution
from ..spreadsheets import Row as SheetRow
from ..vault import PersonalDataVault
from .columns import KIND_COLUMNS, Layout
from .lookups import workers_by_hash
from .new_facts import NewFact
from .report import Plan
from .validate import CellReader, Parser, Progress, check_worker, id_hasher, read_rows, typed
from .validate_facts import DIPLOMA_COLUMNS, WORK_COLUMNS, FactChecker, fact_parsers, has_any

COLUMNS = KIND_COLUMNS[ImportKind.WORK_HISTORY]


def parsers(vault: PersonalDataVault) -> dict[str, Parser]:
    return {"national_id": id_hasher(vault), "name": clean_person_name, **fact_parsers()}


def plan_work_history(session: Session, vault: PersonalDataVault, layout: Layout, rows: list[SheetRow], *,
                      institution: Institution, today: date, plan: Plan[NewFact],
                      progress: Progress | None) -> Plan[NewFact]:
    reader = CellReader(layout, COLUMNS, parsers(vault), plan.problems)
    parsed = read_rows(reader, rows, progress and (lambda done: progress(done // 2)))
    workers = workers_by_hash(session, (typed(row.values, "national_id", str) for row in parsed if row.ok("national_id")))
    checker = FactChecker(session, reader, parsed, [worker.id for worker in workers.values()], today=today,
                          compare=True, facts=plan.records)
    for index, row in enumerate(parsed, start=1):
        worker = check_worker(reader, row, workers)
        work, diploma = has_any(row, WORK_COLUMNS), has_any(row, DIPLOMA_COLUMNS)
        if not (work or diploma):
            reader.fail(row, "occupation_code", ImportRejected("nothing_to_record"), "")
        elif worker is not None:
            if work:
                checker.work_period(row, worker.id)
            if diploma:
                checker.diploma(row, worker.id)
        if progress and index % 2_000 == 0:
            progress(len(rows) // 2 + index // 2)
    plan.existing = checker.existing
    return plan
