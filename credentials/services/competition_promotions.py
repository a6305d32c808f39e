"""Promotion by competition: a result that the reward rule rewards with a level becomes a proposal, which the
bureau whose stage decides that level confirms (issuing a certificate, route competition) or refuses.

The yearly limit of a policy (e.g. Tianjin: one competition promotion per worker per year) is applied twice:
when the proposal is made (counting confirmed and pending ones) and again when it is confirmed.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ladder.competitions import default_policy, get_policy, promotion_for
from ladder.frameworks import get_level
from ladder.i18n import Text
from ladder.review import stages_for

from ..errors import Conflict, Forbidden, ValidationFailed
from ..identity import mask_name
from ..models import (
    Certificate,
    Competition,
    CompetitionPromotion,
    CompetitionResult,
    Institution,
    ProposalState,
    ResultOutcome,
    User,
    utcnow,
)
from ..permissions import final_stage_officer
from .audit import record
from .certificates import issue_certificate
from .inbox import notify
from .promotions import current_level
from .state_changes import move_state

PROPOSAL_STATES = {ProposalState.PROPOSED: Text("待确认", "awaiting confirmation"),
                   ProposalState.CONFIRMED: Text("已确认", "confirmed"), ProposalState.REJECTED: Text("未确认", "not confirmed")}


def jurisdiction_of(competition: Competition) -> str:
    """Ladder policies name places by 6-digit division codes ("120000"); national ones by "CN"."""
    return f"{competition.province_code}0000" if competition.province_code else "CN"


def _prior_promotions(session: Session, worker_id: int, *, exclude: int | None = None) -> list[date]:
    return list(session.scalars(select(CompetitionPromotion.promoted_on).where(
        CompetitionPromotion.worker_id == worker_id, CompetitionPromotion.id != (exclude or 0),
        CompetitionPromotion.state.in_((ProposalState.PROPOSED, ProposalState.CONFIRMED)))))


def evaluate_result(session: Session, result: CompetitionResult, *, by: User) -> CompetitionPromotion | None:
    """Set the result's outcome and titles; create the proposal when the rule grants a level."""
    competition = result.competition
    if not competition.counts_for_promotion:
        result.outcome = ResultOutcome.NOT_IN_PLAN
        return None
    held = current_level(session, result.worker, competition.occupation)
    earned = result.medal or result.rank
    assert earned is not None  # CHECK rank_or_medal
    promotion = promotion_for(
        competition.tier, earned, held, on=competition.ends_on, policy=competition.policy_id,
        jurisdiction=jurisdiction_of(competition), team_size=result.team_size, paper_level=competition.paper_level,
        entrants=competition.entrants, prior_promotions=_prior_promotions(session, result.worker_id))
    if promotion is None:
        result.outcome = ResultOutcome.NO_PROMOTION if _has_policy(competition) else ResultOutcome.NO_RULE
        return None
    result.titles = [title.as_dict() for title in promotion.titles]
    target = promotion.target_level
    if promotion.limit_reached:
        result.outcome = ResultOutcome.LIMIT_REACHED
        return None
    if target is None or target not in competition.occupation.appraised_levels:
        result.outcome = ResultOutcome.NO_PROMOTION
        return None
    result.outcome = ResultOutcome.PROPOSED
    proposal = CompetitionPromotion(
        result=result, worker_id=result.worker_id, occupation_id=competition.occupation_id, current_level=held,
        target_level=target, policy_id=promotion.policy_id, rule_zh=promotion.rule.zh, rule_en=promotion.rule.en,
        promoted_on=competition.ends_on, city_code=result.worker.city_code)
    session.add(proposal)
    session.flush()
    record(session, actor=by, action="competition_promotion.proposed", entity_type="competition_promotion",
           entity_id=proposal.id, after=proposal_snapshot(proposal))
    _tell(session, proposal, "proposed")
    return proposal


def _has_policy(competition: Competition) -> bool:

    return bool(competition.policy_id) or default_policy(
        competition.tier, on=competition.ends_on, jurisdiction=jurisdiction_of(competition)) is not None


