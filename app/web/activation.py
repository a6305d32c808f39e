"""A worker opens their own account with the one-time code their institution handed them (public page), and
the institution issues that code from the worker's record. The worker alone chooses the password."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import EqualTo, Length

from credentials import CredentialsError
from credentials.models import Role
from credentials.services.activation import activate_worker_account, issue_activation_code

from ..access import allow, public
from ..auth import current_actor
from ..extensions import db, limiter
from ..lookups import vault, worker_or_404
from .forms import Required
from .pages import commit_or_show, form_status

bp = Blueprint("activation", __name__)


class ActivationForm(FlaskForm):
    national_id = StringField(_l("身份证号"), validators=[Required(), Length(min=15, max=20)])
    code = StringField(_l("开通码"), validators=[Required(), Length(max=16)],
                       description=_l("为您登记的机构发给您的 8 位开通码"))
    password = PasswordField(_l("设置密码"), validators=[Required(), Length(max=256)],
                             description=_l("至少 12 个字符（空格不计），可以是一句好记的话"))
    confirm = PasswordField(_l("再次输入密码"), validators=[Required(), EqualTo("password", _l("两次输入的密码不一致"))])


@bp.route("/activate", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def activate():
    form = ActivationForm()
    if form.validate_on_submit():
        user = commit_or_show(form, lambda: activate_worker_account(
            db.session(), vault(), national_id=form.national_id.data, code=form.code.data,
            password=form.password.data))
        if user is not None:
            flash(_("账号已开通，请用身份证号和新密码登录"), "success")
            if user.worker is not None and user.worker.id_hash != vault().index(form.national_id.data):
                # a code of a record merged into another: the account signs in with the surviving record's number
                flash(_("您的这份记录已与您的另一份记录合并，请用身份证号 %(id_masked)s 登录",
                        id_masked=user.worker.id_masked), "info")
            return redirect(url_for("auth.login"))
    return render_template("auth/activate.html", form=form), form_status(form)


@bp.post("/institution/workers/<int:worker_id>/activation")
@allow(Role.INSTITUTION_STAFF)
def issue_code(worker_id: int):
    worker = worker_or_404(worker_id)
    try:
        code = issue_activation_code(db.session(), vault(), worker, by=current_actor())
    except CredentialsError as error:
        db.session.rollback()
        return render_template("auth/activation_code.html", worker=worker, code=None, error=error), error.status
    db.session.commit()
    return render_template("auth/activation_code.html", worker=worker, code=code, error=None)
