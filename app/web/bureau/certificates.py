"""A bureau officer's view of one certificate in the region: the worker's whole history beside it, the
certificate's audit trail, and revocation with a required reason and a confirmation step. Routes join
`bureau.bp`. Revoking changes the status only: nothing is deleted, and every page reads the status."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from credentials import Conflict, CredentialsError
from credentials.models import AppraisalResult, Certificate, Role, User
from credentials.permissions import can_revoke, is_observer
from credentials.queries.progression import progression
from credentials.services.access_log import record_view
from credentials.services.audit import trail_of
from credentials.services.certificates import revoke_certificate
from ladder.frameworks import appraised_levels

from ...access import allow
from ...auth import current_actor
from ...extensions import db
from ...i18n import error_text
from ...lookups import certificate_or_404
from ..pages import apply_field_error
from ..record_forms import RevokeForm
from .blueprint import bp

AUDIT_ACTIONS = {"certificate.issued": _l("发证"), "certificate.revoked": _l("撤销"),
                 "certificate.corrected": _l("更正")}



def _page(certificate: Certificate, form: RevokeForm, status: int = 200):
    session = db.session()
    trail = session.scalars(trail_of("certificate", certificate.number)).all()
    actor_ids = {event.actor_id for event in trail if event.actor_id is not None}
    actors = {u.id: u for u in session.scalars(select(User).where(User.id.in_(actor_ids)))}
    earned_by = session.scalar(select(AppraisalResult)
                               .where(AppraisalResult.certificate_id == certificate.id))
    return render_template(
        "bureau/certificate.html", certificate=certificate, form=form, trail=trail, actors=actors,
        actions=AUDIT_ACTIONS, earned_by=earned_by, progress=progression(session, certificate.worker),
        ladder=appraised_levels("skill-2022"),
        may_revoke=certificate.is_valid and can_revoke(current_actor(), certificate),
    ), status


@bp.get("/certificates/<number>")
@allow(Role.BUREAU_OFFICER)
def certificate(number: str):
    found = certificate_or_404(number)
    record_view(db.session(), viewer=current_actor(), worker=found.worker, where="bureau.certificate")
    db.session.commit()  # the page shows the worker's whole history: the worker may ask who looked
    return _page(found, RevokeForm())


@bp.post("/certificates/<number>/revoke")
@allow(Role.BUREAU_OFFICER)
def revoke(number: str):
    """First post: the reason, answered by a confirmation page. Second post (confirmed): the revocation."""
    user = current_actor()
    found = certificate_or_404(number)
    if not can_revoke(user, found):
        abort(403 if is_observer(user) else 404)  # the ministry sees it, and may not revoke it
    form = RevokeForm()
    if not form.validate_on_submit():
        return _page(found, form, 422)
    if form.confirmed.data != "yes":
        return render_template("bureau/revoke_confirm.html", certificate=found, form=form)
    try:
        revoke_certificate(db.session(), found, reason=form.reason.data, by=user)
    except Conflict as error:
        db.session.rollback()
        flash(error_text(error), "error")
        return redirect(url_for("bureau.certificate", number=number))
    except CredentialsError as error:
        db.session.rollback()
        if not apply_field_error(form, error):
            flash(error_text(error), "error")
        return _page(found, form, 422)
    db.session.commit()
    flash(_("证书 %(number)s 已撤销，各处即时显示为已撤销", number=number), "success")
    return redirect(url_for("bureau.certificate", number=number))
