"""The accounts: the list (search by account or display name or a worker's ID number, role and state filters,
XLSX) and one account's page with its duties: disable or enable, reset the password, change an administrator's duty
(the security administrator's), lift sign-in waits (the security or the system administrator's). A worker's name
and ID number show masked here as everywhere an officer reads them. The account's audit trail is not shown here:
only the audit administrator reads the trail (三员分立)."""

from __future__ import annotations

import hmac

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from credentials.clock import china_now
from credentials.identity import mask_name
from credentials.models import AdminDuty, Role, User
from credentials.queries.accounts import STATES, accounts, active_admins, last_password_change
from credentials.queries.reporting import region_name
from credentials.services.accounts import disable_user, enable_user, lift_throttles, reset_password
from credentials.services.admin_duties import change_duty
from credentials.services.second_factor import factor_state, reset_second_factor

from ..access import allow
from ..auth import current_actor
from ..exports import stream, too_many_to_export, xlsx_response
from ..extensions import db
from ..lookups import vault
from .admin_blueprint import bp
from .forms import RequiredInput, options
from .pages import commit_or_show, form_status, paginate
from .searches import search_term

ROLE_LABELS = {Role.WORKER: _l("劳动者"), Role.INSTITUTION_STAFF: _l("机构人员"), Role.BUREAU_OFFICER: _l("人社局人员"),
               Role.ADMIN: _l("管理员")}
DUTY_LABELS = {AdminDuty.SYSTEM: _l("系统管理员"), AdminDuty.SECURITY: _l("安全管理员"),
               AdminDuty.AUDIT: _l("审计管理员")}
ACCOUNT_READERS = (AdminDuty.SECURITY, AdminDuty.SYSTEM)  # the system administrator finds an account to lift waits
STATE_LABELS = {"active": _l("有效"), "disabled": _l("已停用"), "must_change": _l("待改密码")}
SECOND_FACTOR_LABELS = {"on": _l("已启用"), "pending": _l("设置中（未确认）"), "off": _l("未启用")}


class DisableForm(FlaskForm):
    reason = TextAreaField(_l("停用原因"), description=_l("例如：人员离职、账号疑似被他人使用；记入审计记录"))


class DutyForm(FlaskForm):
    admin_duty = SelectField(_l("管理员职责"), choices=options(DUTY_LABELS.items()))


class ResetForm(FlaskForm):
    mode = RadioField(_l("临时密码"), default="generate", validators=[RequiredInput()], choices=options([
        ("generate", _l("由系统生成（推荐）")), ("set", _l("由我设定"))]))
    temporary_password = StringField(_l("我设定的临时密码"), validators=[Length(max=256)],
                                     description=_l("选“由我设定”时填写：至少 12 个字符"))
    # The account's password state when the form was drawn (password_stamp): a reload or a second click posts
    # the old stamp, and finds the password already reset.
    stamp = HiddenField()

    def validate_temporary_password(self, field: StringField) -> None:
        if self.mode.data == "set" and not (field.data or "").strip():
            raise ValidationError(_("选“由我设定”时须填写临时密码"))


def account_name(user: User) -> str:
    """What the person signs in with: the account name, or a worker's national ID (masked)."""
    if user.username:
        return user.username
    return user.worker.id_masked if user.worker is not None else ""


def person_name(user: User) -> str:
    return mask_name(user.display_name) if user.role is Role.WORKER else user.display_name


def account_place(user: User) -> str:
    """The institution, or the bureau's city or province by name (苏州市, 江苏省), the code only if unknown."""
    if user.institution is not None:
        return user.institution.name
    if user.region_code is None:
        return "—"
    return region_name(db.session(), user.region_code) or user.region_code


def password_stamp(account: User) -> str:
    """A keyed digest of the account's current password state: it changes with every reset or change of the
    password, it tells nothing about the hash (keyed, one way), and it is bound to this account."""
    return vault().keyed_digest("password-stamp", f"{account.id}|{account.password_hash}")


def state_of(user: User) -> str:
    if not user.is_active:
        return "disabled"
    return "must_change" if user.must_change_password else "active"


