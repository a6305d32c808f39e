"""What a campaign dashboard shows, as plain tables (the page shows them and downloads them as CSV or XLSX) and the
charts drawn from the same rows. Every figure comes from `credentials.queries.indicators`: one `indicator_values`
call for the headline figures, one call per column of a table, never a query per city (`indicator_by_city` and
`indicator_by_province` answer every region of a level at once).

The tally series are kept per indicator and per one breakdown at a time, so an occupation or a level cannot filter
every figure: the level filter narrows the by-level table, the occupation filter the by-occupation table (the only
breakdown kept by occupation, certificates issued); the page says which figures each filter applies to.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from credentials.models import Province
from credentials.queries.campaigns import CampaignCityRow, CampaignView, CityPlanView
from credentials.queries.indicators import (
    INDICATOR_BY_CODE,
    Indicator,
    IndicatorValue,
    Region,
    Unit,
    indicator_breakdown,
    indicator_by_city,
    indicator_by_month,
    indicator_by_province,
    indicator_values,
    key_labels,
)

from ...i18n import level_name, localized
from .campaign_filters import DEFAULT_INDICATOR, Filters, level_codes

SIDE_BY_SIDE = ("trainees", "certificates_issued", "new_high_skilled", "pass_rate", "high_skilled_share")
LEVEL_COLUMNS = ("certificates_issued", "appraisal_sittings", "appraisal_passes", "pass_rate", "certified_workforce")
CHART_TOP = 20  # a ranking chart shows the first 20; its table beside it holds them all
OCCUPATIONS_SHOWN = 20
_HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Scope:
    """One dashboard: the campaign, the region, its name, the filters; a city's plan (targets) on a city page."""

    campaign: CampaignView
    region: Region
    region_name: str
    filters: Filters
    plan: CityPlanView | None = None
    province_names: Mapping[str, str] = field(default_factory=dict)

    @property
    def code(self) -> str:
        return self.campaign.campaign.code

    def cities(self) -> list[CampaignCityRow]:
        """The campaign's cities within the region that the officer may see."""
        return [c for c in self.campaign.cities if c.city_code.startswith(self.region.code)]


@dataclass
class Table:
    key: str  # names the download and the element ids
    title: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    links: list[str | None] = field(default_factory=list)  # per row: where its name leads
    link_column: int = 1  # the cell that carries the row's link
    note: str = ""
    chart: dict[str, Any] | None = None  # the chart drawn from these rows (static/js/campaign-charts.js)
    chart_label: str = ""
    shown: int | None = None  # the page shows this many rows (the download all of them)
    sorted_column: int | None = None  # the rows are ranked by this column, largest first


@dataclass(frozen=True)
class Figure:
    """A headline figure, with the city's target for the period and how much of it is reached."""

    value: IndicatorValue
    target: Decimal | None = None

    @property
    def indicator(self) -> Indicator:
        return self.value.indicator

    @property
    def achieved(self) -> Decimal | None:
        if self.target is None or not self.target or self.value.value is None:
            return None
        return (self.value.value * _HUNDRED / self.target).quantize(Decimal("0.1"))


def unit_label(indicator: Indicator) -> str:
    return localized(indicator.unit.label)


def heading(indicator: Indicator) -> str:
    return _("%(name)s（%(unit)s）", name=localized(indicator.name), unit=unit_label(indicator))


def short_line(indicator: Indicator) -> str:
    """The first clause of the description (outside brackets): the one line beside the number."""
    text, depth = localized(indicator.description), 0
    for index, char in enumerate(text):
        if char in "（(":
            depth += 1
        elif char in "）)":
            depth -= 1
        elif depth == 0 and (char in "；。" or (char in ";." and text[index + 1:index + 2] in (" ", ""))):
            return text[:index].rstrip() + ("。" if char in "；。" else ".")
    return text


