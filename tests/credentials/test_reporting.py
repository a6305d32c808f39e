"""Reporting upward: a region's package of national certificate records — every field, the full ID only inside
the package, only the changes in a "changes only" package, tampering found, nothing personal in the audit trail,
and who may build one."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date

import pytest
from sqlalchemy import select

from credentials import Forbidden, ValidationFailed
from credentials.clock import china_date
from credentials.models import AuditEvent, ReportedCertificate, ReportPackage, RowChange
from credentials.services.certificates import correct_certificate, revoke_certificate
from credentials.services.issuer_keys import KeySealer, rotate_issuer_key
from credentials.services.reference import find_occupation
from credentials.services.report_archive import FIELDS, sign_detached, verify_archive
from credentials.services.reporting import PackageSigner, build_package, hand_out_package, registry_key_resolver
from credentials.services.status_lists import Issuer
from credentials.vc import keys as vc_keys
from tests.conftest import national_id

ISSUER = Issuer(did="did:web:rst.example.cn", name="人才阶梯技能人才证书登记中心", base_url="https://rst.example.cn")
TODAY = date(2024, 12, 31)


@pytest.fixture
def signer():
    return PackageSigner(ISSUER, KeySealer({"s1": b"\x01" * 32}, "s1"))


@pytest.fixture
def suzhou(make_institution):
    return make_institution("苏州技师学院", city_code="3205")


@pytest.fixture
def nanjing(make_institution):
    return make_institution("南京技师学院", city_code="3201")


@pytest.fixture
def officers(make_user):
    return {"suzhou": make_user("bureau_officer", scope="city", region="3205"),
            "nanjing": make_user("bureau_officer", scope="city", region="3201"),
            "jiangsu": make_user("bureau_officer", scope="province", region="32"),
            "zhejiang": make_user("bureau_officer", scope="province", region="33"),
            "ministry": make_user("bureau_officer", scope="ministry")}


def build(db, vault, signer, by, *, region="3205", start=date(2024, 1, 1), end=date(2024, 6, 30), delta=False):
    package = build_package(db.session(), vault, signer, region=region, start=start, end=end, delta=delta, by=by,
                            today=TODAY)
    db.session.commit()
    return package


def unpack(db, vault, package, by) -> dict[str, bytes]:
    archive = hand_out_package(db.session(), vault, package, by=by)
    db.session.commit()
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        return {name: opened.read(name) for name in opened.namelist()}


def records(files) -> list[dict]:
    return json.loads(files["records.json"])["records"]


def rezip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# ---- what a full package carries --------------------------------------------------------------------------

def test_a_full_package_carries_every_field_of_the_national_record_and_the_full_id_only_inside(
        db, vault, signer, suzhou, nanjing, officers, make_worker, make_certificate):
    number = national_id(date(1988, 5, 17), 123, area="320506")
    holder = make_worker("李秀英", id_number=number, city_code="3201")  # lives in Nanjing; Suzhou issued
    issued = make_certificate(holder, suzhou, level="senior", issued_on=date(2024, 3, 1))
    make_certificate(make_worker("赵六"), suzhou, issued_on=date(2023, 12, 31))  # before the period
    make_certificate(make_worker("钱七"), nanjing, issued_on=date(2024, 3, 1))  # another city's institution

    package = build(db, vault, signer, officers["suzhou"])
    files = unpack(db, vault, package, officers["suzhou"])

    assert set(files) == {"records.csv", "records.json", "manifest.json", "manifest.jws"}
    occupation = find_occupation(db.session(), "6-18-01-01")
    expected = {
        "certificate_name": "职业技能等级证书", "certificate_number": issued.number, "holder_name": "李秀英",
        "document_type": "居民身份证", "document_type_code": "111", "document_number": number,
        "occupation_code": "6-18-01-01", "occupation_name": occupation.name, "job_type": "--", "level": "三级/高级工",
        "evaluating_institution": "苏州技师学院", "evaluating_institution_code": "", "issued_on": "2024-03-01",
        "status": "valid", "revoked_on": "", "change": "new",
    }
    assert records(files) == [expected]
    assert files["records.csv"].startswith(b"\xef\xbb\xbf")
    header, row = list(csv.reader(io.StringIO(files["records.csv"].decode("utf-8-sig"))))
    assert header == [zh for _key, zh, _en in FIELDS] and header[:6] == ["证书名称", "证书编号", "姓名", "证件类型",
                                                                          "证件类型代码", "证件号码"]
    assert row == list(expected.values())

    manifest = json.loads(files["manifest.json"])
    assert manifest["package_id"] == package.id and manifest["kind"] == "full" and manifest["since"] is None
    assert manifest["region"] == {"code": "3205", "name": "苏州市", "kind": "city"}
    assert manifest["period"] == {"start": "2024-01-01", "end": "2024-06-30"}
    assert manifest["counts"] == {"records": 1, "new": 1, "changed": 0, "revoked": 0, "unchanged": 0,
                                  "unchanged_skipped": 0}
    assert manifest["issuer"]["did"] == ISSUER.did and manifest["schema_version"] == 1
    assert "谁发证、谁负责" in manifest["selection"]["zh"]
    assert manifest["created_at"].endswith("Z") and manifest["created_at_china"].endswith("+08:00")
    assert [f["name"] for f in manifest["files"]] == ["records.csv", "records.json"]
    assert manifest == package.manifest

    # The full number and the name are inside the package and nowhere else the registry keeps.
    kept = [json.dumps(package.manifest, ensure_ascii=False), package.archive_sealed,
            *(json.dumps([e.before, e.after], ensure_ascii=False) for e in db.session.scalars(
                select(AuditEvent).where(AuditEvent.action.like("report.%"))))]
    assert not any(number in text or "李秀英" in text or holder.id_masked in text for text in kept)
    [reported] = db.session.scalars(select(ReportedCertificate)).all()
    assert reported.certificate_id == issued.id and reported.change is RowChange.NEW
    assert number not in reported.fingerprint and len(reported.fingerprint) == 64


def test_a_revoked_certificate_carries_its_status_and_date_and_formulas_are_defused_in_the_csv(
        db, vault, signer, officers, make_institution, make_worker, make_certificate):
    formula = make_institution('=HYPERLINK("http://x.example")培训学校', city_code="3205")
    certificate = make_certificate(make_worker("-小明"), formula, issued_on=date(2024, 2, 1))
    revoke_certificate(db.session(), certificate, reason="考试作弊", by=officers["suzhou"])
    db.session.commit()

    files = unpack(db, vault, build(db, vault, signer, officers["suzhou"]), officers["suzhou"])

    [row] = records(files)
    assert row["status"] == "revoked" and row["revoked_on"] == china_date(certificate.revoked_at).isoformat()
    assert row["evaluating_institution"].startswith("=HYPERLINK") and row["holder_name"] == "-小明"  # JSON: as is
    [_header, cells] = list(csv.reader(io.StringIO(files["records.csv"].decode("utf-8-sig"))))
    assert cells[2] == "'-小明" and cells[10].startswith("'=HYPERLINK")


# ---- only what changed ------------------------------------------------------------------------------------

def test_a_changes_only_package_carries_exactly_the_corrected_the_revoked_and_the_new(
        db, vault, signer, suzhou, officers, make_worker, make_certificate):
    officer = officers["suzhou"]
    corrected, revoked, untouched = (make_certificate(make_worker(name), suzhou, issued_on=date(2024, 3, d))
                                     for name, d in (("甲一", 1), ("乙二", 2), ("丙三", 3)))
    first = build(db, vault, signer, officer)
    correct_certificate(db.session(), corrected, issued_on=date(2024, 3, 11),
                        occupation=corrected.occupation, reason="发证日期录入错误", by=officer, today=TODAY)
    revoke_certificate(db.session(), revoked, reason="考试作弊", by=officer)
    late = make_certificate(make_worker("丁四"), suzhou, issued_on=date(2024, 4, 1))  # entered after, for the old period
    fresh = make_certificate(make_worker("戊五"), suzhou, issued_on=date(2024, 8, 1))
    db.session.commit()

    second = build(db, vault, signer, officer, start=date(2024, 7, 1), end=date(2024, 12, 31), delta=True)
    rows = {r["certificate_number"]: r for r in records(unpack(db, vault, second, officer))}

    assert set(rows) == {corrected.number, revoked.number, late.number, fresh.number}
    assert untouched.number not in rows
    assert rows[corrected.number]["change"] == "changed" and rows[corrected.number]["issued_on"] == "2024-03-11"
    assert rows[revoked.number]["change"] == "revoked" and rows[revoked.number]["status"] == "revoked"
    assert rows[late.number]["change"] == rows[fresh.number]["change"] == "new"
    assert second.since_package_id == first.id and second.manifest["since"]["package_id"] == first.id
    assert second.counts == {"records": 4, "new": 2, "changed": 1, "revoked": 1, "unchanged": 0,
                             "unchanged_skipped": 1}


def test_an_unchanged_certificate_is_not_repeated_and_a_change_is_reported_once(
        db, vault, signer, suzhou, officers, make_worker, make_certificate):
    officer = officers["suzhou"]
    kept, changing = (make_certificate(make_worker(name), suzhou, issued_on=date(2024, 5, 1)) for name in ("甲一", "乙二"))
    build(db, vault, signer, officer)

    nothing = build(db, vault, signer, officer, delta=True)
    assert nothing.record_count == 0 and records(unpack(db, vault, nothing, officer)) == []
    assert nothing.counts["unchanged_skipped"] == 2

    revoke_certificate(db.session(), changing, reason="证书信息有误", by=officer)
    db.session.commit()
    once = build(db, vault, signer, officer, delta=True)
    again = build(db, vault, signer, officer, delta=True)

    assert [r["certificate_number"] for r in records(unpack(db, vault, once, officer))] == [changing.number]
    assert again.record_count == 0 and kept.number not in json.dumps(again.manifest)


def test_a_full_package_repeats_everything_and_says_what_is_unchanged(
        db, vault, signer, suzhou, officers, make_worker, make_certificate):
    officer = officers["suzhou"]
    make_certificate(make_worker(), suzhou, issued_on=date(2024, 5, 1))
    build(db, vault, signer, officer)

    again = build(db, vault, signer, officer)

    assert [r["change"] for r in records(unpack(db, vault, again, officer))] == ["unchanged"]
    assert again.counts["unchanged"] == 1 and again.counts["unchanged_skipped"] == 0


def test_a_changes_only_package_needs_an_earlier_package_of_the_region(db, vault, signer, officers):
    with pytest.raises(ValidationFailed) as refused:
        build(db, vault, signer, officers["suzhou"], delta=True)
    assert refused.value.field == "kind"


# ---- checksums and signature ------------------------------------------------------------------------------

def test_verification_holds_for_the_package_and_finds_every_kind_of_tampering(
        db, vault, signer, suzhou, officers, make_worker, make_certificate):
    make_certificate(make_worker(), suzhou, issued_on=date(2024, 5, 1))
    package = build(db, vault, signer, officers["suzhou"])
    archive = hand_out_package(db.session(), vault, package, by=officers["suzhou"])
    files = unpack(db, vault, package, officers["suzhou"])
    resolve = registry_key_resolver(db.session(), ISSUER)

    good = verify_archive(archive, resolve)
    assert good.ok and good.problems == () and good.sha256 == package.sha256
    assert good.key_id.startswith(ISSUER.did + "#") and good.key_id.endswith("-jwk")

    def problems(**changed) -> tuple[str, ...]:
        return verify_archive(rezip({**files, **changed}), resolve).problems

    assert problems(**{"records.csv": files["records.csv"].replace(b"2024-05-01", b"2024-05-02")}) == ("checksum_mismatch",)
    assert problems(**{"records.json": files["records.json"] + b" "}) == ("checksum_mismatch",)
    tampered = json.loads(files["manifest.json"])
    tampered["counts"]["records"] = 0
    assert "signature_invalid" in problems(**{"manifest.json": json.dumps(tampered).encode()})
    assert problems(**{"extra.txt": b"x"}) == ("files_unexpected",)
    assert verify_archive(b"not a zip", resolve).problems == ("archive_malformed",)

    other = vc_keys.generate_private_key()  # a signature by a key the registry never published
    forged = sign_detached(files["manifest.json"], other, ISSUER.jwk_method("key-forged")).encode()
    assert problems(**{"manifest.jws": forged}) == ("unknown_key",)


def test_a_package_signed_before_a_key_rotation_still_verifies(
        db, vault, signer, suzhou, officers, make_worker, make_certificate):
    make_certificate(make_worker(), suzhou, issued_on=date(2024, 5, 1))
    package = build(db, vault, signer, officers["suzhou"])
    rotate_issuer_key(db.session(), signer.sealer, by=None)
    db.session.commit()

    archive = hand_out_package(db.session(), vault, package, by=officers["suzhou"])

    assert verify_archive(archive, registry_key_resolver(db.session(), ISSUER)).ok


# ---- audit and scope --------------------------------------------------------------------------------------

def test_building_and_each_download_are_audited_with_counts_and_no_personal_data(
        db, vault, signer, suzhou, officers, make_worker, make_certificate):
    number = national_id(date(1991, 2, 3), 77)
    make_certificate(make_worker("周八", id_number=number), suzhou, issued_on=date(2024, 5, 1))
    package = build(db, vault, signer, officers["suzhou"])
    unpack(db, vault, package, officers["suzhou"])
    unpack(db, vault, package, officers["jiangsu"])

    events = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "report_package").order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["report.package_built", "report.package_downloaded",
                                         "report.package_downloaded"]
    assert events[0].after["counts"]["records"] == 1 and events[0].after["sha256"] == package.sha256
    assert [e.actor_id for e in events] == [officers["suzhou"].id, officers["suzhou"].id, officers["jiangsu"].id]
    trail = json.dumps([[e.before, e.after, e.entity_id] for e in events], ensure_ascii=False)
    assert number not in trail and number[-4:] + '"' not in trail and "周八" not in trail


@pytest.mark.parametrize(("who", "region", "allowed"), [
    ("suzhou", "3205", True), ("suzhou", "3201", False), ("suzhou", "32", False),
    ("jiangsu", "32", True), ("jiangsu", "3205", True), ("jiangsu", "3301", False), ("zhejiang", "32", False),
    ("ministry", "3205", False), ("ministry", "32", False),
])
def test_a_bureau_builds_packages_for_its_own_region_only(db, vault, signer, officers, who, region, allowed):
    if allowed:
        assert build(db, vault, signer, officers[who], region=region).region_code == region
    else:
        with pytest.raises(Forbidden):
            build(db, vault, signer, officers[who], region=region)


def test_a_province_package_takes_the_certificates_of_all_its_cities(
        db, vault, signer, suzhou, nanjing, officers, make_worker, make_certificate):
    made = [make_certificate(make_worker(), institution, issued_on=date(2024, 5, 1)) for institution in (suzhou, nanjing)]

    package = build(db, vault, signer, officers["jiangsu"], region="32")

    assert package.record_count == 2 and package.manifest["region"]["kind"] == "province"
    assert {r["certificate_number"] for r in records(unpack(db, vault, package, officers["jiangsu"]))} == {
        c.number for c in made}
    with pytest.raises(Forbidden):  # a city bureau does not download its province's package
        hand_out_package(db.session(), vault, package, by=officers["suzhou"])


def test_each_region_keeps_its_own_line_of_packages(db, vault, signer, suzhou, officers, make_worker, make_certificate):
    make_certificate(make_worker(), suzhou, issued_on=date(2024, 5, 1))
    build(db, vault, signer, officers["suzhou"])

    province = build(db, vault, signer, officers["jiangsu"], region="32")

    assert province.counts["new"] == 1  # the province has not reported it, whatever its city did


@pytest.mark.parametrize(("start", "end", "field"), [
    (date(2024, 6, 1), date(2024, 5, 31), "end"), (date(2024, 6, 1), date(2025, 1, 1), "end"),
])
def test_the_period_must_be_ordered_and_past(db, vault, signer, officers, start, end, field):
    with pytest.raises(ValidationFailed) as refused:
        build(db, vault, signer, officers["suzhou"], start=start, end=end)
    assert refused.value.field == field
    assert db.session.scalar(select(ReportPackage.id)) is None


def test_a_region_code_that_names_no_region_is_refused(db, vault, signer, make_user):
    officer = make_user("bureau_officer", scope="province", region="32")
    with pytest.raises(ValidationFailed) as refused:
        build(db, vault, signer, officer, region="3299")
    assert refused.value.field == "region"
