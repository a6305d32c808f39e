"""The campaign's performance evaluation (issue 9 item 5, plan 五 第三阶段): the ranking of the campaign cities the
officer may see (ranked among ALL the campaign's cities), and per city a report that a bureau prints on A4 and
files — targets against actuals per indicator with each indicator's plain description, weights, points, total,
grade, rank, the province's and the ministry's comments, and when and from what it was computed — both as XLSX.

Scores are computed for the "as of" date asked (default today, or the campaign's last day once it is over) by
credentials/queries/evaluation.py under the rule in ladder/data/campaign-scoring.toml. Scope: `may_read_region`
and the campaign's city scope; another region's city answers 404. Comments: `may_comment_on_evaluation` (the
province of the city and the ministry). Joins `bureau.bp`.
"""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField

from credentials import CredentialsError
from credentials.clock import china_today
from credentials.models import CampaignCity, CommentLevel, Role, User
from credentials.models.evaluations import COMMENT_MAX
from credentials.permissions import may_comment_on_evaluation, may_read_region
from credentials.queries.campaigns import CampaignSummary, campaign_city_for, campaign_for
from credentials.queries.evaluation import (
    CampaignEvaluation,
    CityReport,
    comments_on,
    evaluate_campaign,
    evaluate_city,
)
from credentials.queries.indicators import Region
from credentials.services.evaluations import add_comment

from ...access import allow
from ...auth import current_actor
from ...exports import xlsx_response
from ...extensions import db
from ...i18n import error_text, localized
from ..pages import commit_or_show, form_status
from .blueprint import bp
from .campaign_evaluation_text import REPORT, bi, both, cap_percent, number, percent, status_note, status_note_text

READERS = (Role.BUREAU_OFFICER, Role.ADMIN)  # as the dashboards: an admin reads every region
LEVEL_NAMES = {CommentLevel.PROVINCE: REPORT.province_level, CommentLevel.MINISTRY: REPORT.ministry_level}


class CommentForm(FlaskForm):
    text = TextAreaField(_l("评语"), description=_l("写给城市的评估意见，如完成情况、存在问题和改进要求；保存后不能修改，随报告存档"),
                         render_kw={"rows": 5, "maxlength": COMMENT_MAX})


def _as_of(campaign_ends_on: date) -> tuple[date, str | None]:
    """The date asked (?as_of=2014-12-31), else today, or the campaign's last day once it is over."""
    default = min(china_today(), campaign_ends_on)
    raw = (request.args.get("as_of") or "").strip()
    if not raw:
        return default, None
    try:
        return date.fromisoformat(raw), None
    except ValueError:
        return default, _("请按 2014-12-31 的格式填写日期")


def _region(user: User) -> Region:
    """The rows an officer sees: the ministry (and an admin) every city, a province its cities, a city itself."""
    return Region.of(user.region_code or "")


def _campaign_or_404(code: str) -> CampaignSummary:
    view = campaign_for(db.session(), current_actor(), code)
    if view is None:
        abort(404)
    return view.campaign


def _campaign_city_or_404(code: str, city_code: str) -> CampaignCity:
    user = current_actor()
    if len(city_code) != 4 or not may_read_region(user, city_code):
        abort(404)
    found = campaign_city_for(db.session(), user, code, city_code)
    if found is None:
        abort(404)
    return found


def _page_helpers() -> dict[str, object]:
    return {"both": both, "bi": bi, "number": number, "percent": percent, "report_labels": REPORT, "status_note": status_note,
            "cap_percent": cap_percent, "level_names": LEVEL_NAMES}


# ---- the ranking ------------------------------------------------------------------------------------------------

def _ranking(code: str) -> tuple[CampaignSummary, date, CampaignEvaluation | None, str | None]:
    campaign = _campaign_or_404(code)
    as_of, error = _as_of(campaign.ends_on)
    evaluation = None
    if error is None:
        try:
            evaluation = evaluate_campaign(db.session(), code, as_of=as_of, within=_region(current_actor()))
        except CredentialsError as refused:
            error = error_text(refused)
    return campaign, as_of, evaluation, error


@bp.get("/campaigns/<code>/evaluation")
@allow(*READERS)
def campaign_evaluation(code: str):
    campaign, as_of, evaluation, error = _ranking(code)
    return render_template("bureau/campaign/eval_ranking.html", campaign=campaign, as_of=as_of, evaluation=evaluation,
                           error=error, raw_as_of=request.args.get("as_of", ""), today=china_today(),
                           **_page_helpers())


@bp.get("/campaigns/<code>/evaluation.xlsx")
@allow(*READERS)
def campaign_evaluation_export(code: str):
    campaign, as_of, evaluation, error = _ranking(code)
    if evaluation is None:
        flash(error or _("无法计算评分"), "error")
        return redirect(url_for("bureau.campaign_evaluation", code=code))
    indicators = [evaluation.indicator(i.code) for i in evaluation.rule.indicators]
    headers = [_("排名"), _("城市代码"), _("城市"), _("省份"), _("总分"), _("评估等级"), _("设有目标的指标"),
               *(_("%(indicator)s：%(what)s", indicator=localized(i.name), what=what)
                 for i in indicators for what in (_("全程目标"), _("实绩"), _("得分")))]

    def lines():
        for row in evaluation.cities:
            score = row.score
            yield [row.rank, row.city_code, row.city_name, row.province_name, score.total,
                   localized(score.grade.name) if score.grade else _("未评分"), row.targets,
                   *(value for line in row.lines for value in (line.score.target, line.score.actual, line.score.points))]
        yield []
        yield [_("计算依据"), localized(evaluation.provenance.statement)]
        yield [_("排名范围"), _("在全部 %(cities)s 个参加城市中排名，其中 %(scored)s 个评分", cities=evaluation.city_count,
                                scored=evaluation.scored_count)]

    return xlsx_response(_("绩效评估排名 %(as_of)s.xlsx", as_of=as_of.isoformat()), headers, lines())


