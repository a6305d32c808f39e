"""Who looked at a worker's record, when and where: read back from the audit trail for the worker themself.

Staff are named with their organisation (an institution, a bureau, the registry's administrators) — the worker
has a right to know who processed their data (PIPL art. 45). Another worker is never named: a worker account
sees only its own record, so none should appear, and if one ever did it would show only as "a worker".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ladder.i18n import Text

from ..clock import china_now
from ..models import AuditEvent, BureauScope, City, Province, Role, User
from ..services.access_log import RECORD_VIEWED

# Where a record was opened (the `where` of services.access_log.record_view), in words.
PLACES = {
    "institution.worker": Text("培训评价机构的劳动者档案页", "the institution's page of your record"),
    "bureau.promotion": Text("人社部门的破格/越级申请审批页", "the bureau's decision page of a nomination"),
    "bureau.proposal": Text("人社部门的竞赛晋升审批页", "the bureau's decision page of a competition promotion"),
    "bureau.certificate": Text("人社部门的证书页（含完整履历）", "the bureau's page of a certificate, with your history"),
    "api.worker": Text("数据接口：劳动者信息", "the API: your details"),
    "api.worker_history": Text("数据接口：劳动者履历", "the API: your history"),
}
SYSTEM = Text("系统", "the system")
YOU = Text("本人", "you")
A_WORKER = Text("劳动者", "a worker")
ADMINISTRATORS = Text("登记系统管理员", "the registry's administrators")
MINISTRY = Text("人力资源社会保障部", "Ministry of Human Resources and Social Security")


@dataclass(frozen=True)
class Person:
    """Someone who did something to the worker's record: a name (None for nobody's own or another worker's)
    and the organisation they act for."""

    name: str | None
    organisation: Text

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "organisation": self.organisation.as_dict()}


@dataclass(frozen=True)
class RecordView:
    viewed_at: datetime  # China time
    viewer: Person
    where: str
    place: Text

    def as_dict(self) -> dict[str, object]:
        return {"viewed_at": self.viewed_at.isoformat(timespec="seconds"), "viewer": self.viewer.as_dict(),
                "where": self.where, "place": self.place.as_dict()}


def place_of(where: str) -> Text:
    return PLACES.get(where, Text(where, where))


def _bureau(session: Session, user: User) -> Text:
    if user.bureau_scope is BureauScope.CITY and user.region_code:
        city = session.get(City, user.region_code)
        region = city.full_name if city else user.region_code
    elif user.bureau_scope is BureauScope.PROVINCE and user.region_code:
        province = session.get(Province, user.region_code)
        region = province.name if province else user.region_code
    else:
        return MINISTRY
    return Text(f"{region}人力资源社会保障部门", f"Human resources and social security bureau, {region}")


def describe(session: Session, user: User | None, *, worker_id: int) -> Person:
    """Who `user` is, as the worker `worker_id` may be told."""
    if user is None:
        return Person(None, SYSTEM)
    if user.role is Role.WORKER:
        return Person(None, YOU if user.worker_id == worker_id else A_WORKER)
    if user.role is Role.INSTITUTION_STAFF and user.institution is not None:
        return Person(user.display_name, Text(user.institution.name, user.institution.name))
    if user.role is Role.BUREAU_OFFICER:
        return Person(user.display_name, _bureau(session, user))
    return Person(user.display_name, ADMINISTRATORS)


def people(session: Session, user_ids: Iterable[int | None], *, worker_id: int) -> dict[int, Person]:
    """`describe` for many accounts at once (one query)."""
    ids = {user_id for user_id in user_ids if user_id is not None}
    users = session.scalars(select(User).where(User.id.in_(ids))).all() if ids else []
    return {user.id: describe(session, user, worker_id=worker_id) for user in users}


def views_of(session: Session, worker_id: int) -> list[RecordView]:
    """Every noted look at the worker's record by someone else, newest first."""
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity_type == "worker", AuditEvent.entity_id == str(worker_id),
               AuditEvent.action == RECORD_VIEWED)
        .order_by(AuditEvent.id.desc())).all()
    viewers = people(session, (event.actor_id for event in events), worker_id=worker_id)
    views = []
    for event in events:
        where = str((event.after or {}).get("where", ""))
        viewer = viewers.get(event.actor_id) if event.actor_id is not None else None
        views.append(RecordView(china_now(event.occurred_at), viewer or describe(session, None, worker_id=worker_id),
                                where, place_of(where)))
    return views
