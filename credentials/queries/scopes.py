"""Who may see what: each role's visibility as a WHERE clause, defined once per kind of record.

Scoping is the object-level half of authorization (the route-level gate is `app/access.py`): pages, API,
exports and counts all filter by these clauses, so a record outside the scope simply is not found and
another's object answers 404, never 403.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, false, or_, select, true

from ..models import (
    Application,
    AppraisalResult,
    AppraisalSession,
    BureauScope,
    Certificate,
    City,
    Competition,
    CompetitionPromotion,
    CompetitionResult,
    CompetitionRule,
    FlagReview,
    ImportJob,
    Institution,
    Programme,
    ProgrammeMember,
    PromotionRequest,
    PromotionState,
    Role,
    TrainingRecord,
    User,
    Worker,
)
from ..models.campaigns import CampaignCity
from ..models.record_corrections import CorrectionRequest


def worker_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause on Worker for what `user` may see. A record merged into another (one person entered twice,
    credentials/services/merges.py) is nobody's to see: its rows now name the survivor."""
    return and_(Worker.merged_into_id.is_(None), _workers_visible_to(user))


def _workers_visible_to(user: User) -> ColumnElement[bool]:
    if user.role is Role.ADMIN:
        return true()
    if user.role is Role.WORKER:
        return Worker.id == user.worker_id
    if user.role is Role.INSTITUTION_STAFF:
        return institution_workers(user.institution_id)
    if user.role is Role.BUREAU_OFFICER:
        return region_clause(user, Worker.city_code)
    return false()


def institution_workers(institution_id: int | None) -> ColumnElement[bool]:
    """The workers an institution has to do with: those it employs or registered, and those it trains (a
    training record), appraised (a result), certified (a certificate it issued) or took an application from."""
    def here(model: type[Certificate | AppraisalResult | TrainingRecord | Application]) -> ColumnElement[bool]:
        return select(model.id).where(model.worker_id == Worker.id, model.institution_id == institution_id).exists()

    return or_(Worker.employer_id == institution_id, Worker.registered_by_institution_id == institution_id,
               here(Certificate), here(AppraisalResult), here(TrainingRecord), here(Application))


def record_scope(user: User, model: type[Certificate | AppraisalResult | TrainingRecord]) -> ColumnElement[bool]:
    """Records that belong to one worker and were written by one institution (certificates, appraisal
    results, training records): the worker their own, the institution what it wrote, a bureau officer what
    belongs to workers of the region, an admin everything."""
    if user.role is Role.ADMIN:
        return true()
    if user.role is Role.WORKER:
        return model.worker_id == user.worker_id
    if user.role is Role.INSTITUTION_STAFF:
        return model.institution_id == user.institution_id
    if user.role is Role.BUREAU_OFFICER:
        in_region = select(Worker.id).where(Worker.id == model.worker_id, region_clause(user, Worker.city_code))
        return in_region.exists()
    return false()


def certificate_scope(user: User) -> ColumnElement[bool]:
    return record_scope(user, Certificate)


def import_job_scope(user: User) -> ColumnElement[bool]:
    """An institution's staff see their institution's bulk imports; nobody else does."""
    if user.role is Role.INSTITUTION_STAFF:
        return ImportJob.institution_id == user.institution_id
    return false()


def institution_scope(user: User) -> ColumnElement[bool]:
    if user.role in (Role.ADMIN, Role.WORKER):
        return true()  # institutions are public facts
    if user.role is Role.INSTITUTION_STAFF:
        return Institution.id == user.institution_id
    if user.role is Role.BUREAU_OFFICER:
        return region_clause(user, Institution.city_code)
    return false()


def officer_region(user: User) -> str:
    """The region a user answers for, as a code: a city or province officer's own; "" (the nation) for the
    ministry and an admin."""
    if user.role is Role.BUREAU_OFFICER and user.bureau_scope is not BureauScope.MINISTRY:
        return user.region_code or ""
    return ""


def region_clause(user: User, city_column: SQLColumnExpression[str]) -> ColumnElement[bool]:
    """The officer's region as a WHERE clause on a city-code column (ministry: everything)."""
    if user.bureau_scope is BureauScope.MINISTRY:
        return true()
    if user.bureau_scope is BureauScope.PROVINCE:
        return city_column.in_(select(City.code).where(City.province_code == user.region_code))
    if user.bureau_scope is BureauScope.CITY:
        return city_column == user.region_code
    return false()


def promotion_scope(user: User) -> ColumnElement[bool]:
    """Workers see their own requests once sent; the nominating institution its own; bureaus their region's
    sent requests (and drafts they nominated themselves); admins everything."""
    if user.role is Role.ADMIN:
        return true()
    mine = PromotionRequest.nominated_by_id == user.id
    if user.role is Role.WORKER:
        return and_(PromotionRequest.worker_id == user.worker_id, PromotionRequest.state != PromotionState.DRAFT)
    if user.role is Role.INSTITUTION_STAFF:
        appraising = and_(PromotionRequest.appraiser_id == user.institution_id,
                          PromotionRequest.state == PromotionState.APPROVED)
        return or_(mine, PromotionRequest.institution_id == user.institution_id, appraising)
    if user.role is Role.BUREAU_OFFICER:
        return or_(mine, and_(region_clause(user, PromotionRequest.city_code),
                              PromotionRequest.state != PromotionState.DRAFT))
    return false()


