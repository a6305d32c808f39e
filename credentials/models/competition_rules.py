"""Reward rules a bureau enters from its own competition notice (DOMAIN §4.2: "each competition's 通知 sets its
own"), one row per version.

A rule belongs to a region: a city's rule (city_code set) to the competitions of that city, a province's
(city_code NULL) to the competitions of the province and its cities unless a city rule is more specific.
`rewards` holds the rows of the notice as plain values, the shape `credentials.services.competition_rules`
checks and `credentials.queries.competition_rules.policy_of` turns into a `ladder.competitions.CompetitionPolicy`:

    {"ranks": [first, last] | [first, null] | null, "medals": ["gold", ...],
     "effect": "set:technician" | "set_or_up:L" | "up:N" | "up:N cap:L" | null,
     "titles": [{"zh": ..., "en": ...}, ...]}

Versions: a rule that results were judged under is never edited in place; a revision adds the next version
(`replaces_id` → the one before, which gets `superseded_at`) and the old row keeps explaining what it decided.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .accounts import User
from .base import Base, utcnow
from .reference import City, Province


class CompetitionRule(Base):
    __tablename__ = "competition_rules"
    __table_args__ = (
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="dates_ordered"),
        CheckConstraint("max_promotions_per_year IS NULL OR max_promotions_per_year >= 1",
                        name="yearly_limit_positive"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("(version = 1) = (replaces_id IS NULL)", name="later_versions_replace_one"),
        Index("ix_competition_rules_region", "province_code", "city_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    document_number: Mapped[str] = mapped_column(String(100))  # the notice's 文号, e.g. 苏人社发〔2024〕12号
    issued_on: Mapped[date]  # the notice's date
    valid_from: Mapped[date]
    valid_to: Mapped[date | None]
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"))
    city_code: Mapped[str | None] = mapped_column(ForeignKey("cities.code"))  # NULL: a province's rule
    tiers: Mapped[list[str]] = mapped_column(default=list)  # ladder.competitions tiers it covers
    rewards: Mapped[list[dict[str, Any]]] = mapped_column(default=list)  # see the module docstring
    max_promotions_per_year: Mapped[int | None]
    version: Mapped[int] = mapped_column(default=1)
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("competition_rules.id"), unique=True)
    superseded_at: Mapped[datetime | None]  # set when the next version replaces it
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    created_by: Mapped[User] = relationship()
    replaces: Mapped[CompetitionRule | None] = relationship(remote_side=[id])
    city: Mapped[City | None] = relationship()
    province: Mapped[Province] = relationship()

    @property
    def region_name(self) -> str:
        """The place by name, as pages show it (苏州市, or 江苏省 for a province's rule)."""
        return self.city.full_name if self.city is not None else self.province.name

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None

    @property
    def jurisdiction(self) -> str:
        """The 6-digit division code ladder policies name places by (320500: a city, 320000: a province)."""
        return f"{self.city_code}00" if self.city_code else f"{self.province_code}0000"
