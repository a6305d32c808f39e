"""Administration: the home page, new accounts, institutions and their accreditation, historic certificates.

The blueprint sits in the leaf `admin_blueprint`; `admin_users` (the account list and each account's duties) and
`admin_audit` (the whole audit trail) add their routes to it and are imported here so that registering `bp`
registers them all."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, PasswordField, SelectField, StringField
from wtforms.validators import Length, Optional

from credentials.clock import china_today
from credentials.models import AdminDuty, BureauScope, CertificateRoute, Institution, InstitutionKind, Role, User
from credentials.services.accounts import create_user
from credentials.services.historic import enter_historic_certificate
from credentials.services.institutions import accredit, create_institution
from ladder.frameworks import appraised_levels

from ..access import ALL_DUTIES, allow
from ..auth import current_actor
from ..extensions import db
from ..i18n import level_name
from ..lookups import city_code_of, occupation_or_field_error, worker_by_national_id_or_field_error
from . import admin_audit  # noqa: F401 - adds the audit trail's routes to bp
from .admin_blueprint import bp
from .admin_users import DUTY_LABELS, ROLE_LABELS, account_place, state_of
from .appraisal_forms import HistoricCertificateForm
from .approvals import uploaded_files
from .forms import Required, city_field, occupation_field, options
from .pages import commit_or_show, form_status, paginate

STAFF_ROLES = (Role.INSTITUTION_STAFF, Role.BUREAU_OFFICER, Role.ADMIN)
SCOPE_LABELS = {BureauScope.CITY: _l("市级"), BureauScope.PROVINCE: _l("省级"), BureauScope.MINISTRY: _l("部级")}
KIND_LABELS = {
    InstitutionKind.ENTERPRISE: _l("企业"), InstitutionKind.TECHNICIAN_COLLEGE: _l("技师学院"),
    InstitutionKind.SENIOR_TECHNICAL_SCHOOL: _l("高级技工学校"), InstitutionKind.TECHNICAL_SCHOOL: _l("技工学校"),
    InstitutionKind.SOCIAL_TRAINING_BODY: _l("社会培训机构"), InstitutionKind.APPRAISAL_BODY: _l("评价机构"),
}


class UserForm(FlaskForm):
    username = StringField(_l("账号"), validators=[Required(), Length(max=64)])
    display_name = StringField(_l("显示名称"), validators=[Optional(), Length(max=64)])
    password = PasswordField(_l("初始密码"), validators=[Required(), Length(max=256)])
    role = SelectField(_l("角色"), choices=options((r.value, ROLE_LABELS[r]) for r in STAFF_ROLES))
    admin_duty = SelectField(_l("管理员职责"), choices=options([("", "—")] + list(DUTY_LABELS.items())), default="",
                             description=_l("仅管理员账号填写：系统、安全、审计三者分立，一个账号只担一项"))
    institution_id = SelectField(_l("所属机构"), choices=[], validate_choice=False)
    bureau_scope = SelectField(
        _l("管辖范围"), choices=options([("", "—")] + [(scope.value, label) for scope, label in SCOPE_LABELS.items()]))
    region_code = StringField(_l("地区代码"), validators=[Optional(), Length(max=4)],
                              description=_l("市级填 4 位城市代码，省级填 2 位省份代码"))


class InstitutionForm(FlaskForm):
    name = StringField(_l("机构名称"), validators=[Required(), Length(max=128)])
    kind = SelectField(_l("机构类型"), choices=options((k.value, label) for k, label in KIND_LABELS.items()))
    city_code = city_field(_l("所在城市"))


class AccreditationForm(FlaskForm):
    occupation_code = occupation_field()
    max_level = SelectField(_l("最高等级"))
    valid_from = DateField(_l("生效日期"), validators=[Required()], default=china_today)


@bp.get("/")
@allow(Role.ADMIN, duty=ALL_DUTIES)
def home():
    """Each duty sees what it may do: accounts for the security and system administrators, institutions for the
    system administrator, the way to the trail for the auditor."""
    duty = current_actor().admin_duty
    users = (paginate(select(User).where(User.role != Role.WORKER).order_by(User.id))
             if duty in (AdminDuty.SECURITY, AdminDuty.SYSTEM) else None)
    institutions = (db.session.scalars(select(Institution).order_by(Institution.id)).all()
                    if duty is AdminDuty.SYSTEM else [])
    return render_template("admin/home.html", users=users, institutions=institutions, duty=duty,
                           duty_labels=DUTY_LABELS, role_labels=ROLE_LABELS, kind_labels=KIND_LABELS,
                           state_of=state_of, account_place=account_place)


@bp.route("/users/new", methods=["GET", "POST"])
@allow(Role.ADMIN, duty=AdminDuty.SECURITY)
def new_user():
    form = UserForm()
    form.institution_id.choices = options([("", "—")] + [
        (i.id, i.name) for i in db.session.scalars(select(Institution).order_by(Institution.name))
    ])
    if form.validate_on_submit():
        created = commit_or_show(form, lambda: _create_user(form))
        if created is not None:
            flash(_("账号已创建"), "success")
            return redirect(url_for("admin.home"))
    return render_template("admin/user_form.html", form=form), form_status(form)


def _create_user(form: UserForm) -> User:
    institution = db.session.get(Institution, int(form.institution_id.data)) if form.institution_id.data else None
    return create_user(
        db.session(), role=Role(form.role.data), username=form.username.data.strip(),
        display_name=form.display_name.data or None, password=form.password.data, institution=institution,
        bureau_scope=BureauScope(form.bureau_scope.data) if form.bureau_scope.data else None,
        region_code=(form.region_code.data or "").strip() or None, by=current_actor(),
        admin_duty=AdminDuty(form.admin_duty.data) if form.admin_duty.data else None,
    )


@bp.route("/institutions/new", methods=["GET", "POST"])
@allow(Role.ADMIN, duty=AdminDuty.SYSTEM)
def new_institution():
    form = InstitutionForm()
    if form.validate_on_submit():
        institution = commit_or_show(form, lambda: create_institution(
            db.session(), name=form.name.data, kind=InstitutionKind(form.kind.data),
            city_code=city_code_of(form.city_code.data), by=current_actor()))
        if institution is not None:
            return redirect(url_for("admin.institution", institution_id=institution.id))
    return render_template("admin/institution_form.html", form=form), form_status(form)


@bp.route("/institutions/<int:institution_id>", methods=["GET", "POST"])
@allow(Role.ADMIN, duty=AdminDuty.SYSTEM)
def institution(institution_id: int):
    found = db.get_or_404(Institution, institution_id)
    form = AccreditationForm()
    form.max_level.choices = options((lvl.code, level_name(lvl.code)) for lvl in appraised_levels("skill-2022"))
    if form.validate_on_submit() and commit_or_show(form, lambda: _accredit(found, form)) is not None:
        flash(_("已添加评价范围"), "success")
        return redirect(url_for("admin.institution", institution_id=found.id))
    return render_template("admin/institution.html", institution=found, form=form,
                           kind_labels=KIND_LABELS), form_status(form)


def _accredit(institution: Institution, form: AccreditationForm):
    occupation = occupation_or_field_error(form.occupation_code.data)
    return accredit(db.session(), institution, occupation, max_level=form.max_level.data,
                    valid_from=form.valid_from.data, by=current_actor())


@bp.route("/certificates/historic", methods=["GET", "POST"])
@allow(Role.ADMIN, duty=AdminDuty.SYSTEM)
def historic_certificate():
    """A certificate from paper that no result in the registry earned: marked historic, with its scan."""
    form = HistoricCertificateForm()
    form.institution_id.choices = options(
        (i.id, i.name) for i in db.session.scalars(select(Institution).order_by(Institution.name)))
    if form.validate_on_submit():
        certificate = commit_or_show(form, lambda: _enter_historic(form))
        if certificate is not None:
            flash(_("已补录历史证书 %(number)s", number=certificate.number), "success")
            return redirect(url_for("admin.historic_certificate"))
    return render_template("admin/historic_certificate.html", form=form), form_status(form)


def _enter_historic(form: HistoricCertificateForm):
    return enter_historic_certificate(
        db.session(), worker=worker_by_national_id_or_field_error(form.national_id.data),
        occupation=occupation_or_field_error(form.occupation_code.data), level=form.level.data,
        issued_on=form.issued_on.data, institution=db.session.get(Institution, int(form.institution_id.data)),
        number=form.number.data.strip(), route=CertificateRoute(form.route.data),
        evidence=uploaded_files(form.evidence), by=current_actor())
