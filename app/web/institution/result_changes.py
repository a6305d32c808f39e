"""One appraisal result and its history: correct it or void it with a reason, or complete an incomplete one by
entering the missing score. A pass made a fail (or voided) revokes its certificate; a fail made a pass, or a
completion that passes, issues one. Joins `institution.bp`."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from credentials.labels import APPLICATION_STATE_NAMES, OUTCOME_NAMES
from credentials.models import Role
from credentials.queries.applications import clause_text, result_history
from credentials.queries.progression import failure_reasons
from credentials.services.corrections import complete_result, correct_result, void_result

from ... import career
from ...access import allow
from ...auth import current_actor
from ...extensions import db
from ...i18n import localized
from ...lookups import result_or_404
from ..appraisal_forms import CompleteForm, CorrectionForm, VoidForm
from ..pages import commit_or_show
from .blueprint import bp


def _page(result, *, correct=None, void=None, complete=None, status: int = 200):
    correct = correct or CorrectionForm(prefix="correct", data={
        "theory": result.theory_score, "practical": result.practical_score, "review": result.review_score})
    return render_template(
        "institution/result.html", result=result, history=result_history(db.session(), result),
        correct_form=correct, void_form=void or VoidForm(prefix="void"),
        complete_form=complete or CompleteForm(prefix="complete"), outcome_names=OUTCOME_NAMES,
        state_names=APPLICATION_STATE_NAMES, reasons="；".join(localized(r) for r in failure_reasons(result)),
        clause=clause_text(result.matched_rules, result.matched_clause)), status


@bp.get("/results/<int:result_id>")
@allow(Role.INSTITUTION_STAFF)
def result(result_id: int):
    return _page(result_or_404(result_id))


def _done(found, message: str):
    flash(message, "success")
    return redirect(url_for("institution.result", result_id=found.id))


@bp.post("/results/<int:result_id>/correct")
@allow(Role.INSTITUTION_STAFF)
def correct(result_id: int):
    found = result_or_404(result_id)
    form = CorrectionForm(prefix="correct")
    if form.validate_on_submit() and commit_or_show(form, lambda: correct_result(
            db.session(), found, theory=form.theory.data, practical=form.practical.data, review=form.review.data,
            reason=form.reason.data, by=current_actor(), today=career.today())) is not None:
        return _done(found, _("成绩已更正，原值保留在更正记录中"))
    return _page(found, correct=form, status=422)


@bp.post("/results/<int:result_id>/void")
@allow(Role.INSTITUTION_STAFF)
def void(result_id: int):
    found = result_or_404(result_id)
    form = VoidForm(prefix="void")
    if form.validate_on_submit() and commit_or_show(form, lambda: void_result(
            db.session(), found, reason=form.reason.data, by=current_actor())) is not None:
        return _done(found, _("成绩已作废"))
    return _page(found, void=form, status=422)


@bp.post("/results/<int:result_id>/complete")
@allow(Role.INSTITUTION_STAFF)
def complete(result_id: int):
    found = result_or_404(result_id)
    form = CompleteForm(prefix="complete")
    if form.validate_on_submit() and commit_or_show(form, lambda: complete_result(
            db.session(), found, review=form.review.data, number=(form.number.data or "").strip() or None,
            by=current_actor(), today=career.today())) is not None:
        return _done(found, _("已补录综合评审成绩"))
    return _page(found, complete=form, status=422)
