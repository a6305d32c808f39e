"""The campaign's indicators for a region and a period, read from the kept tallies only.

The one reading API of pages, the API and the evaluation. Every call is one SQL statement (SUM … GROUP BY
over `tallies`), never a scan of workers or certificates, so a whole dashboard stays fast at national scale.

- `indicator_values(session, region=, start=, end=, codes=None)`: every indicator (or those named) once.
- `indicator_breakdown(session, code, region, start, end, by=None)`: one indicator by type / level / route …
- `indicator_by_city(session, code, within, start, end)`: the cities of a province or the nation, for ranking.
- `indicator_by_province(session, code, start, end)`: every province, side by side (the national dashboard).
- `indicator_by_month(session, code, region, start, end)`: month by month, for trends.
- `key_labels(session, dimension, keys)`: display names of breakdown keys.

Periods are whole months: a period covers every month it touches (2013-02-15..2013-04-10 reads February to
April); each value says what it covered (`covered_start`, `covered_end`). Stock indicators (the workforce) are
counted as of now, whatever the period, and say so with `covered_start is None`. Values are Decimals; a ratio
is a percentage, None when its denominator is 0. Regions: `Region.of("")` the nation, `Region.of("32")` a
province, `Region.of("3205")` a city; each is read from its own rows (the tallies keep every count for its
city, province and nation), so a national figure costs what a city's does. A province's figure includes what
belongs to it and no city (a provincial competition), the nation's what belongs to no province. Who may read
which region: `credentials.permissions.may_read_region`.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from sqlalchemy import Select, func, select, union_all
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from ladder.competitions import tiers
from ladder.frameworks import get_level
from ladder.i18n import Text
from ladder.subsidies import training_vocabulary

from ..errors import NotFound, ValidationFailed
from ..models import Occupation, Tally
from ..models.tallies import STOCK_MONTH
from ..services.tally_series import LEVEL_RANKS, NO_GROUP, STOCK_SERIES
from .indicator_definitions import (
    HIGH_SKILLED_LEVELS,
    INDICATOR_BY_CODE,
    INDICATORS,
    Breakdown,
    Indicator,
    Total,
    Unit,
)
from .programmes import programme_key_labels

__all__ = [
    "HIGH_SKILLED_LEVELS", "INDICATORS", "INDICATOR_BY_CODE", "Breakdown", "Indicator", "IndicatorValue", "Region",
    "Total", "Unit", "covered_months", "get_indicator", "indicator_breakdown", "indicator_by_city",
    "indicator_by_month", "indicator_by_province", "indicator_values", "key_labels",
]
_CENT = Decimal("0.01")
_HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Region:
    """The nation (""), a province (2 digits) or a city (4 digits)."""

    code: str

    @classmethod
    def of(cls, code: str | None) -> Region:
        code = (code or "").strip()
        if len(code) not in (0, 2, 4) or not (code.isascii() and (code.isdigit() or code == "")):
            raise ValidationFailed("binding", field="region", reason=Text(
                "地区代码应为 2 位（省）或 4 位（市）数字，全国留空", "a region is a 2-digit province or 4-digit city code, "
                "empty for the nation"))
        return cls(code)

    @property
    def kind(self) -> Literal["nation", "province", "city"]:
        return "nation" if not self.code else "province" if len(self.code) == 2 else "city"

    def clause(self, region_column: Any) -> ColumnElement[bool]:
        """The region's own tally rows."""
        return region_column == self.code  # type: ignore[no-any-return]

    def cities_clause(self, region_column: Any) -> ColumnElement[bool]:
        """The tally rows of the cities within the province (or the nation)."""
        if self.kind == "province":  # "32" itself sorts before "3200"
            return region_column.between(f"{self.code}00", f"{self.code}99")  # type: ignore[no-any-return]
        return func.length(region_column) == 4


@dataclass(frozen=True)
class IndicatorValue:
    indicator: Indicator
    region: Region
    value: Decimal | None  # None: a ratio whose denominator is 0
    numerator: Decimal
    denominator: Decimal | None  # ratios only
    covered_start: date | None  # the first day of the first month read; None for a stock ("now")
    covered_end: date | None  # the last day of the last month read

    @property
    def code(self) -> str:
        return self.indicator.code


def get_indicator(code: str) -> Indicator:
    try:
        return INDICATOR_BY_CODE[code]
    except KeyError:
        raise NotFound("record", what=Text(f"指标 {code}", f"indicator {code}")) from None


