"""Who may act on a promotion request or a competition proposal: pure predicates, no queries.

Decisions belong to the bureaus of the worker's region, stage by stage (ladder.review): a city officer
decides the city stage of their city, a province officer the province stage of their province. The
ministry sees every request but decides none: DOMAIN §3 names the city bureau (first review) and the
provincial department (核准) as approvers, and no text we hold gives the ministry single cases.
Maker ≠ checker: nobody decides a request they nominated, nor about a worker their institution employs.
"""

from __future__ import annotations

from .errors import Forbidden
from .models import BureauScope, PromotionRequest, PromotionState, ReviewStage, Role, User

STATE_NAMES = {
    PromotionState.DRAFT: ("草稿", "draft"),
    PromotionState.SUBMITTED: ("待审核", "submitted"),
    PromotionState.UNDER_REVIEW: ("审核中", "under review"),
    PromotionState.APPROVED: ("已批准", "approved"),
    PromotionState.REJECTED: ("已驳回", "rejected"),
    PromotionState.RETURNED: ("已退回补充材料", "returned for more information"),
    PromotionState.WITHDRAWN: ("已撤回", "withdrawn"),
}
STAGE_NAMES = {ReviewStage.CITY: ("市级初审", "city first review"),
               ReviewStage.PROVINCE: ("省级审核", "provincial review")}
ACTION_NAMES = {
    "nominated": ("提名", "nominate"), "submitted": ("提交", "submit"), "resubmitted": ("重新提交", "resubmit"),
    "withdrawn": ("撤回", "withdraw"), "reviewed": ("受理审核", "take up for review"),
    "forwarded": ("初审通过并报送省级", "pass first review and forward"), "approved": ("批准", "approve"),
    "rejected": ("驳回", "reject"), "returned": ("退回补充材料", "return for more information"),
    "evidence": ("上传材料", "upload evidence"),
}


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
