"""Issue and revoke certificates.

`issue_certificate` is the one writer of a certificate, and it is internal: only the paths that earn one call
it — a passing appraisal result (credentials.services.appraisal, on the regular route or, with an approval,
the exceptional one), a confirmed competition proposal (competition_promotions), and an administrator's
entry of a historic certificate with its evidence (credentials.services.historic). No page or API lets
anyone else make a certificate out of nothing (tests/credentials/test_certificate_paths.py holds that)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ladder.frameworks import get_level
from ladder.i18n import Text

from ..clock import china_date, china_today
from ..errors import Conflict, Duplicate, Forbidden, ValidationFailed
from ..identity import mask_name
from ..models import (
    Certificate,
    CertificateKind,
    CertificateRoute,
    CertificateStatus,
    CompetitionPromotion,
    Institution,
    InstitutionKind,
    Occupation,
    PromotionRequest,
    RecordAmendment,
    User,
    Worker,
    utcnow,
)
from ..numbers import check_consistency, format_legacy16, format_skill_level22, parse_certificate_number
from ..permissions import can_revoke, is_observer, may_correct_certificate, runs_appraisal
from .amendments import amend, amendment_reason
from .audit import record
from .inbox import notify
from .institutions import is_accredited
from .status_lists import supersede_status_index

FRAMEWORK = "skill-2022"
NUMBER_PROBLEMS = {  # why an impossible number is impossible: ParsedNumber.explanation
    "level_mismatch": Text("编号中的等级位与证书等级不一致", "the level digit in the number differs from the level"),
    "year_mismatch": Text("编号中的年份与发证日期不一致", "the year in the number differs from the issue date"),
}

REVOCATION_REASON_MAX = 500  # characters: the reason is shown to the holder and on the verification page


def _number_problem(code: str | None) -> tuple[str, str]:
    return NUMBER_PROBLEMS.get(code or "", Text("编号字段超出范围", "a field of the number is out of range"))


def issue_certificate(
    session: Session,
    *,
    worker: Worker,
    occupation: Occupation,
    level: str,
    issued_on: date,
    institution: Institution,
    route: CertificateRoute = CertificateRoute.REGULAR,
    number: str | None = None,
    by: User | None,
    today: date | None = None,
    promotion_request: PromotionRequest | None = None,
    competition_promotion: CompetitionPromotion | None = None,
    historic: bool = False,
) -> Certificate:
    """Record a certificate. A link to an approval or a competition result sets the route it stands for
    (exceptional, competition); `historic` marks one entered from paper without the records that earned it.

    Eligibility (申报条件) is the caller's: a sitting is checked by
    `credentials.services.appraisal.record_appraisal_result` on the exam date, an approval stands in for it,
    a competition rule grants the level.
    """
    if promotion_request is not None:
        route = CertificateRoute.EXCEPTIONAL
    if competition_promotion is not None:
        route = CertificateRoute.COMPETITION
    today = today or china_today()
    if issued_on > today:
        raise ValidationFailed("date_in_future", field="issued_on")
    try:
        level_info = get_level(level, FRAMEWORK)
    except ValueError:
        raise ValidationFailed("unknown_level", field="level", level=level) from None
    level_name = (level_info.name_zh, level_info.name_en)
    if level not in occupation.appraised_levels:
        raise ValidationFailed("level_not_appraised", field="level", occupation=occupation.name, level=level_name)
    if not is_accredited(session, institution, occupation, level, issued_on):
        raise ValidationFailed("not_accredited", field="institution", institution=institution.name,
                               occupation=occupation.name, level=level_name)
    if number:
        number, scheme, needs_review = _checked_number(number, level_info.nat_digit, issued_on.year)
    else:
        assert level_info.nat_digit is not None  # every appraised level carries its national digit
        number, scheme, needs_review = _next_number(session, institution, level_info.nat_digit, issued_on)
    if session.scalar(select(Certificate.id).where(Certificate.number == number)) is not None:
        raise Duplicate("certificate", field="number", number=number)
    certificate = Certificate(
        number=number, number_scheme=scheme, needs_review=needs_review,
        kind=CertificateKind.QUALIFICATION if scheme == "legacy16" else CertificateKind.SKILL_LEVEL,
        worker=worker, occupation=occupation, framework=FRAMEWORK, level=level, issued_on=issued_on,
        institution=institution, route=route,
        promotion_request_id=promotion_request.id if promotion_request is not None else None,
        competition_promotion_id=competition_promotion.id if competition_promotion is not None else None,
        is_historic=historic,
    )
    session.add(certificate)
    session.flush()
    links = {key: value for key, value in (("promotion_request_id", certificate.promotion_request_id),
                                           ("competition_promotion_id", certificate.competition_promotion_id),
                                           ("historic", True if historic else None))
             if value is not None}
    record(session, actor=by, action="certificate.issued", entity_type="certificate", entity_id=number,
           after={**certificate_snapshot(certificate), **links})
    return certificate


def revoke_certificate(session: Session, certificate: Certificate, *, reason: str, by: User) -> Certificate:
    if not can_revoke(by, certificate):
        raise Forbidden("ministry_observes" if is_observer(by) else "action")
    return _revoke(session, certificate, reason=reason, by=by)


def revoke_with_its_result(session: Session, certificate: Certificate, *, reason: str, by: User) -> Certificate:
    """The result that earned the certificate was corrected into a fail or voided: the institution that
    recorded it (or an admin) revokes the certificate with it (credentials.services.corrections)."""
    if not runs_appraisal(by, certificate.institution_id):
        raise Forbidden("action")
    return _revoke(session, certificate, reason=reason, by=by)


def _revoke(session: Session, certificate: Certificate, *, reason: str, by: User) -> Certificate:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("required", field="reason")
    if certificate.status is CertificateStatus.REVOKED:
        assert certificate.revoked_at is not None  # constraint revoked_at_iff_revoked
        raise Conflict("already_revoked", date=china_date(certificate.revoked_at).isoformat())
    before = certificate_snapshot(certificate)
    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_at = utcnow()
    certificate.revocation_reason = reason
    session.flush()
    record(session, actor=by, action="certificate.revoked", entity_type="certificate",
           entity_id=certificate.number, before=before,
           after={**certificate_snapshot(certificate), "reason": reason})
    tell_holder(session, certificate, "certificate.revoked", reason=reason)
    return certificate


def correct_certificate(session: Session, certificate: Certificate, *, issued_on: date, occupation: Occupation,
                        reason: str, by: User, today: date | None = None) -> RecordAmendment:
    """Correct the issue date or the occupation of a certificate entered wrongly (a bureau of the region). The
    earlier values stay in a RecordAmendment (the certificate's history); the digital credentials issued so far
    are superseded (their status bit set) and the next download carries the corrected facts."""
    if not may_correct_certificate(by, certificate):
        raise Forbidden("ministry_observes" if is_observer(by) else "action")
    if certificate.status is CertificateStatus.REVOKED:
        assert certificate.revoked_at is not None  # constraint revoked_at_iff_revoked
        raise Conflict("already_revoked", date=china_date(certificate.revoked_at).isoformat())
    reason = amendment_reason(reason)
    if (issued_on, occupation.id) == (certificate.issued_on, certificate.occupation_id):
        raise ValidationFailed("binding", field="issued_on", reason=Text("证书内容没有变化", "nothing was changed"))
    _check_corrected_facts(session, certificate, issued_on, occupation, today or china_today())
    before = certificate_snapshot(certificate)
    certificate.issued_on, certificate.occupation = issued_on, occupation
    session.flush()
    amendment = amend(session, worker_id=certificate.worker_id, entity_type="certificate", entity_id=certificate.id,
                      action="corrected", before=before, after=certificate_snapshot(certificate), reason=reason,
                      by=by)
    retired = supersede_status_index(session, certificate, amendment)
    record(session, actor=by, action="certificate.corrected", entity_type="certificate",
           entity_id=certificate.number, before=before,
           after={**certificate_snapshot(certificate), "reason": reason,
                  "superseded_status_index": retired.status_list_index if retired else None})
    tell_holder(session, certificate, "certificate.corrected", reason=reason)
    return amendment


def _check_corrected_facts(session: Session, certificate: Certificate, issued_on: date, occupation: Occupation,
                           today: date) -> None:
    """The corrected certificate must be one that could have been issued: as `issue_certificate` checks."""
    if issued_on > today:
        raise ValidationFailed("date_in_future", field="issued_on")
    level_info = get_level(certificate.level, certificate.framework)
    level_name = (level_info.name_zh, level_info.name_en)
    if certificate.level not in occupation.appraised_levels:
        raise ValidationFailed("level_not_appraised", field="occupation_code", occupation=occupation.name,
                               level=level_name)
    if not is_accredited(session, certificate.institution, occupation, certificate.level, issued_on):
        raise ValidationFailed("not_accredited", field="issued_on", institution=certificate.institution.name,
                               occupation=occupation.name, level=level_name)
    problems = check_consistency(parse_certificate_number(certificate.number), level_digit=level_info.nat_digit,
                                 issue_year=issued_on.year)
    if problems:
        raise ValidationFailed("number_mismatch", field="issued_on", reason=_number_problem(problems[0]))


def tell_holder(session: Session, certificate: Certificate, code: str, **params: object) -> None:
    """An inbox message about the certificate to the holder's account(s), if they have one."""
    level = get_level(certificate.level, certificate.framework)
    holders = session.scalars(select(User).where(User.worker_id == certificate.worker_id)).all()
    notify(session, holders, code, entity_type="certificate", entity_id=certificate.id,
           worker=mask_name(certificate.worker.name), occupation=certificate.occupation.name,
           level=(level.name_zh, level.name_en), number=certificate.number, **params)


class CertificateFacts(Protocol):
    """What `certificate_snapshot` reads: a Certificate, or a row the bulk importer writes without ORM objects."""

    @property
    def number(self) -> str: ...
    @property
    def worker_id(self) -> int: ...
    @property
    def occupation(self) -> Occupation: ...
    @property
    def level(self) -> str: ...
    @property
    def issued_on(self) -> date: ...
    @property
    def institution_id(self) -> int: ...
    @property
    def route(self) -> CertificateRoute: ...
    @property
    def status(self) -> CertificateStatus: ...


def certificate_snapshot(certificate: CertificateFacts) -> dict[str, Any]:
    return {
        "number": certificate.number, "worker_id": certificate.worker_id,
        "occupation": certificate.occupation.code, "level": certificate.level,
        "issued_on": certificate.issued_on.isoformat(), "institution_id": certificate.institution_id,
        "route": certificate.route.value, "status": certificate.status.value,
    }


def _checked_number(raw: str, level_digit: int | None, year: int) -> tuple[str, str, bool]:
    """A number given by the caller: impossible ones (including those shaped like a national scheme but
    breaking it) are refused with the reason, unrecognised ones kept but flagged."""
    parsed = parse_certificate_number(raw)
    if parsed.impossible:
        raise ValidationFailed("certificate_number", field="number", reason=parsed.explanation)
    problems = check_consistency(parsed, level_digit=level_digit, issue_year=year)
    if problems:
        raise ValidationFailed("number_mismatch", field="number", reason=_number_problem(problems[0]))
    return parsed.number, parsed.scheme, parsed.needs_review


SKILL_LEVEL_SCHEME_FROM = date(2020, 1, 1)  # 职业技能等级证书 replace 职业资格证书 (人社部发〔2019〕90号)


@dataclass(frozen=True)
class NumberSeries:
    """Numbers of one body, year and level share a prefix; the serial after it counts up."""

    prefix: str
    scheme: str
    serial_width: int

    def number(self, serial: int) -> str:
        return f"{self.prefix}{serial:0{self.serial_width}d}"


def number_series(institution: Institution, level_digit: int, issued_on: date) -> NumberSeries:
    province = institution.city_code[:2]
    if issued_on >= SKILL_LEVEL_SCHEME_FROM:
        body_type = "Y" if institution.kind is InstitutionKind.ENTERPRISE else "S"
        sample = format_skill_level22(body_type=body_type, body_code="0000", province_code=province,
                                      site_serial=f"{institution.id % 1_000_000:06d}", year=issued_on.year,
                                      level_digit=level_digit, serial=1)
        return NumberSeries(sample[:16], "skill_level22", 6)
    body_type_digit = 4 if institution.kind is InstitutionKind.ENTERPRISE else 2
    sample = format_legacy16(year=issued_on.year, province_code=province, prefecture_code=institution.city_code[2:],
                             body_type_digit=body_type_digit, body_serial=f"{institution.id % 1000:03d}",
                             level_digit=level_digit, serial=1)
    return NumberSeries(sample[:11], "legacy16", 5)


def _next_number(session: Session, institution: Institution, level_digit: int, issued_on: date) -> tuple[str, str, bool]:
    """The next number of the institution's series for this year and level, in the scheme of that date."""
    series = number_series(institution, level_digit, issued_on)
    last = session.scalar(
        select(func.max(Certificate.number)).where(Certificate.number.startswith(series.prefix),
                                                   func.length(Certificate.number) == len(series.number(1)))
    )
    serial = int(last[len(series.prefix):]) + 1 if last else 1
    return series.number(serial), series.scheme, False
