"""Two-step verification: enrolment and turning it off in the account area (/account/second-factor), the sign-in's
second step (/login/second-factor), and the rule that an account whose role requires it enrols before anything
else (SECOND_FACTOR_REQUIRED_ROLES; the way a reset password is changed first, app/web/account.py).

A correct password for an enrolled account opens no session: the signed cookie remembers only who passed the
password step, for a few minutes; the server-side session (and Flask-Login's) starts after the code."""

from __future__ import annotations

import time

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import Length

from credentials import AuthenticationFailed
from credentials.models import User
from credentials.services.accounts import start_session
from credentials.services.second_factor import (
    confirm_enrolment,
    confirmed_factor,
    disable_second_factor,
    is_enrolled,
    recovery_codes_left,
    renew_recovery_codes,
    required_for,
    start_enrolment,
    verify_second_factor,
)

from ..access import allow, public
from ..auth import SESSION_KEY, current_actor
from ..extensions import db, limiter
from ..i18n import error_text
from ..lookups import vault
from ..navigation import home_for, safe_next
from ..trust import qr_svg
from .account import STILL_OPEN, first_things_first
from .admin_users import account_name
from .forms import Required
from .pages import commit_or_show, form_status

bp = Blueprint("second_factor", __name__)

PENDING = "second_step"  # in the signed session cookie: {"user", "since", "next"}; grants nothing by itself
PENDING_SECONDS = 300
# What an account that must enrol may still open: enrolment itself, and what a forced password change leaves open.
ENROLMENT_OPEN = STILL_OPEN | {"second_factor.enrol", "second_factor.sign_in_step"}


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _required(user: User) -> bool:
    return required_for(user, current_app.config["SECOND_FACTOR_REQUIRED_ROLES"])


class CodeForm(FlaskForm):
    code = StringField(_l("验证码"), validators=[Required(), Length(max=32)],
                       description=_l("验证器应用当前显示的 6 位数字；手机不在身边时，可输入一个恢复码"))


class ConfirmForm(FlaskForm):
    code = StringField(_l("验证码"), validators=[Required(), Length(max=32)],
                       description=_l("添加后，输入验证器应用当前显示的 6 位数字"))


class DisableForm(FlaskForm):
    password = PasswordField(_l("密码"), validators=[Required(), Length(max=256)])
    code = StringField(_l("验证码"), validators=[Required(), Length(max=32)],
                       description=_l("验证器应用当前显示的 6 位数字，或一个恢复码"))


