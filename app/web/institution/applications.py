"""An institution's applications (申报) and qualification review (资格审核), UX "Training institution clerk" 5:
the engine's verdict per applicant ("meets clause …" or "missing …, met from …"), approve or refuse (a reason
for a refusal), seat the qualified in a session. Joins `institution.bp`."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from credentials import ValidationFailed
from credentials.labels import APPLICATION_STATE_NAMES, OUTCOME_NAMES
from credentials.models import ApplicationState, PromotionRequest, Role
from credentials.queries.applications import (
    accredited_occupations,
    applications_for,
    clause_text,
    sessions_open_for,
)
from credentials.services.applications import (
    approve_application,
    refuse_application,
    seat_application,
    submit_application,
    verdict_for,
)
from ladder.i18n import Text

from ... import career
from ...access import allow
from ...auth import current_actor
from ...exports import stream, too_many_to_export, xlsx_response
from ...extensions import db
from ...i18n import level_name, localized
from ...lookups import application_or_404, session_or_404, worker_by_national_id_or_field_error
from ..appraisal_forms import ApplicationForm, ReviewForm, SeatForm
from ..forms import options
from ..pages import apply_field_error, commit_or_show, form_status, paginate
from ..searches import search_term
from .blueprint import bp

ROUTE_NAMES = {"regular": Text("正常申报", "regular"), "exceptional": Text("破格/越级", "exceptional")}


def _filters() -> dict:
    state = request.args.get("state") or None
    return {"state": state if state in {s.value for s in ApplicationState} else None,
            "search": search_term() or None}


def _occupation_choices(form) -> None:
    user = current_actor()
    found = accredited_occupations(db.session(), user.institution_id, on=career.today())
    form.occupation_id.choices = options((o.id, f"{o.name} {o.code}") for o in found)


@bp.get("/applications")
@allow(Role.INSTITUTION_STAFF)
def applications():
    filters = _filters()
    page = paginate(applications_for(current_actor(), **filters))
    today = career.today()
    verdicts = {a.id: localized(verdict_for(db.session(), a, on=today)) for a in page.items
                if a.state is ApplicationState.SUBMITTED}
    return render_template("institution/applications.html", page=page, filters=filters, verdicts=verdicts,
                           state_names=APPLICATION_STATE_NAMES, route_names=ROUTE_NAMES)


@bp.get("/applications.xlsx")
@allow(Role.INSTITUTION_STAFF)
def applications_export():
    statement = applications_for(current_actor(), **_filters())
    if too_many_to_export(statement):
        return redirect(url_for("institution.applications", **request.args))
    headers = [_("编号"), _("姓名"), _("身份证号"), _("职业编码"), _("职业"), _("申报等级"), _("申报途径"), _("状态"),
               _("符合的申报条件"), _("考试日期"), _("补考截止"), _("不通过理由")]
    rows = ((a.id, a.worker.name, a.worker.id_masked, a.occupation.code, a.occupation.name, level_name(a.level),
             localized(ROUTE_NAMES[a.route.value]), localized(APPLICATION_STATE_NAMES[a.state]),
             localized(clause_text(a.rule_set, a.matched_clause)), a.session.held_on if a.session else None,
             a.retake_until, a.refusal_reason) for a in stream(statement))
    return xlsx_response(_("申报") + ".xlsx", headers, rows)


@bp.route("/applications/new", methods=["GET", "POST"])
@allow(Role.INSTITUTION_STAFF)
def new_application():
    """Enter an application for a worker (UX: without leaving the institution's pages)."""
    form = ApplicationForm()
    _occupation_choices(form)
    if form.validate_on_submit():
        application = commit_or_show(form, lambda: _submit(form))
        if application is not None:
            flash(_("已登记申报，请进行资格审核"), "success")
            return redirect(url_for("institution.application", application_id=application.id))
    return render_template("institution/application_new.html", form=form), form_status(form)


def _submit(form: ApplicationForm):
    user, session = current_actor(), db.session()
    worker = worker_by_national_id_or_field_error(form.national_id.data)
    occupation = next(o for o in accredited_occupations(session, user.institution_id, on=career.today())
                      if str(o.id) == form.occupation_id.data)
    request_ = None
    if form.promotion_request_id.data:
        request_ = session.get(PromotionRequest, form.promotion_request_id.data)
        if request_ is None or request_.worker_id != worker.id:
            raise ValidationFailed("binding", field="promotion_request_id",
                                   reason=Text("该劳动者没有此编号的批准", "no such approval for this worker"))
    return submit_application(session, worker=worker, occupation=occupation, level=form.level.data,
                              institution=user.institution, promotion_request=request_, by=user,
                              today=career.today())


@bp.get("/applications/<int:application_id>")
@allow(Role.INSTITUTION_STAFF)
def application(application_id: int):
    found = application_or_404(application_id)
    return _detail(found, ReviewForm(), _seat_form(found))


def _seat_form(found) -> SeatForm:
    form = SeatForm(prefix="seat")
    form.session_id.choices = options(
        (s.id, f"{s.held_on.isoformat()} · {s.site} · {s.occupation.name}")
        for s in sessions_open_for(db.session(), found, today=career.today()))
    return form


def _detail(found, review_form: ReviewForm, seat_form: SeatForm, status: int = 200):
    verdict = localized(verdict_for(db.session(), found, on=career.today()))
    return render_template(
        "institution/application.html", application=found, verdict=verdict, review_form=review_form,
        seat_form=seat_form, state_names=APPLICATION_STATE_NAMES, route_names=ROUTE_NAMES, outcome_names=OUTCOME_NAMES,
        clause=clause_text(found.rule_set, found.matched_clause)), status


@bp.post("/applications/<int:application_id>/review")
@allow(Role.INSTITUTION_STAFF)
def review_application(application_id: int):
    found = application_or_404(application_id)
    form = ReviewForm()
    if form.validate_on_submit():
        user = current_actor()
        if form.decision.data == "approve":
            done = commit_or_show(form, lambda: approve_application(db.session(), found, by=user,
                                                                    today=career.today()))
        else:
            done = commit_or_show(form, lambda: refuse_application(db.session(), found, reason=form.reason.data,
                                                                   by=user))
        if done is not None:
            flash(_("已通过资格审核") if form.decision.data == "approve" else _("已记录不通过及理由"), "success")
            return redirect(url_for("institution.application", application_id=found.id))
    return _detail(found, form, _seat_form(found), 422)


@bp.post("/applications/<int:application_id>/seat")
@allow(Role.INSTITUTION_STAFF)
def seat(application_id: int):
    """Seat from the application's page, or from a session's page (back=session returns there)."""
    found = application_or_404(application_id)
    form = _seat_form(found)
    chosen = request.form.get("seat-session_id", "")
    back = request.form.get("back") == "session"
    if not (chosen.isdigit() and len(chosen) < 12):
        apply_field_error(form, ValidationFailed("required", field="session_id"))
        return _detail(found, ReviewForm(), form, 422)
    target = session_or_404(int(chosen))
    done = commit_or_show(form, lambda: seat_application(db.session(), found, target, by=current_actor(),
                                                         today=career.today()))
    if done is not None:
        flash(_("已安排 %(name)s 参加 %(date)s 的考试", name=found.worker.name, date=target.held_on.isoformat()),
              "success")
    elif back and form.session_id.errors:
        flash("；".join(str(error) for error in form.session_id.errors), "error")
    if back:
        return redirect(url_for("institution.session", session_id=target.id))
    if done is not None:
        return redirect(url_for("institution.application", application_id=found.id))
    return _detail(found, ReviewForm(), form, 422)
