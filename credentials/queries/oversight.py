"""Oversight of the institutions in a bureau's region, one calendar year at a time (DOMAIN §8a "Supervision").

Five checks, each a set-based query over the region's institutions (grouped in SQL; Python only compares the
grouped rows with the thresholds of ``ladder.oversight`` and gathers them into flags):
- nomination_quota: exceptional and level-skipping requests an institution nominated in the year (created in the
  year, China time, and sent at least once: a draft never sent is no nomination), over its kind's quota;
- pass_rate: decided sittings at the institution (passed or failed; a voided sitting and an incomplete one, not
  yet decided, are not counted) whose pass rate is more than the margin above the region's (the officer's
  region: a city's, a province's, the nation's), with enough sittings to compare;
- before_lapse: valid certificates issued in the last days of an accreditation (of the occupation, up to the
  certificate's level) that lapsed in the year: no accreditation covering the level carries on from its end;
- multi_certificate (一人多证): a worker holding more than one valid certificate of one occupation and level, one
  of them issued by an institution of the region, counted in the year the latest was issued;
- repeat_sitting (重复考证): a sitting (not voided) at a level the worker already held a valid certificate for, in
  that occupation, on the exam date (a certificate revoked after that day was still held then).

Each flag carries the records behind it (`RecordRef`); their digest tells a review of exactly these records from
an older one (credentials/models/oversight.py). What the records look like on a page: `oversight_records`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Date, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from ladder.frameworks import all_frameworks
from ladder.oversight import OversightPolicy, policy_for_year, widest_lapse_window

from ..bulk import in_list_batches
from ..clock import CHINA
from ..models import (
    Accreditation,
    AppraisalResult,
    Certificate,
    CertificateStatus,
    FlagKind,
    FlagReview,
    Institution,
    PromotionKind,
    PromotionRequest,
    Role,
    SittingOutcome,
    User,
)
from .oversight_flags import Flag, FlagBuilder, InstitutionLine, Oversight, PassRateFacts, RecordRef
from .scopes import flag_review_scope, institution_scope


def oversight(session: Session, user: User, year: int, *, kinds: Iterable[FlagKind] = tuple(FlagKind)) -> Oversight:
    """The region's institutions and their flags for `year`, reviews attached (only the checks in `kinds`)."""
    result = Oversight(year)
    if user.role not in (Role.BUREAU_OFFICER, Role.ADMIN):
        return result
    wanted = frozenset(kinds)
    region = select(Institution.id).where(institution_scope(user))
    nominations, sittings = _nominations(session, region, year), _sittings(session, region, year)
    lapses = _lapses(session, region, year) if FlagKind.BEFORE_LAPSE in wanted else []
    holders = _holders(session, region, year) if FlagKind.MULTI_CERTIFICATE in wanted else []
    repeats = _repeats(session, region, year) if FlagKind.REPEAT_SITTING in wanted else []
    result.region_passes = sum(passes for passes, _ in sittings.values())
    result.region_sittings = sum(count for _, count in sittings.values())
    institutions = _institutions(session, region, {*nominations, *sittings,
                                                   *(row.institution_id for row in [*lapses, *holders, *repeats])})
    policies = {i.id: policy_for_year(i.city_code, year) for i in institutions.values()}
    lines = {i.id: InstitutionLine(i, quota=_quota(policies[i.id], i)) for i in institutions.values()}
    for institution_id, by_kind in nominations.items():
        line = lines[institution_id]
        line.exceptional, line.level_skipping = by_kind[PromotionKind.EXCEPTIONAL], by_kind[PromotionKind.LEVEL_SKIPPING]
    for institution_id, (passes, count) in sittings.items():
        lines[institution_id].passes, lines[institution_id].sittings = passes, count
    builder = FlagBuilder(year, {i.id: i.city_code for i in institutions.values()})
    if FlagKind.NOMINATION_QUOTA in wanted:
        over = [line for line in lines.values() if line.over_quota]
        builder.quota_flags(over, _refs(session, "nomination", PromotionRequest, _nominated_in(year),
                                        [line.institution.id for line in over]))
    if FlagKind.PASS_RATE in wanted:
        high = _high_pass_rates(lines.values(), policies, result)
        builder.pass_rate_flags(high, _refs(session, "sitting", AppraisalResult, _decided_in(year), list(high)))
    builder.lapse_flags(lapses, policies)
    builder.holder_flags(holders)
    builder.repeat_flags(repeats)
    result.flags, result.lines = builder.flags, list(lines.values())
    _attach_reviews(session, user, result.flags)
    result.count_flags()
    return result


