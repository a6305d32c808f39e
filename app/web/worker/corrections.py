"""My correction requests (phone first): report a wrong record — from the record itself (a certificate, a
training, a result, a fact), or my name, or a record that is missing — with an explanation and proof; follow
each step; withdraw while it is open. Who answers is decided by the domain, never by this form. Joins
`worker.bp`."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from credentials.models import CorrectionSubject, Role
from credentials.queries.record_corrections import (
    connected_institutions,
    correction_requests_of,
    describe_subject,
    subject_record,
)
from credentials.services.record_corrections import FIELDS, file_correction, withdraw_correction

from ...access import allow
from ...auth import current_actor
from ...extensions import db
from ...i18n import localized
from .. import correction_pages as pages
from ..approvals import uploaded_files
from ..correction_forms import FileCorrectionForm
from ..pages import commit_or_show, form_status, paginate
from .blueprint import bp

pages.register_correction_helpers(bp)


@bp.get("/corrections")
@allow(Role.WORKER)
def corrections():
    page = paginate(correction_requests_of(current_actor().worker_id))
    return render_template("worker/corrections.html", page=page)


def _subject() -> tuple[CorrectionSubject, int | None]:
    kind, number = request.values.get("subject", ""), request.values.get("id", "")
    if kind not in CorrectionSubject.__members__.values():
        abort(404)
    return CorrectionSubject(kind), int(number) if number.isdigit() and len(number) < 10 else None


@bp.route("/corrections/new", methods=["GET", "POST"])
@allow(Role.WORKER)
def new_correction():
    if not request.values.get("subject"):  # what to report is chosen beside the record, or on my requests page
        return redirect(url_for("worker.corrections"))
    user = current_actor()
    kind, subject_id = _subject()
    record = subject_record(db.session(), user.worker, kind, subject_id)
    if record is None and kind is not CorrectionSubject.MISSING_RECORD:
        abort(404)  # not a record of mine
    form = FileCorrectionForm()
    form.field.choices = [(code, localized(text)) for code, text in FIELDS[kind].items()]
    form.institution_id.choices = [("", _("人社部门"))] + [
        (str(i.id), i.name) for i in db.session.scalars(connected_institutions(user.worker))]
    if form.validate_on_submit():
        filed = commit_or_show(form, lambda: file_correction(
            db.session(), worker=user.worker, subject_kind=kind, subject_id=subject_id, field=form.field.data,
            proposed_value=form.proposed_value.data, explanation=form.explanation.data,
            files=uploaded_files(form.evidence), by=user,
            institution_id=int(form.institution_id.data) if (form.institution_id.data or "").isdigit() else None))
        if filed is not None:
            flash(_("更正申请已提交，处理结果会发到您的消息中"), "success")
            return redirect(url_for("worker.correction", correction_id=filed.id))
    return render_template("worker/correction_new.html", form=form, kind=kind, subject_id=subject_id,
                           subject=localized(describe_subject(kind, record))), form_status(form)


@bp.get("/corrections/<int:correction_id>")
@allow(Role.WORKER)
def correction(correction_id: int):
    return render_template("worker/correction.html", req=pages.correction_or_404(correction_id))


@bp.post("/corrections/<int:correction_id>/withdraw")
@allow(Role.WORKER)
def withdraw_correction_request(correction_id: int):
    found = pages.correction_or_404(correction_id)
    if pages.run_or_flash(lambda: withdraw_correction(db.session(), found, by=current_actor())):
        flash(_("已撤回更正申请"), "success")
    return redirect(url_for("worker.correction", correction_id=correction_id))


@bp.get("/corrections/evidence/<int:evidence_id>")
@allow(Role.WORKER)
def correction_evidence(evidence_id: int):
    return pages.evidence_download(evidence_id)
