"""Public verification: is this certificate real, and is it still valid?

Anyone may ask, without an account, but never by number alone: the asker must also show they have seen
the certificate, either by giving the holder's name or by presenting the link token printed in the
certificate's QR code (see `link_token`). A wrong name answers exactly as an unknown number does, so the
registry cannot be walked number by number. Only the shape of the number is told apart: a number that no
national scheme can produce — including one shaped like a national scheme but breaking it (a character too
many or too few, a letter other than Y/S, a level digit outside 1–5) — is "impossible", with the reason why,
which is a fact about the string, not about anyone's record.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased, joinedload

from ladder.i18n import Text

from ..identity import MIDDLE_DOTS, mask_name
from ..models import Certificate, CertificateStatus, Worker
from ..numbers import parse_certificate_number

__all__ = ["Verdict", "verify_certificate", "link_token", "names_match"]

STATUSES = ("valid", "revoked", "not_found")
NUMBER_STATUSES = ("on_record", "not_on_record", "impossible")


@dataclass(frozen=True)
class Verdict:
    status: str  # valid | revoked | not_found
    number: str  # as normalised (full-width folded, upper case, no spaces)
    number_status: str  # on_record | not_on_record | impossible
    number_scheme: str  # legacy16 | skill_level22 | special_tech22 | unknown
    certificate: Certificate | None = None
    number_problem: Text | None = None  # impossible: why, in words (from the number alone)

    @property
    def valid(self) -> bool:
        return self.status == "valid"

    @property
    def holder_masked(self) -> str | None:
        return mask_name(self.certificate.worker.name) if self.certificate else None


def _normalise_name(name: str) -> str:
    # 买买提·艾力 is typed with many different dots, a full stop among them (NFKC makes ．and ･ plain first)
    text = unicodedata.normalize("NFKC", name or "").translate(MIDDLE_DOTS).replace(".", "·")
    return "".join(text.split()).casefold()


def names_match(given: str, recorded: str) -> bool:
    """Same name up to spacing, full-width forms, letter case and the kind of middle dot."""
    given, recorded = _normalise_name(given), _normalise_name(recorded)
    return bool(given) and hmac.compare_digest(given.encode(), recorded.encode())


def link_token(key: bytes, certificate: Certificate, holder_hash: str | None = None) -> str:
    """The token printed (inside the QR link) on a certificate: an HMAC of its number and holder.

    Bound to the holder's blind index as well as the number, so a number ever issued anew never inherits
    an old certificate's token. 128 bits, base64url: 22 characters in the QR code. `holder_hash` names another
    record of the same holder: one entered twice and merged, whose blind index the printed token was made with.
    """
    message = f"verify-link|{certificate.number}|{holder_hash or certificate.worker.id_hash}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _proves_holder(
    certificate: Certificate, name: str | None, token: str | None, link_key: bytes | None, merged_hash: str | None,
) -> bool:
    if token is not None:
        if link_key is None:
            raise ValueError("a link token needs the link key")
        own = hmac.compare_digest(token.encode(), link_token(link_key, certificate).encode())
        return own or (merged_hash is not None
                       and hmac.compare_digest(token.encode(), link_token(link_key, certificate, merged_hash).encode()))
    return name is not None and names_match(name, certificate.worker.name)


def verify_certificate(
    session: Session, number: str, *, name: str | None = None, token: str | None = None,
    link_key: bytes | None = None,
) -> Verdict:
    """The verdict for a certificate number and either the holder's name or the QR link token."""
    if name is None and token is None:
        raise ValueError("give the holder's name or the link token")
    parsed = parse_certificate_number(number)
    if parsed.impossible:
        return Verdict("not_found", parsed.number, "impossible", parsed.scheme, number_problem=parsed.explanation)
    candidates = [parsed.number]
    if parsed.reason == "possibly_shanghai13":
        candidates.append("000" + parsed.number)  # Shanghai's 13-digit numbers are kept as 16 (DOMAIN §6.2)
    # One statement whether or not the number exists: a real number with a wrong name must cost what a
    # missing number costs, or the response time tells which numbers are real (three selectin loads did).
    # A certificate moved from a record merged into its holder keeps its printed QR token, made with that
    # record's blind index: each merged record comes back as one more row (NULL when there is none).
    merged = aliased(Worker)
    found = session.execute(
        select(Certificate, merged.id_hash).where(Certificate.number.in_(candidates))
        .outerjoin(merged, merged.merged_into_id == Certificate.worker_id)
        .options(joinedload(Certificate.worker), joinedload(Certificate.occupation),
                 joinedload(Certificate.institution))
    ).unique()
    for certificate, merged_hash in found:
        if _proves_holder(certificate, name, token, link_key, merged_hash):
            status = "revoked" if certificate.status is CertificateStatus.REVOKED else "valid"
            return Verdict(status, certificate.number, "on_record", certificate.number_scheme, certificate)
    return Verdict("not_found", parsed.number, "not_on_record", parsed.scheme)
