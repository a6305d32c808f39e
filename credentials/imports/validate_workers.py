"""Registering workers in bulk: the rules of `credentials.services.workers.register_worker`, row by row.

A worker already registered with the same name, city, employer and target groups is "already present"; one
registered with different data is a row problem (an import never overwrites a record). The national ID is
sealed (blind index, ciphertext, masked form) as it is read, and goes no further in the clear.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ladder.i18n import Text
from ladder.subsidies import training_vocabulary

from ..bulk import in_list_batches, one_of
from ..errors import ImportRejected, ValidationFailed
from ..identity import InvalidNationalId, clean_person_name
from ..models import ImportKind, Institution, TargetGroup, Worker
from ..queries.reference import city_named
from ..services.workers import name_problem
from ..spreadsheets import Row as SheetRow
from ..vault import PersonalDataVault, SealedId
from .cells import CellProblem, choice_key, fold, national_id_text, parse_date
from .columns import KIND_COLUMNS, Layout
from .report import Plan
from .validate import CellReader, Parser, Progress, Row, Seen, read_rows, typed, typed_or_none

COLUMNS = KIND_COLUMNS[ImportKind.WORKERS]
_SEPARATORS = re.compile(r"[;；,，、\n]+")
_ITEM_DATE = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?|\d{8}")
Groups = tuple[tuple[TargetGroup, date | None], ...]


@dataclass(frozen=True)
class NewWorker:
    row: int
    sealed: SealedId
    name: str
    city_code: str
    employer_id: int | None
    employer_name: str | None
    groups: tuple[tuple[TargetGroup, date], ...]

    def insert_values(self, institution_id: int) -> dict[str, object]:
        parsed = self.sealed.parsed
        return {"name": self.name, "id_hash": self.sealed.hash, "id_ciphertext": self.sealed.ciphertext,
                "id_masked": self.sealed.masked, "birth_date": parsed.birth_date, "gender": parsed.gender,
                "city_code": self.city_code, "employer_id": self.employer_id, "employer_name": self.employer_name,
                "registered_by_institution_id": institution_id}


def _seal(vault: PersonalDataVault) -> Parser:
    def parse(raw: object) -> SealedId:
        try:
            return vault.seal(national_id_text(raw))
        except InvalidNationalId as error:
            raise CellProblem(ValidationFailed("national_id", reason=error)) from None
    return parse


def _city(session: Session) -> Parser:
    def parse(raw: object) -> str:
        text = fold(raw)
        city = city_named(session, text)
        if city is None:
            raise CellProblem(ValidationFailed("unknown_city", city=text))
        return city.code
    return parse


def _group_names() -> dict[str, TargetGroup]:
    names = {}
    for code, label in training_vocabulary("target_groups").items():
        for name in (code, label.zh, label.en):
            names[choice_key(name)] = TargetGroup(code)
    names[choice_key("农民工")] = TargetGroup.RURAL_MIGRANT
    names[choice_key("退伍军人")] = TargetGroup.VETERAN
    return names


def parse_groups(raw: object, names: dict[str, TargetGroup]) -> Groups:
    """"农村转移劳动力 2024-03-01；退役军人" → the groups, each with its own date when written after it."""
    found = []
    for item in _SEPARATORS.split(fold(raw)):
        when = _ITEM_DATE.search(item)
        name = choice_key(re.sub(r"[:：（）()\-]", "", (item[:when.start()] + item[when.end():]) if when else item))
        if not name:
            continue
        group = names.get(name)
        if group is None:
            listed = "、".join(label.zh for label in training_vocabulary("target_groups").values())
            raise CellProblem(ImportRejected("unknown_value", what=Text("培训补贴对象类别", "target group"),
                                             choices=Text(listed, ", ".join(g.value for g in TargetGroup))))
        found.append((group, parse_date(when.group(0)) if when else None))
    return tuple(found)


def parsers(vault: PersonalDataVault, session: Session) -> dict[str, Parser]:
    names = _group_names()
    return {"national_id": _seal(vault), "name": clean_person_name, "city": _city(session), "employer_name": clean_person_name,
            "target_groups": lambda raw: parse_groups(raw, names), "groups_since": parse_date}


def registered(session: Session, hashes: Iterable[str]) -> dict[str, Worker]:
    found = {}
    for batch in in_list_batches(session, set(hashes)):
        for worker in session.scalars(select(Worker).where(one_of(session, Worker.id_hash, batch))
                                      .options(selectinload(Worker.target_groups))):
            found[worker.id_hash] = worker
    return found


def plan_workers(session: Session, vault: PersonalDataVault, layout: Layout, rows: list[SheetRow], *,
                 institution: Institution, today: date, plan: Plan[NewWorker], progress: Progress | None) -> Plan[NewWorker]:
    reader = CellReader(layout, COLUMNS, parsers(vault, session), plan.problems)
    parsed = read_rows(reader, rows, progress and (lambda done: progress(done // 2)))
    known = registered(session, (typed(row.values, "national_id", SealedId).hash for row in parsed if row.ok("national_id")))
    names = {v for row in parsed if isinstance(v := row.values.get("employer_name"), str)}
    employers = dict(session.execute(select(Institution.name, Institution.id).where(Institution.name.in_(names)))
                     .all()) if names else {}
    seen = Seen(Text("身份证号", "national ID"))
    for index, row in enumerate(parsed, start=1):
        _check(reader, row, seen, known, employers, today, plan)
        if progress and index % 2_000 == 0:
            progress(len(rows) // 2 + index // 2)
    return plan


def _groups(reader: CellReader, row: Row, today: date) -> tuple[tuple[TargetGroup, date], ...] | None:
    """Each group with the day it began: its own date, else the groups-since column's."""
    since = typed_or_none(row.values, "groups_since", date)
    dated: dict[TargetGroup, date] = {}
    cell = row.values.get("target_groups")
    items: Groups = cell if isinstance(cell, tuple) else ()
    for group, own in items:
        label = training_vocabulary("target_groups")[group.value]
        on = own or since
        if on is None:
            reader.fail(row, "target_groups", ImportRejected("group_needs_date", group=label))
        elif on > today:
            reader.fail(row, "target_groups" if own else "groups_since", ValidationFailed("date_in_future"))
        elif dated.setdefault(group, on) != on:
            reader.fail(row, "target_groups", ImportRejected("group_repeated", group=label))
    return None if not row.ok("target_groups", "groups_since") else tuple(sorted(dated.items()))


