"""The programmes registry for bureaus (plan 四(三)): training bases, masters' studios, technician cohorts and
special-allowance batches of the officer's region, filtered and exported; a programme's page with its people,
results and funding; registering and revising one. The bureau of a programme's tier keeps it (a city its city-tier
ones, a province its provincial ones, the ministry the national ones); every officer of the region sees them.
Another region's programme is not found. Routes join `bureau.bp`."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField

from credentials.clock import china_today
from credentials.models import (
    BureauScope,
    FundingSource,
    MemberRole,
    Programme,
    ProgrammeKind,
    ProgrammeMember,
    ProgrammeTier,
    ResultKind,
    Role,
)
from credentials.models.programmes import KINDS_WITH_RESULTS, ROLES_BY_KIND
from credentials.permissions import may_keep_programme
from credentials.queries.programmes import (
    KIND_NAMES,
    RESULT_NAMES,
    ROLE_NAMES,
    SOURCE_NAMES,
    TIER_NAMES,
    current_master,
    programme_in_scope,
    programmes_for,
)
from credentials.queries.reference import city_named
from credentials.services.programmes import (
    add_programme_member,
    create_programme,
    end_programme_membership,
    record_programme_funding,
    record_programme_result,
    remove_programme_member,
    update_programme,
)

from ...access import allow
from ...auth import current_actor
from ...exports import stream, too_many_to_export, xlsx_response
from ...extensions import db
from ...i18n import level_name, localized
from ...lookups import city_code_of
from ..forms import Required
from ..pages import commit_or_show, form_status, paginate
from .blueprint import bp
from .programme_forms import (
    EndMemberForm,
    FundingForm,
    MemberForm,
    ProgrammeForm,
    ResultForm,
    institution_or_field_error,
    occupation_or_none,
    worker_named,
)

_OWN_TIER = {BureauScope.CITY: ProgrammeTier.CITY, BureauScope.PROVINCE: ProgrammeTier.PROVINCIAL,
             BureauScope.MINISTRY: ProgrammeTier.NATIONAL}
_FINANCE_OF_TIER = {ProgrammeTier.CITY: FundingSource.CITY_FINANCE, ProgrammeTier.PROVINCIAL: FundingSource.PROVINCIAL_FINANCE,
                    ProgrammeTier.NATIONAL: FundingSource.CENTRAL_FINANCE}
NAMES = {"kind_names": KIND_NAMES, "tier_names": TIER_NAMES, "role_names": ROLE_NAMES, "result_names": RESULT_NAMES,
         "source_names": SOURCE_NAMES}


class RemoveMemberForm(FlaskForm):
    confirmed = BooleanField(_l("确认：此人从未属于本项目（录入错误），删除这一条"), validators=[Required()])


def _filters() -> dict[str, str | None]:
    kind, tier = request.args.get("kind"), request.args.get("tier")
    city = city_named(db.session(), request.args.get("city", "")[:32]) if request.args.get("city") else None
    return {"kind": kind if kind in ProgrammeKind.__members__.values() else None,
            "tier": tier if tier in ProgrammeTier.__members__.values() else None,
            "city_code": city.code if city is not None else None}


@bp.get("/programmes")
@allow(Role.BUREAU_OFFICER)
def programmes():
    filters = _filters()
    page = paginate(programmes_for(current_actor(), **filters))
    city_unknown = bool(request.args.get("city")) and filters["city_code"] is None
    return render_template("bureau/programmes.html", page=page, filters=filters, city_unknown=city_unknown,
                           today=china_today(), current_master=current_master, **NAMES)


@bp.get("/programmes.xlsx")
@allow(Role.BUREAU_OFFICER)
def programmes_export():
    statement = programmes_for(current_actor(), **_filters())
    if too_many_to_export(statement):
        return redirect(url_for("bureau.programmes", **request.args))
    today = china_today()
    headers = [_("编号"), _("名称"), _("项目类别"), _("级别"), _("城市"), _("依托单位"), _("职业"), _("目标等级"), _("批次"),
               _("认定或开始日期"), _("结束日期"), _("领办大师"), _("人数"), _("资金合计（元）")]

    def row(p: Programme) -> list[object]:
        master = current_master(p, today)
        return [p.id, p.name, localized(KIND_NAMES[p.kind]), localized(TIER_NAMES[p.tier]), p.city.full_name,
                p.institution.name if p.institution else None, p.occupation.name if p.occupation else None,
                level_name(p.target_level), p.batch, p.recognised_on, p.ends_on,
                master.worker.name if master else None, len(p.members), p.funding_total]
    return xlsx_response(_("项目") + ".xlsx", headers, (row(p) for p in stream(statement)))


@bp.route("/programmes/new", methods=["GET", "POST"])
@allow(Role.BUREAU_OFFICER)
def new_programme():
    user = current_actor()
    form = ProgrammeForm()
    if request.method == "GET":
        form.tier.data = _OWN_TIER[user.bureau_scope].value if user.bureau_scope else None
        form.city_code.data = user.region_code if user.bureau_scope is BureauScope.CITY else None
    if form.validate_on_submit():
        programme = commit_or_show(form, lambda: create_programme(
            db.session(), kind=form.kind.data, by=user, **_programme_fields(form)))
        if programme is not None:
            flash(_("已登记“%(name)s”", name=programme.name), "success")
            return redirect(url_for("bureau.programme", programme_id=programme.id))
    return render_template("bureau/programme_form.html", form=form, programme=None, **NAMES), form_status(form)


@bp.route("/programmes/<int:programme_id>/edit", methods=["GET", "POST"])
@allow(Role.BUREAU_OFFICER)
def edit_programme(programme_id: int):
    found = _programme_or_404(programme_id)
    _keeper_or_403(found)
    form = ProgrammeForm(obj=found if request.method == "GET" else None)
    form.kind.data = found.kind.value  # the kind is fixed once registered
    if request.method == "GET":
        form.tier.data, form.city_code.data = found.tier.value, found.city_code
        form.institution.data = found.institution.name if found.institution else ""
        form.occupation_code.data = found.occupation.code if found.occupation else ""
    if form.validate_on_submit():
        done = commit_or_show(form, lambda: update_programme(db.session(), found, by=current_actor(),
                                                             **_programme_fields(form)))
        if done is not None:
            flash(_("已保存"), "success")
            return redirect(url_for("bureau.programme", programme_id=programme_id))
    return render_template("bureau/programme_form.html", form=form, programme=found, **NAMES), form_status(form)


def _programme_fields(form: ProgrammeForm) -> dict[str, object]:
    return {"name": form.name.data, "tier": form.tier.data, "city_code": city_code_of(form.city_code.data),
            "recognised_on": form.recognised_on.data, "ends_on": form.ends_on.data,
            "institution": institution_or_field_error(form.institution.data),
            "occupation": occupation_or_none(form.occupation_code.data), "target_level": form.target_level.data or None,
            "batch": form.batch.data, "description": form.description.data}


def _programme_or_404(programme_id: int) -> Programme:
    found = db.session.scalar(programme_in_scope(current_actor(), programme_id))
    if found is None:
        abort(404)
    return found


def _keeper_or_403(found: Programme) -> None:
    if not may_keep_programme(current_actor(), found.tier, found.city_code):
        abort(403)


def _member_or_404(programme: Programme, member_id: int) -> ProgrammeMember:
    found = next((m for m in programme.members if m.id == member_id), None)
    if found is None:
        abort(404)
    return found


def _roles(found: Programme) -> list[MemberRole]:
    """The roles its kind takes, the master first."""
    return sorted(ROLES_BY_KIND[found.kind], key=lambda role: (role is not MemberRole.MASTER, role.value))


def _page(found: Programme, *, status: int = 200, **forms: FlaskForm):
    """The programme's page; `forms` holds a refused form to show again with its errors (by its name below, or
    `end_<member id>` for the end date of one member)."""
    user = current_actor()
    roles = _roles(found)
    member_form = forms.get("member_form")
    if member_form is None:
        member_form = MemberForm(formdata=None, roles=roles)
        if MemberRole.APPRENTICE in roles:
            member_form.role.data = MemberRole.APPRENTICE.value
    end_forms = {m.id: forms.get(f"end_{m.id}") or EndMemberForm(formdata=None, prefix=f"end{m.id}")
                 for m in found.members}
    return render_template(
        "bureau/programme.html", programme=found, keeper=may_keep_programme(user, found.tier, found.city_code),
        today=china_today(), master=current_master(found, china_today()), roles=roles,
        takes_results=found.kind in KINDS_WITH_RESULTS, member_form=member_form, end_forms=end_forms,
        remove_forms={m.id: RemoveMemberForm(formdata=None, prefix=f"remove{m.id}") for m in found.members},
        funding_form=forms.get("funding_form") or FundingForm(formdata=None,
                                                              source=_FINANCE_OF_TIER[found.tier].value),
        result_form=forms.get("result_form") or ResultForm(formdata=None),
        refused_end=next((form for key, form in forms.items() if key.startswith("end_")), None), **NAMES), status


@bp.get("/programmes/<int:programme_id>")
@allow(Role.BUREAU_OFFICER)
def programme(programme_id: int):
    return _page(_programme_or_404(programme_id))


@bp.get("/programmes/<int:programme_id>/members.xlsx")
@allow(Role.BUREAU_OFFICER)
def programme_members_export(programme_id: int):
    found = _programme_or_404(programme_id)
    headers = [_("姓名"), _("身份证号"), _("城市"), _("身份"), _("开始日期"), _("结束日期")]
    return xlsx_response(found.name + ".xlsx", headers, (
        [m.worker.name, m.worker.id_masked, m.worker.city.full_name, localized(ROLE_NAMES[m.role]), m.started_on,
         m.ended_on] for m in found.members))


def _write(found: Programme, form: FlaskForm, form_name: str, write, done: str, anchor: str):
    """One write of the programme page: commit and come back to its section; or show the page again with the
    form's errors (422), whether the form's shape or the domain refused it. Only the programme's keeper writes:
    another officer of the region sees the programme and is refused (403)."""
    _keeper_or_403(found)
    if form.validate_on_submit() and commit_or_show(form, write) is not None:
        flash(done, "success")
        return redirect(url_for("bureau.programme", programme_id=found.id, _anchor=anchor))
    return _page(_programme_or_404(found.id), status=422, **{form_name: form})


@bp.post("/programmes/<int:programme_id>/members")
@allow(Role.BUREAU_OFFICER)
def add_member(programme_id: int):
    found = _programme_or_404(programme_id)
    form = MemberForm(roles=_roles(found))
    return _write(found, form, "member_form", lambda: add_programme_member(
        db.session(), found, worker=worker_named(form.worker.data), role=form.role.data,
        started_on=form.started_on.data, ended_on=form.ended_on.data, by=current_actor()),
        _("已添加"), "members")


@bp.post("/programmes/<int:programme_id>/members/<int:member_id>/end")
@allow(Role.BUREAU_OFFICER)
def end_member(programme_id: int, member_id: int):
    found = _programme_or_404(programme_id)
    member = _member_or_404(found, member_id)
    form = EndMemberForm(prefix=f"end{member_id}")
    return _write(found, form, f"end_{member_id}", lambda: end_programme_membership(
        db.session(), member, ended_on=form.ended_on.data, by=current_actor()), _("已记录结束日期"), "members")


@bp.post("/programmes/<int:programme_id>/members/<int:member_id>/remove")
@allow(Role.BUREAU_OFFICER)
def remove_member(programme_id: int, member_id: int):
    found = _programme_or_404(programme_id)
    member = _member_or_404(found, member_id)
    _keeper_or_403(found)
    form = RemoveMemberForm(prefix=f"remove{member_id}")
    if not form.validate_on_submit():
        flash(_("请勾选确认后再删除"), "error")
        return redirect(url_for("bureau.programme", programme_id=programme_id, _anchor="members"))
    if commit_or_show(form, lambda: remove_programme_member(db.session(), member, by=current_actor()) or True):
        flash(_("已删除"), "success")
    return redirect(url_for("bureau.programme", programme_id=programme_id, _anchor="members"))


@bp.post("/programmes/<int:programme_id>/results")
@allow(Role.BUREAU_OFFICER)
def add_result(programme_id: int):
    found = _programme_or_404(programme_id)
    form = ResultForm()
    return _write(found, form, "result_form", lambda: record_programme_result(
        db.session(), found, kind=ResultKind(form.kind.data), achieved_on=form.achieved_on.data,
        summary=form.summary.data, by=current_actor()), _("已登记成果"), "results")


@bp.post("/programmes/<int:programme_id>/funding")
@allow(Role.BUREAU_OFFICER)
def add_funding(programme_id: int):
    found = _programme_or_404(programme_id)
    form = FundingForm()
    return _write(found, form, "funding_form", lambda: record_programme_funding(
        db.session(), found, amount=form.amount.data, source=FundingSource(form.source.data),
        granted_on=form.granted_on.data,
        note=form.note.data, by=current_actor()), _("已登记资金"), "funding")
