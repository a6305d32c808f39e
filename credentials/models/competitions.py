"""Vocational skills competitions, their results, and the promotions those results propose."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .accounts import User
from .base import Base, str_enum, utcnow
from .competition_rules import CompetitionRule
from .institutions import Institution
from .people import Worker
from .reference import Occupation


class PlanState(enum.StrEnum):
    """Inclusion in the government competition plan (only enterprise / industry contests apply)."""

    NOT_APPLICABLE = "not_applicable"  # a government competition: in the plan by nature
    NOT_APPLIED = "not_applied"
    APPLIED = "applied"
    INCLUDED = "included"
    REFUSED = "refused"


class ResultOutcome(enum.StrEnum):
    """What a result led to when it was entered."""

    PROPOSED = "proposed"  # a promotion proposal waits for a bureau
    NO_PROMOTION = "no_promotion"  # the rule gives no level for this result (titles may still follow)
    LIMIT_REACHED = "limit_reached"  # the yearly limit of competition promotions is used up
    NOT_IN_PLAN = "not_in_plan"  # an enterprise contest outside the government plan promotes nobody
    NO_RULE = "no_rule"  # no reward policy applies to this tier and place


class ProposalState(enum.StrEnum):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class Competition(Base):
    __tablename__ = "competitions"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="dates_ordered"),
        CheckConstraint("(plan_state IN ('included', 'refused')) = (plan_decided_at IS NOT NULL)",
                        name="plan_decided_iff_decided"),
        CheckConstraint("plan_state <> 'refused' OR plan_reason IS NOT NULL", name="refusal_has_reason"),
        CheckConstraint("(tier = 'enterprise') = (plan_state <> 'not_applicable')",
                        name="plan_only_for_enterprise"),
        CheckConstraint("entrants IS NULL OR entrants > 0", name="entrants_positive"),
        Index("ix_competitions_region", "province_code", "city_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    tier: Mapped[str] = mapped_column(String(32), index=True)  # ladder.competitions tiers
    occupation_id: Mapped[int] = mapped_column(ForeignKey("occupations.id"))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    organizer: Mapped[str] = mapped_column(String(200))
    organizer_institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"), index=True)
    # Where it is held: a province (2 digits) and, for city and enterprise contests, a city (4 digits).
    province_code: Mapped[str | None] = mapped_column(ForeignKey("provinces.code"))
    city_code: Mapped[str | None] = mapped_column(ForeignKey("cities.code"))
    policy_id: Mapped[str | None] = mapped_column(String(64))  # its own reward policy; else the tier default
    # A bureau rule it names (resolved to that rule's current version when results are judged).
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("competition_rules.id"))
    paper_level: Mapped[str | None] = mapped_column(String(32))
    entrants: Mapped[int | None]
    plan_state: Mapped[PlanState] = mapped_column(str_enum(PlanState))
    plan_reason: Mapped[str | None] = mapped_column(Text)
    plan_applied_at: Mapped[datetime | None]  # the latest application: it waits in the city's queue since then
    plan_decided_at: Mapped[datetime | None]
    plan_decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    occupation: Mapped[Occupation] = relationship()
    organizer_institution: Mapped[Institution | None] = relationship()
    rule: Mapped[CompetitionRule | None] = relationship()
    registered_by: Mapped[User] = relationship(foreign_keys=[registered_by_id])
    results: Mapped[list[CompetitionResult]] = relationship(
        back_populates="competition", order_by="CompetitionResult.rank", cascade="all, delete-orphan")

    @property
    def counts_for_promotion(self) -> bool:
        return self.plan_state in (PlanState.NOT_APPLICABLE, PlanState.INCLUDED)


class CompetitionResult(Base):
    __tablename__ = "competition_results"
    __table_args__ = (
        UniqueConstraint("competition_id", "worker_id", name="one_result_per_worker"),
        CheckConstraint("rank IS NULL OR rank >= 1", name="rank_positive"),
        CheckConstraint("rank IS NOT NULL OR medal IS NOT NULL", name="rank_or_medal"),
        CheckConstraint("team_size BETWEEN 1 AND 10", name="team_size_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    rank: Mapped[int | None]
    medal: Mapped[str | None] = mapped_column(String(16))  # ladder.competitions medals
    team_size: Mapped[int] = mapped_column(default=1)
    outcome: Mapped[ResultOutcome] = mapped_column(str_enum(ResultOutcome))
    titles: Mapped[list[dict[str, str]]] = mapped_column(default=list)  # [{"zh": ..., "en": ...}] the rule awards
    # The bureau rule version it was last judged under (NULL: a shipped policy, or none applied).
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("competition_rules.id"), index=True)
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    competition: Mapped[Competition] = relationship(back_populates="results")
    worker: Mapped[Worker] = relationship()
    entered_by: Mapped[User] = relationship()
    rule: Mapped[CompetitionRule | None] = relationship()
    proposal: Mapped[CompetitionPromotion | None] = relationship(back_populates="result", uselist=False)


class CompetitionPromotion(Base):
    """A promotion a result qualifies for under the reward rule; a bureau confirms it or refuses it."""

    __tablename__ = "competition_promotions"
    __table_args__ = (
        CheckConstraint("(state = 'proposed') = (decided_at IS NULL)", name="decided_iff_not_proposed"),
        CheckConstraint("(decided_at IS NULL) = (decided_by_id IS NULL)", name="decided_by_iff_decided"),
        CheckConstraint("state <> 'rejected' OR reason IS NOT NULL", name="rejection_has_reason"),
        CheckConstraint("version >= 1", name="version_positive"),
        Index("ix_competition_promotions_queue", "state", "city_code", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("competition_results.id"), unique=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    occupation_id: Mapped[int] = mapped_column(ForeignKey("occupations.id"))
    current_level: Mapped[str | None] = mapped_column(String(32))
    target_level: Mapped[str] = mapped_column(String(32))
    policy_id: Mapped[str] = mapped_column(String(64))
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("competition_rules.id"), index=True)  # a bureau rule
    rule_zh: Mapped[str] = mapped_column(Text)
    rule_en: Mapped[str] = mapped_column(Text)
    promoted_on: Mapped[date]  # the competition's last day: the yearly limit counts by this date
    city_code: Mapped[str] = mapped_column(ForeignKey("cities.code"))  # the worker's city: who confirms
    state: Mapped[ProposalState] = mapped_column(str_enum(ProposalState), default=ProposalState.PROPOSED)
    reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    result: Mapped[CompetitionResult] = relationship(back_populates="proposal")
    rule: Mapped[CompetitionRule | None] = relationship()
    worker: Mapped[Worker] = relationship()
    occupation: Mapped[Occupation] = relationship()
    decided_by: Mapped[User | None] = relationship()