def _quota(policy: OversightPolicy | None, institution: Institution) -> int | None:
    return policy.quota_for(institution.kind.value) if policy is not None else None


def _high_pass_rates(lines: Iterable[InstitutionLine], policies: dict[int, OversightPolicy | None],
                     region: Oversight) -> dict[int, PassRateFacts]:
    high = {}
    for line in lines:
        policy = policies[line.institution.id]
        if policy is not None and policy.pass_rate_too_high(line.passes, line.sittings, region.region_passes,
                                                            region.region_sittings):
            high[line.institution.id] = PassRateFacts(line.passes, line.sittings, region.region_passes,
                                                      region.region_sittings, policy.pass_rate_margin_points)
    return high


def _refs(session: Session, kind: str, model: type[PromotionRequest] | type[AppraisalResult],
          counted: ColumnElement[bool], institution_ids: list[int]) -> dict[int, list[RecordRef]]:
    """The counted rows of these institutions, as references per institution (only flagged ones are read)."""
    found: dict[int, list[RecordRef]] = defaultdict(list)
    for chunk in in_list_batches(session, sorted(institution_ids)):
        for row_id, institution_id in session.execute(
                select(model.id, model.institution_id).where(counted, model.institution_id.in_(chunk))):
            assert institution_id is not None  # one of `chunk`
            found[institution_id].append(RecordRef(kind, row_id))
    return found


# ---- the grouped reads ------------------------------------------------------------------------------------------

