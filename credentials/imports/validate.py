"""Row validation shared by every import kind: read the cells, then the checks about people and codes.

Pass 1 (`CellReader`) turns each row's cells into typed values, remembering each distinct raw value's
outcome (an exam session repeats the same date, levels and scores thousands of times). Pass 2 (the kind's
module) applies the rules, using the services' own rule functions, over data loaded in bulk. A row with
a problem in one column is still checked in the others, so one upload reports every problem.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy.orm import Session

from ..errors import CredentialsError, ImportRejected, ValidationFailed
from ..identity import InvalidNationalId, clean_person_name
from ..models import Occupation
from ..spreadsheets import Formula
from ..spreadsheets import Row as SheetRow
from ..vault import PersonalDataVault
from .cells import CellProblem, formula_problem, is_blank, national_id_text, shown_value
from .columns import Column, Layout
from .lookups import KnownWorker, occupations_by_code, workers_by_hash
from .report import Problems

Parser = Callable[[object], object]
Progress = Callable[[int], None]
PROGRESS_EVERY = 2_000
T = TypeVar("T")


@dataclass(slots=True)
class Row:
    number: int  # as in Excel
    cells: tuple[object, ...]  # as read, to show the offending value
    values: dict[str, object]
    failed: set[str] = field(default_factory=set)

    def ok(self, *keys: str) -> bool:
        return self.failed.isdisjoint(keys)


class CellReader:
    def __init__(self, layout: Layout, columns: tuple[Column, ...], parsers: dict[str, Parser],
                 problems: Problems) -> None:
        self.layout, self.problems = layout, problems
        self._absent = [c.key for c in columns if c.key not in layout.positions]
        self._columns: list[tuple[str, int, bool, Parser, dict[object, object]]] = [
            (c.key, layout.positions[c.key], c.required, parsers[c.key], {}) for c in columns if c.key in layout.positions]

    def read(self, number: int, cells: tuple[object, ...]) -> Row:
        row = Row(number, cells, dict.fromkeys(self._absent))
        for key, position, required, parse, seen in self._columns:
            raw = cells[position] if position < len(cells) else None
            if is_blank(raw):
                row.values[key] = None
                if required:
                    self.fail(row, key, ValidationFailed("required"), "")
                continue
            if isinstance(raw, Formula):
                outcome: object = formula_problem(raw)
            else:
                outcome = seen.get(raw, seen)
                if outcome is seen:
                    try:
                        outcome = parse(raw)
                    except CellProblem as problem:
                        outcome = problem
                    seen[raw] = outcome
            if isinstance(outcome, CellProblem):
                self.fail(row, key, outcome.error, outcome.shown)
            else:
                row.values[key] = outcome
        return row

    def fail(self, row: Row, key: str, error: CredentialsError, value: str | None = None) -> None:
        """A problem with one cell; the value shown defaults to the cell as the file holds it."""
        row.failed.add(key)
        shown = self.raw(row, key) if value is None else value
        self.problems.add(row.number, self.layout.header(key), error, shown)

    def raw(self, row: Row, key: str) -> str:
        position = self.layout.positions.get(key)
        if position is None or position >= len(row.cells):
            return ""
        return shown_value(row.cells[position], masked=key == "national_id")


def read_rows(reader: CellReader, rows: list[SheetRow], progress: Progress | None) -> list[Row]:
    parsed = []
    for index, (number, cells) in enumerate(rows, start=1):
        parsed.append(reader.read(number, cells))
        if progress and index % PROGRESS_EVERY == 0:
            progress(index)
    return parsed


def id_hasher(vault: PersonalDataVault) -> Parser:
    """Cell -> blind index of the national ID, so that the number itself goes no further."""
    def parse(raw: object) -> str:
        try:
            return vault.index(national_id_text(raw))
        except InvalidNationalId as error:
            raise CellProblem(ValidationFailed("national_id", reason=error)) from None
    return parse


def certificate_number_text(raw: object) -> str:
    """A number typed into a General-format cell comes back as a float once it passes 15 digits."""
    if isinstance(raw, float) and not (raw.is_integer() and raw < 1e15):
        raise CellProblem(ImportRejected("number_as_number"))
    return str(int(raw)) if isinstance(raw, int | float) else "".join(str(raw).split())


def check_worker(reader: CellReader, row: Row, workers: dict[str, KnownWorker]) -> KnownWorker | None:
    """The registered worker behind the row's ID, with the name (if given) as a check on the number."""
    if not row.ok("national_id"):
        return None
    worker = workers.get(typed(row.values, "national_id", str))
    if worker is None:
        reader.fail(row, "national_id", ImportRejected("worker_not_registered"))
        return None
    name = row.values.get("name")
    if name and row.ok("name") and name != clean_person_name(worker.name):
        reader.fail(row, "name", ImportRejected("name_mismatch"))
    return worker


def known_workers_and_occupations(session: Session, rows: list[Row]) -> tuple[dict[str, KnownWorker], dict[str, Occupation]]:
    """The registered workers and the occupations the rows name, each read in a few bulk queries."""
    workers = workers_by_hash(session, (typed(row.values, "national_id", str) for row in rows if row.ok("national_id")))
    codes = (typed(row.values, "occupation_code", str) for row in rows if row.ok("occupation_code"))
    return workers, occupations_by_code(session, codes)


def find_occupation(reader: CellReader, row: Row, occupations: dict[str, Occupation]) -> Occupation | None:
    if not row.ok("occupation_code"):
        return None
    code = typed(row.values, "occupation_code", str)
    occupation = occupations.get(code)
    if occupation is None:
        reader.fail(row, "occupation_code", ValidationFailed("unknown_occupation", occupation=code))
    return occupation


class Seen:
    """Natural keys met so far in the file: a second row with the same key is a duplicate."""

    def __init__(self, key_names: tuple[str, str]) -> None:
        self._rows: dict[tuple[object, ...], int] = {}
        self.key_names = key_names

    def first_row(self, key: tuple[object, ...], row_number: int) -> int | None:
        first = self._rows.setdefault(key, row_number)
        return None if first == row_number else first

    def duplicate(self, row: int) -> ImportRejected:
        return ImportRejected("duplicate_row", row=row, key=self.key_names)


def typed(values: Mapping[str, object], key: str, kind: type[T]) -> T:
    """A parsed value of a column that passed (its parser's type); TypeError if it is anything else."""
    value = values[key]
    if not isinstance(value, kind):
        raise TypeError(f"column {key} holds {type(value).__name__}, not {kind.__name__}")
    return value


def typed_or_none(values: Mapping[str, object], key: str, kind: type[T]) -> T | None:
    """As `typed`, for a column that may be blank (or absent from the file)."""
    return None if values.get(key) is None else typed(values, key, kind)
