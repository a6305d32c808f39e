"""`flask credentials verify FILE` shows its checks one by one (format, signature, issuer key, validity,
status, accreditation) and says precisely which fails; `rotate-key` never breaks old credentials."""

from __future__ import annotations

import copy
import json
from datetime import date

import jwt
import pytest

from app.trust import credential_response, issuer, sealer
from credentials.queries.credential_check import CHECKS
from credentials.services.certificates import revoke_certificate
from credentials.services.digital_credentials import build_credential
from credentials.services.issuer_keys import active_issuer_key, signing_key
from credentials.vc import jose, keys, proof


@pytest.fixture
def certificate(make_institution, make_worker, make_certificate):
    return make_certificate(make_worker("王建国"), make_institution(), level="intermediate",
                            issued_on=date(2020, 9, 1))


def issued(app, certificate, fmt="json") -> str:
    with app.test_request_context():
        return credential_response(certificate, fmt).get_data(as_text=True)


def run_verify(runner, tmp_path, content: str):
    path = tmp_path / "credential.txt"
    path.write_text(content, encoding="utf-8")
    return runner.invoke(args=["credentials", "verify", str(path)])


def lines(result) -> dict[str, str]:
    """check name -> its line, e.g. "signature": "ok      eddsa-rdfc-2022 signature verifies"."""
    table = {}
    for line in result.output.splitlines()[1:]:
        for name in CHECKS:
            if line.strip().startswith(name):
                table[name] = line.strip()[len(name):].strip()
                break
    return table


@pytest.mark.parametrize("fmt", ["json", "jwt"])
def test_a_genuine_credential_passes_every_check(app, runner, tmp_path, certificate, fmt):
    result = run_verify(runner, tmp_path, issued(app, certificate, fmt))

    assert result.exit_code == 0, result.output
    table = lines(result)
    assert list(table) == ["format", "signature", "issuer key", "validity", "status", "accreditation"]
    assert all(value.startswith("ok") for value in table.values())
    assert "1EdTech JSON schema" in table["format"]
    assert "not revoked" in table["status"] and "credential verified" in result.output
    assert "accredited on the day of issue, 2020-09-01" in table["accreditation"]


def test_tampering_fails_the_signature_and_says_so(app, runner, tmp_path, certificate):
    credential = json.loads(issued(app, certificate))
    credential["credentialSubject"]["achievement"]["alignment"][1]["targetCode"] = "1"

    result = run_verify(runner, tmp_path, json.dumps(credential))

    assert result.exit_code == 1
    assert lines(result)["signature"].startswith("FAILED") and "changed after signing" in result.output
    assert lines(result)["format"].startswith("ok") and "signature failed" in result.output


def test_a_tampered_jwt_fails_the_signature(app, runner, tmp_path, certificate):
    header, payload, signature = issued(app, certificate, "jwt").split(".")
    middle = len(signature) // 2  # not the end: an Ed25519 signature's last byte is often 0 already
    flipped = "B" if signature[middle] == "A" else "A"
    forged = f"{header}.{payload}.{signature[:middle]}{flipped}{signature[middle + 1:]}"

    result = run_verify(runner, tmp_path, forged)

    assert result.exit_code == 1 and lines(result)["signature"].startswith("FAILED")


def test_revoked_credential_reports_revoked_with_the_date(app, runner, tmp_path, certificate, make_user, db):
    content = issued(app, certificate, "jwt")
    revoke_certificate(db.session(), certificate, reason="材料造假", by=make_user("bureau_officer"))
    db.session.commit()

    result = run_verify(runner, tmp_path, content)

    assert result.exit_code == 1
    assert lines(result)["status"].startswith("FAILED") and "REVOKED on" in lines(result)["status"]
    assert lines(result)["signature"].startswith("ok")  # only the status fails


def test_a_key_this_registry_never_published_is_named(app, runner, tmp_path, certificate, db):
    credential = json.loads(issued(app, certificate))
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    stranger = keys.generate_private_key()
    with app.app_context():
        method = issuer().did + "#key-stranger"
        forged = proof.sign_data_integrity(unsigned, stranger, method, "2024-01-01T00:00:00Z")

    result = run_verify(runner, tmp_path, json.dumps(forged))

    assert result.exit_code == 1
    assert "key-stranger is not in this registry's DID document" in lines(result)["issuer key"]


def test_another_issuer_is_named(app, runner, tmp_path, certificate):
    credential = json.loads(issued(app, certificate))
    credential["issuer"]["id"] = "did:web:fake.example.com"

    result = run_verify(runner, tmp_path, json.dumps(credential))

    assert result.exit_code == 1 and "not by this registry" in lines(result)["issuer key"]


def test_a_schema_violation_is_reported_even_when_the_signature_holds(app, runner, tmp_path, certificate, db):
    with app.test_request_context():
        from credentials.services.status_lists import allocate_status_index

        allocate_status_index(db.session(), certificate)
        unsigned = build_credential(db.session(), certificate, issuer())
        del unsigned["credentialSubject"]["achievement"]["criteria"]
        key = active_issuer_key(db.session(), sealer())
        method = issuer().verification_method(key.key_id)
        signed = jose.sign_vc_jwt(unsigned, signing_key(key, sealer()), method)
        db.session.commit()

    result = run_verify(runner, tmp_path, signed)

    assert result.exit_code == 1
    assert lines(result)["signature"].startswith("ok") and lines(result)["format"].startswith("FAILED")
    assert "criteria" in lines(result)["format"]


