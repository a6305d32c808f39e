"""Institutions and their accreditation scope."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ladder.frameworks import get_level

from ..errors import Duplicate, ValidationFailed
from ..models import Accreditation, City, Institution, InstitutionKind, Occupation, User
from .audit import record


def create_institution(
    session: Session, *, name: str, kind: InstitutionKind, city_code: str, credit_code: str | None = None,
    by: User | None,
) -> Institution:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed("required", field="name")
    if session.get(City, city_code) is None:
        raise ValidationFailed("unknown_city", field="city_code", city=city_code)
    if session.scalar(select(Institution.id).where(Institution.name == name)) is not None:
        raise Duplicate("institution", field="name", name=name)
    institution = Institution(name=name, kind=kind, city_code=city_code, credit_code=credit_code)
    session.add(institution)
    session.flush()
    record(session, actor=by, action="institution.created", entity_type="institution",
           entity_id=institution.id, after={"name": name, "kind": kind.value, "city": city_code})
    return institution


def accredit(
    session: Session, institution: Institution, occupation: Occupation, *, max_level: str,
    valid_from: date, valid_until: date | None = None, by: User | None,
) -> Accreditation:
    if max_level not in occupation.appraised_levels:
        raise ValidationFailed("level_not_appraised", field="max_level", occupation=occupation.name,
                               level=_level_name(max_level))
    accreditation = Accreditation(institution=institution, occupation=occupation, max_level=max_level,
                                  valid_from=valid_from, valid_until=valid_until)
    session.add(accreditation)
    session.flush()
    record(session, actor=by, action="institution.accredited", entity_type="institution",
           entity_id=institution.id,
           after={"occupation": occupation.code, "max_level": max_level, "valid_from": valid_from.isoformat(),
                  "valid_until": valid_until.isoformat() if valid_until else None})
    return accreditation


def is_accredited(session: Session, institution: Institution, occupation: Occupation, level: str,
                  on: date) -> bool:
    return accreditation_scope(session, institution, [occupation.id]).covers(occupation.id, level, on)


class AccreditationScope:
    """What an institution may train or appraise, read once and asked many times (bulk imports)."""

    def __init__(self, accreditations: Iterable[Accreditation]) -> None:
        self._by_occupation: dict[int, list[Accreditation]] = defaultdict(list)
        for accreditation in accreditations:
            self._by_occupation[accreditation.occupation_id].append(accreditation)

    def covers(self, occupation_id: int, level: str, on: date) -> bool:
        wanted = get_level(level).rank
        return any(scope.covers(on) and get_level(scope.max_level).rank >= wanted
                   for scope in self._by_occupation.get(occupation_id, ()))


def accreditation_scope(session: Session, institution: Institution,
                        occupation_ids: Iterable[int] | None = None) -> AccreditationScope:
    statement = select(Accreditation).where(Accreditation.institution_id == institution.id)
    if occupation_ids is not None:
        statement = statement.where(Accreditation.occupation_id.in_(list(occupation_ids)))
    return AccreditationScope(session.scalars(statement))


def _level_name(code: str) -> tuple[str, str]:
    level = get_level(code)
    return (level.name_zh, level.name_en)
