"""Read side of approvals: who sees which request, proposal and competition, the officer's work queue and the
WorldSkills candidate pool. Another's record is simply not found (404), never refused (403)."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import BindParameter, Select, String, bindparam, cast, false, func, literal, or_, select, union_all
from sqlalchemy.orm import Session, selectinload

from ladder.frameworks import appraised_levels, level_rank
from ladder.review import review_rule
from ladder.worldskills import Edition, next_edition, pool_criteria

from ..clock import china_today
from ..models import (
    Allowance,
    BureauScope,
    Certificate,
    Competition,
    CompetitionPromotion,
    CompetitionResult,
    Honour,
    Occupation,
    PlanState,
    PromotionKind,
    PromotionRequest,
    PromotionState,
    ProposalState,
    ReviewStage,
    Role,
    User,
    Worker,
)
from ..models.promotions import OPEN_STATES
from .scopes import competition_scope, promotion_scope, region_clause


def promotions_for(user: User, *, state: str | None = None, kind: str | None = None) -> Select[PromotionRequest]:
    statement = (select(PromotionRequest).where(promotion_scope(user))
                 .options(selectinload(PromotionRequest.worker), selectinload(PromotionRequest.occupation))
                 .order_by(PromotionRequest.id.desc()))
    if state is not None and state in PromotionState.__members__.values():
        statement = statement.where(PromotionRequest.state == PromotionState(state))
    if kind is not None and kind in PromotionKind.__members__.values():
        statement = statement.where(PromotionRequest.kind == PromotionKind(kind))
    return statement


def competitions_for(user: User, *, tier: str | None = None) -> Select[Competition]:
    statement = (select(Competition).where(competition_scope(user)).options(selectinload(Competition.occupation))
                 .order_by(Competition.ends_on.desc(), Competition.id.desc()))
    return statement.where(Competition.tier == tier) if tier else statement


# ---- the work queue ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class QueueItem:
    """A nomination or a competition proposal about a worker, or an enterprise contest applying for the
    government plan (kind "plan": no worker nor levels, `title` names the contest)."""

    kind: str  # exceptional | level_skipping | competition | plan
    id: int
    worker: Worker | None
    occupation_name: str
    current_level: str | None
    target_level: str | None
    stage: str
    waiting_since: datetime
    title: str = ""

    def age_days(self, now: datetime | None = None) -> int:
        now = now or datetime.now(UTC)
        since = self.waiting_since if self.waiting_since.tzinfo else self.waiting_since.replace(tzinfo=UTC)
        return max(0, (now - since).days)


def _province_levels(on: date) -> list[str]:
    line = level_rank(review_rule(on).province_from_level)
    return [level.code for level in appraised_levels() if level.rank >= line]


def queue_requests(user: User) -> Select[PromotionRequest]:
    """Open requests waiting at the officer's own stage in their region."""
    stages: dict[BureauScope | None, ReviewStage] = {BureauScope.CITY: ReviewStage.CITY, BureauScope.PROVINCE: ReviewStage.PROVINCE}
    stage = stages.get(user.bureau_scope)
    if user.role is not Role.BUREAU_OFFICER or stage is None:
        return select(PromotionRequest).where(false())
    return (select(PromotionRequest)
            .where(PromotionRequest.state.in_(OPEN_STATES), PromotionRequest.stage == stage,
                   region_clause(user, PromotionRequest.city_code))
            .options(selectinload(PromotionRequest.worker), selectinload(PromotionRequest.occupation))
            .order_by(PromotionRequest.submitted_at, PromotionRequest.id))


def queue_proposals(user: User, *, on: date | None = None) -> Select[CompetitionPromotion]:
    """Pending competition proposals whose final stage is the officer's (province: Technician and above)."""
    if user.role is not Role.BUREAU_OFFICER or user.bureau_scope is BureauScope.MINISTRY:
        return select(CompetitionPromotion).where(false())
    high = _province_levels(on or china_today())
    mine = (CompetitionPromotion.target_level.in_(high) if user.bureau_scope is BureauScope.PROVINCE
            else CompetitionPromotion.target_level.not_in(high))
    return (select(CompetitionPromotion)
            .where(CompetitionPromotion.state == ProposalState.PROPOSED, mine,
                   region_clause(user, CompetitionPromotion.city_code))
            .options(selectinload(CompetitionPromotion.worker), selectinload(CompetitionPromotion.occupation))
            .order_by(CompetitionPromotion.created_at, CompetitionPromotion.id))