def _year(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _china_year_in_utc(year: int) -> tuple[datetime, datetime]:
    """The year's first moment and the next year's, China time, as the UTC instants the database keeps."""
    return (datetime(year, 1, 1, tzinfo=CHINA).astimezone(UTC), datetime(year + 1, 1, 1, tzinfo=CHINA).astimezone(UTC))


def _nominated_in(year: int) -> ColumnElement[bool]:
    start, end = _china_year_in_utc(year)
    return and_(PromotionRequest.submitted_at.is_not(None), PromotionRequest.created_at >= start,
                PromotionRequest.created_at < end)


def _nominations(session: Session, region: Select[int], year: int) -> dict[int, Counter[PromotionKind]]:
    found: dict[int, Counter[PromotionKind]] = defaultdict(Counter)
    for institution_id, kind, count in session.execute(
            select(PromotionRequest.institution_id, PromotionRequest.kind, func.count())
            .where(PromotionRequest.institution_id.in_(region), _nominated_in(year))
            .group_by(PromotionRequest.institution_id, PromotionRequest.kind)):
        assert institution_id is not None  # nominated by one of the region's institutions
        found[institution_id][kind] = count
    return found


def _decided_in(year: int) -> ColumnElement[bool]:
    return and_(AppraisalResult.exam_date.between(*_year(year)),
                AppraisalResult.outcome.in_((SittingOutcome.PASSED, SittingOutcome.FAILED)))


def _sittings(session: Session, region: Select[int], year: int) -> dict[int, tuple[int, int]]:
    """Per institution: (passes, decided sittings)."""
    passes = func.sum(case((AppraisalResult.passed, 1), else_=0))
    return {row[0]: (int(row[1] or 0), int(row[2])) for row in session.execute(
        select(AppraisalResult.institution_id, passes, func.count())
        .where(AppraisalResult.institution_id.in_(region), _decided_in(year))
        .group_by(AppraisalResult.institution_id))}


def _rank(column: Any) -> ColumnElement[int]:
    """A level code's rank, in SQL (codes and ranks are the same in every framework)."""
    ranks = {level.code: level.rank for framework in all_frameworks() for level in framework.levels}
    return case(ranks, value=column, else_=0)


def _days_after(session: Session, column: Any, days: int) -> ColumnElement[date]:
    if session.get_bind().dialect.name == "sqlite":
        return func.date(column, f"{days:+d} days", type_=Date())
    shifted: ColumnElement[date] = column + days  # PostgreSQL: a date plus an integer is a date
    return shifted


def _lapses(session: Session, region: Select[int], year: int) -> list[Any]:
    window = widest_lapse_window(year)  # each institution's own window is applied to the rows (`lapse_flags`)
    if window == 0:
        return []
    cert, lapsing, carries_on = Certificate, Accreditation, aliased(Accreditation)
    renewed = select(carries_on.id).where(
        carries_on.institution_id == lapsing.institution_id, carries_on.occupation_id == lapsing.occupation_id,
        carries_on.id != lapsing.id, carries_on.valid_from <= _days_after(session, lapsing.valid_until, 1),
        or_(carries_on.valid_until.is_(None), carries_on.valid_until > lapsing.valid_until),
        _rank(carries_on.max_level) >= _rank(cert.level)).exists()
    return list(session.execute(
        select(cert.id.label("certificate_id"), cert.institution_id, cert.issued_on,
               lapsing.id.label("accreditation_id"), lapsing.occupation_id, lapsing.max_level, lapsing.valid_until)
        .join(lapsing, and_(lapsing.institution_id == cert.institution_id, lapsing.occupation_id == cert.occupation_id))
        .where(cert.institution_id.in_(region), cert.status == CertificateStatus.VALID,
               lapsing.valid_until.between(*_year(year)), lapsing.valid_from <= cert.issued_on,
               cert.issued_on <= lapsing.valid_until, cert.issued_on > _days_after(session, lapsing.valid_until, -window),
               _rank(lapsing.max_level) >= _rank(cert.level), ~renewed)
        .order_by(lapsing.id, cert.issued_on, cert.id)))


def _holders(session: Session, region: Select[int], year: int) -> list[Any]:
    cert = Certificate
    valid = cert.status == CertificateStatus.VALID
    recent = aliased(Certificate)  # its own name: never correlated with the certificates grouped
    issued_this_year = select(recent.worker_id).where(recent.status == CertificateStatus.VALID,
                                                      recent.issued_on.between(*_year(year)))
    groups = (select(cert.worker_id, cert.occupation_id, cert.level)
              .where(valid, cert.worker_id.in_(issued_this_year))
              .group_by(cert.worker_id, cert.occupation_id, cert.level)
              .having(func.count() > 1, func.max(cert.issued_on).between(*_year(year)),
                      func.max(case((cert.institution_id.in_(region), 1), else_=0)) == 1)
              .subquery())
    return list(session.execute(
        select(cert.id.label("certificate_id"), cert.worker_id, cert.occupation_id, cert.level, cert.institution_id)
        .join(groups, and_(groups.c.worker_id == cert.worker_id, groups.c.occupation_id == cert.occupation_id,
                           groups.c.level == cert.level))
        .where(valid).order_by(cert.worker_id, cert.occupation_id, cert.level, cert.issued_on, cert.id)))


def _repeats(session: Session, region: Select[int], year: int) -> list[Any]:
    sitting, held = AppraisalResult, aliased(Certificate)
    held_then = and_(
        held.worker_id == sitting.worker_id, held.occupation_id == sitting.occupation_id, held.level == sitting.level,
        held.issued_on <= sitting.exam_date,
        or_(sitting.certificate_id.is_(None), held.id != sitting.certificate_id),  # not the one this sitting earned
        or_(held.status == CertificateStatus.VALID, held.revoked_at >= sitting.exam_date))
    return list(session.execute(
        select(sitting.id.label("result_id"), sitting.institution_id, sitting.worker_id, sitting.occupation_id,
               sitting.level, sitting.exam_date, held.id.label("certificate_id"))
        .join(held, held_then)
        .where(sitting.institution_id.in_(region), sitting.exam_date.between(*_year(year)),
               sitting.outcome != SittingOutcome.VOIDED)
        .order_by(sitting.exam_date, sitting.id, held.id)))


def _institutions(session: Session, region: Select[int], ids: set[int]) -> dict[int, Institution]:
    found: dict[int, Institution] = {}
    for chunk in in_list_batches(session, sorted(ids)):
        found.update((i.id, i) for i in session.scalars(
            select(Institution).where(Institution.id.in_(chunk), Institution.id.in_(region))
            .options(selectinload(Institution.city))))
    return found


def _attach_reviews(session: Session, user: User, flags: list[Flag]) -> None:
    """Each flag's review by the officer's region (or a region within it) of exactly its records, else the
    latest review of other records."""
    by_key = {flag.key: flag for flag in flags}
    for chunk in in_list_batches(session, sorted(by_key)):
        for review in session.scalars(select(FlagReview).where(FlagReview.subject_key.in_(chunk), flag_review_scope(user))
                                      .order_by(FlagReview.reviewed_at, FlagReview.id)):
            flag = by_key[review.subject_key]
            if review.records_digest == flag.digest:
                flag.review = review
            else:
                flag.earlier_review = review
