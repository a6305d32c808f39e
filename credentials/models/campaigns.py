"""The campaign (plan 五): its phases and cities, and per city its implementation plan, funds and targets.

A campaign (the shipped 2013-2014 百家城市技能振兴专项活动, or a later one the ministry creates) runs from one date
to another in dated phases (launch, implementation, evaluation); the ministry chooses its cities. Each city
enters its own plan record (leadership group, lead department, policy documents), the funds it committed per
channel (plan 四(三)) and its targets per indicator (`credentials.queries.indicators`), for one phase or for the
whole campaign. `phase_code` is "" (`WHOLE_CAMPAIGN`), never NULL, for the whole campaign: a unique constraint
treats NULLs as distinct, so NULL would let one city hold two whole-campaign targets of one indicator.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .accounts import User
from .base import Base, str_enum, utcnow
from .reference import City

WHOLE_CAMPAIGN = ""  # phase_code of funds and targets that cover the whole campaign
CODE_MAX, NAME_MAX, DEPARTMENT_MAX = 32, 200, 200


class PhaseCode(enum.StrEnum):
    """The plan's three phases (五, 实施步骤); a later campaign may name others."""

    LAUNCH = "launch"  # 启动
    IMPLEMENTATION = "implementation"  # 全面推动
    EVALUATION = "evaluation"  # 绩效评估


class FundingChannel(enum.StrEnum):
    """The funding channels plan 四(三) names; values spelled as `programmes.FundingSource` spells the same ones."""

    EMPLOYMENT_FUND = "employment_fund"  # 就业专项资金
    HIGH_SKILL_FUND = "high_skill_fund"  # 高技能人才专项工作经费
    EDUCATION_SURCHARGE = "education_surcharge"  # 教育费附加
    ENTERPRISE_FUND = "enterprise_fund"  # 企业职工教育（统筹）经费


class Campaign(Base):
    __tablename__ = "campaigns"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="dates_ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(CODE_MAX), unique=True)  # e.g. skills-100-2013, used in URLs
    name_zh: Mapped[str] = mapped_column(String(NAME_MAX))
    name_en: Mapped[str] = mapped_column(String(NAME_MAX))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    # The shipped list of cities is our illustrative choice: the plan names no list (credentials/data/README.md).
    cities_illustrative: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: shipped data
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    phases: Mapped[list[CampaignPhase]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan", order_by="CampaignPhase.position")
    cities: Mapped[list[CampaignCity]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan", order_by="CampaignCity.city_code")
    created_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Campaign {self.code}>"


class CampaignPhase(Base):
    __tablename__ = "campaign_phases"
    __table_args__ = (
        UniqueConstraint("campaign_id", "code"),
        CheckConstraint("ends_on >= starts_on", name="dates_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    code: Mapped[str] = mapped_column(String(CODE_MAX))  # a PhaseCode value, or a later campaign's own
    name_zh: Mapped[str] = mapped_column(String(NAME_MAX))
    name_en: Mapped[str] = mapped_column(String(NAME_MAX))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    position: Mapped[int]

    campaign: Mapped[Campaign] = relationship(back_populates="phases")

    def __repr__(self) -> str:
        return f"<CampaignPhase {self.code}>"


class CampaignCity(Base):
    """A city taking part in a campaign; its plan, funds and targets hang from this row."""

    __tablename__ = "campaign_cities"
    __table_args__ = (UniqueConstraint("campaign_id", "city_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    city_code: Mapped[str] = mapped_column(ForeignKey("cities.code"), index=True)

    campaign: Mapped[Campaign] = relationship(back_populates="cities")
    city: Mapped[City] = relationship()
    plan: Mapped[CityPlan | None] = relationship(back_populates="campaign_city", cascade="all, delete-orphan",
                                                 uselist=False)
    funding: Mapped[list[CityFunding]] = relationship(
        back_populates="campaign_city", cascade="all, delete-orphan", order_by="[CityFunding.phase_code, CityFunding.channel]")
    targets: Mapped[list[CityTarget]] = relationship(
        back_populates="campaign_city", cascade="all, delete-orphan",
        order_by="[CityTarget.indicator_code, CityTarget.phase_code]")

    def __repr__(self) -> str:
        return f"<CampaignCity {self.campaign_id}:{self.city_code}>"


class CityPlan(Base):
    """The city's implementation plan record (plan 四(一), 四(二)): who leads, and the documents it issued.

    `policy_documents`: [{"title": ..., "number": ... or "", "issued_on": "2013-03-15" or ""}], in the order given.
    """

    __tablename__ = "city_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_city_id: Mapped[int] = mapped_column(ForeignKey("campaign_cities.id"), unique=True)
    leadership_group: Mapped[str] = mapped_column(Text, default="")
    lead_department: Mapped[str] = mapped_column(String(DEPARTMENT_MAX), default="")
    policy_documents: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    campaign_city: Mapped[CampaignCity] = relationship(back_populates="plan")


class CityFunding(Base):
    """Funds a city committed to the campaign through one channel, in yuan, for a phase or the whole campaign."""

    __tablename__ = "city_funding"
    __table_args__ = (
        UniqueConstraint("campaign_city_id", "channel", "phase_code"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_city_id: Mapped[int] = mapped_column(ForeignKey("campaign_cities.id"), index=True)
    channel: Mapped[FundingChannel] = mapped_column(str_enum(FundingChannel))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    phase_code: Mapped[str] = mapped_column(String(CODE_MAX), default=WHOLE_CAMPAIGN)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    campaign_city: Mapped[CampaignCity] = relationship(back_populates="funding")


class CityTarget(Base):
    """What a city promised for one indicator (`credentials.queries.indicators` code), in the indicator's unit."""

    __tablename__ = "city_targets"
    __table_args__ = (
        UniqueConstraint("campaign_city_id", "indicator_code", "phase_code"),
        CheckConstraint("target >= 0", name="target_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_city_id: Mapped[int] = mapped_column(ForeignKey("campaign_cities.id"), index=True)
    indicator_code: Mapped[str] = mapped_column(String(48))
    phase_code: Mapped[str] = mapped_column(String(CODE_MAX), default=WHOLE_CAMPAIGN)
    target: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    campaign_city: Mapped[CampaignCity] = relationship(back_populates="targets")
