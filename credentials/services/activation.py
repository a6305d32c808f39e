"""Workers open their own accounts: a registering or training institution hands the worker a one-time code,
and the worker signs up with their national ID, that code and a password of their own choosing.

Nobody else ever sets or learns a worker's password. The code is 8 characters from an alphabet without
look-alikes, valid 14 days, used once, stored only as a keyed hash; a new code replaces the earlier ones.
A wrong ID, a wrong code, a used or expired code and an account that exists already all get the same
answer, so the page tells nobody which IDs are registered.

A record the bureau merged into another (one person entered twice, services/merges.py) hands its unused codes
to the survivor with every other row, still keyed on the record they were issued for. Such a code opens the
survivor's account: a merge moves an account the worker opened from the merged record to the survivor, so
opening it a day after the merge ends where opening it a day before would. The worker types their number or
the merged record's (the one the code was issued with); a survivor's own code needs the survivor's number, as
before. When the survivor has an account already, whoever proved they hold the code (with a number it was
issued for) learns that, and which institution to ask, instead of the vague answer: no other code can help.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ladder.i18n import Text

from ..errors import AuthenticationFailed, CredentialsError, Forbidden
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


class MergedRecordHasAccount(CredentialsError):
    """A valid code of a merged record whose survivor has an account already (told only to the code's holder)."""

    status = 409
    messages = {"merged_account_exists": Text(
        "您的这份记录已与您的另一份记录合并，合并后的记录已开通账号，不能再开通：请用身份证号 {id_masked} "
        "和该账号的密码登录；如不记得密码，请联系{institution}",
        "This record of yours was merged with another record of yours, which already has an account, so no new "
        "account opens: sign in with national ID {id_masked} and that account's password; if you do not know "
        "it, ask {institution}")}


def activate_worker_account(session: Session, vault: PersonalDataVault, *, national_id: str, code: str,
                            password: str, now: datetime | None = None) -> User:
    """Open the worker's account with the password they chose (on the survivor of a merged record). Any
    mismatch: AuthenticationFailed("activation"); a merged record's survivor with an account: MergedRecordHasAccount."""
    now = now or utcnow()
    check_password_policy(password)
    code = "".join(code.split()).upper()
    try:
        typed = session.scalar(select(Worker).where(Worker.id_hash == vault.index(national_id)))
    except ValueError:
        typed = None
    worker = _survivor_of(session, typed) if typed is not None else None
    activation, digests = None, dict[str, int]()  # digest -> the record the code was issued for
    if typed is not None and worker is not None:
        issued_for = [typed.id] if typed.id != worker.id else [worker.id, *_merged_into(session, worker)]
        candidates = session.scalars(select(WorkerActivation).where(
            WorkerActivation.worker_id == worker.id, WorkerActivation.used_at.is_(None),
            WorkerActivation.expires_at > now)).all()
        digests = {_digest_for(vault, worker_id, code): worker_id for worker_id in issued_for}
        activation = next((a for a in candidates if any(hmac.compare_digest(a.code_hash, digest)
                                                        for digest in digests)), None)
    has_account = worker is not None and session.scalar(select(User.id).where(User.worker_id == worker.id))
    if worker is None or activation is None or has_account:
        verify_password(dummy_hash(), password)  # the same work as a success, whatever failed
        if worker is not None and activation is not None and digests[activation.code_hash] != worker.id:
            raise MergedRecordHasAccount("merged_account_exists", id_masked=worker.id_masked,
                                         institution=_issuer_name(session, activation))
        raise AuthenticationFailed("activation")
    activation.used_at = now
    user = create_user(session, role=Role.WORKER, password=password, worker=worker, by=None)
    issued_for_id = digests[activation.code_hash]
    record(session, actor=user, action="worker.account_opened", entity_type="worker", entity_id=worker.id,
           after={"code_issued_for_worker_id": issued_for_id} if issued_for_id != worker.id else None)
    return user


def _survivor_of(session: Session, worker: Worker) -> Worker | None:
    """The record that holds this person's rows now: itself, or the end of its chain of merges."""
    seen = {worker.id}
    while worker.merged_into_id is not None:
        found = session.get(Worker, worker.merged_into_id)
        if found is None or found.id in seen:
            return None
        seen.add(found.id)
        worker = found
    return worker


def _merged_into(session: Session, survivor: Worker) -> list[int]:
    """The records merged into `survivor`, directly or through a record merged into it later."""
    found: list[int] = []
    frontier = [survivor.id]
    while frontier:
        frontier = [worker_id for worker_id in session.scalars(select(Worker.id).where(
            Worker.merged_into_id.in_(frontier))) if worker_id not in found]
        found += frontier
    return found


def _issuer_name(session: Session, activation: WorkerActivation) -> Text:
    issuer = session.get(User, activation.issued_by_id)
    institution = issuer.institution if issuer is not None else None
    return Text(institution.name, institution.name) if institution is not None else Text("人社部门", "the HR bureau")


def _digest(vault: PersonalDataVault, worker: Worker, code: str) -> str:
    return _digest_for(vault, worker.id, code)


def _digest_for(vault: PersonalDataVault, worker_id: int, code: str) -> str:
    """Keyed on the record the code was issued for (a merge moves the row, never rewrites the hash)."""
    return vault.keyed_digest("worker-activation", f"{worker_id}|{code}")
