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

Both pages then show their checks one by one, as the strictest credential verifiers do, from the same
`credentials.queries.credential_check` as `flask credentials verify`: format (Open Badges 3.0 schema),
signature, issuer key, validity, status, and what only this registry can say, whether the institution was
accredited for that occupation and level on the day of issue. A found certificate is checked through its
digital credential as the registry issues it; a third way in, `/verify/credential`, checks a credential
file (JSON or JWT) that someone was handed.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_babel import force_locale, gettext, to_user_timezone
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from markupsafe import Markup, escape
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from credentials.models import Certificate, utcnow
from credentials.queries.credential_check import CheckReport, check_certificate, check_credential
from ladder.frameworks import get_level

from .. import trust
from ..access import public
from ..extensions import db
from ..verification import MAX_INPUT, look_up, revoked_on, verdict_message, verify_rate_limit
from .forms import Required

bp = Blueprint("verify", __name__)
# Labels of the printed certificate, shown in both languages at once by `both_languages` (marked here so the
# catalogue extraction finds them).
CERTIFICATE_LABELS = (
    _l("职业技能等级证书"), _l("职业资格证书"), _l("专项职业能力证书"), _l("证书编号"), _l("持证人"),
    _l("职业"), _l("等级"), _l("发证日期"), _l("发证机构"), _l("晋升途径"), _l("扫码核验"), _l("正常晋升"),
    _l("破格/越级"), _l("竞赛晋升"), _l("已撤销"),
)


# The checks, in the order they run (credential_check.CHECKS), as the pages name them.
CHECK_LABELS = {
    "format": _l("格式"), "signature": _l("签名"), "issuer key": _l("签发密钥"), "validity": _l("有效期限"),
    "status": _l("撤销状态"), "accreditation": _l("机构资质"),
}
MAX_CREDENTIAL_BYTES = 1024 * 1024  # as `flask credentials verify`


class VerifyForm(FlaskForm):
    number = StringField(_l("证书编号"), validators=[Required(), Length(max=MAX_INPUT)],
                         description=_l("证书上的编号，如 S000032000001204000001"))
    name = StringField(_l("持证人姓名"), validators=[Required(), Length(max=MAX_INPUT)],
                       description=_l("与证书上的姓名一致"))


class CredentialForm(FlaskForm):
    credential = TextAreaField(_l("数字证书内容"), validators=[Length(max=MAX_CREDENTIAL_BYTES)],
                               description=_l("粘贴 JSON 格式的数字证书，或以 eyJ 开头的 JWT"))
    file = FileField(_l("或上传数字证书文件"), description=_l("持证人下载的 .json 或 .jwt 文件，不超过 1 MB"))

    def text(self) -> str | None:
        """The credential given, pasted or uploaded; None (with the error on the form) when there is none."""
        upload = self.file.data
        if upload is not None and getattr(upload, "filename", ""):
            data = upload.read(MAX_CREDENTIAL_BYTES + 1)
            if len(data) > MAX_CREDENTIAL_BYTES:
                self.file.errors = [gettext("文件超过 1 MB，不是数字证书")]
                return None
            try:
                return data.decode("utf-8-sig")
            except UnicodeDecodeError:
                self.file.errors = [gettext("文件不是 UTF-8 文本，不是数字证书")]
                return None
        if (self.credential.data or "").strip():
            return self.credential.data
        self.credential.errors = [gettext("请粘贴数字证书内容或上传文件")]
        return None


def _page(form: VerifyForm, credential_form: CredentialForm, *, verdict=None, certificate: Certificate | None = None,
          report: CheckReport | None = None, file_report: CheckReport | None = None, status: int = 200):
    checked_at = to_user_timezone(utcnow()).strftime("%Y-%m-%d %H:%M")
    return render_template("verify/check.html", form=form, credential_form=credential_form, verdict=verdict,
                           certificate=certificate, report=report, file_report=file_report,
                           checked_at=checked_at), status


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
    report = certificate = None
    if verdict is not None and verdict.certificate is not None:
        # The page goes on to check the certificate's digital credential, which needs the whole record: loaded
        # only once the holder is proven, so a wrong name still costs what an unknown number costs.
        certificate = db.session.get(Certificate, verdict.certificate.id)
    if certificate is not None:
        report = check_certificate(db.session(), certificate, trust.issuer(), trust.sealer())
        db.session.commit()  # the registry's first key, if this is its first credential (as /.well-known/did.json)
    return _page(form, CredentialForm(formdata=None, prefix="vc"), verdict=verdict, certificate=certificate,
                 report=report, status=422 if form.errors else 200)


@bp.post("/verify/credential")
@public
@verify_rate_limit
def check_file():
    """A credential file someone was handed (JSON or JWT), checked as `flask credentials verify` does."""
    credential_form = CredentialForm(prefix="vc")
    text = credential_form.text() if credential_form.validate_on_submit() else None
    if text is None:
        return _page(VerifyForm(formdata=None), credential_form, status=422)
    report = check_credential(db.session(), text, trust.issuer(), trust.sealer())
    db.session.rollback()  # a check writes nothing
    current_app.logger.info("credential file checked", extra={"outcome": "valid" if report.ok else "invalid"})
    return _page(VerifyForm(formdata=None), CredentialForm(formdata=None, prefix="vc"), file_report=report)


bp.add_app_template_global(revoked_on)
bp.add_app_template_global(verdict_message)


@bp.app_template_global()
def check_label(name: str) -> str:
    return str(CHECK_LABELS[name])


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
