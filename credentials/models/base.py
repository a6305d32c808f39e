"""The declarative base every record model shares (owned by the domain, bound by the app)."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import JSON, DateTime, Enum, MetaData, Table
from sqlalchemy.orm import DeclarativeBase, registry

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def str_enum(enum_cls: type[enum.Enum]) -> Enum:
    """Store enum *values* (not member names) so CheckConstraints written with values match."""
    return Enum(
        enum_cls,
        values_callable=lambda members: [m.value for m in members],
        native_enum=False,
        validate_strings=True,
        length=32,
    )


class Base(DeclarativeBase):
    if TYPE_CHECKING:
        __table__: ClassVar[Table]  # every model maps one Table (DeclarativeBase says FromClause, which has no insert())

    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={
            datetime: DateTime(timezone=True),
            dict: JSON,
            list: JSON,
            # The parametrised JSON shapes the models declare (the registry does not fall back to `dict`/`list`).
            dict[str, Any]: JSON,
            list[str]: JSON,
            list[dict[str, str]]: JSON,
            list[dict[str, Any]]: JSON,
        },
    )

    def __repr__(self) -> str:
        pk = getattr(self, "id", None) or getattr(self, "code", None)
        return f"<{type(self).__name__} {pk}>"
