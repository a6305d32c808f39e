"""What every audience's correction pages share: the request loader (another's request is 404), the queue a
responsible party answers (oldest first, with its XLSX), a request's page (the record, the worker's explanation
and evidence, the fixes for its kind of record, refusal with a reason), the evidence download (an attachment
only), and the template helpers (names of kinds, fields and states; a record's history of corrections).
`institution/correction_requests.py` and `bureau/correction_requests.py` route to these under their own
prefix (`area`)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from credentials import CredentialsError
from credentials.clock import china_date, china_today
from credentials.models import (
    Certificate,
    CorrectionEvidence,
    CorrectionEvidenceBlob,
    CorrectionRequest,
    CorrectionState,
    CorrectionSubject,
)
from credentials.permissions import may_answer_correction
from credentials.queries.record_corrections import (
    amendments_of,
    correction_queue,
    describe_subject,
    open_correction_count,
    records_since,
    subject_of,
    superseded_on,
)
from credentials.queries.scopes import correction_scope
from credentials.services.record_corrections import (
    FIELDS,
    STATE_NAMES,
    SUBJECT_NAMES,
    accept_correction,
    refuse_correction,
    responsible_name,
)
from credentials.services.record_fixes import change_text

from ..auth import current_actor
from ..exports import stream, too_many_to_export, xlsx_response
from ..extensions import db
from ..i18n import error_text, localized
from .approvals import evidence_attachment
from .correction_forms import FixChoice, RecordForm, RefuseForm, fixes_for
from .pages import paginate


def correction_or_404(correction_id: int) -> CorrectionRequest:
    found = db.session.scalar(select(CorrectionRequest).where(CorrectionRequest.id == correction_id,
                                                              correction_scope(current_actor())))
    if found is None:
        abort(404)
    return found


def evidence_download(evidence_id: int):
    """Only to those who may see the request; always an attachment, never rendered (SECURITY.md trap 5)."""
    evidence = db.session.scalar(select(CorrectionEvidence).join(CorrectionRequest).where(
        CorrectionEvidence.id == evidence_id, correction_scope(current_actor())))
    if evidence is None:
        abort(404)
    content = db.session.scalar(select(CorrectionEvidenceBlob.content)
                                .where(CorrectionEvidenceBlob.evidence_id == evidence.id))
    return evidence_attachment(evidence.id, evidence.original_name, evidence.content_type, content)


# ---- template helpers ----------------------------------------------------------------------------------

def register_correction_helpers(bp: Blueprint) -> None:
    bp.record_once(lambda state: state.app.jinja_env.globals.update(CORRECTION_HELPERS))


def subject_name(kind: CorrectionSubject) -> str:
    return localized(SUBJECT_NAMES[kind])


def field_name(found: CorrectionRequest) -> str:
    return localized(FIELDS[found.subject_kind].get(found.field or "", ("", "")))


def state_name(state: CorrectionState) -> str:
    return localized(STATE_NAMES[state])


def changes_of(found: CorrectionRequest) -> str:
    return localized(change_text((found.resolution or {}).get("changes") or {}))


def days_waiting(found: CorrectionRequest) -> int:
    return (china_today() - china_date(found.created_at)).days


def certificate_history(certificate: Certificate) -> dict:
    """The corrections of a certificate and the day its earlier digital credentials were superseded."""
    session = db.session()
    return {"amendments": session.scalars(amendments_of("certificate", certificate.id)).all(),
            "superseded_on": superseded_on(session, certificate)}


def credentials_superseded_on(certificate: Certificate) -> date | None:
    return superseded_on(db.session(), certificate)


CORRECTION_HELPERS = {
    "correction_subject_name": subject_name, "correction_field_name": field_name,
    "correction_state_name": state_name, "correction_changes": changes_of, "correction_days_waiting": days_waiting,
    "correction_responsible": lambda found: localized(responsible_name(found)),
    "certificate_history": certificate_history, "describe_subject": describe_subject,
    "open_corrections": lambda: open_correction_count(db.session(), current_actor()),
    "credentials_superseded_on": credentials_superseded_on,
}


# ---- the responsible party's pages ----------------------------------------------------------------------

def _state_filter() -> CorrectionState | None:
    value = request.args.get("state", "open")
    if value == "all":
        return None
    return CorrectionState(value) if value in CorrectionState.__members__.values() else CorrectionState.OPEN


def queue_page(area: str):
    page = paginate(correction_queue(current_actor(), state=_state_filter()))
    return render_template("corrections/queue.html", area=area, page=page,
                           state=request.args.get("state", "open"))


def queue_export(area: str):
    statement = correction_queue(current_actor(), state=_state_filter())
    if too_many_to_export(statement):
        return redirect(url_for(f"{area}.correction_requests", **request.args))
    headers = [_("编号"), _("提交日期"), _("已等待天数"), _("劳动者"), _("身份证号"), _("记录"), _("哪一项有误"),
               _("应当是"), _("说明"), _("状态")]
    rows = ((r.id, china_date(r.created_at), days_waiting(r) if r.is_open else None, r.worker.name,
             r.worker.id_masked, localized(r.subject_text), field_name(r), r.proposed_value, r.explanation,
             state_name(r.state)) for r in stream(statement))
    return xlsx_response(_("更正申请") + ".xlsx", headers, rows)


def request_page(area: str, found: CorrectionRequest, *, refused: tuple[str, object] | None = None,
                 refuse_form: RefuseForm | None = None, status: int = 200):
    user = current_actor()
    subject = subject_of(db.session(), found)
    may_answer = found.is_open and may_answer_correction(user, found)
    forms = []
    if may_answer and (subject is not None or found.subject_kind is CorrectionSubject.MISSING_RECORD):
        for choice in fixes_for(found):
            form = refused[1] if refused and refused[0] == choice.name else choice.blank(subject, found)
            forms.append((choice, _with_choices(form, found)))
    return render_template(
        "corrections/request.html", area=area, req=found, subject=subject, forms=forms, may_answer=may_answer,
        refuse_form=refuse_form or RefuseForm(formdata=None), record_link=_record_link(area, found, subject),
        refused_form=refused[1] if refused else None), status


def _with_choices(form, found: CorrectionRequest):
    if isinstance(form, RecordForm):
        form.record.choices = [(f"{kind}:{record_id}", localized(text))
                               for kind, record_id, text in records_since(db.session(), found)]
    return form


def _record_link(area: str, found: CorrectionRequest, subject) -> str | None:
    """Where the responsible party keeps the record (the worker's record page, the result, the certificate)."""
    if area == "bureau":
        return url_for("bureau.certificate", number=subject.number) if isinstance(subject, Certificate) else None
    if found.subject_kind is CorrectionSubject.RESULT and subject is not None:
        return url_for("institution.result", result_id=subject.id)
    return url_for("institution.worker", worker_id=found.worker_id)


def accept(area: str, correction_id: int, action: str):
    found = correction_or_404(correction_id)
    choice: FixChoice | None = next((c for c in fixes_for(found) if c.name == action), None)
    if choice is None:
        abort(404)
    user, subject = current_actor(), subject_of(db.session(), found)
    if subject is None and found.subject_kind is not CorrectionSubject.MISSING_RECORD:
        flash(_("该记录已不在档案中（已作废）。"), "error")  # nothing left to fix: answer by refusing
        return redirect(url_for(f"{area}.correction_request", correction_id=found.id))
    form = _with_choices(choice.posted(), found)
    if form.validate_on_submit() and run_or_flash(lambda: accept_correction(
            db.session(), found, note=form.note.data, by=user, fix=lambda: choice.apply(form, subject, found, user)),
            form):
        flash(_("已更正并告知劳动者；更正前的内容保留在记录的历史中"), "success")
        return redirect(url_for(f"{area}.correction_request", correction_id=found.id))
    return request_page(area, correction_or_404(correction_id), refused=(choice.name, form), status=422)


def refuse(area: str, correction_id: int):
    found = correction_or_404(correction_id)
    form = RefuseForm()
    if form.validate_on_submit() and run_or_flash(lambda: refuse_correction(
            db.session(), found, reason=form.reason.data, by=current_actor()), form):
        flash(_("已告知劳动者不予更正的理由"), "success")
        return redirect(url_for(f"{area}.correction_request", correction_id=found.id))
    return request_page(area, correction_or_404(correction_id), refuse_form=form, status=422)


def run_or_flash(write, form=None) -> bool:
    """Run the write and commit; on a domain refusal roll back and show it beside its field (the services
    call the note a "reason"), else as a message."""
    try:
        write()
    except CredentialsError as error:
        db.session.rollback()
        name = "note" if error.field == "reason" and hasattr(form, "note") else error.field
        field = getattr(form, name, None) if name and form is not None else None
        if field is not None:
            field.errors = [*field.errors, error_text(error)]
        else:
            flash(error_text(error), "error")
        return False
    db.session.commit()
    return True
