"""What the oversight checks answer (credentials/queries/oversight.py): flags with the records behind them, and
the region's institutions line by line. Plain values; the grouping into flags, from rows the queries grouped
already, is here too (no queries in this module)."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ladder.oversight import OversightPolicy

from ..models import FlagKind, FlagReview, Institution


@dataclass(frozen=True, order=True)
class RecordRef:
    kind: str  # certificate | sitting | nomination
    id: int

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"


def records_digest(records: Iterable[RecordRef]) -> str:
    return hashlib.sha256("\n".join(sorted(map(str, records))).encode()).hexdigest()


@dataclass(frozen=True)
class QuotaFacts:
    exceptional: int
    level_skipping: int
    quota: int

    @property
    def nominations(self) -> int:
        return self.exceptional + self.level_skipping


@dataclass(frozen=True)
class PassRateFacts:
    passes: int
    sittings: int
    region_passes: int
    region_sittings: int
    margin_points: int

    @property
    def rate(self) -> float:
        return 100 * self.passes / self.sittings if self.sittings else 0.0

    @property
    def region_rate(self) -> float:
        return 100 * self.region_passes / self.region_sittings if self.region_sittings else 0.0


@dataclass(frozen=True)
class LapseFacts:
    accreditation_id: int
    occupation_id: int
    max_level: str
    valid_until: date
    window_days: int


@dataclass(frozen=True)
class HolderFacts:
    worker_id: int
    occupation_id: int
    level: str


@dataclass(frozen=True)
class SittingFacts:
    result_id: int
    worker_id: int
    occupation_id: int
    level: str
    exam_date: date


Facts = QuotaFacts | PassRateFacts | LapseFacts | HolderFacts | SittingFacts


@dataclass
class Flag:
    kind: FlagKind
    key: str  # stable: names the subject, not the records (see `digest`)
    year: int
    institution_ids: tuple[int, ...]  # the region's institutions it concerns
    city_codes: tuple[str, ...]  # their cities: whose bureaus may review it
    records: tuple[RecordRef, ...]
    facts: Facts
    review: FlagReview | None = None  # a review of exactly these records
    earlier_review: FlagReview | None = None  # the latest review of other records: they changed since

    @property
    def digest(self) -> str:
        return records_digest(self.records)

    @property
    def reviewed(self) -> bool:
        return self.review is not None


@dataclass
class InstitutionLine:
    institution: Institution
    exceptional: int = 0
    level_skipping: int = 0
    quota: int | None = None  # None: no policy governs the year
    passes: int = 0
    sittings: int = 0
    open: Counter[FlagKind] = field(default_factory=Counter)
    reviewed: Counter[FlagKind] = field(default_factory=Counter)

    @property
    def nominations(self) -> int:
        return self.exceptional + self.level_skipping

    @property
    def over_quota(self) -> bool:
        return self.quota is not None and self.nominations > self.quota

    @property
    def rate(self) -> float | None:
        return 100 * self.passes / self.sittings if self.sittings else None


@dataclass
class Oversight:
    year: int
    region_passes: int = 0
    region_sittings: int = 0
    lines: list[InstitutionLine] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)

    @property
    def region_rate(self) -> float | None:
        return 100 * self.region_passes / self.region_sittings if self.region_sittings else None

    def of_kind(self, kind: FlagKind, institution_id: int | None = None) -> list[Flag]:
        return [flag for flag in self.flags
                if flag.kind is kind and (institution_id is None or institution_id in flag.institution_ids)]

    def find(self, key: str) -> Flag | None:
        return next((flag for flag in self.flags if flag.key == key), None)

    def count_flags(self) -> None:
        """Each line's open and reviewed flags, by kind; lines with open flags first."""
        lines = {line.institution.id: line for line in self.lines}
        for flag in self.flags:
            for institution_id in flag.institution_ids:
                (lines[institution_id].reviewed if flag.reviewed else lines[institution_id].open)[flag.kind] += 1
        self.lines.sort(key=lambda line: (-sum(line.open.values()), line.institution.name))


