"""An institution's appraisal sessions (考试场次): create them, seat qualified candidates, and enter results
against the session (one row per seated candidate); a pass issues the certificate there and then. Joins
`institution.bp`."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from credentials import ValidationFailed
from credentials.labels import APPLICATION_STATE_NAMES, OUTCOME_NAMES
from credentials.models import Application, Role, SessionState
from credentials.queries.applications import accredited_occupations, candidates_for, roster, sessions_for
from credentials.services.applications import record_session_result
from credentials.services.sessions import close_appraisal_session, create_appraisal_session

from ... import career
from ...access import allow
from ...auth import current_actor
from ...exports import stream, too_many_to_export, xlsx_response
from ...extensions import db
from ...i18n import error_text, level_name, localized
from ...lookups import session_or_404
from ..appraisal_forms import SessionForm, SessionResultForm
from ..forms import options
from ..pages import commit_or_show, form_status, paginate
from .blueprint import bp


def _occupations() -> dict[str, object]:
    found = accredited_occupations(db.session(), current_actor().institution_id, on=career.today())
    return {str(o.id): o for o in found}


@bp.route("/sessions", methods=["GET", "POST"])
@allow(Role.INSTITUTION_STAFF)
def sessions():
    user = current_actor()
    form = SessionForm()
    occupations = _occupations()
    form.occupation_id.choices = options((key, f"{o.name} {o.code}") for key, o in occupations.items())
    if form.validate_on_submit():
        created = commit_or_show(form, lambda: create_appraisal_session(
            db.session(), institution=user.institution, occupation=occupations[form.occupation_id.data],
            levels=form.levels.data, held_on=form.held_on.data, site=form.site.data, capacity=form.capacity.data,
            by=user, today=career.today()))
        if created is not None:
            flash(_("已新建考试场次"), "success")
            return redirect(url_for("institution.session", session_id=created.id))
    page = paginate(sessions_for(user))
    return render_template("institution/sessions.html", form=form, page=page), form_status(form)


@bp.get("/sessions.xlsx")
@allow(Role.INSTITUTION_STAFF)
def sessions_export():
    statement = sessions_for(current_actor())
    if too_many_to_export(statement):
        return redirect(url_for("institution.sessions"))
    headers = [_("编号"), _("考试日期"), _("考试地点"), _("职业编码"), _("职业"), _("考试等级"), _("容纳人数"), _("状态")]
    state = {SessionState.OPEN: _("开放"), SessionState.CLOSED: _("已关闭")}
    rows = ((s.id, s.held_on, s.site, s.occupation.code, s.occupation.name,
             "、".join(level_name(level) for level in s.levels), s.capacity, state[s.state]) for s in stream(statement))
    return xlsx_response(_("考试场次") + ".xlsx", headers, rows)


@bp.get("/sessions/<int:session_id>")
@allow(Role.INSTITUTION_STAFF)
def session(session_id: int):
    return _page(session_or_404(session_id), {})


def _page(found, forms: dict[int, SessionResultForm], status: int = 200):
    seated = roster(db.session(), found)
    result_forms = {a.id: forms.get(a.id) or SessionResultForm(prefix=f"r{a.id}", application_id=str(a.id))
                    for a in seated.waiting}
    return render_template(
        "institution/session.html", appraisal_session=found, roster=seated, result_forms=result_forms,
        candidates=candidates_for(db.session(), found) if found.state is SessionState.OPEN else [],
        state_names=APPLICATION_STATE_NAMES, outcome_names=OUTCOME_NAMES, today=career.today()), status


@bp.post("/sessions/<int:session_id>/results")
@allow(Role.INSTITUTION_STAFF)
def session_result(session_id: int):
    """One seated candidate's scores (each row of the session's page is its own form)."""
    found = session_or_404(session_id)
    key = request.form.get("row", "")
    if not (key.isdigit() and len(key) < 12):
        flash(error_text(ValidationFailed("required", field="application_id")), "error")
        return redirect(url_for("institution.session", session_id=found.id))
    form = SessionResultForm(prefix=f"r{key}")
    candidate = db.session.get(Application, int(key))
    if candidate is None or candidate.session_id != found.id:
        return _page(found, {}, 404)
    if form.validate_on_submit():
        result = commit_or_show(form, lambda: record_session_result(
            db.session(), found, candidate, theory=form.theory.data, practical=form.practical.data,
            review=form.review.data, number=(form.number.data or "").strip() or None, by=current_actor(),
            today=career.today()))
        if result is not None:
            flash(_("%(name)s：%(outcome)s", name=candidate.worker.name, outcome=localized(OUTCOME_NAMES[result.outcome]))
                  + (_("，已发放证书 %(number)s", number=result.certificate.number) if result.certificate else ""),
                  "success")
            return redirect(url_for("institution.session", session_id=found.id))
    return _page(found, {candidate.id: form}, 422)


@bp.post("/sessions/<int:session_id>/close")
@allow(Role.INSTITUTION_STAFF)
def close_session(session_id: int):
    found = session_or_404(session_id)
    done = commit_or_show(None, lambda: close_appraisal_session(db.session(), found, by=current_actor()))
    if done is not None:
        flash(_("场次已关闭，不再安排新考生"), "success")
    return redirect(url_for("institution.session", session_id=found.id))
