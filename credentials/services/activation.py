"""Workers open their own accounts: a registering or training institution hands the worker a one-time code,
and the worker signs up with their national ID, that code and a password of their own choosing.

Nobody else ever sets or learns a worker's password. The code is 8 characters from an alphabet without
look-alikes, valid 14 days, used once, stored only as a keyed hash; a new code replaces the earlier ones.
A wrong ID, a wrong code, a used or expired code and an account that exists already all get the same
answer, so the page tells nobody which IDs are registered.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..errors import AuthenticationFailed, Forbidden
from ..models import Role, User, Worker, WorkerActivation, utcnow
from ..passwords import check_password_policy, dummy_hash, verify_password
from ..queries.scopes import worker_scope
from ..vault import PersonalDataVault
from .accounts import create_user
from .audit import record

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
CODE_LENGTH = 8
VALID_FOR = timedelta(days=14)


def issue_activation_code(session: Session, vault: PersonalDataVault, worker: Worker, *, by: User,
                          now: datetime | None = None) -> str:
    """A fresh one-time code for `worker` (shown once to the staff member, to hand over in person)."""
    now = now or utcnow()
    if by.role is not Role.INSTITUTION_STAFF or session.scalar(
            select(Worker.id).where(Worker.id == worker.id, worker_scope(by))) is None:
        raise Forbidden("action")
    if session.scalar(select(User.id).where(User.worker_id == worker.id)) is not None:
        raise Forbidden("account_exists")
    session.execute(update(WorkerActivation).where(WorkerActivation.worker_id == worker.id,
                                                   WorkerActivation.used_at.is_(None))
                    .values(expires_at=now).execution_options(synchronize_session=False))
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    session.add(WorkerActivation(worker_id=worker.id, code_hash=_digest(vault, worker, code), issued_by_id=by.id,
                                 issued_at=now, expires_at=now + VALID_FOR))
    session.flush()
    record(session, actor=by, action="worker.activation_issued", entity_type="worker", entity_id=worker.id,
           after={"expires_at": (now + VALID_FOR).isoformat()})
    return code


def activate_worker_account(session: Session, vault: PersonalDataVault, *, national_id: str, code: str,
                            password: str, now: datetime | None = None) -> User:
    """Open the worker's account with the password they chose. Any mismatch: AuthenticationFailed("activation")."""
    now = now or utcnow()
    check_password_policy(password)
    code = "".join(code.split()).upper()
    try:
        worker = session.scalar(select(Worker).where(Worker.id_hash == vault.index(national_id)))
    except ValueError:
        worker = None
    activation = None
    if worker is not None:
        candidates = session.scalars(select(WorkerActivation).where(
            WorkerActivation.worker_id == worker.id, WorkerActivation.used_at.is_(None),
            WorkerActivation.expires_at > now)).all()
        digest = _digest(vault, worker, code)
        activation = next((a for a in candidates if hmac.compare_digest(a.code_hash, digest)), None)
    has_account = worker is not None and session.scalar(select(User.id).where(User.worker_id == worker.id))
    if worker is None or activation is None or has_account:
        verify_password(dummy_hash(), password)  # the same work as a success, whatever failed
        raise AuthenticationFailed("activation")
    activation.used_at = now
    user = create_user(session, role=Role.WORKER, password=password, worker=worker, by=None)
    record(session, actor=user, action="worker.account_opened", entity_type="worker", entity_id=worker.id)
    return user


def _digest(vault: PersonalDataVault, worker: Worker, code: str) -> str:
    return vault.keyed_digest("worker-activation", f"{worker.id}|{code}")
