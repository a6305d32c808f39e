"""The words of the campaign evaluation pages (app/web/bureau/campaign_evaluation.py): the report's labels, printed in
Chinese and English together (`both`), and the helpers that put a bilingual `Text` or a number on the page.

The labels are lazy strings marked here, so the catalogue extraction finds them and `both` can render each in
both languages whatever the page's language: a filed report reads the same to everyone.
"""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from markupsafe import Markup, escape

from ladder.campaign_scoring import IndicatorScore, Status
from ladder.i18n import Text

REPORT = SimpleNamespace(
    title=_l("城市绩效评估报告"), as_of=_l("统计截至"), total=_l("总分"), grade=_l("评估等级"), rank=_l("排名"),
    indicator=_l("指标"), unit=_l("单位"), target=_l("全程目标"), actual=_l("实绩"), achievement=_l("完成率"),
    weight=_l("权重"), effective_weight=_l("折算权重"), points=_l("得分"), note=_l("说明"),
    summary=_l("评估结果"), results=_l("目标完成情况"), method=_l("评分办法"), definitions=_l("指标说明"),
    comments=_l("省级和部级评语"), no_comments=_l("尚无评语。"), provenance=_l("计算依据"),
    seal=_l("评估单位（盖章）"), signed_on=_l("签章日期"), not_scored=_l("未评分"), province_level=_l("省级意见"),
    ministry_level=_l("部级意见"), sum=_l("合计"),
    rank_among=_l("共 %(cities)s 个参加城市，其中 %(scored)s 个评分"),
    no_rank=_l("不排名（共 %(cities)s 个参加城市，其中 %(scored)s 个评分）"),
    method_text=_l("完成率 = 实绩 ÷ 全程目标（实绩自活动开始累计至统计截至日）；得分 = 折算权重 × 完成率，完成率最高按上限计；"
                   "未设目标（或目标为 0）的指标不计分，其余指标的权重按比例折算为合计 100；设有目标的指标少于 %(min)s 项时不评分。"
                   "得分逐项四舍五入至 %(points)s 位小数，总分为各项得分之和，保留 %(total)s 位小数；等级和排名按总分确定，"
                   "总分相同的城市名次并列。"),
    grades_text=_l("等级界限（总分不低于）："),
    illustrative=_l("本评分办法为系统示例：实施方案要求对各城市开展绩效评估，但未规定评估办法；指标、权重、上限和等级界限为可配置的数据，"
                    "尚待主管部门确认。"),
    cap=_l("上限 %(cap)s%%"),
)
STATUS_NOTES = {
    Status.SCORED: None,
    Status.CAPPED: _l("超过上限，按 %(cap)s%% 计"),
    Status.NO_ACTUAL: _l("无从计算实绩（如无人参加评价），按 0 计"),
    Status.NO_TARGET: _l("未设目标，不计分"),
    Status.ZERO_TARGET: _l("目标为 0，不计分"),
    Status.NOT_SCORED: _l("设有目标的指标不足，本次不评分"),
}
_ONE_LINE = Markup('<span class="bilingual" lang="zh-CN">{}</span> <span class="bilingual__en" lang="en">{}</span>')
_TWO_LINES = Markup('<span class="bilingual bilingual--block" lang="zh-CN">{}</span>'
                    '<span class="bilingual__en bilingual--block" lang="en">{}</span>')


def _in(locale: str, label: object, params: dict[str, object]) -> str:
    with force_locale(locale):
        text = str(label)
    return text % params if params else text


def both(label: object, *, block: bool = False, **params: object) -> Markup:
    """A marked label (a lazy string of REPORT or STATUS_NOTES) in Chinese and English together; `params` fill it."""
    if not isinstance(label, LazyString):
        raise TypeError(f"both() takes a marked label, not {label!r}")  # an unmarked text would have no English
    return (_TWO_LINES if block else _ONE_LINE).format(escape(_in("zh", label, params)), escape(_in("en", label, params)))


def bi(text: Text, *, block: bool = False) -> Markup:
    """A bilingual domain text (an indicator's name, a grade, a note) in both languages; once when they are alike
    (the unit %)."""
    if text.zh == text.en:
        return Markup('<span class="bilingual">{}</span>').format(text.zh)
    return (_TWO_LINES if block else _ONE_LINE).format(escape(text.zh), escape(text.en))


def number(value: Decimal | None, decimals: int | None = None) -> str:
    """12,345 or 12,345.67 (a whole number without decimals unless `decimals` says); None: —."""
    if value is None:
        return "—"
    if decimals is not None:
        return f"{value:,.{decimals}f}"
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


def percent(ratio: Decimal | None) -> str:
    """An achievement ratio as a percentage with two decimals: 0.9375 -> 93.75%."""
    return "—" if ratio is None else f"{ratio * 100:,.2f}%"


def cap_percent(score: IndicatorScore) -> str:
    return f"{score.cap * 100:.0f}"


def status_note(score: IndicatorScore) -> Markup:
    label = STATUS_NOTES[score.status]
    return both(label, cap=cap_percent(score)) if label is not None else Markup("")


def status_note_text(score: IndicatorScore) -> str:
    """The same note in the page's language, for the XLSX."""
    label = STATUS_NOTES[score.status]
    return "" if label is None else str(label) % {"cap": cap_percent(score)}
