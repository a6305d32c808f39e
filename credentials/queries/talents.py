"""The campaign cities' public skilled-talent pages (plan 四(四), 舆论宣传): per city its masters' studios, honours
and competition medals, and for the index how many people each city's page shows.

Only people who agreed (`consent.consenting_workers`) and only live records (a merged record is the person's old
duplicate: `Worker.merged_into_id IS NULL`) ever come out of here, and of a person only what they agreed to show:
the masked name and the achievement, with the occupation and level of their highest valid certificate beside an
honour. Never the ID number, birth date, employer or contact: a masked name beside an employer and an occupation
would point at one person in a small enterprise, and the consent the worker gave (templates/worker/my_data.html)
names none of them. A studio is listed only while its current master agreed, since studios are usually named after
the master; the master's full name inside the studio's name is masked too.

Whose city: an honour or a medal counts for the city the worker lives in now (Worker.city_code); a studio for the
city that recognised it. Cities: those taking part in any campaign.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, distinct, func, or_, select, union
from sqlalchemy.orm import Session, aliased

from ladder.frameworks import all_frameworks

from ..clock import china_today
from ..identity import mask_name
from ..models import (
    CampaignCity,
    Certificate,
    CertificateStatus,
    City,
    Competition,
    CompetitionResult,
    Honour,
    MemberRole,
    Occupation,
    Programme,
    ProgrammeKind,
    ProgrammeMember,
    ProgrammeTier,
    Province,
    Worker,
)
from .consent import consenting_workers

MEDALS = ("gold", "silver", "bronze", "excellence")  # ladder.competitions medals; "participant" is no medal
SECTION_LIMIT = 200  # rows per section of one page, the latest first
AnySelect = Select[*tuple[Any, ...]]  # a SELECT of any columns
_RANKS = {level.code: level.rank for fw in all_frameworks() for level in fw.levels}


@dataclass(frozen=True)
class TalentCity:
    code: str
    name: str
    province_name: str
    people: int  # distinct people its page shows


@dataclass(frozen=True)
class StudioRow:
    name: str  # the master's name in it masked
    tier: ProgrammeTier
    master: str  # masked
    occupation: str | None
    apprentices: int  # every apprentice on record, past and present
    recognised_on: date


@dataclass(frozen=True)
class HonourRow:
    title: str  # ladder vocabulary "honours" code
    year: int
    awarding_body: str
    name: str  # masked
    occupation: str | None  # of the highest valid certificate
    level: str | None
    framework: str | None


@dataclass(frozen=True)
class MedalRow:
    competition: str
    tier: str  # ladder.competitions tier code
    medal: str  # gold, silver, bronze, excellence
    year: int
    name: str  # masked


@dataclass(frozen=True)
class CityTalents:
    code: str
    name: str
    province_name: str
    studios: tuple[StudioRow, ...]
    honours: tuple[HonourRow, ...]
    medals: tuple[MedalRow, ...]
    truncated: bool  # a section held more than SECTION_LIMIT rows


def _shown(statement: AnySelect) -> AnySelect:
    """Only consenting workers, and never a merged record (the statement must read Worker)."""
    return consenting_workers(statement).where(Worker.merged_into_id.is_(None))


def _current_master(on: date) -> ColumnElement[bool]:
    return and_(ProgrammeMember.role == MemberRole.MASTER, ProgrammeMember.started_on <= on,
                or_(ProgrammeMember.ended_on.is_(None), ProgrammeMember.ended_on >= on))


def _running_studio(on: date) -> ColumnElement[bool]:
    return and_(Programme.kind == ProgrammeKind.MASTERS_STUDIO, Programme.recognised_on <= on,
                or_(Programme.ends_on.is_(None), Programme.ends_on >= on))


def _honour_people() -> AnySelect:
    return _shown(select(Worker.id.label("worker_id"), Worker.city_code.label("city_code"))
                  .join(Honour, Honour.worker_id == Worker.id))


def _medal_people() -> AnySelect:
    return _shown(select(Worker.id.label("worker_id"), Worker.city_code.label("city_code"))
                  .join(CompetitionResult, CompetitionResult.worker_id == Worker.id)
                  .where(CompetitionResult.medal.in_(MEDALS)))


def _master_people(on: date) -> AnySelect:
    return _shown(select(Worker.id.label("worker_id"), Programme.city_code.label("city_code"))
                  .join(ProgrammeMember, ProgrammeMember.worker_id == Worker.id)
                  .join(Programme, Programme.id == ProgrammeMember.programme_id)
                  .where(_current_master(on), _running_studio(on)))


def _campaign_cities() -> AnySelect:
    return select(CampaignCity.city_code).distinct()


def _city_name_contains(term: str) -> ColumnElement[bool]:
    """苏州 finds 苏州市; 北京 finds Beijing's 市辖区 (a municipality's districts go by the municipality's name)."""
    return or_(City.name.contains(term, autoescape=True),
               and_(City.name == "市辖区", Province.name.contains(term, autoescape=True)))


