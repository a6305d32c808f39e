"""The import report: a line per problem (row, column, message, value), and what a valid file would write."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

from ..errors import CredentialsError
from .new_facts import NewFact

Record = TypeVar("Record")  # NewResult or NewTraining: the kinds' rules define them, the report only holds them

STORED_PROBLEMS = 1_000  # the job keeps the first ones (by row); the count covers all
_HELD_PROBLEMS = 50_000  # held in memory while validating, so that the stored ones are the first by row


@dataclass(frozen=True)
class Problem:
    row: int | None  # as in Excel; None for the file as a whole
    column: str  # the header as the file spells it ('' for the file)
    message_zh: str
    message_en: str
    value: str  # never a full national ID
    severity: str = "error"  # or "warning": written, but flagged for review

    def as_dict(self) -> dict[str, str | int | None]:
        return {"row": self.row, "column": self.column, "message_zh": self.message_zh,
                "message_en": self.message_en, "value": self.value, "severity": self.severity}


class Problems:
    def __init__(self) -> None:
        self._held: list[Problem] = []
        self.errors = 0
        self.warnings = 0

    def add(self, row: int | None, column: str, error: CredentialsError, value: str = "", *,
            warning: bool = False) -> None:
        if warning:
            self.warnings += 1
        else:
            self.errors += 1
        if len(self._held) < _HELD_PROBLEMS:
            self._held.append(Problem(row, column, error.message("zh"), error.message("en"), value,
                                      "warning" if warning else "error"))

    def first(self, limit: int = STORED_PROBLEMS) -> list[dict[str, str | int | None]]:
        ordered = sorted(self._held, key=lambda p: (p.row or 0, p.severity != "error"))
        return [p.as_dict() for p in ordered[:limit]]

    def __bool__(self) -> bool:
        return self.errors > 0


@dataclass
class Plan(Generic[Record]):
    """The outcome of validation: the problems, or the records a commit would write."""

    file_format: str | None = None
    rows_total: int = 0
    problems: Problems = field(default_factory=Problems)
    existing: int = 0  # rows already in the registry: nothing to write
    flagged: int = 0  # rows written but marked for review
    records: list[Record] = field(default_factory=list)  # rows to insert, all of the job's kind
    # Work periods and diplomas recorded along (appraisal results' optional columns), written before the records.
    facts: list[NewFact] = field(default_factory=list)

    @property
    def to_create(self) -> int:
        return len(self.records)
