"""One person entered twice: candidate pairs of worker records, and the evidence a bureau decides on.

ID numbers are stored encrypted, so candidates are found by SQL grouping first and only the candidates' numbers
are decrypted, never the whole registry's:
- the same name and birth date (`ix_workers_name_birth_date`): the same number in two forms (15 and 18 digits,
  full-width, a lower-case x, kept before registration normalised them), a mistyped digit or two adjacent
  digits swapped outside the birth date, or only the same name, birth date, gender and city (weaker);
- the same name, gender and city with birth dates one typo apart (one digit, or two adjacent digits swapped):
  a typo inside the birth-date digits of the number changes the birth date read from it.
Pairs are ordered (lower id first); a pair the bureau dismissed as two people, or a record already merged, is
never a candidate. Evidence never shows a full ID: the masked forms and the positions that differ.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import combinations
from typing import Any

from sqlalchemy import ColumnElement, Select, Tuple, func, select, true, tuple_
from sqlalchemy.orm import Session, aliased, selectinload

from ..identity import InvalidNationalId, check_character, normalize_national_id, parse_national_id
from ..models import (
    AppraisalResult,
    Certificate,
    DismissedDuplicate,
    DuplicateKind,
    Institution,
    Role,
    TrainingRecord,
    User,
    Worker,
    WorkerMerge,
)
from ..models.references import Reference, worker_references
from ..vault import PersonalDataVault
from .scopes import worker_scope

STRENGTH = {DuplicateKind.SAME_ID: "certain", DuplicateKind.ONE_DIGIT: "likely", DuplicateKind.SWAPPED: "likely",
            DuplicateKind.SAME_PERSON_DETAILS: "possible"}
_ORDER = list(DuplicateKind)
# The merge's own bookkeeping names workers too; it records decisions about the two records and never moves.
BOOKKEEPING_TABLES = frozenset({WorkerMerge.__tablename__, DismissedDuplicate.__tablename__})


@dataclass(frozen=True)
class DuplicatePair:
    first: Worker  # the lower id
    second: Worker
    kind: DuplicateKind
    differing_positions: tuple[int, ...]  # 1-based positions of the 18 characters that differ

    @property
    def strength(self) -> str:
        return STRENGTH[self.kind]

    @property
    def cross_city(self) -> bool:
        return self.first.city_code != self.second.city_code

    @property
    def birth_dates_differ(self) -> bool:
        return self.first.birth_date != self.second.birth_date


@dataclass(frozen=True)
class RecordEvidence:
    """What one record of a pair holds, for deciding which is which (no full ID)."""

    worker: Worker
    certificates: int
    training: int
    results: int
    registered_by: Institution | None
    account: User | None
    rows: dict[str, int]  # "table.column" -> rows naming this worker (what a merge would move)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def duplicate_pairs(session: Session, vault: PersonalDataVault, user: User) -> list[DuplicatePair]:
    """Candidate pairs where either record is in the officer's region (admins: all), strongest kind first."""
    if user.role not in (Role.BUREAU_OFFICER, Role.ADMIN):
        return []
    return _pairs(session, vault, worker_scope(user))


def all_duplicate_pairs(session: Session, vault: PersonalDataVault) -> list[DuplicatePair]:
    """Every candidate pair in the registry (the command line)."""
    return _pairs(session, vault, true())


def find_pair(session: Session, vault: PersonalDataVault, user: User, first_id: int,
              second_id: int) -> DuplicatePair | None:
    """The pair of these two records when it is a candidate the officer may see, else None."""
    if first_id >= second_id or user.role not in (Role.BUREAU_OFFICER, Role.ADMIN):
        return None
    workers = session.scalars(select(Worker).where(Worker.id.in_((first_id, second_id)),
                                                   Worker.merged_into_id.is_(None))).all()
    visible = session.scalar(select(func.count()).select_from(Worker).where(
        Worker.id.in_((first_id, second_id)), worker_scope(user)))
    if len(workers) != 2 or not visible or _dismissed(session, [(first_id, second_id)]):
        return None
    first, second = sorted(workers, key=lambda worker: worker.id)
    return classify_pair(vault, first, second)


