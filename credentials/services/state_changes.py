"""The one way a record's state changes: a conditional UPDATE on the state and version the actor saw.

Two officers deciding the same request at once both pass their checks, but only one UPDATE matches; the
other gets `Conflict("already_decided")` naming the state that won, and writes nothing. Promotion requests,
competition promotion proposals and competitions' plan inclusion all change state through `move_state`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, Protocol, TypeVar

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..errors import Conflict

S = TypeVar("S", bound=enum.Enum)


class Versioned(Protocol):
    id: Any
    version: Any


def move_state(session: Session, record: Versioned, *, state: str, to: S, names: Mapping[S, tuple[str, str]],
               **values: object) -> S:
    """Set `record.<state>` to `to` (and `values`) if nobody changed it since it was read; returns the state
    it left. The record is refreshed from the database afterwards."""
    model = type(record)
    column = getattr(model, state)
    seen_state: S = getattr(record, state)
    seen_version = record.version
    changed = session.execute(
        update(model)
        .where(model.id == record.id, column == seen_state, model.version == seen_version)  # type: ignore[attr-defined]
        .values({state: to, "version": seen_version + 1, **values})
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        now = session.scalar(select(column).where(model.id == record.id))
        assert now is not None  # the record is still there: only its state moved on
        raise Conflict("already_decided", state=names[now])
    session.refresh(record)
    return seen_state
