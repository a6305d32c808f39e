"""Competitions for bureaus (UX "Bureau officer" 3): register, decide inclusion in the government plan, enter or
import results, see the proposals they lead to; the WorldSkills candidate pool; honours and allowances on a
worker's record. Joins `bureau.bp`."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import Optional

from credentials import CredentialsError
from credentials.clock import china_today
from credentials.imports.sheet_budget import read_sheet_within_budget
from credentials.models import AllowancePeriod, Competition, ResultOutcome, Role
from credentials.permissions import may_judge_again, may_run
from credentials.queries.approvals import competitions_for, recognition_of, worldskills_pool
from credentials.queries.competition_rules import rule_name, rules_for_competition
from credentials.services.competition_promotions import governing_policy, judge_again
from credentials.services.competitions import (
    PLAN_NAMES,
    decide_plan,
    import_results,
)
from credentials.services.recognition import record_allowance, record_honour
from ladder.competitions import tiers

from ...access import allow
from ...auth import current_actor
from ...exports import xlsx_response
from ...extensions import db
from ...i18n import error_text, level_name, localized
from ...jobs import parse_budget
from ...lookups import competition_or_404, competition_rule_or_404, vault, worker_or_404
from ..approval_forms import AllowanceForm, CompetitionForm, HonourForm, ImportForm, PlanDecisionForm, ResultForm
from ..approvals import OUTCOME_NAMES, ListPage
from ..competition_pages import enter_result, register_from, results_xlsx
from ..forms import options
from ..pages import apply_field_error, paginate
from .blueprint import bp

POOL_CAP = 5000  # rows (worker, result) a page of the pool is cut from; the export has them all


def _fail(form, error: CredentialsError) -> None:
    db.session.rollback()
    if not apply_field_error(form, error):
        flash(error_text(error), "error")


@bp.route("/competitions", methods=["GET", "POST"])
@allow(Role.BUREAU_OFFICER)
def competitions():
    form = CompetitionForm()
    if form.validate_on_submit():
        try:
            competition = register_from(form)
        except CredentialsError as error:
            _fail(form, error)
        else:
            db.session.commit()
            flash(_("已登记竞赛“%(name)s”", name=competition.name), "success")
            return redirect(url_for("bureau.competition", competition_id=competition.id))
    tier = request.args.get("tier") if request.args.get("tier") in tiers() else None
    page = paginate(competitions_for(current_actor(), tier=tier))
    return render_template("bureau/competitions.html", form=form, page=page, tier=tier,
                           plan_names=PLAN_NAMES), 422 if form.errors else 200


@bp.get("/competitions.xlsx")
@allow(Role.BUREAU_OFFICER)
def competitions_export():
    found = db.session.scalars(competitions_for(current_actor()).limit(50_000))
    headers = [_("编号"), _("竞赛名称"), _("竞赛级别"), _("职业"), _("开始日期"), _("结束日期"), _("主办单位"),
               _("政府竞赛计划")]
    rows = ([c.id, c.name, localized(tiers()[c.tier]), c.occupation.name, c.starts_on, c.ends_on, c.organizer,
             localized(PLAN_NAMES[c.plan_state])] for c in found)
    return xlsx_response(_("竞赛.xlsx"), headers, rows)


class JudgeAgainForm(FlaskForm):
    rule_id = SelectField(_l("奖励办法"), validators=[Optional()],
                          description=_l("留空则按本地区适用的奖励办法；选定后此竞赛今后都按所选办法评定"))


def _judge_form(found: Competition, form: JudgeAgainForm | None = None) -> JudgeAgainForm:
    form = form or JudgeAgainForm()
    user = current_actor()
    rules = rules_for_competition(db.session(), user, found) if may_judge_again(user, found) else []
    form.rule_id.choices = options([("", _("本地区适用的奖励办法"))] + [
        (rule.id, f"{localized(rule_name(rule))}（{rule.document_number}）") for rule in rules])
    return form


def _competition_page(found: Competition, *, plan_form=None, result_form=None, import_form=None, report=None,
                      judge_form=None, status: int = 200):
    user = current_actor()
    policy, rule = governing_policy(db.session(), found)
    return render_template(
        "bureau/competition.html", competition=found, plan_names=PLAN_NAMES, report=report,
        plan_form=plan_form or PlanDecisionForm(), result_form=result_form or ResultForm(),
        import_form=import_form or ImportForm(), may_run=may_run(user, found),
        may_decide_plan=found.plan_state.value == "applied" and user.bureau_scope.value != "ministry",
        policy=policy, governing_rule=rule, judge_form=_judge_form(found, judge_form),
        may_judge_again=may_judge_again(user, found),
        waiting=sum(r.outcome is ResultOutcome.NO_RULE for r in found.results)), status


@bp.get("/competitions/<int:competition_id>")
@allow(Role.BUREAU_OFFICER)
def competition(competition_id: int):
    return _competition_page(competition_or_404(competition_id))


@bp.post("/competitions/<int:competition_id>/plan")
@allow(Role.BUREAU_OFFICER)
def competition_plan(competition_id: int):
    found = competition_or_404(competition_id)
    form = PlanDecisionForm()
    if not form.validate_on_submit():
        return _competition_page(found, plan_form=form, status=422)
    try:
        decide_plan(db.session(), found, include=form.decision.data == "include", reason=form.reason.data,
                    by=current_actor())
    except CredentialsError as error:
        _fail(form, error)
        return _competition_page(competition_or_404(competition_id), plan_form=form, status=error.status)
    db.session.commit()
    flash(_("已记录纳入计划的决定"), "success")
    return redirect(url_for("bureau.competition", competition_id=competition_id))


@bp.post("/competitions/<int:competition_id>/judge-again")
@allow(Role.BUREAU_OFFICER)
def competition_judge_again(competition_id: int):
    """Judge the results no rule applied to again (after the region's rule was entered), optionally naming the
    rule the competition follows from now on."""
    found = competition_or_404(competition_id)
    form = _judge_form(found, JudgeAgainForm())
    if not form.validate_on_submit():
        return _competition_page(found, judge_form=form, status=422)
    rule = competition_rule_or_404(int(form.rule_id.data)) if form.rule_id.data else None
    try:
        judged = judge_again(db.session(), found, by=current_actor(), rule=rule)
    except CredentialsError as error:
        _fail(form, error)
        return _competition_page(competition_or_404(competition_id), judge_form=form, status=error.status)
    db.session.commit()
    proposed = sum(r.outcome is ResultOutcome.PROPOSED for r in judged)
    flash(_("已重新评定 %(count)s 条成绩，生成 %(proposed)s 条晋升建议", count=len(judged), proposed=proposed),
          "success")
    return redirect(url_for("bureau.competition", competition_id=competition_id))


@bp.get("/competitions/<int:competition_id>/results.xlsx")
@allow(Role.BUREAU_OFFICER)
def competition_results_export(competition_id: int):
    found = competition_or_404(competition_id)
    return results_xlsx(found)


@bp.post("/competitions/<int:competition_id>/results")
@allow(Role.BUREAU_OFFICER)
def competition_result(competition_id: int):
    found = competition_or_404(competition_id)
    form = ResultForm()
    if not form.validate_on_submit():
        return _competition_page(found, result_form=form, status=422)
    try:
        result = enter_result(found, form)
    except CredentialsError as error:
        _fail(form, error)
        return _competition_page(competition_or_404(competition_id), result_form=form, status=error.status)
    db.session.commit()
    flash(_("已登记成绩：%(outcome)s", outcome=_outcome(result)), "success")
    return redirect(url_for("bureau.competition", competition_id=competition_id))


def _outcome(result) -> str:
    return localized(OUTCOME_NAMES[result.outcome])


@bp.post("/competitions/<int:competition_id>/import")
@allow(Role.BUREAU_OFFICER)
def competition_import(competition_id: int):
    found = competition_or_404(competition_id)
    form = ImportForm()
    if not form.validate_on_submit():
        return _competition_page(found, import_form=form, status=422)
    try:
        budget = parse_budget(current_app)  # the workbook is read by a child process, never by this one
        report = import_results(db.session(), vault(), found, content=form.file.data.read(32 * 1024 * 1024),
                                by=current_actor(), read=lambda data: read_sheet_within_budget(data, budget))
    except CredentialsError as error:
        _fail(form, error)
        return _competition_page(competition_or_404(competition_id), import_form=form, status=error.status)
    if report.errors:
        db.session.rollback()
        return _competition_page(competition_or_404(competition_id), import_form=form, report=report, status=422)
    db.session.commit()
    flash(_("已导入 %(count)s 条成绩", count=len(report.created)), "success")
    return redirect(url_for("bureau.competition", competition_id=competition_id))


# ---- WorldSkills candidate pool --------------------------------------------------------------------------

def _pool():
    edition, statement = worldskills_pool(current_actor(), on=china_today())
    return edition, statement


@bp.get("/worldskills")
@allow(Role.BUREAU_OFFICER)
def worldskills():
    edition, statement = _pool()
    rows = db.session.execute(statement.limit(POOL_CAP)).all() if statement is not None else []
    return render_template("bureau/worldskills.html", edition=edition, page=ListPage.of(list(rows)))


@bp.get("/worldskills.xlsx")
@allow(Role.BUREAU_OFFICER)
def worldskills_export():
    edition, statement = _pool()
    rows = db.session.execute(statement.limit(50_000)) if statement is not None else []
    headers = [_("姓名"), _("身份证号"), _("出生日期"), _("城市"), _("竞赛"), _("竞赛级别"), _("名次"), _("奖项")]
    return xlsx_response(_("世界技能大赛后备人选.xlsx"), headers, (
        [w.name, w.id_masked, w.birth_date, w.city_code, c.name, localized(tiers()[c.tier]), r.rank, r.medal or ""]
        for w, c, r in rows))


# ---- honours and allowances ------------------------------------------------------------------------------


@bp.route("/workers/<int:worker_id>/recognition", methods=["GET", "POST"])
@allow(Role.BUREAU_OFFICER)
def recognition(worker_id: int):
    worker = worker_or_404(worker_id)
    honour_form, allowance_form = HonourForm(prefix="honour"), AllowanceForm(prefix="allowance")
    which = request.form.get("which")
    form = honour_form if which == "honour" else allowance_form
    if request.method == "POST" and form.validate_on_submit():
        try:
            if which == "honour":
                record_honour(db.session(), worker=worker, title=form.title.data, year=form.year.data,
                              awarding_body=form.awarding_body.data, by=current_actor())
            else:
                record_allowance(db.session(), worker=worker, kind=form.kind.data, amount=form.amount.data,
                                 period=AllowancePeriod(form.period.data), payer=form.payer.data,
                                 starts_on=form.starts_on.data, ends_on=form.ends_on.data, by=current_actor())
        except CredentialsError as error:
            _fail(form, error)
        else:
            db.session.commit()
            flash(_("已记录"), "success")
            return redirect(url_for("bureau.recognition", worker_id=worker_id))
    status = 422 if request.method == "POST" else 200
    return render_template("bureau/recognition.html", worker=worker, honour_form=honour_form,
                           allowance_form=allowance_form, recognition=recognition_of(db.session(), worker.id),
                           level_name=level_name), status
