"""The indicator series of the programmes registry (plan 四(三)), in the form `credentials.services.tally_series`
defines: per counted table a facts loader, a pure per-row rule and the same rule set-based.

Every series counts in the programme's city (4-digit code):

| series | source | counts | month | key |
|---|---|---|---|---|
| programmes.count | programmes | 1 per programme | recognised_on (recognised, started, awarded) | `<kind>:<tier>` |
| programmes.people | programme_members | 1 per person entered | started_on | `<kind>:<role>` |
| programmes.funding | programme_fundings | amount (yuan) | granted_on | `<kind>:<tier>` |
| programmes.funding_source | programme_fundings | amount (yuan) | granted_on | source |

Kinds: training_base, masters_studio,
technician_cohort, special_allowance; tiers: national, provincial, city; roles: master, apprentice, trainee,
recipient; sources: `credentials.models.FundingSource`. A programme that moves city, or whose kind or tier is
corrected, moves its people's and its funding's counts with it (`links`). A programme counts in its own city
whatever its tier: a national studio in Suzhou is one of Suzhou's.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from ..models import Programme, ProgrammeFunding, ProgrammeMember
from .tally_series import Count, Link, Source, as_text, count_of, facts_of, month_of, month_start, summed_series, tally_columns

PROGRAMME_FIELDS = frozenset({"city_code", "kind", "tier"})  # what a member's or a grant's count reads of its programme


def _key(*parts: Any) -> ColumnElement[str]:
    """`a:b` in SQL, from enum columns stored as their values."""
    joined: ColumnElement[str] = as_text(parts[0])
    for part in parts[1:]:
        joined = joined.concat(":").concat(as_text(part))
    return joined


# ---- programmes --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ProgrammeFacts:
    id: int
    city_code: str
    kind: str
    tier: str
    recognised_on: date


def load_programmes(session: Session, ids: Sequence[int], lock: bool) -> list[ProgrammeFacts]:
    statement: Any = select(Programme.id, Programme.city_code, Programme.kind, Programme.tier, Programme.recognised_on)
    return [ProgrammeFacts(r.id, r.city_code, r.kind.value, r.tier.value, r.recognised_on)
            for r in facts_of(session, statement, Programme.id, ids, lock)]


def count_programme(p: ProgrammeFacts) -> Iterator[Count]:
    yield Count("programmes.count", p.city_code, month_of(p.recognised_on), f"{p.kind}:{p.tier}", count_of())


def recount_programmes(session: Session) -> list[Select[Any]]:
    return [summed_series("programmes.count", select(*tally_columns(Programme.city_code, month_start(session, Programme.recognised_on),
                                                     _key(Programme.kind, Programme.tier))))]


# ---- people ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MemberFacts:
    id: int
    city_code: str
    kind: str
    role: str
    started_on: date


def load_members(session: Session, ids: Sequence[int], lock: bool) -> list[MemberFacts]:
    statement: Any = (select(ProgrammeMember.id, Programme.city_code, Programme.kind, ProgrammeMember.role,
                        ProgrammeMember.started_on)
                 .join(Programme, Programme.id == ProgrammeMember.programme_id))
    return [MemberFacts(r.id, r.city_code, r.kind.value, r.role.value, r.started_on)
            for r in facts_of(session, statement, ProgrammeMember.id, ids, lock)]


def count_member(m: MemberFacts) -> Iterator[Count]:
    yield Count("programmes.people", m.city_code, month_of(m.started_on), f"{m.kind}:{m.role}", count_of())


def recount_members(session: Session) -> list[Select[Any]]:
    people = select(ProgrammeMember).join(Programme, Programme.id == ProgrammeMember.programme_id)
    return [summed_series("programmes.people", people.with_only_columns(*tally_columns(
        Programme.city_code, month_start(session, ProgrammeMember.started_on), _key(Programme.kind, ProgrammeMember.role))))]


# ---- funding -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FundingFacts:
    id: int
    city_code: str
    kind: str
    tier: str
    source: str
    granted_on: date
    amount: Decimal


def load_fundings(session: Session, ids: Sequence[int], lock: bool) -> list[FundingFacts]:
    statement: Any = (select(ProgrammeFunding.id, Programme.city_code, Programme.kind, Programme.tier,
                        ProgrammeFunding.source, ProgrammeFunding.granted_on, ProgrammeFunding.amount)
                 .join(Programme, Programme.id == ProgrammeFunding.programme_id))
    return [FundingFacts(r.id, r.city_code, r.kind.value, r.tier.value, r.source.value, r.granted_on, r.amount)
            for r in facts_of(session, statement, ProgrammeFunding.id, ids, lock)]


def count_funding(f: FundingFacts) -> Iterator[Count]:
    month, amount = month_of(f.granted_on), Decimal(f.amount)
    yield Count("programmes.funding", f.city_code, month, f"{f.kind}:{f.tier}", amount)
    yield Count("programmes.funding_source", f.city_code, month, f.source, amount)


def recount_fundings(session: Session) -> list[Select[Any]]:
    grants = select(ProgrammeFunding).join(Programme, Programme.id == ProgrammeFunding.programme_id)
    month = month_start(session, ProgrammeFunding.granted_on)
    return [
        summed_series("programmes.funding", grants.with_only_columns(*tally_columns(
            Programme.city_code, month, _key(Programme.kind, Programme.tier), ProgrammeFunding.amount))),
        summed_series("programmes.funding_source", grants.with_only_columns(*tally_columns(
            Programme.city_code, month, as_text(ProgrammeFunding.source), ProgrammeFunding.amount))),
    ]


PROGRAMME_SOURCES: tuple[Source, ...] = (
    Source(Programme, ("programmes.count",), load_programmes, count_programme, recount_programmes),
    Source(ProgrammeMember, ("programmes.people",), load_members, count_member, recount_members,
           links=(Link(Programme, "id", ProgrammeMember.programme_id, PROGRAMME_FIELDS),)),
    Source(ProgrammeFunding, ("programmes.funding", "programmes.funding_source"), load_fundings, count_funding,
           recount_fundings, links=(Link(Programme, "id", ProgrammeFunding.programme_id, PROGRAMME_FIELDS),)),
)
PROGRAMME_SERIES = frozenset(series for source in PROGRAMME_SOURCES for series in source.series)