def classify_pair(vault: PersonalDataVault, first: Worker, second: Worker) -> DuplicatePair | None:
    """Whether two records look like one person, and how: None when they are two people (or unreadable)."""
    if first.name != second.name:
        return None
    try:
        one, other = _canonical(vault.reveal(first.id_ciphertext)), _canonical(vault.reveal(second.id_ciphertext))
    except ValueError:  # DecryptionError, or an old row that was not ASCII: unreadable, so never a candidate
        return None
    positions = tuple(i + 1 for i in range(max(len(one), len(other)))
                      if i >= len(one) or i >= len(other) or one[i] != other[i])
    kind = _id_kind(one, other)
    if kind is None and first.birth_date == second.birth_date and first.gender == second.gender \
            and first.city_code == second.city_code:
        kind = DuplicateKind.SAME_PERSON_DETAILS
    if kind is None:
        return None
    return DuplicatePair(first, second, kind, positions)


def pair_evidence(session: Session, pair: DuplicatePair) -> tuple[RecordEvidence, RecordEvidence]:
    return _evidence(session, pair.first), _evidence(session, pair.second)


def movable_references() -> list[Reference]:
    """Every column naming a worker whose rows a merge moves to the survivor."""
    return [reference for reference in worker_references() if reference.table.name not in BOOKKEEPING_TABLES]


def rows_naming(session: Session, worker_id: int) -> dict[str, int]:
    """How many rows of each movable column name this worker (only the columns with some)."""
    counts = {}
    for reference in movable_references():
        count = session.scalar(select(func.count()).select_from(reference.table)
                               .where(reference.column == worker_id)) or 0
        if count:
            counts[reference.name] = count
    return counts


# ---- detection ---------------------------------------------------------------------------------------------

def _pairs(session: Session, vault: PersonalDataVault, scope: ColumnElement[bool]) -> list[DuplicatePair]:
    candidates = set(_same_name_and_birth(session, scope)) | set(_birth_date_typos(session, scope))
    candidates -= _dismissed(session, candidates)
    ids = {worker_id for pair in candidates for worker_id in pair}
    workers = {w.id: w for w in session.scalars(select(Worker).where(Worker.id.in_(ids))
                                                .options(selectinload(Worker.city)))} if ids else {}
    found = [pair for first, second in sorted(candidates)
             if (pair := classify_pair(vault, workers[first], workers[second])) is not None]
    return sorted(found, key=lambda pair: (_ORDER.index(pair.kind), pair.first.id, pair.second.id))


def _same_name_and_birth(session: Session, scope: ColumnElement[bool]) -> Iterator[tuple[int, int]]:
    """Pairs in groups of the same name and birth date with a member in scope."""
    keys = ("name", "birth_date")
    rows = session.execute(select(Worker.id, Worker.name, Worker.birth_date).where(
        Worker.merged_into_id.is_(None), _key_of(Worker, keys).in_(_groups(keys, scope)))).all()
    groups: dict[tuple[str, date], list[int]] = defaultdict(list)
    for worker_id, name, birth in rows:
        groups[(name, birth)].append(worker_id)
    for members in groups.values():
        yield from combinations(sorted(members), 2)


def _birth_date_typos(session: Session, scope: ColumnElement[bool]) -> Iterator[tuple[int, int]]:
    """Pairs of the same name, gender and city whose birth dates are one typo apart."""
    keys = ("name", "gender", "city_code")
    rows = session.execute(select(Worker.id, Worker.birth_date, Worker.name, Worker.gender, Worker.city_code).where(
        Worker.merged_into_id.is_(None), _key_of(Worker, keys).in_(_groups(keys, scope, distinct_births=True)))).all()
    groups: dict[tuple[object, ...], list[tuple[int, str]]] = defaultdict(list)
    for worker_id, birth, *key in rows:
        groups[tuple(key)].append((worker_id, f"{birth:%Y%m%d}"))
    for members in groups.values():
        yield from _typo_neighbours(members)


def _key_of(model: type[Worker], keys: tuple[str, ...]) -> Tuple:
    return tuple_(*(getattr(model, key) for key in keys))


