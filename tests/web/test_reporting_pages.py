"""The bureau's reporting page: build a package for a period, list the region's packages, download one (audited,
never cached), never an ID number or a name on the page; who sees and builds what; `flask report verify`."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from datetime import date

import pytest
from sqlalchemy import select

from credentials.models import AuditEvent, ReportPackage
from tests.conftest import national_id
from tests.web.html import field_error, rows

NUMBER = national_id(date(1985, 9, 9), 321)


@pytest.fixture
def certificate(make_institution, make_worker, make_certificate):
    holder = make_worker("孙丽华", id_number=NUMBER)
    return make_certificate(holder, make_institution("苏州技师学院", city_code="3205"), issued_on=date(2024, 5, 6))


@pytest.fixture
def signed_in(app, login, make_user):
    def sign_in(scope="city", region="3205"):
        client = app.test_client()
        login(client, make_user("bureau_officer", scope=scope, region=region))
        return client
    return sign_in


def build(client, **form):
    data = {"region": "3205", "start": "2024-01-01", "end": "2024-06-30", "kind": "full", **form}
    return client.post("/bureau/reports", data=data)


def test_the_page_offers_the_form_with_the_city_and_the_period_to_date(signed_in):
    html = signed_in().get("/bureau/reports").text

    assert 'aria-current="page">数据上报</a>' in html
    assert re.search(r'<select[^>]*name="region"[^>]*>\s*<option selected value="3205">苏州市</option>\s*</select>', html)
    assert re.search(r'<input [^>]*id="start" name="start" required type="date" value="\d{4}-\d{2}-01">', html)
    assert re.search(r'<input checked id="kind-0" name="kind" required type="radio" value="full">', html)
    assert "仅变更：上一数据包以来新增、更正或撤销的证书" in html
    assert rows(html, "packages") == []


def test_a_province_bureau_reports_its_province_or_any_of_its_cities(signed_in):
    html = signed_in("province", "32").get("/bureau/reports").text

    options = re.findall(r'<option[^>]*value="(\d+)"', html)
    assert options[:2] == ["32", "3201"] and "3205" in options and not any(o.startswith("33") for o in options)


def test_building_a_package_lists_it_with_counts_and_checksum_and_no_id_or_name(signed_in, certificate):
    client = signed_in()

    response = build(client)
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).text

    assert "数据包 1 已生成：1 条（新增 1，更正 0，撤销 0）" in html
    [row] = rows(html, "packages")
    assert "苏州市" in row and "2024-01-01 – 2024-06-30" in row and "完整数据包" in row
    assert "新增 1 · 更正 0 · 撤销 0" in row and "/bureau/reports/1.zip" in row
    assert re.search(r'<code class="checksum">[0-9a-f]{64}</code>', row)
    assert NUMBER not in html and NUMBER[-4:] not in html and "孙丽华" not in html and "孙*华" not in html


def test_the_download_is_the_signed_zip_an_attachment_never_cached_and_audited(db, signed_in, certificate):
    client = signed_in()
    build(client)

    response = client.get("/bureau/reports/1.zip")

    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="report-3205-20240101-20240630-full-1.zip"')
    assert response.headers["Cache-Control"] == "no-store"
    package = db.session.get(ReportPackage, 1)
    assert hashlib.sha256(response.data).hexdigest() == package.sha256
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        [record] = json.loads(archive.read("records.json"))["records"]
    assert record["document_number"] == NUMBER and record["holder_name"] == "孙丽华"
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.entity_type == "report_package").order_by(AuditEvent.id)).all()
    assert actions == ["report.package_built", "report.package_downloaded"]


@pytest.mark.parametrize("damage", ["archive", "checksum"])
def test_a_stored_archive_altered_since_it_was_built_is_refused_clearly_and_never_handed_out(
        db, signed_in, certificate, damage):
    client = signed_in()
    build(client)
    package = db.session.get(ReportPackage, 1)
    if damage == "archive":  # one character of the sealed archive changed
        flipped = "A" if package.archive_sealed[40] != "A" else "B"
        package.archive_sealed = package.archive_sealed[:40] + flipped + package.archive_sealed[41:]
    else:
        package.sha256 = "0" * 64
    db.session.commit()

    response = client.get("/bureau/reports/1.zip")

    assert response.status_code == 409 and response.mimetype != "application/zip"
    assert "已损坏或被改动" in response.text and "请重新生成" in response.text
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.entity_type == "report_package").order_by(AuditEvent.id)).all()
    assert actions == ["report.package_built"]  # nothing was downloaded


def test_changes_only_before_any_package_is_refused_beside_the_choice(signed_in):
    response = build(signed_in(), kind="delta")

    assert response.status_code == 422
    assert "本地区还没有上报过数据包" in field_error(response.text, "kind")


def test_a_period_that_ends_before_it_starts_is_refused_and_the_input_kept(signed_in):
    response = build(signed_in(), start="2024-06-01", end="2024-05-01")

    assert response.status_code == 422
    assert "结束日期不能早于开始日期" in field_error(response.text, "end")
    assert 'value="2024-06-01"' in response.text


def test_the_next_package_starts_the_day_after_the_last_one_ended(signed_in, certificate):
    client = signed_in()
    build(client)

    html = client.get("/bureau/reports").text

    assert re.search(r'name="start"[^>]*value="2024-07-01"|value="2024-07-01"[^>]*name="start"', html)
    assert re.search(r'<input checked id="kind-1" name="kind" required type="radio" value="delta">', html)


def test_a_missing_date_is_asked_for_not_filled_in(signed_in):
    response = build(signed_in(), start="")

    assert response.status_code == 422 and field_error(response.text, "start")


def test_another_city_neither_sees_nor_downloads_the_package_and_its_province_does(signed_in, certificate):
    build(signed_in())
    nanjing, jiangsu, zhejiang = signed_in("city", "3201"), signed_in("province", "32"), signed_in("province", "33")

    assert rows(nanjing.get("/bureau/reports").text, "packages") == []
    assert nanjing.get("/bureau/reports/1.zip").status_code == 404
    assert zhejiang.get("/bureau/reports/1.zip").status_code == 404
    assert len(rows(jiangsu.get("/bureau/reports").text, "packages")) == 1
    assert jiangsu.get("/bureau/reports/1.zip").status_code == 200


def test_the_ministry_sees_the_packages_and_builds_or_downloads_none(signed_in, certificate):
    build(signed_in())
    ministry = signed_in("ministry")

    html = ministry.get("/bureau/reports").text
    [row] = rows(html, "packages")
    assert 'id="package-form"' not in html and 'id="observer-note"' in html and ".zip" not in row
    assert build(ministry).status_code == 403
    assert ministry.get("/bureau/reports/1.zip").status_code == 403


def test_the_page_reads_in_english(signed_in, certificate):
    client = signed_in()
    build(client)

    html = client.get("/bureau/reports?lang=en").text

    assert "Reporting upward" in html and "Full package" in html and "Changes only: certificates new" in html
    assert "Download ZIP" in html and "new 1 · corrected 0 · revoked 0" in html


# ---- the command line -------------------------------------------------------------------------------------

def test_flask_report_verify_passes_the_package_and_fails_a_tampered_one(runner, signed_in, certificate, tmp_path):
    client = signed_in()
    build(client)
    data = client.get("/bureau/reports/1.zip").data
    good = tmp_path / "package.zip"
    good.write_bytes(data)

    result = runner.invoke(args=["report", "verify", str(good)])
    assert result.exit_code == 0, result.output
    assert "package verified" in result.output and "byte for byte" in result.output

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    files["records.csv"] = files["records.csv"].replace(b"2024-05-06", b"2024-05-07")
    bad = tmp_path / "tampered.zip"
    with zipfile.ZipFile(bad, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)

    result = runner.invoke(args=["report", "verify", str(bad)])
    assert result.exit_code == 1
    assert "checksum_mismatch" in result.output and "package NOT verified" in result.output