def queue_plans(user: User) -> Select[Competition]:
    """Enterprise contests of the officer's city applying for the government plan (the city decides)."""
    if user.role is not Role.BUREAU_OFFICER or user.bureau_scope is not BureauScope.CITY:
        return select(Competition).where(false())
    return (select(Competition)
            .where(Competition.plan_state == PlanState.APPLIED, Competition.city_code == user.region_code)
            .options(selectinload(Competition.occupation))
            .order_by(func.coalesce(Competition.plan_applied_at, Competition.created_at), Competition.id))


QUEUE_CAP = 50_000  # the most one call reads per kind (the XLSX export); pages read far fewer


def work_queue(session: Session, user: User, *, kind: str | None = None, occupation_code: str | None = None,
               limit: int = QUEUE_CAP) -> tuple[list[QueueItem], dict[str, int]]:
    """The `limit` oldest items waiting for this officer, and the counts by kind (before the kind filter).

    Both sources are sorted by waiting time, so the first `limit` of the merge come from the first `limit`
    of each: a page deep in the queue reads page × size rows per kind, never the whole queue."""
    limit = max(1, min(limit, QUEUE_CAP))
    requests, proposals, plans = queue_requests(user), queue_proposals(user), queue_plans(user)
    if occupation_code:

        requests = requests.where(PromotionRequest.occupation.has(Occupation.code == occupation_code))
        proposals = proposals.where(CompetitionPromotion.occupation.has(Occupation.code == occupation_code))
        plans = plans.where(Competition.occupation.has(Occupation.code == occupation_code))
    counts = {k.value: 0 for k in PromotionKind} | {"competition": 0, "plan": 0}
    request_kind = cast(PromotionRequest.kind, String)
    for found_kind, count in session.execute(union_all(  # the three counts in one round trip
            requests.with_only_columns(request_kind, func.count()).group_by(request_kind).order_by(None),
            proposals.with_only_columns(literal("competition", String), func.count()).order_by(None),
            plans.with_only_columns(literal("plan", String), func.count()).order_by(None))):
        counts[found_kind] += count
    items: list[QueueItem] = []
    if kind in (None, "", *[k.value for k in PromotionKind]):
        if kind:
            requests = requests.where(PromotionRequest.kind == PromotionKind(kind))
        items += [QueueItem(r.kind.value, r.id, r.worker, r.occupation.name, r.current_level, r.target_level,
                            r.stage.value, _sent_at(r)) for r in session.scalars(requests.limit(limit))]
    if kind in (None, "", "competition"):
        items += [QueueItem("competition", p.id, p.worker, p.occupation.name, p.current_level, p.target_level,
                            "province" if p.target_level in _province_levels(p.promoted_on) else "city",
                            p.created_at) for p in session.scalars(proposals.limit(limit))]
    if kind in (None, "", "plan"):
        items += [QueueItem("plan", c.id, None, c.occupation.name, None, None, "city",
                            c.plan_applied_at or c.created_at, title=c.name)
                  for c in session.scalars(plans.limit(limit))]
    items.sort(key=lambda item: (_aware(item.waiting_since), item.kind, item.id))
    return items[:limit], counts


def _sent_at(request: PromotionRequest) -> datetime:
    """When an open request entered the queue: set once it is sent (constraint submitted_at_once_sent)."""
    assert request.submitted_at is not None
    return request.submitted_at


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# ---- WorldSkills candidate pool ----------------------------------------------------------------------------