def confirm_competition_promotion(session: Session, proposal: CompetitionPromotion, *, issuer: Institution,
                                  by: User, today: date | None = None) -> Certificate:
    """Confirm and issue the certificate (route competition), dated today, by an accredited issuer."""
    today = today or date.today()
    _may_decide(by, proposal)
    policy = get_policy(proposal.policy_id)
    if policy.max_promotions_per_year is not None:
        confirmed_same_year = [d for d in session.scalars(select(CompetitionPromotion.promoted_on).where(
            CompetitionPromotion.worker_id == proposal.worker_id, CompetitionPromotion.id != proposal.id,
            CompetitionPromotion.state == ProposalState.CONFIRMED)) if d.year == proposal.promoted_on.year]
        if len(confirmed_same_year) >= policy.max_promotions_per_year:
            raise Conflict("yearly_limit", year=proposal.promoted_on.year, policy=(policy.name.zh, policy.name.en),
                           limit=policy.max_promotions_per_year)
    _move(session, proposal, ProposalState.CONFIRMED, by=by, reason=None)
    certificate = issue_certificate(session, worker=proposal.worker, occupation=proposal.occupation,
                                    level=proposal.target_level, issued_on=today, institution=issuer, by=by,
                                    today=today, competition_promotion=proposal)
    _tell(session, proposal, "confirmed", number=certificate.number)
    return certificate


def reject_competition_promotion(session: Session, proposal: CompetitionPromotion, *, reason: str,
                                 by: User) -> CompetitionPromotion:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("required", field="reason")
    _may_decide(by, proposal)
    _move(session, proposal, ProposalState.REJECTED, by=by, reason=reason)
    _tell(session, proposal, "rejected", reason=reason)
    return proposal


def final_stage(proposal: CompetitionPromotion) -> str:
    """The province confirms Technician and above (经核准后由省级人社部门晋升), the city the levels below."""
    return stages_for(proposal.target_level, on=proposal.promoted_on)[-1]


def _may_decide(by: User, proposal: CompetitionPromotion) -> None:
    if not final_stage_officer(by, final_stage(proposal), proposal.city_code):
        raise Forbidden("action")
    if by.id == proposal.result.entered_by_id:
        raise Forbidden("own_nomination")
    if proposal.state is not ProposalState.PROPOSED:
        raise Conflict("already_decided", state=PROPOSAL_STATES[proposal.state])


def _move(session: Session, proposal: CompetitionPromotion, to: ProposalState, *, by: User,
          reason: str | None) -> None:
    """Conditional on the version seen: two officers at once produce one decision."""
    before = proposal_snapshot(proposal)
    move_state(session, proposal, state="state", to=to, names=PROPOSAL_STATES, reason=reason, decided_at=utcnow(),
               decided_by_id=by.id)
    record(session, actor=by, action=f"competition_promotion.{to.value}", entity_type="competition_promotion",
           entity_id=proposal.id, before=before, after={**proposal_snapshot(proposal), "reason": reason})


def _tell(session: Session, proposal: CompetitionPromotion, event: str, **extra: str) -> None:
    level = get_level(proposal.target_level)
    workers = session.scalars(select(User).where(User.worker_id == proposal.worker_id)).all()
    notify(session, [*workers, proposal.result.entered_by], f"competition_promotion.{event}",
           entity_type="competition_promotion", entity_id=proposal.id, worker=mask_name(proposal.worker.name),
           competition=proposal.result.competition.name, level=(level.name_zh, level.name_en),
           reason=extra.get("reason", ""), number=extra.get("number", ""))


def proposal_snapshot(proposal: CompetitionPromotion) -> dict[str, object]:
    return {"result_id": proposal.result_id, "worker_id": proposal.worker_id,
            "current_level": proposal.current_level,
            "target_level": proposal.target_level, "policy_id": proposal.policy_id, "state": proposal.state.value,
            "promoted_on": proposal.promoted_on.isoformat(), "version": proposal.version}
