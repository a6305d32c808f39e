"""Everything the registry holds about one worker, for the worker (PIPL art. 45, the right of access).

The rows are found from the declared foreign keys, not listed by hand (credentials.models.references): every
row that names the worker, then every row that names one of those (a nomination's decisions and evidence, a
result's corrections, the messages of the worker's account). A table added later is exported without anyone
remembering to add it here; tests/credentials/test_my_data.py fails if one is missed. Besides the rows: the
worker's identity (the ID number in full, for the worker only), their consent to public pages, the audit events
about them and their records, and who looked at their record. Times are China time, ISO 8601.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import Column, ColumnElement, LargeBinary, Table, and_, false, or_, select
from sqlalchemy.orm import Session

from ladder.i18n import Text

from ..clock import china_now
from ..models import AuditEvent, Base, City, Institution, Occupation, Programme, Worker
from ..models.references import Reference, references_to, worker_references
from ..vault import PersonalDataVault
from .access_log import describe, people, views_of
from .consent import consent_changed_at
from .my_data_titles import TABLE_TITLES, table_title

FORMAT_VERSION = 1
IN_CHUNK = 500  # values per IN (…): far below SQLite's and PostgreSQL's limits on bound parameters

# Columns never exported, whatever their table: secrets that are no use to the worker and of use to an attacker.
SECRET_COLUMNS = frozenset({
    "password_hash",  # users: the password's slow hash
    "id_hash",  # workers: the keyed blind index of the ID number (the number itself is given, to the worker only)
    "id_ciphertext",  # workers: the encrypted ID number (idem)
    "token_hash",  # login_sessions, api_tokens, share_links: hashes of bearer secrets
    "token_sealed",  # share_links: the link's token sealed by the vault (the worker sees it on their own page)
    "code_hash",  # worker_activations: the keyed hash of the one-time code
    "stored_name",  # evidence files: the random name they are stored under, an internal key
    "content",  # evidence_blobs, certificate_evidence, correction_evidence_blobs: file bytes (metadata is exported)
})
# … and, for columns added later, any that is named like a secret or holds bytes (see `is_secret`).
SECRET_SUFFIXES = ("_hash", "_ciphertext", "_sealed", "_secret", "_key")

# Tables the walk never enters, although their rows refer to exported ones:
NOT_ENTERED = {
    "audit_events": "a section of its own, with the actors named (`audit_events` below)",
    "users": "other people's accounts: the worker's own account is the one that names the worker",
    "appraisal_sessions": "shared records officials create; an account naming them does not make them personal",
    "competitions": "idem",
    "competition_rules": "idem",
    "import_jobs": "idem (a bulk import names hundreds of workers)",
}
# Tables whose exported rows the walk does not go beyond:
NOT_DESCENDED_FROM = {
    "workers": "a duplicate registration merged into the worker: its rows were moved to the worker (services.merges)",
}
# Reference data (provinces, cities, occupations, institutions, accreditations, issuer keys) is never walked
# into: the walk follows only references *to* the worker's rows. Their names are given in `names`.
NAMED = ("cities", "institutions", "occupations", "users", "programmes")
# The audit trail names a record as (entity type, key): the singular of its table and its id, except these.
AUDIT_KEYS = {"certificates": ("certificate", "number"), "workers": ("worker", "id"), "users": ("user", "id")}
PIPL_NOTE = Text("依据《个人信息保护法》第四十五条，这是人才阶梯登记簿保存的与您有关的全部信息。",
                 "Under art. 45 of the Personal Information Protection Law, this is everything the Talent "
                 "Ladder registry holds about you.")

Row = dict[str, Any]
Found = dict[str, dict[tuple[Any, ...], Row]]


def is_secret(column: Column[Any]) -> bool:
    return (column.name in SECRET_COLUMNS or column.name.endswith(SECRET_SUFFIXES)
            or isinstance(column.type, LargeBinary))


def exported_columns(table: Table) -> list[Column[Any]]:
    return [column for column in table.columns if not is_secret(column)]


def plain(value: object) -> object:
    """A JSON value: dates ISO, moments in China time, decimals as text, enums by value."""
    if isinstance(value, datetime):
        return china_now(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def _chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    ordered = sorted(set(values), key=str)
    for start in range(0, len(ordered), IN_CHUNK):
        yield ordered[start:start + IN_CHUNK]


def _names_the_worker(table: Table, worker_id: int) -> ColumnElement[bool] | None:
    """For a table with columns naming workers: the row names this worker in one of them (a row reached from the
    worker's account, but about another worker, is not theirs to see)."""
    columns = [reference.column for reference in worker_references() if reference.table is table]
    return or_(*(column == worker_id for column in columns)) if columns else None


def _take(session: Session, found: Found, table: Table, where: ColumnElement[bool]) -> None:
    key_columns = list(table.primary_key.columns)
    rows = found.setdefault(table.name, {})
    statement = select(*exported_columns(table)).where(where).order_by(*key_columns)
    for row in session.execute(statement).mappings():
        rows.setdefault(tuple(row[column.name] for column in key_columns), dict(row))


def _referred_column(reference: Reference, table_name: str) -> str:
    return next(fk.column.name for fk in reference.column.foreign_keys if fk.column.table.name == table_name)


def rows_about(session: Session, worker_id: int) -> Found:
    """Every row naming the worker, and every row naming one of those: {table: {primary key: row}}."""
    found: Found = {}
    for reference in worker_references():
        _take(session, found, reference.table, reference.column == worker_id)
    for table_name in [name for name in found if name not in NOT_DESCENDED_FROM]:
        parents = list(found[table_name].values())
        for reference in references_to(table_name):
            if reference.table.name in NOT_ENTERED or not parents:
                continue
            referred = _referred_column(reference, table_name)
            guard = _names_the_worker(reference.table, worker_id)
            for chunk in _chunks(row[referred] for row in parents if row.get(referred) is not None):
                where = reference.column.in_(chunk)
                _take(session, found, reference.table, where if guard is None else and_(where, guard))
    return {name: rows for name, rows in found.items() if rows}


def _audit_key(table_name: str) -> tuple[str, str]:
    return AUDIT_KEYS.get(table_name, (table_name.removesuffix("s"), "id"))


def audit_events(session: Session, worker_id: int, found: Found) -> list[AuditEvent]:
    """The events about the worker and each of their records, and those done with their own account."""
    conditions: list[ColumnElement[bool]] = [and_(AuditEvent.entity_type == "worker",
                                                  AuditEvent.entity_id == str(worker_id))]
    for table_name, rows in found.items():
        entity_type, key = _audit_key(table_name)
        keys = (str(row[key]) for row in rows.values() if row.get(key) is not None)
        conditions += [and_(AuditEvent.entity_type == entity_type, AuditEvent.entity_id.in_(chunk))
                       for chunk in _chunks(keys)]
    accounts = [row["id"] for row in found.get("users", {}).values()]
    conditions.append(AuditEvent.actor_id.in_(accounts) if accounts else false())
    return list(session.scalars(select(AuditEvent).where(or_(*conditions)).order_by(AuditEvent.id)))


def _named_values(found: Found, identity: Row) -> dict[str, set[Any]]:
    wanted: dict[str, set[Any]] = {table: set() for table in NAMED}
    for table_name, rows in [*found.items(), ("workers", {(): identity})]:
        for column in exported_columns(Base.metadata.tables[table_name]):
            for foreign_key in column.foreign_keys:
                if foreign_key.column.table.name in wanted:
                    wanted[foreign_key.column.table.name] |= {
                        row[column.name] for row in rows.values() if row.get(column.name) is not None}
    return wanted


def names(session: Session, found: Found, identity: Row, worker_id: int) -> dict[str, dict[str, Any]]:
    """What the ids in the rows stand for: occupations, institutions, cities, and the people who acted."""
    wanted = _named_values(found, identity)
    occupations = session.scalars(select(Occupation).where(Occupation.id.in_(wanted["occupations"])))
    institutions = session.scalars(select(Institution).where(Institution.id.in_(wanted["institutions"])))
    cities = session.scalars(select(City).where(City.code.in_(wanted["cities"])))
    programmes = session.scalars(select(Programme).where(Programme.id.in_(wanted["programmes"])))
    return {
        "occupations": {str(o.id): f"{o.name}（{o.code}）" for o in occupations},
        "institutions": {str(i.id): i.name for i in institutions},
        "cities": {c.code: c.full_name for c in cities},
        "programmes": {str(p.id): p.name for p in programmes},
        "users": {str(user_id): person.as_dict()
                  for user_id, person in people(session, wanted["users"], worker_id=worker_id).items()},
    }


def _identity(session: Session, worker: Worker, vault: PersonalDataVault | None) -> Row:
    table = Worker.__table__
    row = dict(session.execute(select(*exported_columns(table)).where(table.c.id == worker.id)).mappings().one())
    # The full number for the worker themself (the caller passes the vault only then); masked everywhere else.
    row["national_id"] = vault.reveal(worker.id_ciphertext) if vault is not None else worker.id_masked
    return row


def _table_order(table_name: str) -> tuple[int, str]:
    known = list(TABLE_TITLES)
    return (known.index(table_name) if table_name in known else len(known), table_name)


def everything_held(session: Session, worker: Worker, *, vault: PersonalDataVault | None = None) -> dict[str, Any]:
    """The export, as plain JSON values. Pass the vault only when the worker themself asks: it reveals their
    full ID number."""
    found = rows_about(session, worker.id)
    identity = _identity(session, worker, vault)
    events = audit_events(session, worker.id, found)
    actors = people(session, (event.actor_id for event in events), worker_id=worker.id)
    changed_at = consent_changed_at(session, worker.id)
    return {
        "export": {"format_version": FORMAT_VERSION, "generated_at": plain(china_now()), "worker_id": worker.id,
                   "note": PIPL_NOTE.as_dict()},
        "identity": {key: plain(value) for key, value in identity.items()},
        "consent": {"public_profile": bool(worker.public_profile_consent),
                    "changed_at": plain(changed_at) if changed_at else None},
        "records": {
            table_name: {"title": table_title(table_name).as_dict(),
                         "rows": [{key: plain(value) for key, value in row.items()} for row in rows.values()]}
            for table_name, rows in sorted(found.items(), key=lambda item: _table_order(item[0]))
        },
        "names": names(session, found, identity, worker.id),
        "audit_events": [
            {"id": event.id, "occurred_at": plain(event.occurred_at), "action": event.action,
             "entity": f"{event.entity_type}:{event.entity_id}",
             "by": (actors.get(event.actor_id or 0) or describe(session, None, worker_id=worker.id)).as_dict(),
             "before": plain(event.before), "after": plain(event.after)}
            for event in events
        ],
        "record_views": [view.as_dict() for view in views_of(session, worker.id)],
    }