def worldskills_pool(user: User, *, on: date) -> tuple[Edition | None, Select[Worker, Competition, CompetitionResult] | None]:
    """Young workers of the officer's region with strong results, for the next WorldSkills; best rank first."""
    edition = next_edition(on)
    if edition is None:
        return None, None
    criteria = pool_criteria()
    strong = or_(CompetitionResult.rank <= criteria.max_rank, CompetitionResult.medal.in_(sorted(criteria.medals)))
    statement = (
        select(Worker, Competition, CompetitionResult)
        .join(CompetitionResult, CompetitionResult.worker_id == Worker.id)
        .join(Competition, Competition.id == CompetitionResult.competition_id)
        .where(region_clause(user, Worker.city_code), Worker.birth_date >= edition.born_on_or_after,
               Competition.tier.in_(sorted(criteria.tiers)), strong)
        .order_by(func.coalesce(CompetitionResult.rank, 999), Worker.birth_date.desc(), Worker.id))
    return edition, statement


# ---- a worker's recognitions, beside every decision and on their own page ---------------------------------

@dataclass
class Recognition:
    results: Sequence[CompetitionResult]
    honours: Sequence[Honour]
    allowances: Sequence[Allowance]
    requests: Sequence[PromotionRequest]
    proposals: Sequence[CompetitionPromotion]
    certified: Mapping[int, str] = field(default_factory=dict)  # request id -> the number its approval earned


@dataclass(frozen=True)
class _RecognitionStatements:
    results: Select[CompetitionResult]
    honours: Select[Honour]
    allowances: Select[Allowance]
    requests: Select[PromotionRequest]
    proposals: Select[CompetitionPromotion]
    certified: Select[int | None, str]


@functools.cache
def _recognition_statements(include_drafts: bool, with_decisions: bool) -> _RecognitionStatements:
    """Built once, the worker bound at execution: building them cost as much as running them (every decision page
    and the worker's own page read a recognition)."""
    worker: BindParameter[int] = bindparam("worker_id")
    own_requests = select(PromotionRequest).where(PromotionRequest.worker_id == worker)
    if not include_drafts:
        own_requests = own_requests.where(PromotionRequest.state != PromotionState.DRAFT)
    if with_decisions:
        own_requests = own_requests.options(selectinload(PromotionRequest.decisions))
    return _RecognitionStatements(
        results=select(CompetitionResult).where(CompetitionResult.worker_id == worker)
        .options(selectinload(CompetitionResult.competition), selectinload(CompetitionResult.proposal))
        .order_by(CompetitionResult.id.desc()),
        honours=select(Honour).where(Honour.worker_id == worker).order_by(Honour.year.desc(), Honour.id.desc()),
        allowances=select(Allowance).where(Allowance.worker_id == worker).order_by(Allowance.starts_on.desc()),
        requests=own_requests.options(selectinload(PromotionRequest.occupation)).order_by(PromotionRequest.id.desc()),
        proposals=select(CompetitionPromotion).where(CompetitionPromotion.worker_id == worker)
        .order_by(CompetitionPromotion.id.desc()),
        certified=select(Certificate.promotion_request_id, Certificate.number)
        .where(Certificate.worker_id == worker, Certificate.promotion_request_id.is_not(None)),
    )


def recognition_of(session: Session, worker_id: int, *, include_drafts: bool = False,
                   with_decisions: bool = False) -> Recognition:
    """`with_decisions`: also every request's decisions, in one statement (the worker's own page shows each
    request's last reason, which otherwise loads them request by request). A proposal's result and competition
    need nothing more: `results` has them in the session already."""
    statements = _recognition_statements(include_drafts, with_decisions)
    worker: dict[str, object] = {"worker_id": worker_id}
    return Recognition(
        results=session.scalars(statements.results, worker).all(),
        honours=session.scalars(statements.honours, worker).all(),
        allowances=session.scalars(statements.allowances, worker).all(),
        requests=session.scalars(statements.requests, worker).all(),
        proposals=session.scalars(statements.proposals, worker).all(),
        certified={request_id: number for request_id, number in session.execute(statements.certified, worker)
                   if request_id is not None},
    )
