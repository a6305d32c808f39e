"""Merge two records of one person, or judge them two people (the pairs of credentials/queries/duplicates.py).

A merge moves every row that names the merged worker to the survivor, found from the declared foreign keys
(`movable_references`: a table added later is moved without anyone listing it), and lists the moved ids per
column in `WorkerMerge.moved` and the audit trail, so that each row can be traced back to the record it came
from. Nothing is deleted: the merged record stays, hidden, with `merged_into_id` naming the survivor. When a
move would break a unique constraint (the same competition result or honour on both records) nothing moves
and the Conflict names the rows, except for accounts: the survivor's account is kept and the merged record's
account is disabled (sessions and tokens ended), never moved.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Index, Table, UniqueConstraint, and_, select, true, update
from sqlalchemy.orm import Session

from ladder.i18n import Text

from ..errors import Conflict, Forbidden, ValidationFailed
from ..identity import mask_name
from ..models import ApiToken, Certificate, DismissedDuplicate, DuplicateKind, User, Worker, WorkerMerge, utcnow
from ..models.merges import REASON_MAX
from ..models.references import Reference
from ..permissions import is_observer, may_merge_workers
from ..queries.duplicates import movable_references
from .accounts import end_all_sessions
from .amendments import amend
from .audit import record
from .status_lists import supersede_status_index
from .tallies import recount_workers

ACCOUNTS = "users.worker_id"
# What a refused merge names, in the officer's words (any other table by its name).
TABLE_NAMES = {
    "users": Text("账号", "account"),
    "honours": Text("荣誉", "honour"),
    "competition_results": Text("竞赛成绩", "competition result"),
    "appraisal_results": Text("评价成绩", "appraisal result"),
    "training_records": Text("培训记录", "training record"),
    "worker_target_groups": Text("重点群体类别", "target group"),
    "programme_members": Text("技能人才项目中的身份", "part in a programme"),
}


def merge_workers(session: Session, survivor: Worker, merged: Worker, *, kind: DuplicateKind, reason: str,
                  by: User, birth_dates_confirmed: bool = False) -> WorkerMerge:
    """Merge `merged` into `survivor` (never commits). Differing birth dates need `birth_dates_confirmed`."""
    reason = _checked_reason(reason)
    _check_may_decide(by, survivor, merged)
    if survivor.id == merged.id:
        raise ValidationFailed("binding", field="survivor", reason=Text("请选择两份不同的记录", "choose two different records"))
    for worker in (survivor, merged):
        if worker.merged_into_id is not None:
            raise Conflict("already_merged", worker_id=worker.id)
    if survivor.birth_date != merged.birth_date and not birth_dates_confirmed:
        raise ValidationFailed("binding", field="birth_dates_confirmed", reason=Text(
            f"两份记录的出生日期不同（{survivor.birth_date:%Y-%m-%d} 与 {merged.birth_date:%Y-%m-%d}）：核实是同一人后请勾选确认",
            f"The two records have different birth dates ({survivor.birth_date:%Y-%m-%d} and "
            f"{merged.birth_date:%Y-%m-%d}): confirm that they are one person"))
    session.flush()
    accounts = {worker.id: session.scalar(select(User).where(User.worker_id == worker.id)) for worker in (survivor, merged)}
    keep_accounts_apart = accounts[survivor.id] is not None and accounts[merged.id] is not None
    references = [ref for ref in movable_references() if not (keep_accounts_apart and ref.name == ACCOUNTS)]
    collisions = [found for reference in references for found in _collisions(session, reference, survivor, merged)]
    if collisions:
        raise Conflict("merge_collides", rows=Text("；".join(zh for zh, _ in collisions), "; ".join(en for _, en in collisions)))

    with recount_workers(session, (survivor.id, merged.id)):  # the indicator tallies follow the moved rows
        moved = {reference.name: ids for reference in references if (ids := _move(session, reference, survivor, merged))}
    deactivated = accounts[merged.id] if keep_accounts_apart else None
    if deactivated is not None:
        _disable_account(session, deactivated, by=by, survivor=survivor)
    session.expire_all()  # the rows above moved under the ORM's feet
    merged.merged_into_id = survivor.id
    merge = WorkerMerge(survivor_id=survivor.id, merged_id=merged.id, kind=kind, reason=reason, moved=moved,
                        deactivated_user_id=deactivated.id if deactivated is not None else None, decided_by_id=by.id)
    session.add(merge)
    session.flush()
    _supersede_moved_credentials(session, moved.get(MOVED_CERTIFICATES, []), survivor, merged, reason=reason, by=by)
    record(session, actor=by, action="worker.merged", entity_type="worker", entity_id=survivor.id,
           before={"merged_worker_id": merged.id, "merged_into": None, "merged_worker": _snapshot(merged),
                   "survivor": _snapshot(survivor)},
           after={"merged_worker_id": merged.id, "merged_into": survivor.id, "merge_id": merge.id,
                  "kind": kind.value, "reason": reason, "moved": moved,
                  "deactivated_user_id": merge.deactivated_user_id,
                  "birth_dates_confirmed": survivor.birth_date != merged.birth_date})
    return merge


def dismiss_pair(session: Session, first: Worker, second: Worker, *, reason: str, by: User) -> DismissedDuplicate:
    """Judge two candidate records two different people: the pair stops showing (never commits)."""
    reason = _checked_reason(reason)
    _check_may_decide(by, first, second)
    if first.id == second.id:
        raise ValidationFailed("binding", field="reason", reason=Text("请选择两份不同的记录", "choose two different records"))
    for worker in (first, second):
        if worker.merged_into_id is not None:
            raise Conflict("already_merged", worker_id=worker.id)
    low, high = sorted((first.id, second.id))
    if session.scalar(select(DismissedDuplicate.id).where(DismissedDuplicate.first_worker_id == low,
                                                          DismissedDuplicate.second_worker_id == high)):
        raise Conflict("already_dismissed")
    dismissal = DismissedDuplicate(first_worker_id=low, second_worker_id=high, reason=reason, dismissed_by_id=by.id)
    session.add(dismissal)
    session.flush()
    record(session, actor=by, action="worker.duplicate_dismissed", entity_type="worker", entity_id=low,
           after={"pair": [low, high], "reason": reason, "dismissal_id": dismissal.id})
    return dismissal


MOVED_CERTIFICATES = "certificates.worker_id"


def _supersede_moved_credentials(session: Session, certificate_ids: list[int], survivor: Worker, merged: Worker, *,
                                 reason: str, by: User) -> None:
    """A digital credential names its holder by a hash of the record's ID number: one issued while a certificate
    sat on the merged record names the wrong number, so it is superseded (its status bit set for good) and the
    certificate's history says why; credentials downloaded from now on name the survivor."""
    for certificate_id in certificate_ids:
        certificate = session.get_one(Certificate, certificate_id)
        amendment = amend(session, worker_id=survivor.id, entity_type="certificate", entity_id=certificate_id,
                          action="holder_merged", before={"worker_id": merged.id}, after={"worker_id": survivor.id},
                          reason=reason, by=by)
        supersede_status_index(session, certificate, amendment)