def _check(reader: CellReader, row: Row, seen: Seen, known: dict[str, Worker], employers: dict[str, int],
           today: date, plan: Plan[NewWorker]) -> None:
    name = typed_or_none(row.values, "name", str)
    if name is not None and row.ok("name") and (problem := name_problem(name)) is not None:
        reader.fail(row, "name", problem)
    groups = _groups(reader, row, today) if row.ok("target_groups", "groups_since") else None
    if not row.ok("national_id"):
        return
    sealed = typed(row.values, "national_id", SealedId)
    first = seen.first_row((sealed.hash,), row.number)
    if first is not None:
        reader.fail(row, "national_id", seen.duplicate(first))
        return
    if row.failed or groups is None or name is None:
        return
    city_code, employer_name = typed(row.values, "city", str), typed_or_none(row.values, "employer_name", str)
    worker = known.get(sealed.hash)
    if worker is None:
        plan.records.append(NewWorker(row.number, sealed, name, city_code, employers.get(employer_name or ""),
                                      employer_name, groups))
        return
    on_record = (("name", worker.name), ("city", worker.city_code), ("employer_name", worker.employer_name),
                 ("target_groups", tuple(sorted((g.group, g.valid_from) for g in worker.target_groups))))
    given = {"name": name, "city": city_code, "employer_name": employer_name, "target_groups": groups}
    differing = [key for key, value in on_record if given[key] != value]
    if differing:
        headers = [reader.layout.header(key) for key in differing]
        reader.fail(row, differing[0], ImportRejected("differs_from_record",
                                                      fields=("、".join(headers), ", ".join(headers))))
    else:
        plan.existing += 1
