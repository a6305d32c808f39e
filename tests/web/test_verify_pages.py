"""The public verification page, the QR link printed on a certificate, and the worker's printable
certificate."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from app.config import ROOT
from app.trust import did_for, qr_svg
from credentials.queries.verification import link_token
from credentials.services.certificates import revoke_certificate


@pytest.fixture
def holder(make_worker):
    return make_worker("欧阳建国")


@pytest.fixture
def certificate(make_institution, make_certificate, holder):
    return make_certificate(holder, make_institution("苏州技师学院"), level="technician",
                            issued_on=date(2022, 3, 1))


@pytest.fixture
def worker_client(client, login, make_user, holder):
    login(client, make_user("worker", worker=holder))
    return client


def verdict(html: str) -> str:
    match = re.search(r'<section class="panel verdict[^"]*".*?</section>', html, re.S)
    return match.group(0) if match else ""


def test_verify_page_offers_the_form_without_a_login(client):
    response = client.get("/verify")

    assert response.status_code == 200
    assert 'name="number"' in response.text and 'name="name"' in response.text
    assert 'method="post"' in response.text and not verdict(response.text)


def test_posting_number_and_name_shows_valid_with_the_holder_masked(client, certificate):
    response = client.post("/verify", data={"number": certificate.number, "name": "欧阳建国"})

    shown = verdict(response.text)
    assert response.status_code == 200
    assert "有效" in shown and "欧**国" in shown and "欧阳建国" not in shown
    assert "技师（二级）" in shown and "苏州技师学院" in shown and "2022年3月1日" in shown


def test_revoked_certificate_shows_revoked_and_the_date(client, certificate, make_user, db):
    revoke_certificate(db.session(), certificate, reason="材料造假", by=make_user("bureau_officer"))
    db.session.commit()

    shown = verdict(client.post("/verify", data={"number": certificate.number, "name": "欧阳建国"}).text)

    assert "已撤销" in shown and "撤销日期" in shown and "材料造假" not in shown


def test_wrong_name_reads_exactly_like_an_unknown_number(client, certificate):
    wrong_name = verdict(client.post("/verify", data={"number": certificate.number, "name": "李四"}).text)
    unknown_number = {"number": "S000032000001222999999", "name": "欧阳建国"}
    unknown = verdict(client.post("/verify", data=unknown_number).text)

    assert "未找到" in wrong_name
    strip_time = re.compile(r"核验时间：[^<]*")
    assert strip_time.sub("", wrong_name) == strip_time.sub("", unknown)


def test_an_impossible_number_is_said_to_be_impossible(client):
    shown = verdict(client.post("/verify", data={"number": "12-34", "name": "张三"}).text)

    assert "不可能是真实的证书编号" in shown


def test_missing_fields_are_reported_one_by_one_and_typed_values_kept(client):
    response = client.post("/verify", data={"number": "S000032000001222000001", "name": ""})

    assert response.status_code == 422
    assert 'id="name-error"' in response.text and 'id="number-error"' not in response.text
    assert 'value="S000032000001222000001"' in response.text and not verdict(response.text)


def test_qr_link_verifies_without_the_name_in_the_url(client, certificate, app):
    token = link_token(app.config["VERIFY_LINK_KEY"], certificate)

    response = client.get("/verify", query_string={"n": certificate.number, "h": token})

    assert "有效" in verdict(response.text) and "欧**国" in verdict(response.text)


def test_a_forged_qr_token_is_simply_not_found(client, certificate):
    shown = verdict(client.get("/verify", query_string={"n": certificate.number, "h": "A" * 22}).text)

    assert "未找到" in shown and "欧" not in shown


def test_a_link_with_only_a_number_fills_in_the_form(client, certificate):
    response = client.get("/verify", query_string={"n": certificate.number})

    assert f'value="{certificate.number}"' in response.text and not verdict(response.text)


def _qr_link(html: str) -> str:
    code = re.search(r'<code class="certificate-print__link" id="verify-link">([^<]+)</code>', html)
    return unescape(code.group(1))


def test_certificate_page_carries_a_qr_code_of_its_verification_link(worker_client, certificate, app):
    html = worker_client.get(f"/worker/certificates/{certificate.number}").text

    link = _qr_link(html)
    query = parse_qs(urlsplit(link).query)
    assert link.startswith(app.config["PUBLIC_BASE_URL"] + "/verify?")
    assert query == {"n": [certificate.number], "h": [link_token(app.config["VERIFY_LINK_KEY"], certificate)]}
    assert "欧阳建国" not in link
    assert str(qr_svg(link, title="扫码核验")) in html  # the drawn QR code encodes exactly that link


def test_certificate_page_is_bilingual_and_offers_print_and_credential_download(worker_client, certificate):
    html = worker_client.get(f"/worker/certificates/{certificate.number}").text

    assert '<span lang="zh-CN">持证人</span>' in html and 'lang="en">Holder</span>' in html
    assert "Technician (Level 2)" in html and "2022年3月1日" in html
    assert "data-print-certificate" in html and "js/certificate.js" in html
    assert f'href="/credentials/certificates/{certificate.number}"' in html


def test_bilingual_labels_leave_the_rest_of_an_english_page_in_english(worker_client, certificate):
    html = worker_client.get(f"/worker/certificates/{certificate.number}?lang=en").text

    footer = html[html.index('<footer class="site-footer">'):]
    assert 'lang="en">Holder</span>' in html and "人才阶梯 · 技能人才证书登记与职业发展" not in footer


def test_worker_downloads_the_credential_from_the_page_as_a_file(worker_client, certificate):
    response = worker_client.get(f"/credentials/certificates/{certificate.number}")

    assert response.status_code == 200 and response.mimetype == "application/vc"
    disposition = f'attachment; filename="certificate-{certificate.number}.json"'
    assert response.headers["Content-Disposition"] == disposition
    jwt = worker_client.get(f"/credentials/certificates/{certificate.number}?format=jwt")
    assert jwt.mimetype == "application/vc+jwt" and jwt.data.count(b".") == 2


def test_another_workers_credential_download_is_not_found(client, login, make_user, certificate):
    login(client, make_user("worker"))

    assert client.get(f"/credentials/certificates/{certificate.number}").status_code == 404


def test_a_revoked_certificate_prints_stamped_and_offers_no_credential(
        worker_client, certificate, make_user, db):
    revoke_certificate(db.session(), certificate, reason="录入错误", by=make_user("bureau_officer"))
    db.session.commit()

    html = worker_client.get(f"/worker/certificates/{certificate.number}").text

    assert "certificate-print--revoked" in html and "certificate-print__stamp" in html
    assert "/credentials/certificates/" not in html
    assert worker_client.get(f"/credentials/certificates/{certificate.number}").status_code == 409


def test_print_stylesheet_prints_only_the_certificate_on_a4():
    css = (ROOT / "static" / "css" / "print.css").read_text(encoding="utf-8")

    assert "size: A4" in css
    assert "main:has(> .certificate-print) > :not(.certificate-print) { display: none !important; }" in css


def test_a_number_one_digit_short_of_the_16_digit_scheme_says_why_it_cannot_exist(client):
    shown = verdict(client.post("/verify", data={"number": "131101200340001", "name": "张三"}).text)

    assert "不可能是真实的证书编号" in shown and "16" in shown


def checks(html: str, container: str = "checks") -> dict[str, tuple[bool, str]]:
    """check name -> (passed, what it found), in the order shown."""
    block = re.search(rf'<div class="checks" id="{container}">.*?</ol>', html, re.S)
    assert block, f"no #{container} on the page"
    found = {}
    for name, state, detail in re.findall(
            r'<li class="checks__item checks__item--(?:ok|failed)" data-check="([^"]+)">.*?'
            r'class="badge badge--(valid|revoked)".*?<span class="checks__detail">(.*?)</span>', block.group(0), re.S):
        found[name] = (state == "valid", unescape(detail).strip())
    return found


ORDER = ["format", "signature", "issuer key", "validity", "status", "accreditation"]


def test_the_qr_landing_page_shows_every_check_one_by_one(client, certificate, app):
    token = link_token(app.config["VERIFY_LINK_KEY"], certificate)

    html = client.get("/verify", query_string={"n": certificate.number, "h": token}).text

    shown = checks(verdict(html))
    assert list(shown) == ORDER and all(ok for ok, _ in shown.values())
    assert "1EdTech JSON Schema" in shown["format"][1] and "eddsa-rdfc-2022" in shown["signature"][1]
    assert shown["issuer key"][1].startswith(f"{did_for(app.config['PUBLIC_BASE_URL'])}#key-")
    assert "苏州技师学院在发证日 2022-03-01 经备案可评价" in shown["accreditation"][1]
    assert "全部 6 项核验通过" in html and "欧阳建国" not in html


def test_the_form_look_up_shows_the_same_checks_and_a_revocation_fails_the_status(
        client, certificate, make_user, db):
    revoke_certificate(db.session(), certificate, reason="材料造假", by=make_user("bureau_officer"))
    db.session.commit()

    shown = checks(client.post("/verify", data={"number": certificate.number, "name": "欧阳建国"}).text)

    assert list(shown) == ORDER
    assert not shown["status"][0] and "撤销" in shown["status"][1]
    assert [name for name, (ok, _) in shown.items() if not ok] == ["status"]


def test_the_status_of_an_issued_credential_comes_from_the_published_list(
        client, certificate, worker_client, app):
    worker_client.get(f"/credentials/certificates/{certificate.number}")  # its credential: a status entry now
    token = link_token(app.config["VERIFY_LINK_KEY"], certificate)

    shown = checks(client.get("/verify", query_string={"n": certificate.number, "h": token}).text)

    assert shown["status"][0] and "状态列表 1" in shown["status"][1]


def test_no_checks_are_shown_when_nothing_was_found(client, certificate):
    html = client.post("/verify", data={"number": certificate.number, "name": "李四"}).text

    assert 'class="checks"' not in verdict(html)


def _credential(worker_client, certificate, fmt="json") -> str:
    return worker_client.get(f"/credentials/certificates/{certificate.number}?format={fmt}").text


def test_a_credential_file_uploaded_passes_every_check(client, worker_client, certificate):
    content = _credential(worker_client, certificate)

    response = client.post("/verify/credential", content_type="multipart/form-data",
                           data={"vc-file": (io.BytesIO(content.encode()), "certificate.json")})

    shown = checks(response.text, "credential-checks")
    assert response.status_code == 200 and list(shown) == ORDER and all(ok for ok, _ in shown.values())
    assert "数字证书核验通过" in response.text


def test_a_pasted_jwt_is_checked_too(client, worker_client, certificate):
    response = client.post("/verify/credential", data={"vc-credential": _credential(worker_client, certificate, "jwt")})

    shown = checks(response.text, "credential-checks")
    assert all(ok for ok, _ in shown.values()) and "VC-JOSE JWT" in response.text
    assert shown["issuer key"][1].split("（")[0].endswith("-jwk")


def test_a_tampered_credential_fails_the_signature_and_says_so(client, worker_client, certificate):
    credential = json.loads(_credential(worker_client, certificate))
    credential["credentialSubject"]["achievement"]["name"] = "车工 高级技师"

    response = client.post("/verify/credential", data={"vc-credential": json.dumps(credential, ensure_ascii=False)})

    shown = checks(response.text, "credential-checks")
    assert not shown["signature"][0] and "签发后被改动过" in shown["signature"][1]
    assert "数字证书未通过核验" in response.text


def test_something_that_is_no_credential_fails_the_format(client):
    shown = checks(client.post("/verify/credential", data={"vc-credential": "hello"}).text, "credential-checks")

    assert list(shown) == ["format"] and not shown["format"][0]


def test_an_empty_credential_form_says_what_is_missing(client):
    response = client.post("/verify/credential", data={"vc-credential": "  "})

    assert response.status_code == 422 and "请粘贴数字证书内容或上传文件" in response.text


def test_the_checks_read_in_english(client, worker_client, certificate):
    content = _credential(worker_client, certificate)

    html = client.post("/verify/credential?lang=en", data={"vc-credential": content}).text

    assert "Issuer key" in html and "Accreditation" in html and "All 6 checks passed." in html
    assert "was accredited on the day of issue, 2022-03-01" in html


def test_a_signing_key_that_does_not_open_fails_the_signature_not_the_page(client, certificate, app, monkeypatch):
    client.get("/.well-known/did.json")  # the registry's key exists, sealed under the configured key
    monkeypatch.setitem(app.config, "SIGNING_KEY_ENCRYPTION_KEYS", {"s1": b"\x07" * 32})
    token = link_token(app.config["VERIFY_LINK_KEY"], certificate)

    response = client.get("/verify", query_string={"n": certificate.number, "h": token})

    shown = checks(response.text)
    assert response.status_code == 200 and "有效" in verdict(response.text)
    assert not shown["signature"][0] and "签名密钥当前无法启用" in shown["signature"][1]
    assert shown["accreditation"][0]


def test_the_credential_form_carries_its_own_csrf_token(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    page = client.get("/verify").text
    token = re.search(r'name="vc-csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    assert client.post("/verify/credential", data={"vc-credential": "hello"}).status_code == 400
    response = client.post("/verify/credential", data={"vc-credential": "hello", "vc-csrf_token": token})
    assert response.status_code == 200 and not checks(response.text, "credential-checks")["format"][0]
