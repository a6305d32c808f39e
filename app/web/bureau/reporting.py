"""Reporting upward (issue 9 item 8): the region's packages of certificate records for the national look-up, the
form that builds one (a period; everything, or only the changes since the region's last package), and the
download of a package, which carries full ID numbers and so is audited each time and never cached. No page shows
an ID number or a holder's name. The ministry sees every region's packages and builds or downloads none. Routes
join `bureau.bp`."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, RadioField, SelectField

from credentials.clock import china_now, china_today
from credentials.models import PackageKind, ReportPackage, Role
from credentials.permissions import is_observer, may_report_for
from credentials.queries.reporting import last_package, package_scope, packages_for, region_name, reporting_regions
from credentials.services.reporting import PackageSigner, build_package, hand_out_package

from ... import trust
from ...access import allow
from ...auth import current_actor
from ...extensions import db
from ...lookups import vault
from ..forms import Required, RequiredInput, options
from ..pages import commit_or_show, form_status, paginate
from .blueprint import bp

KIND_NAMES = {PackageKind.FULL: _l("完整数据包"), PackageKind.DELTA: _l("仅变更")}


class PackageForm(FlaskForm):
    region = SelectField(_l("上报地区"), validators=[RequiredInput()],
                         description=_l("本地区评价机构颁发的证书（谁发证、谁负责），不论持证人户籍"))
    start = DateField(_l("发证日期自"), validators=[Required()])
    end = DateField(_l("发证日期至"), validators=[Required()])
    kind = RadioField(_l("内容"), validators=[RequiredInput()], default=PackageKind.FULL.value, choices=options([
        (PackageKind.FULL.value, _l("完整：期间内发证的全部证书")),
        (PackageKind.DELTA.value, _l("仅变更：上一数据包以来新增、更正或撤销的证书")),
    ]))


def _form(*, fresh: bool = False) -> PackageForm:
    """The form, posted or (`fresh`) with the next period: from the day after the region's last package ended (or
    the first of the month) to today, changes only once the region has a package."""
    session, user = db.session(), current_actor()
    form = PackageForm(formdata=None) if fresh else PackageForm()
    form.region.choices = options(reporting_regions(session, user))
    if not fresh or not form.region.choices:
        return form
    form.region.data, form.end.data = form.region.choices[0].value, china_today()
    last = last_package(session, form.region.data)
    start = last.period_end + timedelta(days=1) if last else form.end.data.replace(day=1)
    form.start.data = min(start, form.end.data)
    form.kind.data = (PackageKind.DELTA if last else PackageKind.FULL).value
    return form


def _page(form: PackageForm | None, status: int = 200):
    user = current_actor()
    return render_template("bureau/reporting.html", page=paginate(packages_for(user)), form=form,
                           kind_names=KIND_NAMES, observer=is_observer(user), region_name=_region_name,
                           created=_created, may_download=lambda p: may_report_for(user, p.region_code)), status


def _region_name(code: str) -> str:
    return region_name(db.session(), code) or code


def _created(package: ReportPackage) -> str:
    return china_now(package.created_at).strftime("%Y-%m-%d %H:%M")


@bp.get("/reports")
@allow(Role.BUREAU_OFFICER)
def reports():
    user = current_actor()
    return _page(None if is_observer(user) else _form(fresh=True))


@bp.post("/reports")
@allow(Role.BUREAU_OFFICER)
def build_report():
    user = current_actor()
    if is_observer(user):
        abort(403)  # the ministry receives the packages through the national exchange
    form = _form()
    if not form.validate_on_submit():
        return _page(form, 422)
    signer = PackageSigner(trust.issuer(), trust.sealer())
    package = commit_or_show(form, lambda: build_package(
        db.session(), vault(), signer, region=form.region.data, start=form.start.data, end=form.end.data,
        delta=form.kind.data == PackageKind.DELTA.value, by=user))
    if package is None:
        return _page(form, form_status(form))
    counts = package.counts
    flash(_("数据包 %(id)s 已生成：%(records)s 条（新增 %(new)s，更正 %(changed)s，撤销 %(revoked)s）",
            id=package.id, records=package.record_count, new=counts.get("new", 0), changed=counts.get("changed", 0),
            revoked=counts.get("revoked", 0)), "success")
    return redirect(url_for("bureau.reports"))


@bp.get("/reports/<int:package_id>.zip")
@allow(Role.BUREAU_OFFICER)
def report_download(package_id: int):
    user = current_actor()
    package = db.session.scalar(select(ReportPackage).where(ReportPackage.id == package_id, package_scope(user)))
    if package is None:
        abort(404)
    if not may_report_for(user, package.region_code):
        abort(403)  # the ministry sees the list; the files, with full ID numbers, stay with the reporting bureaus
    archive = hand_out_package(db.session(), vault(), package, by=user)
    db.session.commit()
    name = (f"report-{package.region_code}-{package.period_start:%Y%m%d}-{package.period_end:%Y%m%d}-"
            f"{package.kind.value}-{package.id}.zip")
    response = Response(archive, mimetype="application/zip")
    response.headers["Content-Disposition"] = f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
