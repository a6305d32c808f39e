"""My account: every signed-in person changes their own password here. An account whose password an
administrator reset is sent here from every page (the API answers 403 problem+json) until it is changed."""

from __future__ import annotations

from collections.abc import Callable, Collection

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import EqualTo, Length

from credentials.models import User
from credentials.services.accounts import change_password

from ..access import EXTERNAL_PUBLIC_PREFIXES, PUBLIC, allow, rule_for
from ..api_messages import title_for
from ..auth import SESSION_KEY, current_actor, is_api_request
from ..errors import problem
from ..extensions import db, limiter
from ..navigation import home_for
from .forms import Required
from .pages import commit_or_show, form_status

bp = Blueprint("account", __name__, url_prefix="/account")

# What a user who must change their password may still open: this page, signing out, the language switch.
STILL_OPEN = frozenset({"account.password", "auth.logout", "auth.login", "public.switch_language", "public.healthz",
                        "public.readyz", "api_auth.delete_token"})


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("当前密码"), validators=[Required(), Length(max=256)])
    new_password = PasswordField(_l("新密码"), validators=[Required(), Length(max=256)],
                                 description=_l("至少 12 个字符（空格不计），可以是一句好记的话；不要用常见密码"))
    confirm_password = PasswordField(_l("再次输入新密码"), validators=[
        Required(), EqualTo("new_password", _l("两次输入的新密码不一致"))])


@bp.route("/password", methods=["GET", "POST"])
@allow()
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])  # the current password is guessable
def password():
    user = current_actor()
    form = PasswordForm()
    if form.validate_on_submit():
        changed = commit_or_show(form, lambda: change_password(
            db.session(), user, current_password=form.current_password.data, new_password=form.new_password.data,
            keep_session=session.get(SESSION_KEY)) or True)
        if changed:
            flash(_("密码已修改。其他设备上的登录已全部退出，API 令牌已作废。"), "success")
            return redirect(home_for(user))
    return render_template("account/password.html", form=form, forced=user.must_change_password), form_status(form)


@bp.before_app_request
def password_change_first():
    """A reset password is the administrator's as much as the user's: nothing else opens until it is changed."""
    return first_things_first(STILL_OPEN, lambda actor: actor.must_change_password, page="account.password",
                              code="password_change_required",
                              detail=lambda: _("管理员已重置您的密码：请先在网页上修改密码，再使用 API。"))


def first_things_first(still_open: Collection[str], needed: Callable[[User], bool], *, page: str, code: str,
                       detail: Callable[[], str]):
    """The mechanism of a step every page waits for (a password to change, a second factor to set up): for an
    actor who `needed` it, every page but `still_open` leads to `page`, and the API (but its public operations)
    answers 403 problem+json with `code`. None lets the request through."""
    endpoint = request.endpoint
    if endpoint is None or endpoint in still_open or endpoint.startswith(EXTERNAL_PUBLIC_PREFIXES):
        return None
    actor = current_actor()
    if actor is None or not needed(actor):
        return None
    if is_api_request():
        if rule_for(current_app, endpoint) == PUBLIC:
            return None
        return problem(403, title_for(403, "Forbidden"), detail(), code=code)
    return redirect(url_for(page))