def _filters() -> tuple[str, Role | None, str | None]:
    search = search_term()
    role = request.args.get("role", "")
    state = request.args.get("state", "")
    return search, Role(role) if role in {r.value for r in Role} else None, state if state in STATES else None


@bp.get("/users")
@allow(Role.ADMIN, duty=ACCOUNT_READERS)
def users():
    search, role, state = _filters()
    page = paginate(accounts(search=search, role=role, state=state, id_index=vault().index))
    return render_template("admin/users.html", page=page, search=search, role=role, state=state,
                           role_labels=ROLE_LABELS, state_labels=STATE_LABELS, account_name=account_name,
                           person_name=person_name, account_place=account_place, state_of=state_of)


@bp.get("/users.xlsx")
@allow(Role.ADMIN, duty=AdminDuty.SECURITY)
def users_export():
    search, role, state = _filters()
    statement = accounts(search=search, role=role, state=state, id_index=vault().index)
    if too_many_to_export(statement):
        return redirect(url_for("admin.users", **request.args))
    headers = [_("编号"), _("账号"), _("显示名称"), _("角色"), _("机构或地区"), _("状态"), _("创建时间"),
               _("最近登录")]
    rows = ((u.id, account_name(u), person_name(u), str(ROLE_LABELS[u.role]), account_place(u),
             str(STATE_LABELS[state_of(u)]), u.created_at, u.last_login_at) for u in stream(statement))
    return xlsx_response(_("账号") + ".xlsx", headers, rows)


@bp.get("/users/<int:user_id>")
@allow(Role.ADMIN, duty=ACCOUNT_READERS)
def user(user_id: int):
    return _account_page(db.get_or_404(User, user_id))


def _account_page(account: User, *, disable_form: DisableForm | None = None, reset_form: ResetForm | None = None,
                  duty_form: DutyForm | None = None, reset_notice: str = "", status: int = 200):
    admins = db.session.scalar(select(func.count()).select_from(active_admins().subquery())) or 0
    is_last_admin = account.admin_duty is AdminDuty.SECURITY and account.is_active and admins <= 1
    reset_form = reset_form or ResetForm(formdata=None)
    reset_form.stamp.data = password_stamp(account)  # always today's: a refused stale form is drawn fresh
    return render_template(
        "admin/user.html", account=account,
        disable_form=disable_form or DisableForm(formdata=None), reset_form=reset_form, reset_notice=reset_notice,
        duty_form=duty_form or DutyForm(formdata=None, admin_duty=account.admin_duty and account.admin_duty.value),
        duty_labels=DUTY_LABELS,
        is_self=account.id == current_actor().id, is_last_admin=is_last_admin, role_labels=ROLE_LABELS,
        state_labels=STATE_LABELS, state=state_of(account), account_name=account_name(account),
        person_name=person_name(account), account_place=account_place(account),
        second_factor=factor_state(db.session(), account), second_factor_labels=SECOND_FACTOR_LABELS), status


@bp.post("/users/<int:user_id>/disable")
@allow(Role.ADMIN, duty=AdminDuty.SECURITY)
def disable(user_id: int):
    """Disabling ends every session and revokes every API token at once (credentials.services.accounts)."""
    account = db.get_or_404(User, user_id)
    form = DisableForm()
    if form.validate_on_submit() and commit_or_show(form, lambda: disable_user(
            db.session(), account, by=current_actor(), reason=form.reason.data or "") or True):
        flash(_("已停用 %(name)s 的账号：其所有登录已退出，API 令牌已作废。", name=person_name(account)), "success")
        return redirect(url_for("admin.user", user_id=account.id))
    return _account_page(account, disable_form=form, status=form_status(form))


@bp.post("/users/<int:user_id>/enable")
@allow(Role.ADMIN, duty=AdminDuty.SECURITY)
def enable(user_id: int):
    account = db.get_or_404(User, user_id)
    form = FlaskForm()
    if form.validate_on_submit() and commit_or_show(form, lambda: enable_user(
            db.session(), account, by=current_actor()) or True):
        flash(_("已启用 %(name)s 的账号：可用原密码登录。", name=person_name(account)), "success")
    return redirect(url_for("admin.user", user_id=account.id))


