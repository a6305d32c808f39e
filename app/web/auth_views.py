"""Sign in and sign out."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import Length

from credentials import AuthenticationFailed
from credentials.services.accounts import authenticate, end_session

from ..access import allow, public
from ..auth import SESSION_KEY
from ..extensions import db, limiter
from ..i18n import error_text
from ..lookups import vault
from .forms import Required
from .second_factor import finish_password_step

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    account = StringField(_l("身份证号或账号"), validators=[Required(), Length(max=64)])
    password = PasswordField(_l("密码"), validators=[Required(), Length(max=256)])


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        config = current_app.config
        try:
            user = authenticate(
                db.session(), vault(), form.account.data, form.password.data, client=request.remote_addr or "",
                lockout_threshold=config["LOGIN_LOCKOUT_THRESHOLD"], lockout_minutes=config["LOGIN_LOCKOUT_MINUTES"],
            )
        except AuthenticationFailed as error:
            db.session.commit()  # keep the failed-attempt count
            current_app.logger.info("sign-in refused", extra={"outcome": error.code})
            form.password.errors = [error_text(error)]
            return render_template("auth/login.html", form=form), 401
        # The session now, or (two-step verification) after the code: app/web/second_factor.py
        return finish_password_step(user, request.args.get("next"))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@allow()
def logout():
    token = session.get(SESSION_KEY)
    if token:
        end_session(db.session(), token)
        db.session.commit()
    logout_user()
    session.clear()
    flash(_l("您已安全退出"), "success")
    return redirect(url_for("auth.login"))

