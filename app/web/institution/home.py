"""A training institution's pages: its workers and certificates, registration and issuing."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from credentials.models import Role, TargetGroup, Worker
from credentials.queries.applications import applications_for, sessions_for
from credentials.queries.registry import certificates_for, import_jobs_for, workers_for
from credentials.services.workers import register_worker

from ...access import allow
from ...auth import current_actor
from ...exports import certificates_xlsx, stream, too_many_to_export, xlsx_response
from ...extensions import db
from ...lookups import city_code_of, vault
from ..forms import WorkerForm
from ..pages import commit_or_show, form_status, paginate
from ..searches import seal_term, search_term
from .blueprint import bp


@bp.get("/")
@allow(Role.INSTITUTION_STAFF)
def home():
    user = current_actor()
    recent = db.session.scalars(certificates_for(user).limit(10)).all()
    imports = db.session.scalars(import_jobs_for(user).limit(5)).all()
    waiting = db.session.scalar(select(func.count()).select_from(
        applications_for(user, state="submitted").order_by(None).subquery()))
    sessions = db.session.scalars(sessions_for(user).limit(5)).all()
    return render_template("institution/home.html", institution=user.institution, recent=recent, imports=imports,
                           waiting=waiting, sessions=sessions)


@bp.route("/workers", methods=["GET", "POST"])
@allow(Role.INSTITUTION_STAFF)
def workers():
    user = current_actor()
    form = WorkerForm()
    if form.validate_on_submit():
        worker = commit_or_show(form, lambda: register_worker(
            db.session(), vault(), name=form.name.data, national_id=form.national_id.data,
            city_code=city_code_of(form.city_code.data), employer_name=form.employer_name.data or None,
            employer=user.institution if not form.employer_name.data else None,
            target_groups=[TargetGroup(group) for group in form.target_groups.data], by=user,
        ))
        if worker is not None:
            flash(_("已登记劳动者 %(name)s", name=worker.name), "success")
            return redirect(url_for("institution.workers"))
    query = search_term()
    worker_id = request.args.get("worker", type=int)
    page = paginate(workers_for(user, search=query, worker_id=worker_id))
    return render_template("institution/workers.html", form=form, page=page, query=query), form_status(form)


@bp.post("/workers/search")
@allow(Role.INSTITUTION_STAFF)
def search_workers():
    """Search arrives by POST so that a national ID never sits in a URL (logs, history, referrers)."""
    query = request.form.get("q", "").strip()[:64]
    id_hash = _id_hash_if_national_id(query)
    if id_hash is None:
        return redirect(url_for("institution.workers", q=seal_term(query)))
    found = db.session.scalar(workers_for(current_actor(), id_hash=id_hash).with_only_columns(Worker.id))
    return redirect(url_for("institution.workers", worker=found or 0))


@bp.get("/certificates")
@allow(Role.INSTITUTION_STAFF)
def certificates():
    """The institution's certificates. None is made here: they come from passing results (the results and
    sessions pages) and from approvals; historic paper ones are entered by an administrator."""
    query = search_term()
    page = paginate(certificates_for(current_actor(), search=query, status=_status_filter()))
    return render_template("institution/certificates.html", page=page, query=query)


@bp.get("/workers.xlsx")
@allow(Role.INSTITUTION_STAFF)
def workers_export():
    statement = workers_for(current_actor(), search=search_term(),
                            worker_id=request.args.get("worker", type=int))
    if too_many_to_export(statement):
        return redirect(url_for("institution.workers", **request.args))
    headers = [_("编号"), _("姓名"), _("身份证号"), _("出生日期"), _("城市"), _("工作单位")]
    rows = ((w.id, w.name, w.id_masked, w.birth_date, w.city.full_name, w.employer_name) for w in stream(statement))
    return xlsx_response(_("劳动者") + ".xlsx", headers, rows)


@bp.get("/certificates.xlsx")
@allow(Role.INSTITUTION_STAFF)
def certificates_export():
    statement = certificates_for(current_actor(), search=search_term(), status=_status_filter())
    if too_many_to_export(statement):
        return redirect(url_for("institution.certificates", **request.args))
    return certificates_xlsx(statement)


def _status_filter() -> str | None:
    status = request.args.get("status")
    return status if status in ("valid", "revoked") else None


def _id_hash_if_national_id(query: str) -> str | None:
    if len(query) in (15, 18) and query[:17].isdigit():
        try:
            return vault().index(query)
        except ValueError:
            return None
    return None