def _whole(indicator: Indicator) -> bool:
    """Counted in whole units (people, certificates, items): a chart's axis then has no fractions."""
    return indicator.unit not in (Unit.PERCENT, Unit.YUAN)


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _chart(kind: str, categories: list[str], series: list[tuple[str, list[Decimal | None]]], unit: str,
           **extra: Any) -> dict[str, Any]:
    return {"kind": kind, "categories": categories, "unit": unit,
            "series": [{"name": name, "data": [_number(v) for v in values]} for name, values in series], **extra}


def _period(scope: Scope) -> tuple[date, date]:
    return scope.filters.start, scope.filters.end


def _target_phase(scope: Scope) -> tuple[bool, str | None]:
    """Targets are set per phase or for the whole campaign: (comparable, phase code) for the filters chosen."""
    if scope.filters.is_range:
        return False, None
    return True, scope.filters.phase.code if scope.filters.phase else None


# ---- the headline figures and the city's targets ---------------------------------------------------------------

def figures(session: Session, scope: Scope) -> list[Figure]:
    values = indicator_values(session, region=scope.region, start=scope.filters.start, end=scope.filters.end)
    comparable, phase = _target_phase(scope)
    if scope.plan is None or not comparable:
        return [Figure(value) for value in values]
    return [Figure(value, scope.plan.target(value.code, phase)) for value in values]


def indicators_table(session: Session, scope: Scope, found: list[Figure] | None = None) -> Table:
    found = found if found is not None else figures(session, scope)
    table = Table("indicators", _("全部指标"), [_("指标代码"), _("指标"), _("数值"), _("单位"), _("目标"), _("完成率（%）"),
                                             _("统计起始月"), _("统计截止月"), _("统计口径")])
    for figure in found:
        value = figure.value
        table.rows.append([figure.indicator.code, localized(figure.indicator.name), value.value, unit_label(figure.indicator),
                           figure.target, figure.achieved,
                           f"{value.covered_start:%Y-%m}" if value.covered_start else _("现时"),
                           f"{value.covered_end:%Y-%m}" if value.covered_end else _("现时"),
                           localized(figure.indicator.description)])
    return table


def targets_table(session: Session, scope: Scope, found: list[Figure] | None = None) -> Table:
    """The city's targets for the period beside what the registry counts (no further query)."""
    found = found if found is not None else figures(session, scope)
    table = Table("targets", _("目标与完成情况"), [_("指标"), _("单位"), _("目标"), _("实际"), _("完成率（%）")])
    with_target = [f for f in found if f.target is not None]
    for figure in with_target:
        table.rows.append([localized(figure.indicator.name), unit_label(figure.indicator), figure.target,
                           figure.value.value, figure.achieved])
    if with_target:
        table.chart = _chart("hbar", [localized(f.indicator.name) for f in with_target],
                             [(_("完成率"), [f.achieved for f in with_target])], "%", goal=100)
        table.chart_label = _("各项目标的完成率（%），100% 为完成目标")
    return table


# ---- trend, levels, routes, occupations ---------------------------------------------------------------------

def trend_indicator(scope: Scope) -> Indicator:
    """The chosen indicator, unless it is counted as of now (a stock has no months): then certificates issued."""
    chosen = scope.filters.indicator
    return INDICATOR_BY_CODE[DEFAULT_INDICATOR] if chosen.is_stock else chosen


def trend_table(session: Session, scope: Scope) -> Table:
    indicator = trend_indicator(scope)
    months = indicator_by_month(session, indicator.code, scope.region, *_period(scope))
    phases = scope.campaign.campaign.phases
    table = Table("trend", _("逐月趋势：%(name)s", name=localized(indicator.name)), [_("月份"), heading(indicator), _("阶段")])
    for month, value in months:
        phase = next((p for p in phases if p.starts_on <= month <= p.ends_on), None)
        table.rows.append([f"{month:%Y-%m}", value, localized(phase.name) if phase else ""])
    first, last = (months[0][0], months[-1][0]) if months else (None, None)
    areas = [{"name": localized(p.name), "from": f"{max(p.starts_on.replace(day=1), first):%Y-%m}",
              "to": f"{min(p.ends_on.replace(day=1), last):%Y-%m}"}
             for p in phases if first and last and p.ends_on >= first and p.starts_on.replace(day=1) <= last]
    table.chart = _chart("bar", [row[0] for row in table.rows], [(localized(indicator.name), [r[1] for r in table.rows])],
                         unit_label(indicator), areas=areas, integer=_whole(indicator))
    table.chart_label = _("%(name)s逐月柱状图，阴影为各阶段", name=localized(indicator.name))
    if indicator is not scope.filters.indicator:
        table.note = _("“%(chosen)s”只按现时统计，没有逐月数字；趋势图显示“%(shown)s”。",
                       chosen=localized(scope.filters.indicator.name), shown=localized(indicator.name))
    return table