def _checked_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed("required", field="reason")
    if len(reason) > REASON_MAX:
        raise ValidationFailed("reason_too_long", field="reason", max=REASON_MAX)
    return reason


def _check_may_decide(by: User, first: Worker, second: Worker) -> None:
    if not may_merge_workers(by, first, second):
        raise Forbidden("ministry_observes" if is_observer(by) else "action")


def _snapshot(worker: Worker) -> dict[str, Any]:
    """Masked, never the full ID or name (the audit trail holds no full national ID)."""
    return {"id": worker.id, "name": mask_name(worker.name), "id_masked": worker.id_masked,
            "birth_date": worker.birth_date.isoformat(), "city": worker.city_code}


def _primary_key(table: Table) -> Column[Any]:
    (key,) = table.primary_key.columns  # every model table has a single-column surrogate key
    return key


def _unique_column_sets(reference: Reference) -> list[list[Column[Any]]]:
    """The unique constraints and unique indexes that include the reference column. A partial unique index
    counts as whole: it may refuse a merge the database would allow, but it never lets a duplicate through."""
    sets: dict[tuple[str, ...], list[Column[Any]]] = {}
    candidates = [list(constraint.columns) for constraint in reference.table.constraints
                  if isinstance(constraint, UniqueConstraint)]
    candidates += [[column for column in index.columns if isinstance(column, Column)]
                   for index in reference.table.indexes if isinstance(index, Index) and index.unique]
    if reference.column.unique:
        candidates.append([reference.column])
    for columns in candidates:
        if any(column.name == reference.column.name for column in columns):
            sets.setdefault(tuple(sorted(column.name for column in columns)), columns)
    return list(sets.values())


def _collisions(session: Session, reference: Reference, survivor: Worker,
                merged: Worker) -> list[tuple[str, str]]:
    """Rows of the merged worker that would duplicate a survivor's row under a unique constraint, as (zh, en)."""
    table, column = reference.table, reference.column
    key = _primary_key(table)
    found = []
    for columns in _unique_column_sets(reference):
        theirs, ours = table.alias("theirs"), table.alias("ours")
        same_values = [theirs.c[other.name] == ours.c[other.name] for other in columns if other.name != column.name]
        statement = (select(theirs.c[key.name], ours.c[key.name])
                     .select_from(theirs.join(ours, and_(true(), *same_values)))  # unique on the worker alone: any two
                     .where(theirs.c[column.name] == merged.id, ours.c[column.name] == survivor.id))
        for merged_row, survivor_row in session.execute(statement):
            zh, en = TABLE_NAMES.get(table.name, Text(table.name, table.name))
            found.append((f"{zh} {merged_row} 与 {survivor_row}", f"{en} {merged_row} and {survivor_row}"))
    return found


def _move(session: Session, reference: Reference, survivor: Worker, merged: Worker) -> list[int]:
    table, column = reference.table, reference.column
    key = _primary_key(table)
    ids = list(session.scalars(select(key).where(column == merged.id).order_by(key)))
    if ids:
        session.execute(update(table).where(column == merged.id).values({column.name: survivor.id}),
                        execution_options={"synchronize_session": False})
    return ids


def _disable_account(session: Session, account: User, *, by: User, survivor: Worker) -> None:
    """The merged record's own account, when the survivor has one: disabled, its sessions and tokens ended."""
    account.is_active = False
    end_all_sessions(session, account)
    session.execute(update(ApiToken).where(ApiToken.user_id == account.id, ApiToken.revoked_at.is_(None))
                    .values(revoked_at=utcnow()), execution_options={"synchronize_session": False})
    session.flush()
    record(session, actor=by, action="user.deactivated", entity_type="user", entity_id=account.id,
           before={"is_active": True}, after={"is_active": False, "reason": "worker.merged",
                                               "survivor_worker_id": survivor.id})