def talent_cities(session: Session, search: str = "", *, today: date | None = None) -> list[TalentCity]:
    """The campaign cities (those whose name contains `search`), each with how many people its page shows."""
    on = today or china_today()
    people = union(_honour_people(), _medal_people(), _master_people(on)).subquery()
    counts: dict[str, int] = dict(session.execute(select(people.c.city_code, func.count(distinct(people.c.worker_id)))
                                  .group_by(people.c.city_code)).all())
    statement = (select(City, Province.name).join(Province, Province.code == City.province_code)
                 .where(City.code.in_(_campaign_cities())).order_by(City.code))
    if search.strip():
        statement = statement.where(_city_name_contains(search.strip()))
    return [TalentCity(city.code, city.full_name, province, counts.get(city.code, 0))
            for city, province in session.execute(statement)]


def city_talents(session: Session, city_code: str, *, today: date | None = None) -> CityTalents | None:
    """A campaign city's studios, honours and medals of consenting people; None for any other code."""
    found = session.execute(select(City, Province.name).join(Province, Province.code == City.province_code)
                            .where(City.code == city_code, City.code.in_(_campaign_cities()))).first()
    if found is None:
        return None
    city, province = found
    on = today or china_today()
    studios, honours, medals = _studios(session, city_code, on), _honours(session, city_code), _medals(session, city_code)
    truncated = any(len(rows) > SECTION_LIMIT for rows in (studios, honours, medals))
    return CityTalents(city.code, city.full_name, province, tuple(studios[:SECTION_LIMIT]),
                       tuple(honours[:SECTION_LIMIT]), tuple(medals[:SECTION_LIMIT]), truncated)


def _studios(session: Session, city_code: str, on: date) -> list[StudioRow]:
    apprentice = aliased(ProgrammeMember)  # the outer query reads the master's membership row
    apprentices = (select(func.count(apprentice.id))
                   .where(apprentice.programme_id == Programme.id, apprentice.role == MemberRole.APPRENTICE)
                   .correlate(Programme).scalar_subquery())
    rows = session.execute(_shown(
        select(Programme.name, Programme.tier, Worker.name, Occupation.name, apprentices, Programme.recognised_on)
        .join(ProgrammeMember, ProgrammeMember.programme_id == Programme.id)
        .join(Worker, Worker.id == ProgrammeMember.worker_id)
        .outerjoin(Occupation, Occupation.id == Programme.occupation_id)
        .where(Programme.city_code == city_code, _running_studio(on), _current_master(on))
        .order_by(Programme.recognised_on.desc(), Programme.id.desc()).limit(SECTION_LIMIT + 1)))
    return [StudioRow(_masked_in(name, master), tier, mask_name(master), occupation, count, recognised_on)
            for name, tier, master, occupation, count, recognised_on in rows]


def _masked_in(text: str, full_name: str) -> str:
    """The studio's name with the master's full name in it masked (李斌技能大师工作室 → 李*技能大师工作室)."""
    full_name = " ".join(full_name.split())
    return text.replace(full_name, mask_name(full_name)) if full_name else text


def _honours(session: Session, city_code: str) -> list[HonourRow]:
    rows = session.execute(_shown(
        select(Honour.title, Honour.year, Honour.awarding_body, Worker.name, Worker.id)
        .join(Worker, Worker.id == Honour.worker_id).where(Worker.city_code == city_code)
        .order_by(Honour.year.desc(), Honour.title, Honour.id).limit(SECTION_LIMIT + 1))).all()
    highest = _highest_certificates(session, {worker_id for *_, worker_id in rows})
    found = []
    for title, year, body, name, worker_id in rows:
        occupation, level, framework = highest.get(worker_id, (None, None, None))
        found.append(HonourRow(title, year, body, mask_name(name), occupation, level, framework))
    return found


def _highest_certificates(session: Session, worker_ids: set[int]) -> dict[int, tuple[str, str, str]]:
    """worker id → (occupation name, level code, framework) of the highest valid certificate (on a tie, the first)."""
    if not worker_ids:
        return {}
    rows = session.execute(
        select(Certificate.worker_id, Occupation.name, Certificate.level, Certificate.framework, Certificate.issued_on)
        .join(Occupation, Occupation.id == Certificate.occupation_id)
        .where(Certificate.worker_id.in_(worker_ids), Certificate.status == CertificateStatus.VALID))
    best: dict[int, tuple[tuple[int, int], tuple[str, str, str]]] = {}
    for worker_id, occupation, level, framework, issued_on in rows:
        key = (_RANKS.get(level, 0), -issued_on.toordinal())
        if worker_id not in best or key > best[worker_id][0]:
            best[worker_id] = (key, (occupation, level, framework))
    return {worker_id: held for worker_id, (_, held) in best.items()}


def _medals(session: Session, city_code: str) -> list[MedalRow]:
    medal_order = {medal: position for position, medal in enumerate(MEDALS)}
    rows = session.execute(_shown(
        select(Competition.name, Competition.tier, CompetitionResult.medal, Competition.ends_on, Worker.name)
        .join(CompetitionResult, CompetitionResult.competition_id == Competition.id)
        .join(Worker, Worker.id == CompetitionResult.worker_id)
        .where(Worker.city_code == city_code, CompetitionResult.medal.in_(MEDALS))
        .order_by(Competition.ends_on.desc(), Competition.id.desc()).limit(SECTION_LIMIT + 1))).all()
    ordered = sorted(rows, key=lambda row: (-row[3].toordinal(), medal_order.get(row[2] or "", 9)))
    return [MedalRow(name, tier, medal or "", ends_on.year, mask_name(worker))
            for name, tier, medal, ends_on, worker in ordered]