class RenewForm(FlaskForm):
    """On the same page as DisableForm: its fields carry the prefix "renew-" so that the two forms keep apart."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, prefix="renew", **kwargs)

    password = PasswordField(_l("密码"), validators=[Required(), Length(max=256)])
    code = StringField(_l("验证码"), validators=[Required(), Length(max=32)],
                       description=_l("验证器应用当前显示的 6 位数字（恢复码不能用于此处）"))


# ------------------------------------------------------------------ signing in


def finish_password_step(user: User, next_url: str | None):
    """After a correct password: the session, or (for an enrolled account) the code first."""
    if not is_enrolled(db.session(), user):
        return establish_session(user, next_url)
    session.clear()  # whatever this browser held before is gone; nothing signed in yet
    session[PENDING] = {"user": user.id, "since": int(time.time()), "next": safe_next(next_url)}
    db.session.commit()  # the password step's trail
    return redirect(url_for("second_factor.sign_in_step"))


def establish_session(user: User, next_url: str | None):
    session.clear()  # no fixation: a fresh session for the new identity
    session[SESSION_KEY] = start_session(db.session(), user)
    login_user(user)
    db.session.commit()
    current_app.logger.info("signed in", extra={"outcome": "ok"})
    return redirect(safe_next(next_url) or home_for(user))


def _pending_user() -> User | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or not isinstance(pending.get("since"), int):
        return None
    if time.time() - pending["since"] > PENDING_SECONDS:
        return None
    user = db.session.get(User, pending.get("user"))
    return user if user is not None and user.is_active else None


@bp.route("/login/second-factor", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
def sign_in_step():
    user = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash(_("请重新登录：输入密码后须在 5 分钟内输入验证码。"), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        config = current_app.config
        try:
            method = verify_second_factor(
                db.session(), vault(), user, form.code.data or "", client=request.remote_addr or "",
                lockout_threshold=config["LOGIN_LOCKOUT_THRESHOLD"], lockout_minutes=config["LOGIN_LOCKOUT_MINUTES"])
        except AuthenticationFailed as error:
            db.session.commit()  # keep the failed-attempt count
            current_app.logger.info("second step refused", extra={"outcome": error.code})
            form.code.errors = [error_text(error)]
            return render_template("second_factor/sign_in.html", form=form), 401
        next_url = session[PENDING].get("next")
        response = establish_session(user, next_url)
        if method == "recovery":
            left = recovery_codes_left(db.session(), user)
            flash(_("您用了一个恢复码，还剩 %(count)s 个。手机找回前，请妥善保管其余恢复码。", count=left), "info")
        return response
    return render_template("second_factor/sign_in.html", form=form), form_status(form)


@bp.before_app_request
def enrolment_first():
    """Where the role requires a second factor and the account has none, nothing else opens until it is set up."""
    roles = current_app.config["SECOND_FACTOR_REQUIRED_ROLES"]
    if not roles:
        return None
    return first_things_first(
        ENROLMENT_OPEN, lambda actor: required_for(actor, roles) and not is_enrolled(db.session(), actor),
        page="second_factor.enrol", code="second_factor_enrolment_required",
        detail=lambda: _("您的角色须使用两步验证：请先在网页上设置，再使用 API。"))


# ------------------------------------------------------------------ the account area


@bp.route("/account/second-factor", methods=["GET", "POST"])
@allow()
@limiter.limit(_login_limit, methods=["POST"])  # a code is guessable
def enrol():
    """Not enrolled: the QR code and the secret, and the first code confirms. Enrolled: its state, and turning it
    off where the role allows."""
    user = current_actor()
    required = _required(user)
    factor = confirmed_factor(db.session(), user)
    if factor is not None:
        return _status_page(user, DisableForm(formdata=None), RenewForm(formdata=None), required)
    form = ConfirmForm()
    if form.validate_on_submit():
        codes = commit_or_show(form, lambda: confirm_enrolment(db.session(), vault(), user, form.code.data or ""))
        if codes is not None:
            return render_template("second_factor/recovery_codes.html", codes=codes, next=home_for(user))
    enrolment = start_enrolment(db.session(), vault(), user, account_name=account_name(user) or str(user.id))
    db.session.commit()  # the pending secret: reloading the page shows the QR code already scanned
    return render_template("second_factor/enrol.html", form=form, enrolment=enrolment, required=required,
                           qr=qr_svg(enrolment.uri, title=_("用验证器应用扫描此二维码")),
                           secret_groups=[enrolment.secret[i:i + 4] for i in range(0, len(enrolment.secret), 4)]
                           ), form_status(form)


@bp.post("/account/second-factor/disable")
@allow()
@limiter.limit(_login_limit)  # the password and the code are guessable
def disable():
    user = current_actor()
    if confirmed_factor(db.session(), user) is None:  # nothing to turn off (a second tab, or already reset)
        flash(_("两步验证未启用，无需关闭。"), "info")
        return redirect(url_for("account.password"))
    required = _required(user)
    form = DisableForm()
    if form.validate_on_submit() and commit_or_show(form, lambda: disable_second_factor(
            db.session(), vault(), user, password=form.password.data or "", code=form.code.data or "",
            required=required) or True):
        flash(_("两步验证已关闭。登录时只需密码。"), "success")
        return redirect(url_for("account.password"))  # the account area (the setup page would start a new secret)
    return _status_page(user, form, RenewForm(formdata=None), required, status=form_status(form))


@bp.post("/account/second-factor/recovery-codes")
@allow()
@limiter.limit(_login_limit)  # the password and the code are guessable
def renew_codes():
    """A new set of recovery codes, shown once; the old ones stop working."""
    user = current_actor()
    if confirmed_factor(db.session(), user) is None:  # reset by an administrator meanwhile, or never set up
        flash(_("两步验证未启用，没有恢复码。"), "info")
        return redirect(url_for("second_factor.enrol"))
    form = RenewForm()
    if form.validate_on_submit():
        codes = commit_or_show(form, lambda: renew_recovery_codes(
            db.session(), vault(), user, password=form.password.data or "", code=form.code.data or ""))
        if codes is not None:
            return render_template("second_factor/recovery_codes.html", codes=codes, renewed=True,
                                   next=url_for("second_factor.enrol"))
    return _status_page(user, DisableForm(formdata=None), form, _required(user), status=form_status(form))


def _status_page(user: User, form: DisableForm, renew_form: RenewForm, required: bool, status: int = 200):
    factor = confirmed_factor(db.session(), user)
    return render_template("second_factor/status.html", factor=factor, form=form, renew_form=renew_form,
                           required=required, codes_left=recovery_codes_left(db.session(), user)), status
