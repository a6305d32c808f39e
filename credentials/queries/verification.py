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
from datetime import date, datetime

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, aliased

from ladder.i18n import Text

from ..identity import MIDDLE_DOTS, mask_name
from ..models import Certificate, CertificateRoute, CertificateStatus, Institution, Occupation, Worker
from ..numbers import parse_certificate_number

__all__ = ["Verdict", "VerifiedCertificate", "verify_certificate", "link_token", "names_match"]

STATUSES = ("valid", "revoked", "not_found")
NUMBER_STATUSES = ("on_record", "not_on_record", "impossible")


@dataclass(frozen=True, slots=True)
class VerifiedCertificate:
    """What a verdict shows of a certificate: plain values read by the look-up's one statement, no ORM objects
    (nothing to load lazily, nothing for a session to track)."""

    id: int
    number: str
    number_scheme: str
    status: CertificateStatus
    route: CertificateRoute
    framework: str
    level: str
    issued_on: date
    revoked_at: datetime | None
    occupation_code: str
    occupation_name: str
    occupation_edition: int
    institution_name: str
    holder_masked: str

    @classmethod
    def of(cls, certificate: Certificate) -> VerifiedCertificate:
        """The same facts from a certificate already loaded (a share link's page)."""
        occupation = certificate.occupation
        return cls(certificate.id, certificate.number, certificate.number_scheme, certificate.status,
                   certificate.route, certificate.framework, certificate.level, certificate.issued_on,
                   certificate.revoked_at, occupation.code, occupation.name, occupation.edition,
                   certificate.institution.name, mask_name(certificate.worker.name))


@dataclass(frozen=True)
class Verdict:
    status: str  # valid | revoked | not_found
    number: str  # as normalised (full-width folded, upper case, no spaces)
    number_status: str  # on_record | not_on_record | impossible
    number_scheme: str  # legacy16 | skill_level22 | special_tech22 | unknown
    certificate: VerifiedCertificate | None = None
    number_problem: Text | None = None  # impossible: why, in words (from the number alone)

    @property
    def valid(self) -> bool:
        return self.status == "valid"

    @property
    def holder_masked(self) -> str | None:
        return self.certificate.holder_masked if self.certificate else None


def _normalise_name(name: str) -> str:
    # 买买提·艾力 is typed with many different dots, a full stop among them (NFKC makes ．and ･ plain first)
    text = unicodedata.normalize("NFKC", name or "").translate(MIDDLE_DOTS).replace(".", "·")
    return "".join(text.split()).casefold()


def names_match(given: str, recorded: str) -> bool:
    """Same name up to spacing, full-width forms, letter case and the kind of middle dot."""
    given, recorded = _normalise_name(given), _normalise_name(recorded)
    return bool(given) and hmac.compare_digest(given.encode(), recorded.encode())


def _token(key: bytes, number: str, holder_hash: str) -> str:
    digest = hmac.new(key, f"verify-link|{number}|{holder_hash}".encode(), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def link_token(key: bytes, certificate: Certificate, holder_hash: str | None = None) -> str:
    """The token printed (inside the QR link) on a certificate: an HMAC of its number and holder.

    Bound to the holder's blind index as well as the number, so a number ever issued anew never inherits
    an old certificate's token. 128 bits, base64url: 22 characters in the QR code. `holder_hash` names another
    record of the same holder: one entered twice and merged, whose blind index the printed token was made with.
    """
    return _token(key, certificate.number, holder_hash or certificate.worker.id_hash)


# The look-up, built once: exactly the columns a verdict shows, joined. One statement whether or not the
# number exists: a real number with a wrong name must cost what a missing number costs, or the response time
# tells which numbers are real (three selectin loads did). A certificate moved from a record merged into its
# holder keeps its printed QR token, made with that record's blind index: each merged record comes back as one
# more row (NULL when there is none).
_MERGED = aliased(Worker)
_LOOK_UP = (
    select(Certificate.id, Certificate.number, Certificate.number_scheme, Certificate.status, Certificate.route,
           Certificate.framework, Certificate.level, Certificate.issued_on, Certificate.revoked_at,
           Occupation.code, Occupation.name, Occupation.edition, Institution.name,
           Worker.name, Worker.id_hash, _MERGED.id_hash)
    .join(Worker, Worker.id == Certificate.worker_id)
    .join(Occupation, Occupation.id == Certificate.occupation_id)
    .join(Institution, Institution.id == Certificate.institution_id)
    .outerjoin(_MERGED, _MERGED.merged_into_id == Certificate.worker_id)
)
_BY_NUMBER = _LOOK_UP.where(Certificate.number == bindparam("number"))
_BY_NUMBERS = _LOOK_UP.where(Certificate.number.in_(bindparam("numbers", expanding=True)))


def _proves_holder(number: str, holder_name: str, holder_hash: str, merged_hash: str | None, name: str | None,
                   token: str | None, link_key: bytes | None) -> bool:
    if token is not None:
        if link_key is None:
            raise ValueError("a link token needs the link key")
        own = hmac.compare_digest(token.encode(), _token(link_key, number, holder_hash).encode())
        return own or (merged_hash is not None
                       and hmac.compare_digest(token.encode(), _token(link_key, number, merged_hash).encode()))
    return name is not None and names_match(name, holder_name)


def verify_certificate(
    reader: Session | Connection, number: str, *, name: str | None = None, token: str | None = None,
    link_key: bytes | None = None,
) -> Verdict:
    """The verdict for a certificate number and either the holder's name or the QR link token.

    `reader` is a session or a connection: the look-up is one Core statement either way."""
    if name is None and token is None:
        raise ValueError("give the holder's name or the link token")
    parsed = parse_certificate_number(number)
    if parsed.impossible:
        return Verdict("not_found", parsed.number, "impossible", parsed.scheme, number_problem=parsed.explanation)
    if parsed.reason == "possibly_shanghai13":  # Shanghai's 13-digit numbers are kept as 16 (DOMAIN §6.2)
        rows = reader.execute(_BY_NUMBERS, {"numbers": [parsed.number, "000" + parsed.number]})
    else:
        rows = reader.execute(_BY_NUMBER, {"number": parsed.number})
    for row in rows.all():
        (id_, found, scheme, status, route, framework, level, issued_on, revoked_at, occupation_code,
         occupation_name, edition, institution_name, holder_name, holder_hash, merged_hash) = row
        if _proves_holder(found, holder_name, holder_hash, merged_hash, name, token, link_key):
            certificate = VerifiedCertificate(
                id_, found, scheme, status, route, framework, level, issued_on, revoked_at, occupation_code,
                occupation_name, edition, institution_name, mask_name(holder_name))
            verdict = "revoked" if status is CertificateStatus.REVOKED else "valid"
            return Verdict(verdict, found, "on_record", scheme, certificate)
    return Verdict("not_found", parsed.number, "not_on_record", parsed.scheme)
