"""Promotion by competition: a result that the reward rule rewards with a level becomes a proposal, which the
bureau whose stage decides that level confirms (issuing a certificate, route competition) or refuses.

The rule is a shipped policy (ladder/data/competitions.toml) or a bureau's own rule (CompetitionRule), turned
into the same `ladder.competitions.CompetitionPolicy`; `credentials.queries.competition_rules` says which one
governs a competition. A result that no rule governed (outcome no_rule) is judged again once one does.

The yearly limit of a policy (e.g. Tianjin: one competition promotion per worker per year) is applied twice:
when the proposal is made (counting confirmed and pending ones) and again when it is confirmed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ladder.competitions import CompetitionPolicy, default_policy, get_policy, promotion_for
from ladder.competitions import CompetitionPromotion as Earned
from ladder.frameworks import get_level, level_rank
from ladder.i18n import Text
from ladder.review import stages_for

from ..clock import china_today
from ..errors import Conflict, Forbidden, ValidationFailed
from ..identity import mask_name
from ..models import (
    Certificate,
    Competition,
    CompetitionPromotion,
    CompetitionResult,
    CompetitionRule,
    Institution,
    ProposalState,
    ResultOutcome,
    User,
    utcnow,
)
from ..permissions import final_stage_officer, may_judge_again
from ..queries.competition_rules import applicable_rule, covers, current_version, policy_of, rule_name
from .audit import record
from .certificates import issue_certificate
from .inbox import notify
from .overtaken import close_overtaken
from .promotions import current_level
from .state_changes import move_state

PROPOSAL_STATES = {ProposalState.PROPOSED: Text("待确认", "awaiting confirmation"),
                   ProposalState.CONFIRMED: Text("已确认", "confirmed"), ProposalState.REJECTED: Text("未确认", "not confirmed")}


def jurisdiction_of(competition: Competition) -> str:
    """Ladder policies name places by 6-digit division codes ("120000"); national ones by "CN"."""
    return f"{competition.province_code}0000" if competition.province_code else "CN"


def prior_promotions(session: Session, worker_id: int, *, exclude: int | None = None) -> list[date]:
    return list(session.scalars(select(CompetitionPromotion.promoted_on).where(
        CompetitionPromotion.worker_id == worker_id, CompetitionPromotion.id != (exclude or 0),
        CompetitionPromotion.state.in_((ProposalState.PROPOSED, ProposalState.CONFIRMED)))))


def governing_policy(session: Session,
                     competition: Competition) -> tuple[CompetitionPolicy | None, CompetitionRule | None]:
    """The policy that judges the competition's results, and the bureau rule behind it if it is one: the rule
    the competition names (its current version, while that still covers the competition's tier), the shipped
    policy it names, the shipped default of its tier and place, then the rule of its region."""
    named = current_version(session, competition.rule) if competition.rule is not None else None
    if named is not None and competition.tier in named.tiers:
        return policy_of(named), named
    if competition.policy_id:
        return get_policy(competition.policy_id), None
    shipped = default_policy(competition.tier, on=competition.ends_on, jurisdiction=jurisdiction_of(competition))
    if shipped is not None:
        return shipped, None
    rule = applicable_rule(session, competition)
    return (policy_of(rule), rule) if rule is not None else (None, None)


@dataclass(frozen=True)
class Judgement:
    """What a policy gives one result: the outcome, and the level and titles it earns."""

    outcome: ResultOutcome
    held: str | None
    target: str | None = None
    earned: Earned | None = None

    @property
    def titles(self) -> tuple[Text, ...]:
        return self.earned.titles if self.earned else ()


def judge(result: CompetitionResult, policy: CompetitionPolicy | None, *, held: str | None,
          prior: Iterable[date]) -> Judgement:
    """The engine's verdict on one result, written nowhere (evaluate_result writes it, a preview shows it).

    A result with a medal and a rank is judged by each, and the better of the two counts."""
    competition = result.competition
    if not competition.counts_for_promotion:
        return Judgement(ResultOutcome.NOT_IN_PLAN, held)
    if policy is None:
        return Judgement(ResultOutcome.NO_RULE, held)
    prior = list(prior)
    found = [earned for value in (result.medal, result.rank) if value is not None
             if (earned := promotion_for(competition.tier, value, held, on=competition.ends_on, policy=policy,
                                         team_size=result.team_size, paper_level=competition.paper_level,
                                         entrants=competition.entrants, prior_promotions=prior)) is not None]
    if not found:
        return Judgement(ResultOutcome.NO_PROMOTION, held)
    earned = max(found, key=lambda e: level_rank(e.target_level) if e.target_level else 0)
    if earned.limit_reached:
        return Judgement(ResultOutcome.LIMIT_REACHED, held, earned=earned)
    target = earned.target_level
    if target is None or target not in competition.occupation.appraised_levels:
        return Judgement(ResultOutcome.NO_PROMOTION, held, earned=earned)
    return Judgement(ResultOutcome.PROPOSED, held, target, earned)


def evaluate_result(session: Session, result: CompetitionResult, *, by: User) -> CompetitionPromotion | None:
    """Set the result's outcome, titles and rule; create the proposal when the rule grants a level."""
    competition = result.competition
    policy, rule = (governing_policy(session, competition) if competition.counts_for_promotion
                    else (None, None))
    held = current_level(session, result.worker, competition.occupation)
    verdict = judge(result, policy, held=held, prior=prior_promotions(session, result.worker_id))
    result.outcome = verdict.outcome
    result.rule = rule if verdict.outcome not in (ResultOutcome.NOT_IN_PLAN, ResultOutcome.NO_RULE) else None
    if verdict.earned is not None:
        result.titles = [title.as_dict() for title in verdict.titles]
    if verdict.target is None or verdict.earned is None:
        return None
    proposal = CompetitionPromotion(
        result=result, worker_id=result.worker_id, occupation_id=competition.occupation_id, current_level=held,
        target_level=verdict.target, policy_id=verdict.earned.policy_id, rule=rule,
        rule_zh=verdict.earned.rule.zh, rule_en=verdict.earned.rule.en, promoted_on=competition.ends_on,
        city_code=result.worker.city_code)
    session.add(proposal)
    session.flush()
    record(session, actor=by, action="competition_promotion.proposed", entity_type="competition_promotion",
           entity_id=proposal.id, after=proposal_snapshot(proposal))
    _tell(session, proposal, "proposed")
    return proposal


def judge_again(session: Session, competition: Competition, *, by: User,
                rule: CompetitionRule | None = None) -> list[CompetitionResult]:
    """Judge again the results no rule applied to (outcome no_rule), after the bureau of the place entered its
    rule; naming `rule` first makes the competition follow that rule. Returns the results judged."""
    if not may_judge_again(by, competition):
        raise Forbidden("action")
    if rule is not None:
        if not rule.is_current:
            newest = current_version(session, rule)
            raise Conflict("rule_superseded", rule=rule_name(rule), version=newest.version)
        if not covers(rule, competition):
            raise ValidationFailed("binding", field="rule_id", reason=Text(
                "该奖励办法不适用于此竞赛（地区、竞赛级别或有效期不符）",
                "this rule does not cover the competition (place, tier or dates)"))
        if competition.rule_id != rule.id:
            before = competition.rule_id
            competition.rule = rule
            session.flush()
            record(session, actor=by, action="competition.rule_named", entity_type="competition",
                   entity_id=competition.id, before={"rule_id": before}, after={"rule_id": rule.id})
    waiting = [r for r in competition.results if r.outcome is ResultOutcome.NO_RULE and r.proposal is None]
    for result in waiting:
        evaluate_result(session, result, by=by)
    session.flush()
    record(session, actor=by, action="competition.results_judged_again", entity_type="competition",
           entity_id=competition.id, after={
               "results": len(waiting), "rule_id": competition.rule_id,
               "proposed": sum(r.outcome is ResultOutcome.PROPOSED for r in waiting),
               "still_no_rule": sum(r.outcome is ResultOutcome.NO_RULE for r in waiting)})
    return waiting


def policy_of_proposal(proposal: CompetitionPromotion) -> CompetitionPolicy:
    """The policy a proposal was made under: the bureau rule version it names, else the shipped policy."""
    return policy_of(proposal.rule) if proposal.rule is not None else get_policy(proposal.policy_id)


def confirm_competition_promotion(session: Session, proposal: CompetitionPromotion, *, issuer: Institution,
                                  by: User, today: date | None = None) -> Certificate:
    """Confirm and issue the certificate (route competition), dated today, by an accredited issuer."""
    today = today or china_today()
    _may_decide(by, proposal)
    policy = policy_of_proposal(proposal)
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
    close_overtaken(session, certificate, by=by)  # requests and applications for this level have nothing left
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
            "target_level": proposal.target_level, "policy_id": proposal.policy_id,
            "rule_id": proposal.rule_id, "state": proposal.state.value,
            "promoted_on": proposal.promoted_on.isoformat(), "version": proposal.version}
