"""An institution nominates its workers for exceptional or level-skipping promotion (UX "Training institution
clerk" 4): the worker's record beside the form, evidence uploads, the rule relied upon; then submit, answer a
return, or withdraw. Also its own enterprise contests and the inbox. Joins `institution.bp`."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from credentials import CredentialsError
from credentials.clock import china_today
from credentials.labels import STATE_NAMES
from credentials.models import PromotionKind, Role, Worker
from credentials.queries.approvals import competitions_for, promotions_for, recognition_of
from credentials.queries.progression import progression
from credentials.queries.scopes import worker_scope
from credentials.services.competitions import PLAN_NAMES, apply_for_plan
from credentials.services.promotions import (
    attach_evidence,
    local_clauses,
    nominate_promotion,
    relied_rules,
    resubmit_promotion,
    submit_promotion,
    withdraw_promotion,
)
from credentials.services.workers import find_worker_by_national_id

from ...access import allow
from ...auth import current_actor
from ...exports import xlsx_response
from ...extensions import db
from ...i18n import error_text, level_name, localized
from ...lookups import competition_or_404, occupation_or_field_error, request_or_404, vault
from ..approval_forms import CompetitionForm, EvidenceForm, NominationForm, ResultForm
from ..approvals import (
    KIND_NAMES,
    OUTCOME_NAMES,
    evidence_download,
    inbox_mark_read,
    inbox_page,
    uploaded_files,
)
from ..competition_pages import enter_result, register_from, results_xlsx
from ..pages import apply_field_error, commit_or_show, paginate
from .blueprint import bp

ACTIONS = {"submit": submit_promotion, "resubmit": resubmit_promotion, "withdraw": withdraw_promotion}


@bp.get("/nominations")
@allow(Role.INSTITUTION_STAFF)
def nominations():
    state = request.args.get("state") or None
    page = paginate(promotions_for(current_actor(), state=state))
    return render_template("institution/nominations.html", page=page, state=state)


@bp.get("/nominations.xlsx")
@allow(Role.INSTITUTION_STAFF)
def nominations_export():

    found = db.session.scalars(promotions_for(current_actor()).limit(50_000))
    headers = [_("编号"), _("姓名"), _("身份证号"), _("职业"), _("晋升方式"), _("现有等级"), _("申报等级"), _("状态"),
               _("批准有效期至")]
    return xlsx_response(_("破格越级提名.xlsx"), headers, (
        [r.id, r.worker.name, r.worker.id_masked, r.occupation.name, localized(KIND_NAMES[r.kind.value]),
         level_name(r.current_level), level_name(r.target_level), localized(STATE_NAMES[r.state]),
         r.approval_valid_until] for r in found))


def _worker_in_scope() -> Worker | None:
    """The worker named by ?worker=<id>, if the institution may see them."""
    worker_id = request.values.get("worker", "")
    if worker_id.isdigit() and len(worker_id) < 12:
        return db.session.scalar(select(Worker).where(Worker.id == int(worker_id), worker_scope(current_actor())))
    return None


@bp.post("/nominations/find")
@allow(Role.INSTITUTION_STAFF)
def find_nominee():
    """The look-up by national ID arrives by POST, so the number never sits in a URL; finding nobody (or
    somebody outside the institution's workers) says so and keeps what was typed."""
    national_id = request.form.get("national_id", "").strip()[:20]
    found = find_worker_by_national_id(db.session(), vault(), national_id) if national_id else None
    if found is not None and db.session.scalar(
            select(Worker.id).where(Worker.id == found.id, worker_scope(current_actor()))):
        return redirect(url_for("institution.new_nomination", worker=found.id))
    message = (_("请输入劳动者身份证号") if not national_id
               else _("未在本机构的劳动者中找到该身份证号：请核对号码，或先在“劳动者”页面登记"))
    return render_template("institution/nomination_new.html", form=NominationForm(rules={}), worker=None,
                           rules={}, progress=[], recognition=None, lookup_error=message,
                           looked_up=national_id), 422


@bp.route("/nominations/new", methods=["GET", "POST"])
@allow(Role.INSTITUTION_STAFF)
def new_nomination():
    worker = _worker_in_scope()
    target = request.values.get("target_level", "technician")
    kind = PromotionKind(request.values.get("kind")) if request.values.get("kind") in ("exceptional",
                                                                                      "level_skipping") else (
        PromotionKind.EXCEPTIONAL)
    rules = (relied_rules(target, kind, on=china_today(), city_code=worker.city_code)
             if worker is not None and target in ("technician", "senior_technician") else {})
    local_rules = bool(worker) and bool(local_clauses(target, worker.city_code, on=china_today()))
    form = NominationForm(rules=rules)
    if worker is not None and form.validate_on_submit():
        nomination = commit_or_show(form, lambda: _nominate(worker, form))
        if nomination is not None:
            flash(_("已保存提名草稿；核对后请提交"), "success")
            return redirect(url_for("institution.nomination", request_id=nomination.id))
    elif request.method == "POST" and worker is None:
        flash(_("未找到该劳动者"), "error")
    status = 422 if request.method == "POST" else (404 if request.values.get("worker") and worker is None else 200)
    return render_template(
        "institution/nomination_new.html", form=form, worker=worker, rules=rules, local_rules=local_rules,
        progress=progression(db.session(), worker) if worker else [],
        recognition=recognition_of(db.session(), worker.id) if worker else None), status


def _nominate(worker: Worker, form: NominationForm):
    session = db.session()
    occupation = occupation_or_field_error(form.occupation_code.data)
    nomination = nominate_promotion(
        session, worker=worker, occupation=occupation, kind=PromotionKind(form.kind.data),
        target_level=form.target_level.data, grounds=form.grounds.data, statement=form.statement.data,
        rule_id=form.rule_id.data or None, by=current_actor())
    for filename, content in uploaded_files(form.evidence):
        attach_evidence(session, nomination, filename=filename, content=content, by=current_actor())
    return nomination


def _nomination_page(found, form: EvidenceForm | None = None, status: int = 200):
    return render_template("institution/nomination.html", req=found, form=form or EvidenceForm(),
                           progress=progression(db.session(), found.worker)), status


@bp.get("/nominations/<int:request_id>")
@allow(Role.INSTITUTION_STAFF)
def nomination(request_id: int):
    return _nomination_page(request_or_404(request_id))


@bp.post("/nominations/<int:request_id>/evidence")
@allow(Role.INSTITUTION_STAFF)
def nomination_evidence(request_id: int):
    found = request_or_404(request_id)
    form = EvidenceForm()
    if not form.validate_on_submit():
        return _nomination_page(found, form, 422)
    try:
        for filename, content in uploaded_files(form.evidence):
            attach_evidence(db.session(), found, filename=filename, content=content, by=current_actor())
    except CredentialsError as error:
        db.session.rollback()
        if not apply_field_error(form, error):
            flash(error_text(error), "error")
        return _nomination_page(request_or_404(request_id), form, error.status)
    db.session.commit()
    flash(_("材料已上传"), "success")
    return redirect(url_for("institution.nomination", request_id=request_id))


@bp.post("/nominations/<int:request_id>/action")
@allow(Role.INSTITUTION_STAFF)
def nomination_action(request_id: int):
    found = request_or_404(request_id)
    action = request.form.get("action")
    if action not in ACTIONS:
        abort(400)
    try:
        ACTIONS[action](db.session(), found, by=current_actor())
    except CredentialsError as error:
        db.session.rollback()
        flash(error_text(error), "error")
        return redirect(url_for("institution.nomination", request_id=request_id)), 303
    db.session.commit()
    flash({"submit": _("已提交，等待市级初审"), "resubmit": _("已重新提交"),
           "withdraw": _("已撤回")}[action], "success")
    return redirect(url_for("institution.nomination", request_id=request_id))


@bp.get("/evidence/<int:evidence_id>")
@allow(Role.INSTITUTION_STAFF)
def evidence(evidence_id: int):
    return evidence_download(evidence_id)


@bp.get("/inbox")
@allow(Role.INSTITUTION_STAFF)
def inbox():
    return inbox_page("institution.inbox_read")


@bp.post("/inbox/read")
@allow(Role.INSTITUTION_STAFF)
def inbox_read():
    return inbox_mark_read("institution.inbox")


# ---- the institution's own contests (技术比武) -------------------------------------------------------------

@bp.route("/competitions", methods=["GET", "POST"])
@allow(Role.INSTITUTION_STAFF)
def competitions():
    form = CompetitionForm(tier_codes=("enterprise",))
    del form.city_code  # the institution's own city
    if form.validate_on_submit():
        competition = commit_or_show(form, lambda: register_from(form))
        if competition is not None:
            flash(_("已登记竞赛“%(name)s”", name=competition.name), "success")
            return redirect(url_for("institution.competitions"))
    page = paginate(competitions_for(current_actor()))
    return render_template("institution/competitions.html", form=form, page=page, plan_names=PLAN_NAMES,
                           result_form=ResultForm()), 422 if form.errors else 200


def _own_competition(competition_id: int):
    return competition_or_404(competition_id)


@bp.get("/competitions.xlsx")
@allow(Role.INSTITUTION_STAFF)
def competitions_export():
    found = db.session.scalars(competitions_for(current_actor()).limit(50_000))
    headers = [_("编号"), _("竞赛名称"), _("职业"), _("开始日期"), _("结束日期"), _("政府竞赛计划"), _("成绩")]
    return xlsx_response(_("技术比武.xlsx"), headers, (
        [c.id, c.name, c.occupation.name, c.starts_on, c.ends_on, localized(PLAN_NAMES[c.plan_state]),
         len(c.results)]
        for c in found))


@bp.get("/competitions/<int:competition_id>/results.xlsx")
@allow(Role.INSTITUTION_STAFF)
def competition_results_export(competition_id: int):
    return results_xlsx(_own_competition(competition_id))


@bp.post("/competitions/<int:competition_id>/apply")
@allow(Role.INSTITUTION_STAFF)
def competition_apply(competition_id: int):
    found = _own_competition(competition_id)
    try:
        apply_for_plan(db.session(), found, by=current_actor())
    except CredentialsError as error:
        db.session.rollback()
        flash(error_text(error), "error")
        return redirect(url_for("institution.competitions")), 303
    db.session.commit()
    flash(_("已申请纳入政府竞赛计划"), "success")
    return redirect(url_for("institution.competitions"))


@bp.post("/competitions/<int:competition_id>/results")
@allow(Role.INSTITUTION_STAFF)
def competition_result(competition_id: int):
    found = _own_competition(competition_id)
    form = ResultForm()
    if form.validate_on_submit():
        try:
            result = enter_result(found, form)
        except CredentialsError as error:
            db.session.rollback()
            flash(error_text(error), "error")
            return redirect(url_for("institution.competitions")), 303
        db.session.commit()
        # what the rank led to, as the bureau's page says it (e.g. that no reward rule applies yet)
        flash(_("已登记成绩：%(outcome)s", outcome=localized(OUTCOME_NAMES[result.outcome])), "success")
    else:
        flash(_("请检查成绩：%(errors)s", errors="; ".join(e for errs in form.errors.values() for e in errs)),
              "error")
    return redirect(url_for("institution.competitions"))
