"""A worker's record as an institution sees it: who they are, where they stand on the regular route, and the
facts eligibility reads (work, diplomas, apprenticeships, titles), each attested or the worker's unverified
claim, with its earlier versions; forms to add, correct, attest or withdraw them. Routes join `institution.bp`;
another institution's worker answers 404."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from credentials import CredentialsError
from credentials.models import Attestation, Role, User, Worker
from credentials.permissions import may_attest, may_change_fact
from credentials.queries.progression import progression
from credentials.queries.worker_facts import fact_of, facts_of
from credentials.services.access_log import record_view
from credentials.services.worker_facts import attest_fact, withdraw_fact

from ...access import allow
from ...auth import current_actor
from ...extensions import db
from ...i18n import error_text
from ...lookups import worker_or_404
from ..fact_forms import HELPERS, KINDS, Fact, WithdrawForm, blank_forms, form_for, posted_form, write_fact
from ..pages import commit_or_show, form_status
from .blueprint import bp

ADDED = {"work_period": _l("已记录工作经历"), "diploma": _l("已记录学历"), "apprenticeship": _l("已记录学徒经历"),
         "title": _l("已记录职称")}


def _employer_id(fact: Fact) -> int | None:
    return getattr(fact, "employer_id", None)


def _may(user: User, worker: Worker):
    """What the signed-in clerk may do to each fact, for the page to offer only that."""
    def attest(fact: Fact) -> bool:
        return fact.attestation is Attestation.UNVERIFIED and may_attest(user, worker, employer_id=_employer_id(fact))

    def change(fact: Fact) -> bool:
        return may_change_fact(user, worker, attested=fact.attestation is Attestation.ATTESTED,
                               attested_by_institution_id=fact.attested_by_institution_id,
                               employer_id=_employer_id(fact))
    return {"may_attest": attest, "may_change": change}


def _page(worker: Worker, forms: dict, status: int = 200):
    user = current_actor()
    session = db.session()
    has_account = session.scalar(select(User.id).where(User.worker_id == worker.id)) is not None
    return render_template("institution/worker.html", worker=worker, facts=facts_of(session, worker.id),
                           has_account=has_account,
                           progress=progression(session, worker), forms=forms, withdraw=WithdrawForm(formdata=None),
                           kinds=KINDS, **_may(user, worker), **HELPERS), status


@bp.get("/workers/<int:worker_id>")
@allow(Role.INSTITUTION_STAFF)
def worker(worker_id: int):
    record = worker_or_404(worker_id)
    record_view(db.session(), viewer=current_actor(), worker=record, where="institution.worker")
    db.session.commit()  # the worker may ask who looked (credentials.services.access_log)
    return _page(record, blank_forms())


@bp.post("/workers/<int:worker_id>/facts/<kind>")
@allow(Role.INSTITUTION_STAFF)
def add_fact(worker_id: int, kind: str):
    if kind not in KINDS:
        abort(404)
    record = worker_or_404(worker_id)
    form = posted_form(kind)
    if form.validate_on_submit():
        written = commit_or_show(form, lambda: write_fact(kind, form, worker=record, by=current_actor()))
        if written is not None:
            flash(str(ADDED[kind]), "success")
            return redirect(url_for("institution.worker", worker_id=record.id, _anchor=kind))
    return _page(record, {**blank_forms(), kind: form}, 422)


def _fact_or_404(worker_id: int, kind: str, fact_id: int) -> tuple[Worker, Fact]:
    record = worker_or_404(worker_id)
    fact = fact_of(db.session(), kind, record.id, fact_id)
    if fact is None:
        abort(404)
    return record, fact


@bp.route("/workers/<int:worker_id>/facts/<kind>/<int:fact_id>/correct", methods=["GET", "POST"])
@allow(Role.INSTITUTION_STAFF)
def correct_fact(worker_id: int, kind: str, fact_id: int):
    """A correction is a new version: the one on record stays, marked superseded, in the record's history."""
    record, fact = _fact_or_404(worker_id, kind, fact_id)
    form = posted_form(kind) if request.method == "POST" else form_for(kind, fact)
    if form.validate_on_submit():
        written = commit_or_show(form, lambda: write_fact(kind, form, worker=record, by=current_actor(),
                                                          correcting=fact))
        if written is not None:
            flash(_("已更正；更正前的记录保留在历史中"), "success")
            return redirect(url_for("institution.worker", worker_id=record.id, _anchor=kind))
    return render_template("institution/fact_correct.html", worker=record, fact=fact, kind=kind, form=form,
                           **HELPERS), form_status(form)


@bp.post("/workers/<int:worker_id>/facts/<kind>/<int:fact_id>/attest")
@allow(Role.INSTITUTION_STAFF)
def attest(worker_id: int, kind: str, fact_id: int):
    record, fact = _fact_or_404(worker_id, kind, fact_id)
    try:
        attest_fact(db.session(), fact, worker=record, by=current_actor())
    except CredentialsError as error:
        db.session.rollback()
        flash(error_text(error), "error")
    else:
        db.session.commit()
        flash(_("已证实：此后计入申报条件"), "success")
    return redirect(url_for("institution.worker", worker_id=record.id, _anchor=kind))


@bp.post("/workers/<int:worker_id>/facts/<kind>/<int:fact_id>/withdraw")
@allow(Role.INSTITUTION_STAFF)
def withdraw(worker_id: int, kind: str, fact_id: int):
    record, fact = _fact_or_404(worker_id, kind, fact_id)
    form = WithdrawForm()
    if not form.validate_on_submit():
        flash(_("撤回须写明原因（最多 200 字）"), "error")
        return redirect(url_for("institution.worker", worker_id=record.id, _anchor=kind))
    try:
        withdraw_fact(db.session(), fact, worker=record, by=current_actor(), reason=form.reason.data)
    except CredentialsError as error:
        db.session.rollback()
        flash(error_text(error), "error")
    else:
        db.session.commit()
        flash(_("已撤回；该记录保留在历史中，不再计入申报条件"), "success")
    return redirect(url_for("institution.worker", worker_id=record.id, _anchor=kind))