class FlagBuilder:
    """Gathers grouped rows into flags of one year; a flag names only institutions of the region (`cities`)."""

    def __init__(self, year: int, cities: Mapping[int, str]) -> None:
        self.year, self.cities, self.flags = year, cities, list[Flag]()

    def add(self, kind: FlagKind, key: str, institution_ids: Iterable[int], records: Iterable[RecordRef],
            facts: Facts) -> None:
        ids = tuple(sorted(set(institution_ids) & set(self.cities)))
        self.flags.append(Flag(kind, key, self.year, ids, tuple(sorted({self.cities[i] for i in ids})),
                               tuple(sorted(set(records))), facts))

    def quota_flags(self, over: Iterable[InstitutionLine], nominations: Mapping[int, list[RecordRef]]) -> None:
        for line in over:
            assert line.quota is not None  # only lines over a quota come here
            institution_id = line.institution.id
            self.add(FlagKind.NOMINATION_QUOTA, f"nomination_quota:{institution_id}:{self.year}", [institution_id],
                     nominations.get(institution_id, []), QuotaFacts(line.exceptional, line.level_skipping, line.quota))

    def pass_rate_flags(self, high: Mapping[int, PassRateFacts], sittings: Mapping[int, list[RecordRef]]) -> None:
        for institution_id, facts in high.items():
            self.add(FlagKind.PASS_RATE, f"pass_rate:{institution_id}:{self.year}", [institution_id],
                     sittings.get(institution_id, []), facts)

    def lapse_flags(self, rows: Iterable[Any], policies: Mapping[int, OversightPolicy | None]) -> None:
        """Rows: a certificate and the accreditation it was issued near the end of (the query's widest window);
        each institution's own window decides."""
        by_accreditation: dict[int, list[Any]] = defaultdict(list)
        for row in rows:
            policy = policies.get(row.institution_id)
            if policy is not None and policy.just_before_lapse(row.issued_on, row.valid_until):
                by_accreditation[row.accreditation_id].append(row)
        for accreditation_id, found in by_accreditation.items():
            first = found[0]
            policy = policies[first.institution_id]
            assert policy is not None  # kept above only with a policy
            self.add(FlagKind.BEFORE_LAPSE, f"before_lapse:{accreditation_id}", [first.institution_id],
                     [RecordRef("certificate", row.certificate_id) for row in found],
                     LapseFacts(accreditation_id, first.occupation_id, first.max_level, first.valid_until,
                                policy.lapse_window_days))

    def holder_flags(self, rows: Iterable[Any]) -> None:
        """Rows: each certificate of a (worker, occupation, level) holding more than one."""
        groups: dict[tuple[int, int, str], list[Any]] = defaultdict(list)
        for row in rows:
            groups[(row.worker_id, row.occupation_id, row.level)].append(row)
        for (worker_id, occupation_id, level), found in groups.items():
            self.add(FlagKind.MULTI_CERTIFICATE, f"multi_certificate:{worker_id}:{occupation_id}:{level}",
                     [row.institution_id for row in found],
                     [RecordRef("certificate", row.certificate_id) for row in found],
                     HolderFacts(worker_id, occupation_id, level))

    def repeat_flags(self, rows: Iterable[Any]) -> None:
        """Rows: a sitting and a certificate of its level the worker held on the exam date."""
        sittings: dict[int, list[Any]] = defaultdict(list)
        for row in rows:
            sittings[row.result_id].append(row)
        for result_id, found in sittings.items():
            first = found[0]
            self.add(FlagKind.REPEAT_SITTING, f"repeat_sitting:{result_id}", [first.institution_id],
                     [RecordRef("sitting", result_id), *(RecordRef("certificate", row.certificate_id) for row in found)],
                     SittingFacts(result_id, first.worker_id, first.occupation_id, first.level, first.exam_date))
