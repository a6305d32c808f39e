"""Oversight thresholds (DOMAIN §8a "Supervision"): how many exceptional and level-skipping nominations an
institution may send a year, how far above the region's pass rate calls for a look, and how close to an
accreditation's end a certificate is "issued just before it lapses".

Dated data per jurisdiction in ``ladder/data/oversight.toml``, chosen like the subsidy schedules: the city's
policy, else its province's, else the national one; of a jurisdiction's policies, the one in force on the date
asked (the queries ask on 1 January of the year they look at: a quota is a yearly allocation). The comparisons
themselves live here too, in whole numbers, so the rule that raises a flag is written once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from types import MappingProxyType
from typing import Any

from ladder.frameworks import NATIONAL, LadderDataError, check_no_overlap, check_unique_ids, read_data, validity_window
from ladder.i18n import Text
from ladder.timeline import Dated

FILE = "oversight.toml"
_KEYS = {"id", "jurisdiction", "name_zh", "name_en", "valid_from", "valid_to", "confidence", "source",
         "nomination_quota", "pass_rate_margin_points", "pass_rate_min_sittings", "lapse_window_days"}


@dataclass(frozen=True)
class OversightPolicy(Dated):
    id: str
    jurisdiction: str
    name: Text
    valid_from: date | None
    valid_to: date | None
    nomination_quota: Mapping[str, int]  # institution kind -> exceptional + level-skipping nominations a year
    pass_rate_margin_points: int
    pass_rate_min_sittings: int
    lapse_window_days: int
    confidence: str
    source: str

    def quota_for(self, institution_kind: str) -> int:
        try:
            return self.nomination_quota[institution_kind]
        except KeyError:
            raise LookupError(f"{self.id}: no nomination quota for institution kind {institution_kind!r}") from None

    def over_quota(self, institution_kind: str, nominations: int) -> bool:
        return nominations > self.quota_for(institution_kind)

    def pass_rate_too_high(self, passes: int, sittings: int, region_passes: int, region_sittings: int) -> bool:
        """More than the margin above the region's rate, with enough sittings to tell. In whole numbers:
        100·p/s − 100·P/S > m  ⇔  100·p·S − 100·P·s > m·s·S."""
        if sittings < self.pass_rate_min_sittings or region_sittings == 0:
            return False
        return (100 * passes * region_sittings - 100 * region_passes * sittings
                > self.pass_rate_margin_points * sittings * region_sittings)

    def just_before_lapse(self, issued_on: date, valid_until: date) -> bool:
        """Issued in the accreditation's last `lapse_window_days` days (its last day included)."""
        return 0 <= (valid_until - issued_on).days < self.lapse_window_days


def _whole(row: Mapping[str, Any], key: str, where: str) -> int:
    value = row[key]
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise LadderDataError(f"{where}: {key} must be a whole number of at least 0, not {value!r}")
    return value


def parse_policy(row: Mapping[str, Any], file: str = FILE) -> OversightPolicy:
    where = f"{file}: policy {row.get('id')!r}"
    unknown = set(row) - _KEYS
    if unknown:
        raise LadderDataError(f"{where} has unknown keys {sorted(unknown)}")
    missing = _KEYS - {"valid_from", "valid_to"} - set(row)
    if missing:
        raise LadderDataError(f"{where} lacks {sorted(missing)}")
    quota = row["nomination_quota"]
    if not quota:
        raise LadderDataError(f"{where}: nomination_quota names no institution kind")
    quotas = {kind: _whole(quota, kind, where) for kind in quota}
    if _whole(row, "lapse_window_days", where) == 0:
        raise LadderDataError(f"{where}: lapse_window_days must be at least 1")
    valid_from, valid_to = validity_window(row, where)
    return OversightPolicy(
        id=row["id"], jurisdiction=str(row["jurisdiction"]), name=Text.of(row, "name_"), valid_from=valid_from,
        valid_to=valid_to, nomination_quota=MappingProxyType(quotas),
        pass_rate_margin_points=_whole(row, "pass_rate_margin_points", where),
        pass_rate_min_sittings=_whole(row, "pass_rate_min_sittings", where),
        lapse_window_days=row["lapse_window_days"], confidence=row["confidence"], source=row["source"])


def check_policies(policies: Iterable[OversightPolicy]) -> tuple[OversightPolicy, ...]:
    """Unique ids, one institution-kind vocabulary for all, no two windows of one jurisdiction overlapping."""
    found = tuple(policies)
    check_unique_ids((policy.id for policy in found), f"{FILE}: policy")
    kinds = {frozenset(policy.nomination_quota) for policy in found}
    if len(kinds) > 1:
        raise LadderDataError(f"{FILE}: every policy lists the same institution kinds; found {sorted(map(sorted, kinds))}")
    check_no_overlap(found, lambda policy: policy.jurisdiction, FILE)
    return found


@cache
def oversight_policies() -> tuple[OversightPolicy, ...]:
    return check_policies(parse_policy(row) for row in read_data(FILE)["policy"])


def select_policy(policies: Iterable[OversightPolicy], city_code: str, *, on: date) -> OversightPolicy | None:
    """The policy of the most specific jurisdiction (city, province, nation) with one in force on `on`."""
    in_force = [policy for policy in policies if policy.in_force(on)]
    for place in dict.fromkeys((city_code, city_code[:2], NATIONAL)):
        for policy in in_force:
            if policy.jurisdiction == place:
                return policy
    return None


def policy_for(city_code: str, *, on: date) -> OversightPolicy | None:
    """The thresholds for an institution of this city on this date; None before any policy was in force."""
    return select_policy(oversight_policies(), city_code, on=on)


def policy_for_year(city_code: str, year: int) -> OversightPolicy | None:
    """The thresholds that govern a calendar year: the policy in force when the year began."""
    return policy_for(city_code, on=date(year, 1, 1))


def widest_lapse_window(year: int) -> int:
    """The longest "just before lapse" window of any policy governing `year` (0 when none does): what a query
    can select with before each institution's own window is applied."""
    return max((p.lapse_window_days for p in oversight_policies() if p.in_force(date(year, 1, 1))), default=0)