def levels_table(session: Session, scope: Scope) -> Table:
    columns = [INDICATOR_BY_CODE[code] for code in LEVEL_COLUMNS]
    by_level = [dict(indicator_breakdown(session, i.code, scope.region, *_period(scope), by="level")) for i in columns]
    chosen = scope.filters.level
    levels = [chosen] if chosen else _levels_in(by_level)
    table = Table("levels", _("按等级"), [_("等级"), *(heading(i) for i in columns)])
    for level in levels:
        table.rows.append([level_name(level), *(values.get(level, Decimal(0) if not i.is_ratio else None)
                                                  for i, values in zip(columns, by_level, strict=True))])
    table.chart = _chart("hbar", [row[0] for row in table.rows], [(localized(columns[0].name), [r[1] for r in table.rows])],
                         unit_label(columns[0]), integer=True)
    table.chart_label = _("按等级的发证张数条形图")
    table.note = _("持证劳动者按现时、按其最高有效等级计；其他各列为所选期间。")
    return table


def _levels_in(by_level: list[dict[str, Decimal | None]]) -> list[str]:
    known = level_codes()
    others = sorted({key for values in by_level for key in values} - set(known))
    return known + others


def routes_table(session: Session, scope: Scope) -> Table:
    indicator = INDICATOR_BY_CODE["certificates_issued"]
    rows = indicator_breakdown(session, indicator.code, scope.region, *_period(scope), by="route")
    counts = {key: value or Decimal(0) for key, value in rows}
    for route in ("regular", "exceptional", "competition"):
        counts.setdefault(route, Decimal(0))
    labels = key_labels(session, "route", counts)
    total = sum(counts.values(), Decimal(0))
    table = Table("routes", _("按取得途径"), [_("途径"), _("发证张数"), _("占比（%）")])
    for key, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        table.rows.append([localized(labels[key]), count, (count * _HUNDRED / total).quantize(Decimal("0.1")) if total else None])
    table.chart = _chart("pie", [row[0] for row in table.rows], [(_("发证张数"), [r[1] for r in table.rows])],
                         unit_label(indicator))
    table.chart_label = _("按取得途径的发证张数饼图")
    table.note = _("破格晋升与越级晋升在登记中同为一种途径（经审批破格或越级参加评价），合计显示。")
    return table


def occupations_table(session: Session, scope: Scope) -> Table:
    rows = indicator_breakdown(session, "certificates_issued", scope.region, *_period(scope), by="occupation")
    chosen = scope.filters.occupation
    if chosen:
        rows = [(chosen, dict(rows).get(chosen, Decimal(0)))]
    labels = key_labels(session, "occupation", [key for key, _value in rows])
    table = Table("occupations", _("按职业的发证张数"), [_("职业编码"), _("职业"), _("发证张数")],
                  [[key, localized(labels[key]), value] for key, value in rows], shown=OCCUPATIONS_SHOWN)
    return table


# ---- regions side by side ----------------------------------------------------------------------------------

def _columns(scope: Scope) -> list[Indicator]:
    codes = list(SIDE_BY_SIDE)
    if scope.filters.indicator.code not in codes:
        codes.append(scope.filters.indicator.code)
    return [INDICATOR_BY_CODE[code] for code in codes]


