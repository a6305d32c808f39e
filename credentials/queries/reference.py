"""Reference data as people name it: occupations and cities found by code or by name, for the searchable
pickers of every form (nobody should have to know a code) and for what a picker sends back."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.orm import Session

from ..models import City, Occupation, Province
from ..services.reference import OCCUPATION_EDITION

PICKER_LIMIT = 20
T = TypeVar("T")
_CODE_AND_NAME = re.compile(r"^\s*([\d-]+)\s+\S")  # "6-18-01-01 车工", what a picker option reads


def occupations_matching(term: str, *, limit: int = PICKER_LIMIT) -> Select[Occupation]:
    """Occupations of the current classification whose code starts with, or whose name contains, `term`:
    exact codes first, then codes, then names, each in code order."""
    term = term.strip()
    statement = select(Occupation).where(Occupation.edition == OCCUPATION_EDITION)
    if term:
        statement = statement.where(or_(Occupation.code.startswith(term, autoescape=True),
                                        Occupation.name.contains(term, autoescape=True)))
    return statement.order_by((Occupation.code != term), ~Occupation.code.startswith(term, autoescape=True),
                              Occupation.code).limit(limit)


def cities_matching(term: str, *, limit: int = PICKER_LIMIT) -> Select[City]:
    """Prefecture-level cities whose code starts with, or whose name contains, `term` (campaign cities first)."""
    term = term.strip()
    statement = select(City)
    if term:
        in_municipality = and_(City.name == "市辖区", City.province_code.in_(
            select(Province.code).where(Province.name.contains(term, autoescape=True))))
        statement = statement.where(or_(City.code.startswith(term, autoescape=True),
                                        City.name.contains(term, autoescape=True), in_municipality))
    return statement.order_by(City.code != term, City.is_campaign_city.desc(), City.code).limit(limit)


def occupation_named(session: Session, text: str) -> Occupation | None:
    """The occupation a form names: its code, "code name" as a picker option reads, or its exact name."""
    text = text.strip()
    found = _CODE_AND_NAME.match(text)
    code = found.group(1) if found else text
    current = select(Occupation).where(Occupation.edition == OCCUPATION_EDITION)
    return (session.scalar(current.where(Occupation.code == code))
            or _only(session.scalars(current.where(Occupation.name == text).limit(2)).all()))


def city_named(session: Session, text: str) -> City | None:
    """The city a form names: its 4-digit code, "code name", or its exact name (苏州市, or 苏州)."""
    text = text.strip()
    found = _CODE_AND_NAME.match(text)
    code = found.group(1) if found else text
    by_code = session.get(City, code) if re.fullmatch(r"\d{4}", code) else None
    if by_code is not None:
        return by_code
    return _only(session.scalars(select(City).where(_city_name_is(text)).limit(2)).all())


def _only(found: Sequence[T]) -> T | None:
    """The one match; None when there is none, or more than one (the form then asks for the code)."""
    return found[0] if len(found) == 1 else None


def _city_name_is(text: str) -> ColumnElement[bool]:
    """苏州市 or 苏州; a municipality's districts (named 市辖区) answer to the municipality's name, 北京市."""
    names = [text, text + "市", text.removesuffix("市")]
    municipality = City.province_code.in_(select(Province.code).where(Province.name.in_(names)))
    return or_(City.name.in_(names), and_(City.name == "市辖区", municipality))
