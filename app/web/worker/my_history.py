"""My history (phone first): the work, diplomas, apprenticeships and titles on my record, what each is worth
(attested, or my own claim waiting for the employer), and forms to add a claim or withdraw one of mine."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from credentials import CredentialsError
from credentials.models import Attestation, Role
from credentials.queries.worker_facts import fact_of, facts_of
from credentials.services.worker_facts import withdraw_fact

from ...access import allow
from ...auth import current_actor
from ...extensions import db
from ...i18n import error_text
from ..fact_forms import CLAIMABLE, HELPERS, KINDS, WithdrawForm, blank_forms, posted_form, write_fact
from ..pages import commit_or_show
from .blueprint import bp


def _page(forms: dict, status: int = 200):
    worker = current_actor().worker
    return render_template("worker/history.html", worker=worker, facts=facts_of(db.session(), worker.id),
                           forms=forms, kinds=KINDS, claimable=CLAIMABLE, **HELPERS), status


@bp.get("/history")
@allow(Role.WORKER)
def my_history():
    return _page(blank_forms(CLAIMABLE))


@bp.post("/history/<kind>")
@allow(Role.WORKER)
def claim_fact(kind: str):
    """A claim of mine: shown as unverified, counted once the employer (or another official) attests it."""
    if kind not in CLAIMABLE:
        abort(404)
    user = current_actor()
    form = posted_form(kind)
    if form.validate_on_submit():
        written = commit_or_show(form, lambda: write_fact(kind, form, worker=user.worker, by=user))
        if written is not None:
            flash(_("已提交，待单位证实后计入申报条件"), "success")
            return redirect(url_for("worker.my_history", _anchor=kind))
    return _page({**blank_forms(CLAIMABLE), kind: form}, 422)


@bp.post("/history/<kind>/<int:fact_id>/withdraw")
@allow(Role.WORKER)
def withdraw_claim(kind: str, fact_id: int):
    user = current_actor()
    fact = fact_of(db.session(), kind, user.worker_id, fact_id)
    if fact is None or fact.attestation is not Attestation.UNVERIFIED:
        abort(404)
    form = WithdrawForm()
    if not form.validate_on_submit():
        flash(_("撤回须写明原因（最多 200 字）"), "error")
        return redirect(url_for("worker.my_history", _anchor=kind))
    try:
        withdraw_fact(db.session(), fact, worker=user.worker, by=user, reason=form.reason.data)
    except CredentialsError as error:
        db.session.rollback()
        flash(error_text(error), "error")
    else:
        db.session.commit()
        flash(_("已撤回"), "success")
    return redirect(url_for("worker.my_history", _anchor=kind))