def _side_by_side(scope: Scope, key: str, title: str, regions: list[tuple[str, list[str], str | None]],
                  lookups: list[Callable[[], Iterable[tuple[str, Decimal | None]]]], extra: list[str]) -> Table:
    """Regions (code, name cells, link) with one column per indicator, ranked by the chosen indicator, best first;
    a region with nothing counted shows 0 (a ratio: no value)."""
    columns = _columns(scope)
    values = [dict(lookup()) for lookup in lookups]
    def value(found: dict[str, Decimal | None], indicator: Indicator, code: str) -> Decimal | None:
        return found.get(code, None if indicator.is_ratio else Decimal(0))

    chosen_at = columns.index(scope.filters.indicator)
    chosen = values[chosen_at]
    ranked = sorted(regions, key=lambda r: (value(chosen, columns[chosen_at], r[0]) is None,
                                            -(value(chosen, columns[chosen_at], r[0]) or 0), r[0]))
    table = Table(key, title, [_("名次"), *extra, *(heading(i) for i in columns)], link_column=len(extra))
    rank, previous = 0, None
    for place, (code, cells, link) in enumerate(ranked, start=1):
        figures = [value(found, i, code) for i, found in zip(columns, values, strict=True)]
        if place == 1 or figures[chosen_at] != previous:  # equal figures share a place: 1, 2, 2, 4
            rank, previous = place, figures[chosen_at]
        table.rows.append([rank if previous is not None else None, *cells, *figures])
        table.links.append(link)
    top, position = table.rows[:CHART_TOP], 1 + len(extra) + columns.index(scope.filters.indicator)
    table.chart = _chart("hbar", [row[len(extra)] for row in top],
                         [(localized(scope.filters.indicator.name), [row[position] for row in top])],
                         unit_label(scope.filters.indicator), integer=_whole(scope.filters.indicator))
    table.sorted_column = position
    table.chart_label = _("按“%(name)s”排序的前 %(count)s 名", name=localized(scope.filters.indicator.name), count=len(top))
    return table


def cities_table(session: Session, scope: Scope) -> Table:
    start, end = _period(scope)
    args = scope.filters.args()
    nation = scope.region.kind == "nation"
    regions = [(c.city_code, [scope.province_names.get(c.province_code, c.province_code), c.city_name] if nation
                else [c.city_name], url_for("bureau.campaign_city", code=scope.code, city_code=c.city_code, **args))
               for c in scope.cities()]
    lookups = [(lambda i=i: indicator_by_city(session, i.code, scope.region, start, end)) for i in _columns(scope)]
    table = _side_by_side(scope, "cities", _("各城市对比"), regions, lookups,
                          [_("省份"), _("城市")] if nation else [_("城市")])
    table.note = _("只列参加本次活动的城市；不属于任何城市的数（如省级竞赛）计入省、全国合计，不在城市间排名。")
    return table


def provinces_table(session: Session, scope: Scope) -> Table:
    start, end = _period(scope)
    args = scope.filters.args()
    codes = sorted({c.province_code for c in scope.cities()})
    regions = [(code, [scope.province_names.get(code, code)],
                url_for("bureau.campaign_province", code=scope.code, province_code=code, **args)) for code in codes]
    lookups = [(lambda i=i: indicator_by_province(session, i.code, start, end)) for i in _columns(scope)]
    table = _side_by_side(scope, "provinces", _("各省对比"), regions, lookups, [_("省份")])
    table.note = _("只列有城市参加本次活动的省份；省的数字含其全部城市和不属于任何城市的数。")
    return table


def province_names(session: Session) -> dict[str, str]:
    return {code: name for code, name in session.execute(select(Province.code, Province.name))}


BUILDERS: dict[str, Callable[[Session, Scope], Table]] = {
    "indicators": indicators_table, "targets": targets_table, "trend": trend_table, "levels": levels_table,
    "routes": routes_table, "occupations": occupations_table, "cities": cities_table, "provinces": provinces_table,
}
TABLES_OF = {"city": ("indicators", "targets", "trend", "levels", "routes", "occupations"),
             "province": ("indicators", "trend", "levels", "routes", "occupations", "cities"),
             "nation": ("indicators", "trend", "levels", "routes", "occupations", "provinces", "cities")}
