"""Public certificate verification (no login): "is this certificate real, and still valid?"

Two ways in, one verdict (credentials.verification):
- the form: certificate number + holder's name, sent as a POST body so no name ever sits in a URL, a log
  line or a browser history;
- the QR code printed on a certificate: `/verify?n=<number>&h=<token>`. The token is an HMAC (key
  VERIFY_LINK_KEY) of the number and the holder's blind index, so the link proves "I have seen this
  certificate" just as the name does, without carrying the name. Chosen over a one-time "scan" view
  because a printed certificate is scanned many times over years, by different employers, and each scan
  must work; the token cannot be forged or derived from the number, so numbers still cannot be walked.
  A wrong token answers exactly as an unknown number does. The page only ever shows the holder masked.

Every look-up (form post, QR visit, and the JSON API in app/api/verify.py) shares one rate limit per
client (VERIFY_RATE_LIMIT); nothing is cached, so a revocation shows on the very next look-up.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import force_locale, gettext, to_user_timezone
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from credentials.models import Certificate, utcnow
from ladder.frameworks import get_level

from .. import trust
from ..access import public
from ..verification import MAX_INPUT, look_up, revoked_on, verdict_message, verify_rate_limit

bp = Blueprint("verify", __name__)
# Labels of the printed certificate, shown in both languages at once by `both_languages` (marked here so the
# catalogue extraction finds them).
CERTIFICATE_LABELS = (
    _l("职业技能等级证书"), _l("职业资格证书"), _l("专项职业能力证书"), _l("证书编号"), _l("持证人"),
    _l("职业"), _l("等级"), _l("发证日期"), _l("发证机构"), _l("晋升途径"), _l("扫码核验"), _l("正常晋升"),
    _l("破格/越级"), _l("竞赛晋升"), _l("已撤销"),
)


class VerifyForm(FlaskForm):
    number = StringField(_l("证书编号"), validators=[DataRequired(), Length(max=MAX_INPUT)],
                         description=_l("证书上的编号，如 S000032000001204000001"))
    name = StringField(_l("持证人姓名"), validators=[DataRequired(), Length(max=MAX_INPUT)],
                       description=_l("与证书上的姓名一致"))


@bp.route("/verify", methods=["GET", "POST"])
@public
@verify_rate_limit
def check():
    form = VerifyForm()
    verdict = None
    number, token = request.args.get("n", "")[:MAX_INPUT], request.args.get("h", "")[:MAX_INPUT]
    if request.method == "GET" and number and token:
        verdict = look_up(number, token=token)  # a QR code scanned: the token stands in for the name
    elif request.method == "GET" and number:
        form.number.data = number
    elif form.validate_on_submit():
        verdict = look_up(form.number.data, name=form.name.data)
    status = 422 if form.errors else 200
    checked_at = to_user_timezone(utcnow()).strftime("%Y-%m-%d %H:%M")
    return render_template("verify/check.html", form=form, verdict=verdict, checked_at=checked_at), status


bp.add_app_template_global(revoked_on)
bp.add_app_template_global(verdict_message)


@bp.app_template_global()
def verify_link(certificate: Certificate) -> str:
    return trust.verify_link(certificate)


@bp.app_template_global()
def certificate_qr(certificate: Certificate) -> Markup:
    return trust.qr_svg(trust.verify_link(certificate), title=gettext("扫码核验"))


def _both(chinese: str, english: str) -> Markup:
    return Markup('<span lang="zh-CN">{}</span> <span class="bilingual__en" lang="en">{}</span>').format(
        escape(chinese), escape(english))


@bp.app_template_global()
def both_languages(msgid: str) -> Markup:
    """One label in Chinese and English together, for the printed certificate."""
    with force_locale("zh"):
        chinese = gettext(msgid)
    with force_locale("en"):
        english = gettext(msgid)
    return _both(chinese, english)


@bp.app_template_global()
def level_bilingual(certificate: Certificate) -> Markup:
    level = get_level(certificate.level, certificate.framework)
    return _both(level.name_zh, level.name_en)


@bp.app_template_global()
def registry_name() -> str:
    return trust.issuer().name