def covered_months(start: date, end: date) -> tuple[date, date]:
    """The whole months a period touches: (first day of start's month, last day of end's month)."""
    if end < start:
        raise ValidationFailed("dates_out_of_order", field="end")
    return start.replace(day=1), end.replace(day=calendar.monthrange(end.year, end.month)[1])


def _tallies(series: Iterable[str], where: ColumnElement[bool], start: date, end: date, *extra: str) -> Select[Any]:
    """SUM(value) per (series, key, *extra columns) over the regions `where` picks and the months of the period
    (stock series: their one row per key), in one statement: flows and stocks as two index ranges, UNION ALL."""
    first, last = covered_months(start, end)
    flows = sorted(s for s in set(series) if s not in STOCK_SERIES)
    stocks = sorted(s for s in set(series) if s in STOCK_SERIES)
    columns = [Tally.series, Tally.key, *(getattr(Tally, name) for name in extra), Tally.value]
    parts = []
    for names, months in ((flows, Tally.month.between(first, last.replace(day=1))), (stocks, Tally.month == STOCK_MONTH)):
        if names:
            parts.append(select(*columns).where(Tally.series.in_(names), months, where))
    sub = (union_all(*parts) if len(parts) > 1 else parts[0]).subquery()
    keys = [sub.c.series, sub.c.key, *(sub.c[name] for name in extra)]
    return select(*keys, func.sum(sub.c.value)).group_by(*keys)


def _decimal(value: object) -> Decimal:
    return Decimal(str(value or 0)).quantize(_CENT)


def _sum(sums: Mapping[tuple[str, str], Decimal], total: Total) -> Decimal:
    return sum((value for (series, key), value in sums.items()
                if series == total.series and (total.keys is None or key in total.keys)), Decimal(0)).quantize(_CENT)


def _ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    if not denominator:
        return None
    return (numerator * _HUNDRED / denominator).quantize(_CENT, rounding=ROUND_HALF_UP)


def _value(indicator: Indicator, sums: Mapping[tuple[str, str], Decimal]) -> tuple[Decimal | None, Decimal, Decimal | None]:
    numerator = _sum(sums, indicator.numerator)
    if indicator.denominator is None:
        return numerator, numerator, None
    denominator = _sum(sums, indicator.denominator)
    return _ratio(numerator, denominator), numerator, denominator


def indicator_values(session: Session, *, region: Region, start: date, end: date,
                     codes: Iterable[str] | None = None) -> list[IndicatorValue]:
    """Each indicator (in `INDICATORS` order, or the order of `codes`) for the region and period: one statement."""
    chosen = [get_indicator(code) for code in codes] if codes is not None else list(INDICATORS)
    if not chosen:
        return []
    sums = {(series, key): _decimal(value) for series, key, value in
            session.execute(_tallies({s for i in chosen for s in i.series}, region.clause(Tally.region_code), start, end))}
    first, last = covered_months(start, end)
    found = []
    for indicator in chosen:
        value, numerator, denominator = _value(indicator, sums)
        covered = (None, None) if indicator.is_stock else (first, last)
        found.append(IndicatorValue(indicator, region, value, numerator, denominator, *covered))
    return found


def indicator_breakdown(session: Session, code: str, region: Region, start: date, end: date,
                        by: str | None = None) -> list[tuple[str, Decimal | None]]:
    """(key, value) rows of one indicator by one of its breakdowns (the first when `by` is None): levels by rank,
    anything else largest first. Keys outside the indicator's own (e.g. below 高级工 for high-skilled) are left out."""
    indicator = get_indicator(code)
    try:
        breakdown = indicator.breakdown(by)
    except KeyError:
        raise NotFound("record", what=Text(f"分项 {by}", f"breakdown {by}")) from None
    series = {breakdown.series} | ({breakdown.denominator_series} if breakdown.denominator_series else set())
    sums = {(s, key): _decimal(value) for s, key, value in
            session.execute(_tallies(series, region.clause(Tally.region_code), start, end))}
    allowed = indicator.numerator.keys if breakdown.series == indicator.numerator.series else None
    keys = {key for s, key in sums if s in series and (allowed is None or key in allowed)}
    rows: list[tuple[str, Decimal | None]] = []
    for key in keys:
        numerator = sums.get((breakdown.series, key), Decimal(0))
        if breakdown.denominator_series is None:
            rows.append((key, numerator))
        else:
            rows.append((key, _ratio(numerator, sums.get((breakdown.denominator_series, key), Decimal(0)))))
    if breakdown.dimension == "level":
        return sorted(rows, key=lambda row: (LEVEL_RANKS.get(row[0], 0), row[0]))
    return sorted(rows, key=lambda row: (-(row[1] or Decimal(0)), row[0]))


