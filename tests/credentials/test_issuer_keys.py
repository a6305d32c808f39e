"""Issuer keys: made on first use, sealed at rest, one active at a time, rotated without losing old ones."""

from __future__ import annotations

import base64
import os
import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from credentials.models import AuditEvent, IssuerKey, utcnow
from credentials.services.issuer_keys import (
    KeySealer,
    SealingError,
    active_issuer_key,
    did_document_for,
    rotate_issuer_key,
    signing_key,
)
from credentials.vc import keys as vc_keys

DID = "did:web:rst.example.cn"
ON_POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith(("postgres://", "postgresql"))


@pytest.fixture
def sealer():
    return KeySealer({"s1": b"\x01" * 32}, "s1")


def test_first_use_creates_one_active_key_and_later_calls_reuse_it(db, sealer):
    session = db.session()
    first = active_issuer_key(session, sealer)
    again = active_issuer_key(session, sealer)
    session.commit()

    assert first.id == again.id and first.is_active and first.retired_at is None
    assert session.scalar(select(IssuerKey.id).where(IssuerKey.id != first.id)) is None
    assert [e.action for e in session.scalars(select(AuditEvent))] == ["issuer_key.created"]


def test_private_key_is_stored_only_sealed(db, sealer):
    key = active_issuer_key(db.session(), sealer)
    seed = vc_keys.private_key_to_bytes(signing_key(key, sealer))

    assert key.private_key_sealed.startswith("v1.s1.")
    url_safe = base64.urlsafe_b64encode(seed).decode().rstrip("=")
    for encoding in (seed.hex(), base64.b64encode(seed).decode(), url_safe):
        assert encoding not in key.private_key_sealed


def test_unsealed_key_signs_for_the_published_public_key(db, sealer):
    key = active_issuer_key(db.session(), sealer)
    private = signing_key(key, sealer)

    public = vc_keys.public_key_from_multibase(key.public_key_multibase)
    public.verify(private.sign(b"message"), b"message")  # raises if the halves do not belong together


def test_a_sealed_key_copied_to_another_row_does_not_open(db, sealer):
    key = active_issuer_key(db.session(), sealer)

    with pytest.raises(SealingError, match="authentication"):
        sealer.open(key.private_key_sealed, key_id="key-someone-else")


def test_wrong_key_encryption_key_cannot_open_a_sealed_key(db, sealer):
    key = active_issuer_key(db.session(), sealer)

    with pytest.raises(SealingError):
        signing_key(key, KeySealer({"s1": b"\x02" * 32}, "s1"))
    with pytest.raises(SealingError, match="unknown key-encryption key"):
        signing_key(key, KeySealer({"s2": b"\x01" * 32}, "s2"))


def test_key_encryption_keys_rotate_without_a_flag_day(db, sealer):
    key = active_issuer_key(db.session(), sealer)
    rotated = KeySealer({"s1": b"\x01" * 32, "s2": b"\x03" * 32}, "s2")

    assert signing_key(key, rotated)  # old keys open under the new ring
    assert rotated.seal(b"x" * 32, key_id="k").startswith("v1.s2.")


def test_a_key_whose_public_half_was_altered_is_refused(db, sealer):
    key = active_issuer_key(db.session(), sealer)
    key.public_key_multibase = vc_keys.public_key_multibase(vc_keys.generate_private_key())

    with pytest.raises(SealingError, match="does not match"):
        signing_key(key, sealer)


def test_rotation_retires_the_old_key_but_keeps_it_in_the_did_document(db, sealer):
    session = db.session()
    old = active_issuer_key(session, sealer)
    retired, new = rotate_issuer_key(session, sealer, by=None)
    session.commit()

    assert retired.id == old.id and not old.is_active and old.retired_at is not None
    assert new.is_active and new.key_id != old.key_id
    document = did_document_for(session, DID)
    ids = [m["id"] for m in document["verificationMethod"]]
    assert ids == [f"{DID}#{new.key_id}", f"{DID}#{new.key_id}-jwk",  # the signing key first, Multikey and JWK
                   f"{DID}#{old.key_id}", f"{DID}#{old.key_id}-jwk"]
    assert document["assertionMethod"] == ids
    assert active_issuer_key(session, sealer).id == new.id


def test_rotating_an_empty_registry_just_creates_the_first_key(db, sealer):
    retired, key = rotate_issuer_key(db.session(), sealer, by=None)

    assert retired is None and key.is_active


def test_the_database_refuses_a_second_active_key(db, sealer):
    session = db.session()
    active_issuer_key(session, sealer)
    session.commit()
    intruder = IssuerKey(key_id="key-intruder", public_key_multibase="z6Mk", private_key_sealed="v1.s1.x",
                         is_active=True)
    session.add(intruder)

    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_the_database_refuses_an_active_key_with_a_retirement_date(db, sealer):
    session = db.session()
    session.add(IssuerKey(key_id="key-odd", public_key_multibase="z6Mk", private_key_sealed="v1.s1.x",
                          is_active=True, retired_at=utcnow()))

    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_an_empty_registry_publishes_a_did_document_without_keys(db):
    document = did_document_for(db.session(), DID)

    assert document["id"] == DID and document["verificationMethod"] == []


@pytest.mark.parametrize(("keys", "current"), [({"s1": b"short"}, "s1"), ({"s1": b"\x01" * 32}, "s9"),
                                               ({"bad id!": b"\x01" * 32}, "bad id!")])
def test_sealer_refuses_a_bad_key_ring(keys, current):
    with pytest.raises(ValueError):
        KeySealer(keys, current)


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason="TEST_DATABASE_URL not set: needs real parallel transactions")
def test_two_processes_making_the_first_key_at_once_end_with_one_key(db, sealer):
    engine, barrier = db.engine, threading.Barrier(2, timeout=20)
    chosen: list[str] = []

    def first_use() -> None:
        with Session(engine) as session:
            barrier.wait()
            chosen.append(active_issuer_key(session, sealer).key_id)
            session.commit()

    threads = [threading.Thread(target=first_use) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(chosen) == 2 and chosen[0] == chosen[1]
    assert db.session.scalar(select(func.count()).select_from(IssuerKey)) == 1
