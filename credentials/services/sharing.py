"""A worker shares chosen certificates with an employer through a link: make one, withdraw one, count a view.

The link carries a 256-bit random token (`secrets.token_urlsafe(32)`). The registry keeps its SHA-256, to find
the link when it is opened, and the token sealed by the personal-data vault, so that the worker can show the
QR code again; never the token in clear, and never in the audit trail. Only the worker's own certificates that
are valid when the link is made can be chosen; what the link shows later is their status at that moment (a
certificate revoked afterwards shows as revoked). Nothing here commits: the caller owns the transaction.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from ladder.i18n import Text

from ..errors import Conflict, Forbidden, ValidationFailed
from ..models import Certificate, CertificateStatus, User, Worker, utcnow
from ..models.sharing import LABEL_MAX, ShareLink
from ..permissions import may_share, may_withdraw_share
from ..vault import PersonalDataVault
from .audit import record

__all__ = ["EXPIRY_DAYS", "MAX_CERTIFICATES", "NOT_SHAREABLE", "create_share", "record_view", "revoke_share",
           "token_hash", "token_purpose"]

EXPIRY_DAYS = (7, 30, 90, 365)
MAX_CERTIFICATES = 20  # more than any worker holds in one trade; a link is for a few chosen ones
NOT_SHAREABLE = Text("只能分享您本人的有效证书", "Only your own valid certificates can be shared")


def token_hash(token: str) -> str:
    """What the registry keeps to find a link: the token is 256 random bits, so a plain hash cannot be reversed."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def token_purpose(hashed: str) -> str:
    """The vault purpose a link's token is sealed for: bound to that link (its hash), so a sealed token copied
    onto another row does not open."""
    return f"share-link|{hashed}"


def _clean_label(label: str | None) -> str | None:
    """The worker's note, on one line, without control or formatting characters (bidi overrides, zero-width)."""
    text = "".join(c for c in (label or "") if unicodedata.category(c)[0] != "C" or c in "\t\n")
    return " ".join(text.split()) or None


def _refuse_certificates(reason: Text) -> ValidationFailed:
    return ValidationFailed("binding", field="certificates", reason=reason)


def _chosen(worker: Worker, certificates: Sequence[Certificate]) -> list[Certificate]:
    unique = list({certificate.id: certificate for certificate in certificates}.values())
    if not unique:
        raise _refuse_certificates(Text("请至少选择一本证书", "Choose at least one certificate"))
    if len(unique) > MAX_CERTIFICATES:
        raise _refuse_certificates(Text(f"一个链接最多分享 {MAX_CERTIFICATES} 本证书",
                                        f"A link shares at most {MAX_CERTIFICATES} certificates"))
    # One answer for another's certificate and a revoked one of mine: the form cannot probe other records.
    if any(c.worker_id != worker.id or c.status is not CertificateStatus.VALID for c in unique):
        raise _refuse_certificates(NOT_SHAREABLE)
    return unique


def create_share(
    session: Session, worker: Worker, certificates: Sequence[Certificate], *, days: int, label: str | None,
    by: User, vault: PersonalDataVault,
) -> tuple[ShareLink, str]:
    """A new link showing `certificates` for `days` days; returns it with its token (the only time the token
    leaves the registry in clear is to the worker who made it)."""
    if not may_share(by, worker):
        raise Forbidden("action")
    if days not in EXPIRY_DAYS:
        raise ValidationFailed("binding", field="days", reason=Text(
            "有效期只能选 7、30、90 或 365 天", "The link lasts 7, 30, 90 or 365 days"))
    note = _clean_label(label)
    if note is not None and len(note) > LABEL_MAX:
        raise ValidationFailed("binding", field="label", reason=Text(
            f"备注最多 {LABEL_MAX} 个字", f"The note may have at most {LABEL_MAX} characters"))
    chosen = _chosen(worker, certificates)
    token = secrets.token_urlsafe(32)
    hashed = token_hash(token)
    now = utcnow()
    link = ShareLink(worker_id=worker.id, label=note, token_hash=hashed,
                     token_sealed=vault.seal_secret(token_purpose(hashed), token), created_at=now,
                     expires_at=now + timedelta(days=days), view_count=0, certificates=chosen)
    session.add(link)
    session.flush()
    record(session, actor=by, action="share.created", entity_type="share_link", entity_id=link.id,
           after={"worker_id": worker.id, "certificates": [c.number for c in chosen], "days": days,
                  "expires_at": link.expires_at.isoformat()})
    return link, token


def revoke_share(session: Session, link: ShareLink, *, by: User) -> ShareLink:
    """Withdraw a link: from now on it answers as an unknown one. Withdrawing it twice is refused."""
    if not may_withdraw_share(by, link):
        raise Forbidden("action")
    if link.revoked_at is not None:
        raise Conflict("wrong_state", state=Text("已撤回", "withdrawn"), action=Text("再次撤回", "withdraw it again"))
    link.revoked_at = utcnow()
    session.flush()
    record(session, actor=by, action="share.revoked", entity_type="share_link", entity_id=link.id,
           before={"revoked_at": None}, after={"revoked_at": link.revoked_at.isoformat(), "views": link.view_count})
    return link


def record_view(session: Session, link: ShareLink) -> bool:
    """Count one opening of a link, in the database (two employers opening it at once count two), and only while
    it is still open: a view that races the worker's withdrawal or the expiry is not counted. Not audited: the
    count and the last moment are the record the worker sees."""
    now = utcnow()
    counted = session.execute(
        update(ShareLink)
        .where(ShareLink.id == link.id, ShareLink.revoked_at.is_(None), ShareLink.expires_at > now)
        .values(view_count=ShareLink.view_count + 1, last_viewed_at=now)
        .execution_options(synchronize_session=False)
    )
    session.expire(link, ["view_count", "last_viewed_at"])
    return bool(getattr(counted, "rowcount", 0))
