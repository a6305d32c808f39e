"""Share my certificates (phone first): choose certificates, get a link and its QR code to show an employer, see
how often each link was opened, withdraw a link.

The list (`/worker/shares`) holds the form and my links, open ones first; each link's page shows its QR code
large enough to be scanned from the phone's screen, with the address and a copy button (static/js/share.js).
Another worker's link answers 404, as an unknown one.
"""

from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.validators import ValidationError

from credentials import CredentialsError
from credentials.clock import china_now
from credentials.identity import DecryptionError
from credentials.models import Role, ShareLink, Worker, utcnow
from credentials.models.sharing import LABEL_MAX
from credentials.queries.sharing import share_of, shareable_certificates, shares_of
from credentials.services.sharing import EXPIRY_DAYS, NOT_SHAREABLE, create_share, revoke_share, token_purpose

from ... import trust
from ...access import allow
from ...auth import current_actor
from ...extensions import db
from ...i18n import error_text, localized
from ...lookups import vault
from ..pages import commit_or_show, form_status
from ..shared_view import share_url
from .blueprint import bp

DEFAULT_DAYS = 30


class CertificateChoice(SelectMultipleField):
    """Checkboxes of my valid certificates (by number). A number that is not among them is refused with the
    service's own words; an empty choice is left to the service, which says so."""

    def pre_validate(self, form: FlaskForm) -> None:
        offered = {str(value) for value, *_rest in self.iter_choices()}
        if set(self.data or ()) - offered:
            raise ValidationError(localized(NOT_SHAREABLE))


class ShareForm(FlaskForm):
    certificates = CertificateChoice(_l("要分享的证书"), description=_l("对方只能看到您勾选的证书"))
    days = SelectField(_l("链接有效期"), coerce=int, default=DEFAULT_DAYS, validate_choice=False,
                       description=_l("到期后链接自动失效；您也可以随时撤回"))
    label = StringField(_l("备注（可不填）"), render_kw={"maxlength": LABEL_MAX, "autocomplete": "off"},
                        description=_l("只有您自己看得到，例如“给XX公司”"))

    def __init__(self, *args, worker: Worker, **kwargs):
        super().__init__(*args, **kwargs)
        self.offered = shareable_certificates(db.session(), worker)
        self.certificates.choices = [(c.number, c.number) for c in self.offered]
        self.days.choices = [(days, _("%(days)s 天", days=days)) for days in EXPIRY_DAYS]


def _list_page(form: ShareForm):
    worker = current_actor().worker
    return render_template("worker/shares.html", form=form, shares=shares_of(db.session(), worker),
                           max_label=LABEL_MAX), form_status(form)


@bp.get("/shares")
@allow(Role.WORKER)
def shares():
    return _list_page(ShareForm(worker=current_actor().worker))


@bp.post("/shares")
@allow(Role.WORKER)
def new_share():
    user = current_actor()
    form = ShareForm(worker=user.worker)
    if form.validate_on_submit():
        chosen = [c for c in form.offered if c.number in set(form.certificates.data or ())]
        created = commit_or_show(form, lambda: create_share(
            db.session(), user.worker, chosen, days=form.days.data, label=form.label.data, by=user, vault=vault()))
        if created is not None:
            link, _token = created
            flash(_("分享链接已生成：请对方扫描二维码，或把链接发给对方"), "success")
            return redirect(url_for("worker.share", share_id=link.id))
    return _list_page(form)


def _token_of(link: ShareLink) -> str | None:
    """The link's token, unsealed to draw its QR code again; None if the vault no longer opens it."""
    try:
        return vault().open_secret(token_purpose(link.token_hash), link.token_sealed)
    except DecryptionError:
        return None


@bp.get("/shares/<int:share_id>")
@allow(Role.WORKER)
def share(share_id: int):
    link = share_of(db.session(), current_actor().worker, share_id) or abort(404)
    now, url = utcnow(), None
    if link.is_open(now):
        token = _token_of(link)
        url = share_url(token) if token else None
    return render_template("worker/share.html", link=link, url=url, now=now,
                           qr=trust.qr_svg(url, title=_("分享链接二维码")) if url else None)


@bp.post("/shares/<int:share_id>/revoke")
@allow(Role.WORKER)
def withdraw_share(share_id: int):
    user = current_actor()
    link = share_of(db.session(), user.worker, share_id) or abort(404)
    try:
        revoke_share(db.session(), link, by=user)
    except CredentialsError as error:
        db.session.rollback()
        flash(error_text(error), "error")
    else:
        db.session.commit()
        flash(_("已撤回：对方再打开这个链接时，将看到链接无效"), "success")
    return redirect(url_for("worker.shares"))


@bp.app_template_filter("china_minute")
def china_minute(moment: datetime | None) -> str:
    """A stored moment as the worker reads it: 2024-07-01 14:30, China time."""
    return china_now(moment).strftime("%Y-%m-%d %H:%M") if moment else ""