def test_a_credential_without_status_cannot_be_checked_for_revocation(app, runner, tmp_path, certificate):
    credential = json.loads(issued(app, certificate))
    stripped = copy.deepcopy(credential)
    del stripped["credentialStatus"]

    result = run_verify(runner, tmp_path, json.dumps(stripped))

    assert "no credentialStatus" in lines(result)["status"] and result.exit_code == 1


@pytest.mark.parametrize("content", ["hello", "[1, 2]", "{not json", "a.b.c"])
def test_a_file_that_is_no_credential_is_refused(runner, tmp_path, content):
    result = run_verify(runner, tmp_path, content)

    assert result.exit_code == 1 and lines(result)["format"].startswith("FAILED")


def test_rotate_key_keeps_old_credentials_verifying(app, runner, tmp_path, certificate):
    old = issued(app, certificate)

    first = runner.invoke(args=["credentials", "rotate-key"])
    second = runner.invoke(args=["credentials", "rotate-key"])
    listing = runner.invoke(args=["credentials", "keys"])

    assert first.exit_code == 0 and "retired key-" in first.output
    assert "signing now with did:web:" in second.output
    assert listing.output.count("retired") == 2 and listing.output.count("active") == 1
    assert run_verify(runner, tmp_path, old).exit_code == 0
    assert "(retired, still published)" in lines(run_verify(runner, tmp_path, old))["issuer key"]


def test_a_jwt_names_the_json_web_key_the_did_document_publishes(app, client, certificate):
    token = issued(app, certificate, "jwt")
    kid = jwt.get_unverified_header(token)["kid"]
    document = client.get("/.well-known/did.json").get_json(force=True)

    method = next(m for m in document["verificationMethod"] if m["id"] == kid)
    assert kid.endswith("-jwk") and method["type"] == "JsonWebKey" and kid in document["assertionMethod"]
    assert method["publicKeyJwk"]["kty"] == "OKP" and method["publicKeyJwk"]["crv"] == "Ed25519"


def test_an_unreachable_status_list_fails_closed_and_says_so(app, runner, tmp_path, certificate, monkeypatch):
    content = issued(app, certificate)
    # the sealed signing key no longer opens (a key-encryption key lost): no status list can be signed
    monkeypatch.setitem(app.config, "SIGNING_KEY_ENCRYPTION_KEYS", {"s1": b"\x07" * 32})

    result = run_verify(runner, tmp_path, content)

    assert result.exit_code == 1
    status = lines(result)["status"]
    assert status.startswith("FAILED") and "unreachable (SealingError)" in status
    assert "revocation cannot be ruled out" in status
    assert lines(result)["signature"].startswith("ok")  # only the status fails


def test_any_failure_of_the_status_source_fails_the_status_check(app, db, certificate):
    from credentials.queries.credential_check import check_credential

    content = issued(app, certificate)

    def offline(number):
        raise ConnectionError(f"no route to status list {number}")

    with app.test_request_context():
        report = check_credential(db.session(), content, issuer(), sealer(), status_lists=offline)

    status = next(check for check in report.checks if check.name == "status")
    assert not report.ok and not status.ok and "ConnectionError" in status.detail.en
    assert "无法取得状态列表" in status.detail.zh
    assert [check.name for check in report.failed] == ["status"]


def test_an_institution_without_accreditation_on_the_day_of_issue_fails_that_check(
        app, runner, tmp_path, certificate, db):
    content = issued(app, certificate)
    for accreditation in certificate.institution.accreditations:  # recorded later than the certificate
        accreditation.valid_from = date(2021, 1, 1)
    db.session.commit()

    result = run_verify(runner, tmp_path, content)

    assert result.exit_code == 1
    assert lines(result)["accreditation"].startswith("FAILED")
    assert "NOT accredited on the day of issue, 2020-09-01" in lines(result)["accreditation"]
    assert [name for name, line in lines(result).items() if line.startswith("FAILED")] == ["accreditation"]


def test_checks_speak_chinese_on_request(app, runner, tmp_path, certificate):
    path = tmp_path / "credential.json"
    path.write_text(issued(app, certificate), encoding="utf-8")

    result = runner.invoke(args=["credentials", "verify", "--lang", "zh", str(path)])

    assert result.exit_code == 0, result.output
    assert "符合 1EdTech JSON Schema" in result.output and "未撤销" in result.output
    assert "经备案可评价" in result.output


def test_a_credential_of_a_certificate_not_on_record_cannot_show_accreditation(app, runner, tmp_path, certificate):
    credential = json.loads(issued(app, certificate))
    credential["credentialSubject"]["licenseNumber"] = "S000032000001222999999"

    table = lines(run_verify(runner, tmp_path, json.dumps(credential)))

    assert table["accreditation"].startswith("FAILED") and "no certificate on this registry's record" in table["accreditation"]
    assert table["signature"].startswith("FAILED")
