"""Load the shipped reference data (provinces, cities, occupations, campaign cities, campaigns) idempotently."""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from importlib import resources

from sqlalchemy import select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from ladder.frameworks import appraised_levels

from ..models import Base, City, Occupation, Province
from .campaigns import load_shipped_campaigns

OCCUPATION_EDITION = 2022
# Major categories of skilled work: 3 clerical, 4 services, 5 agriculture, 6 production.
SKILL_MAJOR_CATEGORIES = {"3", "4", "5", "6"}


@dataclass(frozen=True)
class ReferenceLoad:
    provinces: int
    cities: int
    occupations: int
    campaign_cities: int
    campaigns: int = 0  # shipped campaigns created by this load (credentials/data/campaigns.toml)


def _data_text(name: str) -> str:
    return resources.files("credentials").joinpath("data", name).read_text(encoding="utf-8")


def _rows(name: str) -> list[dict[str, str]]:
    lines = [line for line in _data_text(name).splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines))


def _clean(name: str) -> str:
    return re.sub(r"\s+", "", name)  # the source carries stray spaces from PDF extraction


def load_reference_data(session: Session) -> ReferenceLoad:
    """Insert what is missing; never rewrites rows already there (they may have been curated)."""
    provinces = _insert_missing(
        session, Province, Province.code,
        [{"code": r["code"], "name": r["name"]} for r in _rows("divisions-provinces.csv")],
    )
    cities = _insert_missing(
        session, City, City.code,
        [{"code": r["code"], "name": r["name"], "province_code": r["provinceCode"]}
         for r in _rows("divisions-cities.csv")],
    )
    campaign = [r["code"] for r in _rows("campaign-cities.csv")]
    session.execute(update(City).where(City.code.in_(campaign)).values(is_campaign_city=True))
    occupations = _load_occupations(session)
    session.flush()
    campaigns = load_shipped_campaigns(session)
    return ReferenceLoad(provinces, cities, occupations, len(campaign), campaigns)


def _insert_missing(session: Session, model: type[Base], key_column: InstrumentedAttribute[str], rows: list[dict[str, str]]) -> int:
    existing = set(session.scalars(select(key_column)))
    missing = [row for row in rows if row[key_column.key] not in existing]
    if missing:
        session.execute(model.__table__.insert(), missing)
    return len(missing)


def _load_occupations(session: Session) -> int:
    data = json.loads(_data_text("occupations-2022.json"))
    five_levels = [level.code for level in appraised_levels("skill-2022")]
    existing = set(session.scalars(select(Occupation.code).where(Occupation.edition == OCCUPATION_EDITION)))
    rows = []
    for item in data["occupations"]:
        code = item["code"]
        if code in existing:
            continue
        major, middle, minor = code[:1], code[:4], code[:7]
        rows.append({
            "edition": OCCUPATION_EDITION,
            "code": code,
            "name": _clean(item["name"]),
            "major_name": _clean(data["major_categories"][major]),
            "middle_name": _clean(data["middle_categories"].get(middle, "")),
            "minor_name": _clean(data["minor_categories"].get(minor, "")),
            "appraised_levels": five_levels if major in SKILL_MAJOR_CATEGORIES else [],
        })
    if rows:
        session.execute(Occupation.__table__.insert(), rows)
    return len(rows)


def find_occupation(session: Session, code: str, edition: int = OCCUPATION_EDITION) -> Occupation | None:
    return session.scalar(select(Occupation).where(Occupation.edition == edition, Occupation.code == code))