@bp.post("/users/<int:user_id>/reset-password")
@allow(Role.ADMIN, duty=AdminDuty.SECURITY)
def reset(user_id: int):
    """The temporary password is shown in this one answer (never flashed: the session cookie is signed, not
    secret), and never again. The form's stamp must still match the password: a reload, a double click, another
    administrator's reset or the user's own change since the form was drawn leave the password as it is."""
    account = db.session.get(User, user_id, with_for_update=True)  # two administrators at once: one waits
    if account is None:
        abort(404)
    form = ResetForm()
    if form.validate_on_submit():
        if not hmac.compare_digest(form.stamp.data or "", password_stamp(account)):
            return _account_page(account, reset_notice=_already_reset(account), status=409)
        chosen = form.temporary_password.data if form.mode.data == "set" else None
        temporary = commit_or_show(form, lambda: reset_password(db.session(), account, by=current_actor(),
                                                                 temporary=chosen))
        if temporary is not None:
            response = make_response(render_template(
                "admin/password_reset.html", account=account, temporary=temporary,
                account_name=account_name(account), person_name=person_name(account)))
            response.headers["Cache-Control"] = "no-store"  # app-wide too (app/security.py); this page above all
            return response
    return _account_page(account, reset_form=form, status=form_status(form))


def _already_reset(account: User) -> str:
    changed = last_password_change(db.session(), account.id)
    if changed is None:
        return _("此账号的密码在此页面打开后已重置或更改，本次没有再重置。临时密码只在重置后显示一次；"
                 "如未记下或需要另发一个，请在下方重新重置。")
    return _("此账号的密码已于 %(time)s（北京时间）重置或更改，本次没有再重置。临时密码只在重置后显示一次；"
             "如未记下或需要另发一个，请在下方重新重置。", time=china_now(changed).strftime("%Y-%m-%d %H:%M"))


@bp.post("/users/<int:user_id>/duty")
@allow(Role.ADMIN, duty=AdminDuty.SECURITY)
def duty(user_id: int):
    """Another administrator moves to another duty; their sessions and tokens end (credentials.services.admin_duties)."""
    account = db.get_or_404(User, user_id)
    form = DutyForm()
    if form.validate_on_submit() and commit_or_show(form, lambda: change_duty(
            db.session(), account, AdminDuty(form.admin_duty.data), by=current_actor()) or True):
        flash(_("%(name)s 的职责现为：%(duty)s", name=person_name(account),
                duty=DUTY_LABELS[AdminDuty(form.admin_duty.data)]), "success")
        return redirect(url_for("admin.user", user_id=account.id))
    return _account_page(account, duty_form=form, status=form_status(form))


@bp.post("/users/<int:user_id>/lift-waits")
@allow(Role.ADMIN, duty=ACCOUNT_READERS)
def lift_waits(user_id: int):
    """The unlock path: every sign-in wait on this account, from every client, is lifted (and audited)."""
    account = db.get_or_404(User, user_id)
    lifted = lift_throttles(db.session(), vault(), account, by=current_actor())
    db.session.commit()
    flash(_("已解除 %(name)s 的登录等待（%(count)s 处）", name=person_name(account), count=lifted), "success")
    return redirect(url_for("admin.user", user_id=account.id))


@bp.post("/users/<int:user_id>/reset-second-factor")
@allow(Role.ADMIN, duty=AdminDuty.SECURITY)
def reset_second_factor_of(user_id: int):
    """A lost phone: the user's second factor and recovery codes go, their sessions end; they enrol again."""
    account = db.get_or_404(User, user_id)
    form = FlaskForm()
    if form.validate_on_submit() and commit_or_show(form, lambda: reset_second_factor(
            db.session(), account, by=current_actor()) or True):
        flash(_("已重置 %(name)s 的两步验证：其所有登录已退出，下次登录后须重新设置。", name=person_name(account)),
              "success")
    return redirect(url_for("admin.user", user_id=account.id))
