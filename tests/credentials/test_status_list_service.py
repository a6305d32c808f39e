"""Status lists: each certificate gets one stable, randomly placed bit; the signed list shows revocations
at once."""

from __future__ import annotations

import os
import threading
from datetime import date

import pytest
from sqlalchemy.orm import Session

from credentials import NotFound
from credentials.models import Certificate
from credentials.services import status_lists
from credentials.services.certificates import revoke_certificate
from credentials.services.issuer_keys import KeySealer, did_document_for
from credentials.services.status_lists import (
    LIST_SIZE,
    Issuer,
    allocate_status_index,
    list_position,
    status_list_credential_for,
)
from credentials.vc import keys, proof, statuslist
from tests.conftest import numbered

ISSUER = Issuer(did="did:web:rst.example.cn", name="某省技能人才证书登记中心", base_url="https://rst.example.cn")
SEALER = KeySealer({"s1": b"\x05" * 32}, "s1")
ON_POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith(("postgres://", "postgresql"))


@pytest.fixture
def certificates(make_institution, make_worker, make_certificate):
    institution = make_institution()
    return [make_certificate(make_worker(numbered("工人", i)), institution, issued_on=date(2021, 1, 1 + i))
            for i in range(3)]


def test_index_is_allocated_once_and_then_kept(db, certificates):
    first = allocate_status_index(db.session(), certificates[0])
    db.session.commit()

    assert certificates[0].status_list_index == first
    assert allocate_status_index(db.session(), certificates[0]) == first
    assert 0 <= first < LIST_SIZE


def test_indexes_are_drawn_at_random_not_counted_up(db, certificates):
    draws = iter([70_000, 5])

    index = allocate_status_index(db.session(), certificates[0], draw=lambda size: next(draws))

    assert index == 70_000


def test_a_taken_index_is_drawn_again(db, certificates):
    allocate_status_index(db.session(), certificates[0], draw=lambda size: 42)
    draws = iter([42, 42, 43])

    index = allocate_status_index(db.session(), certificates[1], draw=lambda size: next(draws))

    assert index == 43


def test_a_half_full_list_is_closed_and_the_next_list_opens(db, certificates, monkeypatch):
    monkeypatch.setattr(status_lists, "FILL_LIMIT", 2)
    allocate_status_index(db.session(), certificates[0])
    allocate_status_index(db.session(), certificates[1])

    third = allocate_status_index(db.session(), certificates[2])

    assert list_position(third)[0] == 2 and LIST_SIZE <= third < 2 * LIST_SIZE


def test_list_position_splits_a_global_index():
    assert list_position(0) == (1, 0)
    assert list_position(LIST_SIZE + 7) == (2, 7)


def _bits(document: dict) -> statuslist.StatusList:
    return statuslist.StatusList.decode(document["credentialSubject"]["encodedList"])


def test_published_list_is_signed_by_the_registry_and_verifies(db, certificates):
    allocate_status_index(db.session(), certificates[0])

    document = status_list_credential_for(db.session(), 1, ISSUER, SEALER)

    resolver = keys.key_resolver(did_document_for(db.session(), ISSUER.did))
    assert proof.verify_data_integrity(document, resolver).ok
    assert document["id"] == "https://rst.example.cn/credentials/status/1"
    assert document["issuer"] == ISSUER.did
    assert document["credentialSubject"]["statusPurpose"] == "revocation"
    assert _bits(document).size == LIST_SIZE and _bits(document).count() == 0


def test_a_revocation_shows_in_the_very_next_list(db, certificates, make_user):
    session = db.session()
    index = allocate_status_index(session, certificates[0])
    other = allocate_status_index(session, certificates[1])
    before = status_list_credential_for(session, 1, ISSUER, SEALER)

    revoke_certificate(session, certificates[0], reason="伪造材料", by=make_user("bureau_officer"))
    after = status_list_credential_for(session, 1, ISSUER, SEALER)

    assert not _bits(before).get(index)
    assert _bits(after).get(index) and not _bits(after).get(other) and _bits(after).count() == 1
    entry = statuslist.status_entry(ISSUER.status_list_url(1), index)
    assert statuslist.read_status(entry, after) is True


def test_a_revoked_certificate_without_a_credential_is_not_in_any_list(db, certificates, make_user):
    session = db.session()
    allocate_status_index(session, certificates[0])
    revoke_certificate(session, certificates[1], reason="录入错误", by=make_user("bureau_officer"))

    assert _bits(status_list_credential_for(session, 1, ISSUER, SEALER)).count() == 0


@pytest.mark.parametrize("list_number", [0, -1, 2, 10**30])
def test_a_list_no_credential_points_at_is_not_found(db, certificates, list_number):
    allocate_status_index(db.session(), certificates[0], draw=lambda size: 1)

    with pytest.raises(NotFound):
        status_list_credential_for(db.session(), list_number, ISSUER, SEALER)


def test_no_list_exists_before_the_first_credential(db, certificates):
    with pytest.raises(NotFound):
        status_list_credential_for(db.session(), 1, ISSUER, SEALER)


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason="TEST_DATABASE_URL not set: needs real parallel transactions")
def test_two_issues_drawing_the_same_index_at_once_get_different_bits(db, certificates):
    engine, barrier = db.engine, threading.Barrier(2, timeout=20)
    indexes: list[int] = []

    def issue(certificate_id: int) -> None:
        draws = iter([7, 8, 9])
        with Session(engine) as session:
            mine = session.get(Certificate, certificate_id)
            barrier.wait()
            indexes.append(allocate_status_index(session, mine, draw=lambda size: next(draws)))
            session.commit()

    threads = [threading.Thread(target=issue, args=(c.id,)) for c in certificates[:2]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(indexes) == [7, 8]