# ---- one city's report ------------------------------------------------------------------------------------------

def _report(campaign_city: CampaignCity) -> tuple[date, CityReport | None, str | None]:
    as_of, error = _as_of(campaign_city.campaign.ends_on)
    report = None
    if error is None:
        try:
            report = evaluate_city(db.session(), campaign_city.campaign.code, campaign_city.city_code, as_of=as_of)
        except CredentialsError as refused:
            error = error_text(refused)
    return as_of, report, error


def _report_page(campaign_city: CampaignCity, form: CommentForm | None = None, status: int = 200):
    user = current_actor()
    as_of, report, error = _report(campaign_city)
    may_comment = may_comment_on_evaluation(user, campaign_city.city_code)
    return render_template(
        "bureau/campaign/eval_report.html", campaign_city=campaign_city, campaign=campaign_city.campaign, as_of=as_of,
        report=report, error=error, raw_as_of=request.args.get("as_of", ""), today=china_today(),
        comments=report.comments if report else comments_on(db.session(), campaign_city.id),
        form=(form or CommentForm(formdata=None)) if may_comment else None, **_page_helpers()), status


@bp.get("/campaigns/<code>/cities/<city_code>/evaluation")
@allow(*READERS)
def city_evaluation(code: str, city_code: str):
    return _report_page(_campaign_city_or_404(code, city_code))


@bp.post("/campaigns/<code>/cities/<city_code>/evaluation/comments")
@allow(Role.BUREAU_OFFICER)
def comment_on_evaluation(code: str, city_code: str):
    campaign_city = _campaign_city_or_404(code, city_code)
    user = current_actor()
    if not may_comment_on_evaluation(user, city_code):
        abort(403)  # the city reads its own evaluation and does not comment on it
    form = CommentForm()
    if form.validate() and commit_or_show(form, lambda: add_comment(db.session(), campaign_city, text=form.text.data or "",
                                                                        by=user)):
        flash(_("评语已保存，随报告存档。"), "success")
        return redirect(url_for("bureau.city_evaluation", code=code, city_code=city_code,
                                as_of=request.args.get("as_of") or None, _anchor="comments"))
    return _report_page(campaign_city, form, form_status(form))


@bp.get("/campaigns/<code>/cities/<city_code>/evaluation.xlsx")
@allow(*READERS)
def city_evaluation_export(code: str, city_code: str):
    campaign_city = _campaign_city_or_404(code, city_code)
    as_of, report, error = _report(campaign_city)
    if report is None:
        flash(error or _("无法计算评分"), "error")
        return redirect(url_for("bureau.city_evaluation", code=code, city_code=city_code))
    return xlsx_response(_("%(city)s 绩效评估 %(as_of)s.xlsx", city=report.city.city_name, as_of=as_of.isoformat()),
                         [_("城市绩效评估报告"), localized(report.evaluation.campaign_name)], _report_rows(report))


def _report_rows(report: CityReport):
    evaluation, city = report.evaluation, report.city
    yield [_("城市"), f"{city.city_name}（{city.city_code}）", city.province_name]
    yield [_("统计截至"), evaluation.provenance.period_end]
    yield [_("总分"), city.score.total]
    yield [_("评估等级"), localized(city.score.grade.name) if city.score.grade else _("未评分")]
    yield [_("排名"), city.rank, _("共 %(cities)s 个参加城市，其中 %(scored)s 个评分", cities=evaluation.city_count,
                                 scored=evaluation.scored_count)]
    yield [_("计算依据"), localized(evaluation.provenance.statement)]
    yield [_("评分办法"), evaluation.rule.id, localized(evaluation.rule.name)]
    for note in city.score.notes:
        yield [_("说明"), localized(note)]
    yield []
    yield [_("指标代码"), _("指标"), _("单位"), _("全程目标"), _("实绩"), _("完成率（%）"), _("完成率上限（%）"), _("权重"),
           _("折算权重"), _("得分"), _("说明"), _("指标说明")]
    for line in city.lines:
        score = line.score
        yield [line.indicator.code, localized(line.indicator.name), localized(line.indicator.unit.label), score.target,
               score.actual, score.achievement * 100 if score.achievement is not None else None, score.cap * 100,
               score.weight, score.effective_weight, score.points, status_note_text(score),
               localized(line.indicator.description)]
    yield []
    yield [_("评语"), _("意见级别"), _("评语人"), _("时间"), _("评语内容")]
    for comment in report.comments:
        yield ["", str(LEVEL_NAMES[comment.level]), comment.author, comment.created_at, comment.text]

