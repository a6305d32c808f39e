"""A worker's facts as the record shows them: every version of every work period, diploma, apprenticeship and
title, the current ones first, with the ones corrected or withdrawn kept for the record's history.

Visibility is the worker's (`scopes.worker_scope`): whoever may see the worker sees their facts; the callers
load the worker through that scope first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, selectinload

from ..models import Apprenticeship, Diploma, FactState, Institution, ProfessionalTitle, WorkPeriod

F = TypeVar("F", WorkPeriod, Diploma, Apprenticeship, ProfessionalTitle)
Fact = WorkPeriod | Diploma | Apprenticeship | ProfessionalTitle
KINDS: dict[str, type[Fact]] = {
    "work_period": WorkPeriod, "diploma": Diploma, "apprenticeship": Apprenticeship, "title": ProfessionalTitle,
}


@dataclass
class FactsOf:
    """One kind's rows: `current` (what the record says now) and `earlier` (corrected or withdrawn)."""

    current: list[Fact] = field(default_factory=list)
    earlier: list[Fact] = field(default_factory=list)

    @property
    def unverified(self) -> list[Fact]:
        return [fact for fact in self.current if not fact.counts]


@dataclass
class WorkerFacts:
    work_periods: FactsOf
    diplomas: FactsOf
    apprenticeships: FactsOf
    titles: FactsOf

    def of(self, kind: str) -> FactsOf:
        """One kind's rows, the kind named as in `KINDS`."""
        return {"work_period": self.work_periods, "diploma": self.diplomas, "apprenticeship": self.apprenticeships,
                "title": self.titles}[kind]

    @property
    def claims_waiting(self) -> int:
        """How many of the worker's claims wait for an official."""
        return sum(len(kind.unverified) for kind in (self.work_periods, self.diplomas, self.titles))


def _rows(session: Session, model: type[F], worker_id: int, *order: ColumnElement[Any]) -> FactsOf:
    statement = select(model).where(model.worker_id == worker_id)
    if model is WorkPeriod:
        statement = statement.options(selectinload(WorkPeriod.occupation), selectinload(WorkPeriod.related_to),
                                      selectinload(WorkPeriod.employer))
    elif model is Diploma:
        statement = statement.options(selectinload(Diploma.major_occupation))
    elif model is Apprenticeship:
        statement = statement.options(selectinload(Apprenticeship.occupation))
    facts = FactsOf()
    for fact in session.scalars(statement.options(selectinload(model.attested_by_institution))
                                .order_by(*order, model.id.desc())):
        (facts.current if fact.state is FactState.CURRENT else facts.earlier).append(fact)
    return facts


def facts_of(session: Session, worker_id: int) -> WorkerFacts:
    """Four queries (plus the related rows they name): every version of every fact, newest first."""
    return WorkerFacts(
        work_periods=_rows(session, WorkPeriod, worker_id, WorkPeriod.started_on.desc()),
        diplomas=_rows(session, Diploma, worker_id, Diploma.graduated_on.desc()),
        apprenticeships=_rows(session, Apprenticeship, worker_id, Apprenticeship.started_on.desc()),
        titles=_rows(session, ProfessionalTitle, worker_id, ProfessionalTitle.obtained_on.desc()),
    )


def fact_of(session: Session, kind: str, worker_id: int, fact_id: int) -> Fact | None:
    """One fact of the worker's, of a kind named as in `KINDS` (None: no such kind, or not the worker's)."""
    model = KINDS.get(kind)
    if model is None:
        return None
    found = session.scalar(select(model).where(model.id == fact_id, model.worker_id == worker_id))
    return cast("Fact | None", found)  # select() of a union of models types as their Base


def institution_named(session: Session, name: str | None) -> Institution | None:
    """The institution of the registry with exactly this name (names are unique), if any: a fact naming it is
    linked to it, and its staff are the ones to attest the worker's claim."""
    name = " ".join((name or "").split())
    return session.scalar(select(Institution).where(Institution.name == name)) if name else None