def proposal_scope(user: User) -> ColumnElement[bool]:
    if user.role is Role.ADMIN:
        return true()
    if user.role is Role.WORKER:
        return CompetitionPromotion.worker_id == user.worker_id
    if user.role is Role.BUREAU_OFFICER:
        return region_clause(user, CompetitionPromotion.city_code)
    if user.role is Role.INSTITUTION_STAFF:
        return CompetitionPromotion.result_id.in_(select(CompetitionResult.id).where(
            CompetitionResult.competition_id.in_(select(Competition.id).where(
                Competition.organizer_institution_id == user.institution_id))))
    return false()


def competition_scope(user: User) -> ColumnElement[bool]:
    """Competitions are public facts to officers (national ones to all); institutions see the ones they run."""
    if user.role is Role.ADMIN:
        return true()
    if user.role is Role.INSTITUTION_STAFF:
        return Competition.organizer_institution_id == user.institution_id
    if user.role is not Role.BUREAU_OFFICER:
        return false()
    if user.bureau_scope is BureauScope.MINISTRY:
        return true()
    national = Competition.province_code.is_(None)
    if user.bureau_scope is BureauScope.PROVINCE:
        return or_(national, Competition.province_code == user.region_code)
    assert user.region_code is not None  # a city officer always has one (users' officer region constraint)
    return or_(national, and_(Competition.province_code == user.region_code[:2], Competition.city_code.is_(None)),
               Competition.city_code == user.region_code)


def competition_rule_scope(user: User) -> ColumnElement[bool]:
    """Bureau reward rules: an officer sees the rules that may govern competitions of their region (a city its
    own and its province's, a province its own and its cities'), the ministry and admins every one."""
    if user.role is Role.ADMIN:
        return true()
    if user.role is not Role.BUREAU_OFFICER:
        return false()
    if user.bureau_scope is BureauScope.MINISTRY:
        return true()
    if user.bureau_scope is BureauScope.PROVINCE:
        return CompetitionRule.province_code == user.region_code
    assert user.region_code is not None  # a city officer always has one (users' officer region constraint)
    return or_(CompetitionRule.city_code == user.region_code,
               and_(CompetitionRule.city_code.is_(None), CompetitionRule.province_code == user.region_code[:2]))


def application_scope(user: User) -> ColumnElement[bool]:
    """Applications: the worker their own, the institution those made to it, a bureau officer its region's
    workers', an admin all."""
    if user.role is Role.ADMIN:
        return true()
    if user.role is Role.WORKER:
        return Application.worker_id == user.worker_id
    if user.role is Role.INSTITUTION_STAFF:
        return Application.institution_id == user.institution_id
    if user.role is Role.BUREAU_OFFICER:
        return select(Worker.id).where(Worker.id == Application.worker_id,
                                       region_clause(user, Worker.city_code)).exists()
    return false()


def session_scope(user: User) -> ColumnElement[bool]:
    """Appraisal sessions: the institution its own, a bureau officer those of institutions in the region, an
    admin all; a worker sees the session of their own seat through their application only."""
    if user.role is Role.ADMIN:
        return true()
    if user.role is Role.INSTITUTION_STAFF:
        return AppraisalSession.institution_id == user.institution_id
    if user.role is Role.BUREAU_OFFICER:
        return select(Institution.id).where(Institution.id == AppraisalSession.institution_id,
                                            region_clause(user, Institution.city_code)).exists()
    if user.role is Role.WORKER:
        return select(Application.id).where(Application.session_id == AppraisalSession.id,
                                            Application.worker_id == user.worker_id).exists()
    return false()


def correction_scope(user: User) -> ColumnElement[bool]:
    """Correction requests: the worker their own, an institution those about records it wrote, a bureau officer
    those its region's bureau answers (records no institution answers for: names, certificates, ...)."""
    if user.role is Role.ADMIN:
        return true()
    if user.role is Role.WORKER:
        return CorrectionRequest.worker_id == user.worker_id
    if user.role is Role.INSTITUTION_STAFF:
        return CorrectionRequest.responsible_institution_id == user.institution_id
    if user.role is Role.BUREAU_OFFICER:
        return and_(CorrectionRequest.responsible_institution_id.is_(None),
                    region_clause(user, CorrectionRequest.city_code))
    return false()


def programme_scope(user: User) -> ColumnElement[bool]:
    """Programmes: a bureau officer those located in the region (whatever their tier: a national studio in Suzhou
    is Suzhou's to see), an admin all, a worker those they belong to; institutions see none here."""
    if user.role is Role.ADMIN:
        return true()
    if user.role is Role.BUREAU_OFFICER:
        return region_clause(user, Programme.city_code)
    if user.role is Role.WORKER:
        return select(ProgrammeMember.id).where(ProgrammeMember.programme_id == Programme.id,
                                                ProgrammeMember.worker_id == user.worker_id).exists()
    return false()


def flag_review_scope(user: User) -> ColumnElement[bool]:
    """Oversight reviews (credentials/queries/oversight.py) that count for this officer: their own region's and
    those of the regions within it (a province sees its cities' reviews); the ministry and admins every one."""
    if user.role is Role.ADMIN or user.bureau_scope is BureauScope.MINISTRY:
        return true()
    if user.role is not Role.BUREAU_OFFICER or user.region_code is None:
        return false()
    if user.bureau_scope is BureauScope.PROVINCE:
        return FlagReview.region_code.startswith(user.region_code, autoescape=True)
    return FlagReview.region_code == user.region_code


def campaign_city_scope(user: User) -> ColumnElement[bool]:
    """A campaign's cities, with their plans, funds and targets: a bureau officer those of the region (a city
    its own, a province its cities, the ministry all), an admin all."""
    if user.role is Role.ADMIN:
        return true()
    if user.role is Role.BUREAU_OFFICER:
        return region_clause(user, CampaignCity.city_code)
    return false()