def _grouped(session: Session, indicator: Indicator, where: ColumnElement[bool], start: date, end: date,
             column: str) -> dict[Any, dict[tuple[str, str], Decimal]]:
    sums: dict[Any, dict[tuple[str, str], Decimal]] = defaultdict(dict)
    for series, key, group, value in session.execute(_tallies(indicator.series, where, start, end, column)):
        sums[group][(series, key)] = _decimal(value)
    return sums


def indicator_by_city(session: Session, code: str, within: Region, start: date,
                      end: date) -> list[tuple[str, Decimal | None]]:
    """(city code, value) of every city of the province (or the nation) with something counted, best first.
    Only real cities: what belongs to a province or the nation alone (a provincial competition) is in
    their totals but ranks nowhere."""
    if within.kind == "city":
        raise ValidationFailed("binding", field="region", reason=Text("请选择省或全国", "choose a province or the nation"))
    indicator = get_indicator(code)
    rows = [(city, _value(indicator, sums)[0]) for city, sums in
            _grouped(session, indicator, within.cities_clause(Tally.region_code), start, end, "region_code").items()]
    return sorted(rows, key=lambda row: (row[1] is None, -(row[1] or Decimal(0)), row[0]))


def indicator_by_province(session: Session, code: str, start: date, end: date) -> list[tuple[str, Decimal | None]]:
    """(province code, value) of every province with something counted, best first: the provinces side by side
    on the national dashboard, in one statement (each province read from its own rows, so it includes what
    belongs to it and no city)."""
    indicator = get_indicator(code)
    rows = [(province, _value(indicator, sums)[0]) for province, sums in
            _grouped(session, indicator, func.length(Tally.region_code) == 2, start, end, "region_code").items()]
    return sorted(rows, key=lambda row: (row[1] is None, -(row[1] or Decimal(0)), row[0]))


def indicator_by_month(session: Session, code: str, region: Region, start: date,
                       end: date) -> list[tuple[date, Decimal | None]]:
    """(first day of the month, value) for every month of the period, zeros included (a trend has no gaps)."""
    indicator = get_indicator(code)
    if indicator.is_stock:
        raise ValueError(f"{code} is counted as of now: it has no months")
    sums = _grouped(session, indicator, region.clause(Tally.region_code), start, end, "month")
    first, last = covered_months(start, end)
    months, month = [], first
    while month <= last:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return [(month, _value(indicator, sums.get(month, {}))[0]) for month in months]


_ROUTES = {"regular": Text("正常晋升", "regular"), "exceptional": Text("破格、越级晋升", "exceptional or level-skipping"),
           "competition": Text("竞赛晋升", "through a competition")}


def key_labels(session: Session, dimension: str, keys: Iterable[str]) -> dict[str, Text]:
    """Display names of breakdown keys (`Breakdown.dimension`); an unknown key is shown as itself."""
    keys = list(keys)
    names: Mapping[str, Text]
    if dimension == "level":
        names = {key: _level_name(key) for key in keys}
    elif dimension == "occupation":
        names = {code: Text(name, name) for code, name in session.execute(
            select(Occupation.code, Occupation.name).where(Occupation.code.in_(keys)).order_by(Occupation.edition))}
    elif dimension == "tier":
        names = tiers()
    elif dimension == "route":
        names = _ROUTES
    elif dimension in ("programme", "funding_source"):
        names = programme_key_labels(dimension, keys)
    elif dimension in ("training_type", "training_form", "target_group"):
        names = {**training_vocabulary(f"{dimension}s"), NO_GROUP: Text("不属重点群体", "no target group")}
    else:
        raise ValueError(f"unknown breakdown dimension {dimension!r}")
    return {key: names.get(key, Text(key, key)) for key in keys}


def _level_name(code: str) -> Text:
    try:
        level = get_level(code)
    except ValueError:
        return Text(code, code)
    return Text(level.name_zh, level.name_en)
