"""The worker applies for a level (phone first) and follows each application: qualified (or refused, with the
reason) → seated in a session on a date → result → certificate. The engine's verdict is shown before applying:
the clause met, or what is missing and from when. Joins `worker.bp`."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from credentials import CredentialsError
from credentials.labels import APPLICATION_STATE_NAMES
from credentials.models import Institution, Role
from credentials.queries.applications import accredited_institutions, applications_for, road
from credentials.queries.history import history_of
from credentials.services.applications import submit_application
from credentials.services.eligibility import standing

from ... import career
from ...access import allow
from ...auth import current_actor
from ...extensions import db
from ...i18n import error_text, localized
from ...lookups import application_or_404, occupation_or_field_error
from ..appraisal_forms import WorkerApplicationForm
from ..forms import options
from ..pages import commit_or_show, paginate
from .blueprint import bp


@bp.get("/applications")
@allow(Role.WORKER)
def applications():
    page = paginate(applications_for(current_actor()))
    return render_template("worker/applications.html", page=page, road=road, state_names=APPLICATION_STATE_NAMES)


@bp.get("/applications/<int:application_id>")
@allow(Role.WORKER)
def application(application_id: int):
    found = application_or_404(application_id)
    return render_template("worker/application.html", application=found, steps=road(found),
                           state_names=APPLICATION_STATE_NAMES)


@bp.route("/applications/new", methods=["GET", "POST"])
@allow(Role.WORKER)
def new_application():
    """Step one (GET): the occupation and level, answered with the verdict and the institutions that may
    appraise it; step two (POST): the chosen institution."""
    user = current_actor()
    posted = request.method == "POST"
    form = WorkerApplicationForm() if posted else WorkerApplicationForm(formdata=request.args, meta={"csrf": False})
    verdict, institutions, occupation = None, [], None
    if form.occupation_code.data and form.level.data in {choice[0] for choice in form.level.iter_choices()}:
        try:
            occupation = occupation_or_field_error(form.occupation_code.data)
        except CredentialsError as error:
            form.occupation_code.errors = [error_text(error)]
        if occupation is not None:
            today = career.today()
            verdict = standing(history_of(db.session(), user.worker_id), occupation.code, form.level.data, today)
            institutions = accredited_institutions(db.session(), occupation, form.level.data, on=today,
                                                   province_code=user.worker.city_code[:2])
    form.institution_id.choices = options((i.id, f"{i.name}（{i.city.name}）") for i in institutions)
    if posted and occupation is not None and form.validate_on_submit():
        chosen = db.session.get(Institution, int(form.institution_id.data)) if form.institution_id.data else None
        if chosen is None:
            form.institution_id.errors = [*form.institution_id.errors, _("请选择评价机构")]
        else:
            created = commit_or_show(form, lambda: submit_application(
                db.session(), worker=user.worker, occupation=occupation, level=form.level.data,
                institution=chosen, by=user, today=career.today()))
            if created is not None:
                flash(_("申报已提交，等待%(name)s资格审核", name=chosen.name), "success")
                return redirect(url_for("worker.application", application_id=created.id))
    status = 422 if posted else (422 if form.occupation_code.errors else 200)
    return render_template("worker/application_new.html", form=form, verdict=verdict,
                           explanation=localized(verdict.explanation) if verdict else None,
                           institutions=institutions), status
