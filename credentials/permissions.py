"""Who may do what to which record: every object-level permission predicate, pure (no queries).

The route-level gate lives in `app/access.py`; what each role may *see* is `credentials.queries.scopes`.

Decisions belong to the bureaus of the worker's region, stage by stage (ladder.review): a city officer
decides the city stage of their city, a province officer the province stage of their province. The
ministry sees every request but decides none: DOMAIN §3 names the city bureau (first review) and the
provincial department (核准) as approvers, and no text we hold gives the ministry single cases.
Maker ≠ checker: nobody decides a request they nominated, nor about a worker their institution employs.
"""

from __future__ import annotations

from .errors import Forbidden
from .labels import STAGE_NAMES
from .models import BureauScope, Certificate, Competition, PromotionRequest, ReviewStage, Role, User, Worker


def can_reveal_national_id(user: User) -> bool:
    """Full ID numbers are shown only to admins and to the worker themself; every reveal is audited."""
    return user.role is Role.ADMIN


def can_register_workers(user: User) -> bool:
    return user.role in (Role.ADMIN, Role.INSTITUTION_STAFF)


def can_revoke(user: User, certificate: Certificate) -> bool:
    """Revocation is a bureau decision, within the officer's region (or any, for the ministry)."""
    if user.role is not Role.BUREAU_OFFICER:
        return False
    return covers_city(user, certificate.worker.city_code)


def covers_city(user: User, city_code: str) -> bool:
    """The officer's region includes this city (a city code's first two digits are its province)."""
    if user.role is not Role.BUREAU_OFFICER:
        return False
    if user.bureau_scope is BureauScope.MINISTRY:
        return True
    if user.bureau_scope is BureauScope.PROVINCE:
        return city_code[:2] == user.region_code
    return city_code == user.region_code


def officer_of_stage(user: User, stage: ReviewStage, city_code: str) -> bool:
    scope = {ReviewStage.CITY: BureauScope.CITY, ReviewStage.PROVINCE: BureauScope.PROVINCE}[stage]
    return user.bureau_scope is scope and covers_city(user, city_code)


def conflict_of_interest(user: User, request: PromotionRequest) -> Forbidden | None:
    if user.id == request.nominated_by_id:
        return Forbidden("own_nomination")
    employers = {request.worker.employer_id, request.institution_id} - {None}
    if user.institution_id is not None and user.institution_id in employers:
        return Forbidden("own_employee")
    return None


def decision_refusal(user: User, request: PromotionRequest) -> Forbidden | None:
    """Why `user` may not decide `request` at its current stage, or None when they may."""
    if user.role is not Role.BUREAU_OFFICER:
        return conflict_of_interest(user, request) or Forbidden("action")
    if user.bureau_scope is BureauScope.MINISTRY:
        return Forbidden("ministry_observes")
    if not covers_city(user, request.city_code):
        return Forbidden("action")
    conflict = conflict_of_interest(user, request)
    if conflict is not None:
        return conflict
    if not officer_of_stage(user, request.stage, request.city_code):
        return Forbidden("wrong_stage", stage=STAGE_NAMES[request.stage])
    return None


def is_nominating_side(user: User, request: PromotionRequest) -> bool:
    """The nominator, or a colleague at the nominating institution, speaks for the nomination."""
    if user.id == request.nominated_by_id:
        return True
    return request.institution_id is not None and user.institution_id == request.institution_id


def may_nominate(user: User, worker_city: str) -> bool:
    """Institution staff nominate (their scope is checked by query); city and province bureaus recommend
    workers of their region too (DOMAIN §3: 邯郸 recommends city competition winners to the province)."""
    if user.role is Role.INSTITUTION_STAFF:
        return True
    return (user.role is Role.BUREAU_OFFICER and user.bureau_scope is not BureauScope.MINISTRY
            and covers_city(user, worker_city))


def final_stage_officer(user: User, final_stage: str, city_code: str) -> bool:
    """Competition proposals are confirmed by the bureau whose stage decides that target finally."""
    return officer_of_stage(user, ReviewStage(final_stage), city_code)


def may_run(by: User, competition: Competition) -> bool:
    """Organizers enter results: the bureau of the place (the ministry for national ones), or the institution."""
    if by.role is Role.INSTITUTION_STAFF:
        return competition.organizer_institution_id == by.institution_id
    if by.role is not Role.BUREAU_OFFICER:
        return False
    if by.bureau_scope is BureauScope.MINISTRY:
        return True
    if competition.city_code:
        return covers_city(by, competition.city_code)
    return by.bureau_scope is BureauScope.PROVINCE and competition.province_code == by.region_code


def may_record_recognition(by: User, worker: Worker) -> bool:
    if by.role is Role.BUREAU_OFFICER:
        return covers_city(by, worker.city_code)
    return by.role is Role.INSTITUTION_STAFF and worker.employer_id == by.institution_id
