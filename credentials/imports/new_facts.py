"""Work periods and diplomas an import is about to write (the work-history kind, and the optional work-start and
diploma columns of appraisal results). Attribute names are the models', so `fact_snapshot` reads them as is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..models import Attestation, FactState, Occupation

PeriodKey = tuple[int, int, date]  # (worker, occupation, start): one current period per key
DiplomaKey = tuple[int, str, str, int | None]  # (worker, school type, stream, major)


@dataclass(frozen=True)
class NewWorkPeriod:
    row: int
    worker_id: int
    occupation: Occupation
    started_on: date
    ended_on: date | None = None
    related_to: Occupation | None = None
    employer_id: int | None = None
    employer_name: str | None = None
    replaces_id: int | None = None  # the worker's claim to the same period, which this record supersedes
    attestation: Attestation = Attestation.ATTESTED
    state: FactState = FactState.CURRENT

    kind = "work_period"

    @property
    def key(self) -> PeriodKey:
        return (self.worker_id, self.occupation.id, self.started_on)

    def insert_values(self) -> dict[str, object]:
        return {"worker_id": self.worker_id, "occupation_id": self.occupation.id,
                "related_to_id": self.related_to.id if self.related_to else None, "employer_id": self.employer_id,
                "employer_name": self.employer_name, "started_on": self.started_on, "ended_on": self.ended_on}


@dataclass(frozen=True)
class NewDiploma:
    row: int
    worker_id: int
    school_type: str
    stream: str
    major_occupation: Occupation | None
    graduated_on: date | None
    is_current_graduate: bool = False
    school_name: str | None = None
    replaces_id: int | None = None
    attestation: Attestation = Attestation.ATTESTED
    state: FactState = FactState.CURRENT

    kind = "diploma"

    @property
    def key(self) -> DiplomaKey:
        return (self.worker_id, self.school_type, self.stream,
                self.major_occupation.id if self.major_occupation else None)

    def insert_values(self) -> dict[str, object]:
        return {"worker_id": self.worker_id, "school_type": self.school_type, "stream": self.stream,
                "major_occupation_id": self.major_occupation.id if self.major_occupation else None,
                "school_name": self.school_name, "graduated_on": self.graduated_on,
                "is_current_graduate": self.is_current_graduate}


NewFact = NewWorkPeriod | NewDiploma
