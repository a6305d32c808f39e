"""Bulk issuing: a batch of certificates signed at once says exactly what one-by-one downloads say, every
credential verifies, each certificate gets its own status bit and audit event, and `flask credentials issue`
writes a period's credentials to a file."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from app.trust import issuer
from credentials.errors import Conflict
from credentials.models import AuditEvent
from credentials.services.audit import verify_chain
from credentials.services.certificates import revoke_certificate
from credentials.services.digital_credentials import issue_digital_credential, issue_digital_credentials
from credentials.services.issuer_keys import KeySealer, did_document_for
from credentials.services.status_lists import LIST_SIZE, Issuer, allocate_status_indexes
from credentials.vc import keys, proof
from tests.conftest import numbered

ISSUER = Issuer(did="did:web:rst.example.cn", name="某省技能人才证书登记中心", base_url="https://rst.example.cn")
SEALER = KeySealer({"s1": b"\x05" * 32}, "s1")


@pytest.fixture
def certificates(make_institution, make_worker, make_certificate):
    institutions = [make_institution(), make_institution("苏州技师学院")]
    return [make_certificate(make_worker(numbered("工人", i)), institutions[i % 2], issued_on=date(2021, 1 + i, 1),
                             level=("junior", "intermediate", "senior")[i % 3]) for i in range(5)]


def _credential_events(session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.action == "certificate.credential_issued"))


def test_a_batch_says_what_one_by_one_issuing_says_and_every_credential_verifies(db, certificates):
    session = db.session()

    batch = issue_digital_credentials(session, certificates, ISSUER, SEALER, by=None)

    resolver = keys.key_resolver(did_document_for(session, ISSUER.did))
    assert [credential["credentialSubject"]["licenseNumber"] for credential in batch] == [
        certificate.number for certificate in certificates]
    for certificate, credential in zip(certificates, batch, strict=True):
        assert proof.verify_data_integrity(credential, resolver).ok
        one = issue_digital_credential(session, certificate, ISSUER, SEALER, by=None)
        assert {k: v for k, v in credential.items() if k != "proof"} == {k: v for k, v in one.items() if k != "proof"}
    indexes = [certificate.status_list_index for certificate in certificates]
    assert len(set(indexes)) == len(certificates) and all(0 <= index < LIST_SIZE for index in indexes)
    assert _credential_events(session) == 2 * len(certificates)
    assert verify_chain(session).ok


def test_a_batch_keeps_indexes_already_given_and_redraws_taken_ones(db, certificates):
    session = db.session()
    allocate_status_indexes(session, certificates[:1], draw=lambda size: 7)
    draws = iter([7, 8, 7, 9, 10, 11, 12, 13, 14])

    allocate_status_indexes(session, certificates, draw=lambda size: next(draws))

    assert certificates[0].status_list_index == 7
    assert sorted(certificate.status_list_index for certificate in certificates[1:]) == [8, 9, 10, 11]


def test_a_revoked_certificate_refuses_the_batch(db, certificates, make_user):
    session = db.session()
    revoke_certificate(session, certificates[2], reason="伪造材料", by=make_user("bureau_officer"))

    with pytest.raises(Conflict):
        issue_digital_credentials(session, certificates, ISSUER, SEALER, by=None)

    assert _credential_events(session) == 0
    assert all(certificate.status_list_index is None for certificate in certificates)


def test_flask_credentials_issue_writes_a_periods_credentials(app, runner, db, tmp_path, certificates, make_user):
    revoke_certificate(db.session(), certificates[1], reason="录入错误", by=make_user("bureau_officer"))
    db.session.commit()
    out = tmp_path / "2021.jsonl"

    result = runner.invoke(args=["credentials", "issue", "--issued-from", "2021-01-01", "--issued-to", "2021-04-01",
                                 "--out", str(out), "--batch", "2", "--processes", "1"])

    assert result.exit_code == 0, result.output
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    numbers = [credential["credentialSubject"]["licenseNumber"] for credential in written]
    assert numbers == [certificates[i].number for i in (0, 2, 3)]  # revoked and later ones left out
    resolver = keys.key_resolver(did_document_for(db.session(), issuer().did))
    assert all(proof.verify_data_integrity(credential, resolver).ok for credential in written)
    assert "3 credentials of certificates issued 2021-01-01 to 2021-04-01" in result.output
    db.session.expire_all()
    assert _credential_events(db.session()) == 3  # committed, batch by batch


@pytest.mark.parametrize(("first", "last", "message"), [
    ("2021-05-01", "2021-01-01", "must not be after --issued-to"),
    ("2021-13-01", "2021-12-31", "does not match the format"),
])
def test_flask_credentials_issue_refuses_a_bad_period(runner, tmp_path, first, last, message):
    result = runner.invoke(args=["credentials", "issue", "--issued-from", first, "--issued-to", last,
                                 "--out", str(tmp_path / "x.jsonl")])

    assert result.exit_code == 2 and message in result.output


def test_flask_credentials_issue_says_when_nothing_was_issued(runner, tmp_path, certificates):
    result = runner.invoke(args=["credentials", "issue", "--issued-from", "1999-01-01", "--issued-to", "1999-12-31",
                                 "--out", str(tmp_path / "x.jsonl")])

    assert result.exit_code == 0 and "nothing written" in result.output
