"""Reference data: provinces, prefecture-level cities and the occupational classification."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base


class Province(Base):
    __tablename__ = "provinces"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(32))

    cities: Mapped[list[City]] = relationship(back_populates="province", order_by="City.code")


class City(Base):
    """A prefecture-level division (4-digit code); `is_campaign_city` marks the 100-city campaign."""

    __tablename__ = "cities"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"), index=True)
    is_campaign_city: Mapped[bool] = mapped_column(default=False, index=True)

    province: Mapped[Province] = relationship(back_populates="cities")

    @property
    def full_name(self) -> str:
        return city_display_name(self.name, self.province.name)


# The four municipalities' prefecture-level row is named "市辖区" (districts under the city): shown as the
# municipality itself (北京市 …), which is its province-level name.
MUNICIPAL_DISTRICTS = "市辖区"


def city_display_name(name: str, province_name: str) -> str:
    """A city's name as readers know it: a municipality's one division (市辖区) goes by the municipality's name."""
    return province_name if name == MUNICIPAL_DISTRICTS else name


class Occupation(Base):
    """One 细类 of a national occupational classification edition (e.g. 2022, code 6-18-01-01)."""

    __tablename__ = "occupations"
    __table_args__ = (
        UniqueConstraint("edition", "code"),
        Index("ix_occupations_name", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition: Mapped[int] = mapped_column(default=2022)
    code: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(128))
    major_name: Mapped[str] = mapped_column(String(128))
    middle_name: Mapped[str] = mapped_column(String(128))
    minor_name: Mapped[str] = mapped_column(String(128))
    # Level codes (ladder frameworks) this occupation is appraised at; empty for e.g. officials.
    appraised_levels: Mapped[list[str]] = mapped_column(default=list)

    @property
    def category_path(self) -> list[str]:
        return [self.major_name, self.middle_name, self.minor_name]

    def __repr__(self) -> str:
        return f"<Occupation {self.edition}:{self.code} {self.name}>"
