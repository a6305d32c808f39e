"""The campaign dashboards' filters, read from the query string (no personal data ever travels in it): a phase or
a range of whole months, the indicator the trend and the ranking follow, an occupation and a level.

A filter that cannot be read (an unknown phase, a month written wrongly, an occupation not found) is not applied
and says so beside its field; the page never quietly shows something other than what was asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from credentials.queries.campaigns import CampaignSummary, Phase
from credentials.queries.indicators import INDICATOR_BY_CODE, Indicator, covered_months
from credentials.queries.reference import occupation_named
from ladder.frameworks import appraised_levels

from ...i18n import localized

DEFAULT_INDICATOR = "certificates_issued"
MAX_MONTHS = 120  # ten years of months: a trend longer than that is unreadable, and nobody plans in it
_MONTH = re.compile(r"^\s*(\d{4})[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?\s*月?\s*$")
_TEXT_MAX = 64


def level_codes() -> list[str]:
    """The levels a certificate is appraised at, lowest first: the choices of the level filter."""
    return [level.code for level in appraised_levels("skill-2022")]


@dataclass(frozen=True)
class Filters:
    start: date  # the period asked for; the indicators read the whole months it touches
    end: date
    phase: Phase | None  # the chosen phase, None for the whole campaign or a range of months
    is_range: bool  # from/to months were given (they take precedence over a phase)
    indicator: Indicator  # the one the trend and the ranking follow
    occupation: str | None = None  # an occupation code
    occupation_label: str = ""
    level: str | None = None
    errors: dict[str, str] = field(default_factory=dict)  # field -> why its filter is not applied
    raw: dict[str, str] = field(default_factory=dict)  # what was typed, shown again in the form

    @property
    def months(self) -> tuple[date, date]:
        return covered_months(self.start, self.end)

    def args(self, **changes: str | None) -> dict[str, str]:
        """The query string that reproduces these filters (with `changes`), for links and downloads."""
        first, last = self.months
        found: dict[str, Any] = {
            "phase": self.phase.code if self.phase else None,
            "from": f"{first:%Y-%m}" if self.is_range else None,
            "to": f"{last:%Y-%m}" if self.is_range else None,
            "indicator": self.indicator.code if self.indicator.code != DEFAULT_INDICATOR else None,
            "occupation": self.occupation, "level": self.level,
        } | changes
        return {name: value for name, value in found.items() if value}

    def period_label(self, campaign: CampaignSummary) -> str:
        first, last = self.months
        if self.phase is not None:
            return _("%(phase)s（%(start)s 至 %(end)s）", phase=localized(self.phase.name), start=f"{first:%Y-%m}",
                     end=f"{last:%Y-%m}")
        if self.is_range:
            return _("%(start)s 至 %(end)s", start=f"{first:%Y-%m}", end=f"{last:%Y-%m}")
        return _("活动全程（%(start)s 至 %(end)s）", start=f"{first:%Y-%m}", end=f"{last:%Y-%m}")


def _month(text: str, *, last: bool) -> date:
    found = _MONTH.match(text)
    if not found:
        raise ValueError(text)
    year, month = int(found.group(1)), int(found.group(2))
    if not (1990 <= year <= 2100 and 1 <= month <= 12):
        raise ValueError(text)
    first = date(year, month, 1)
    return covered_months(first, first)[1] if last else first


def _period(campaign: CampaignSummary, args: Any, errors: dict[str, str]) -> tuple[date, date, Phase | None, bool]:
    whole = (campaign.starts_on, campaign.ends_on, None, False)
    start_text, end_text = (args.get(name, "")[:_TEXT_MAX].strip() for name in ("from", "to"))
    if start_text or end_text:
        try:
            start = _month(start_text, last=False) if start_text else campaign.starts_on
        except ValueError:
            errors["from"] = _("起始月份应写作 2013-05，未按日期筛选")
        try:
            end = _month(end_text, last=True) if end_text else campaign.ends_on
        except ValueError:
            errors["to"] = _("截止月份应写作 2014-09，未按日期筛选")
        if errors:
            return whole
        if end < start:
            errors["to"] = _("截止月份早于起始月份，未按日期筛选")
            return whole
        first, last = covered_months(start, end)
        if (last.year - first.year) * 12 + last.month - first.month + 1 > MAX_MONTHS:
            errors["to"] = _("一次最多查看 %(months)s 个月，未按日期筛选", months=MAX_MONTHS)
            return whole
        return start, end, None, True
    code = args.get("phase", "")[:_TEXT_MAX]
    if not code:
        return whole
    phase = campaign.phase(code)
    if phase is None:
        errors["phase"] = _("本次活动没有这个阶段，显示活动全程")
        return whole
    return phase.starts_on, phase.ends_on, phase, False


def read_filters(session: Session, campaign: CampaignSummary, args: Any) -> Filters:
    """The filters of a dashboard request; each one that cannot be read is left out, with the reason."""
    errors: dict[str, str] = {}
    raw = {name: args.get(name, "")[:_TEXT_MAX] for name in ("phase", "from", "to", "occupation", "level", "indicator")}
    start, end, phase, is_range = _period(campaign, args, errors)
    indicator = INDICATOR_BY_CODE.get(raw["indicator"] or DEFAULT_INDICATOR)
    if indicator is None:
        errors["indicator"] = _("没有这个指标，显示“发放职业技能证书”")
        indicator = INDICATOR_BY_CODE[DEFAULT_INDICATOR]
    level = raw["level"] or None
    if level is not None and level not in level_codes():
        errors["level"] = _("没有这个等级，未按等级筛选")
        level = None
    occupation, occupation_label = None, ""
    if raw["occupation"].strip():
        found = occupation_named(session, raw["occupation"])
        if found is None:
            errors["occupation"] = _("未找到该职业，未按职业筛选：请从列表中选择职业")
        else:
            occupation, occupation_label = found.code, f"{found.code} {found.name}"
    return Filters(start, end, phase, is_range, indicator, occupation, occupation_label, level, errors, raw)