def _groups(keys: tuple[str, ...], scope: ColumnElement[bool], *, distinct_births: bool = False) -> Select[Any]:
    """The key values shared by two or more records, at least one of them in scope (the scope's keys first, so
    that a city's search starts from the city's records)."""
    other = aliased(Worker)
    other_keys = [getattr(other, key) for key in keys]
    in_scope = select(*(getattr(Worker, key) for key in keys)).where(Worker.merged_into_id.is_(None), scope)
    many = (func.count(func.distinct(other.birth_date)) if distinct_births else func.count()) > 1
    return (select(*other_keys).where(other.merged_into_id.is_(None), tuple_(*other_keys).in_(in_scope.correlate(None)))
            .group_by(*other_keys).having(many).correlate(None))


def _typo_neighbours(members: Iterable[tuple[int, str]]) -> Iterator[tuple[int, int]]:
    """Pairs whose 8-digit birth dates differ in one digit or by two adjacent digits swapped: each date is filed
    under its one-wildcard forms, so pairs are found without comparing every two members."""
    buckets: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for worker_id, text in members:
        for i in range(len(text)):
            buckets[f"{i}:{text[:i]}?{text[i + 1:]}"].append((worker_id, text))
    seen: set[tuple[int, int]] = set()
    for bucket in buckets.values():
        for (a, da), (b, db) in combinations(bucket, 2):
            pair = (min(a, b), max(a, b))
            if da != db and pair not in seen:
                seen.add(pair)
                yield pair
    by_date: dict[str, list[int]] = defaultdict(list)
    for worker_id, text in members:
        by_date[text].append(worker_id)
    for text, ids in by_date.items():
        for i in range(len(text) - 1):
            swapped = text[:i] + text[i + 1] + text[i] + text[i + 2:]
            if swapped != text:
                for a in ids:
                    for b in by_date.get(swapped, ()):
                        pair = (min(a, b), max(a, b))
                        if pair not in seen:
                            seen.add(pair)
                            yield pair


def _dismissed(session: Session, pairs: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
    wanted = set(pairs)
    if not wanted:
        return set()
    ids = {worker_id for pair in wanted for worker_id in pair}
    rows = session.execute(select(DismissedDuplicate.first_worker_id, DismissedDuplicate.second_worker_id)
                           .where(DismissedDuplicate.first_worker_id.in_(ids))).all()
    return {(first, second) for first, second in rows} & wanted


# ---- comparing two numbers ---------------------------------------------------------------------------------

def _canonical(raw: str) -> str:
    """The 18-character form; an old row that never passed validation is compared as typed (normalised)."""
    try:
        return parse_national_id(raw).number
    except InvalidNationalId:
        text = normalize_national_id(raw)
        if len(text) == 15 and text.isdigit():  # an old 15-digit number with an impossible date: upgrade anyway
            text = text[:6] + "19" + text[6:]
            return text + check_character(text)
        return text


def _id_kind(one: str, other: str) -> DuplicateKind | None:
    """Compare the 17 body digits: the check character follows from them, so it differs whenever they do."""
    if one == other:
        return DuplicateKind.SAME_ID
    if len(one) != 18 or len(other) != 18:
        return None
    body = [i for i in range(17) if one[i] != other[i]]
    if len(body) == 1:
        return DuplicateKind.ONE_DIGIT
    if len(body) == 2 and body[1] == body[0] + 1 and (one[body[0]], one[body[1]]) == (other[body[1]], other[body[0]]):
        return DuplicateKind.SWAPPED
    return None


# ---- evidence ----------------------------------------------------------------------------------------------

def _evidence(session: Session, worker: Worker) -> RecordEvidence:
    def count(model: type[Certificate | TrainingRecord | AppraisalResult]) -> int:
        return session.scalar(select(func.count()).select_from(model).where(model.worker_id == worker.id)) or 0

    registered_by = (session.get(Institution, worker.registered_by_institution_id)
                     if worker.registered_by_institution_id is not None else None)
    return RecordEvidence(
        worker=worker, certificates=count(Certificate), training=count(TrainingRecord),
        results=count(AppraisalResult), registered_by=registered_by,
        account=session.scalar(select(User).where(User.worker_id == worker.id)),
        rows=rows_naming(session, worker.id),
    )
