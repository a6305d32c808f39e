"""POST /api/v1/verify (and GET with a QR link's token): anyone checks a certificate by number and holder's
name, without a login; never by number alone, never with a name in the URL, never more than the rate limit
allows, and a revocation shows at once."""

from __future__ import annotations

from datetime import UTC, date
from zoneinfo import ZoneInfo

import pytest

from app.extensions import limiter
from credentials.queries.verification import link_token
from credentials.services.certificates import revoke_certificate

PROBLEM = "application/problem+json"


@pytest.fixture
def certificate(make_institution, make_worker, make_certificate):
    institution = make_institution("苏州技师学院")
    return make_certificate(make_worker("王建国"), institution, level="senior", issued_on=date(2021, 6, 1))


def verify(client, **params):
    return client.post("/api/v1/verify", json=params)


def verify_by_link(client, **params):
    return client.get("/api/v1/verify", query_string=params)


def test_valid_certificate_is_confirmed_with_masked_holder_and_its_facts(client, certificate):
    response = verify(client, number=certificate.number, name="王建国")

    body = response.json
    assert response.status_code == 200
    assert (body["valid"], body["status"], body["number_status"]) == (True, "valid", "on_record")
    assert body["holder_name_masked"] == "王*国" and "王建国" not in response.text
    assert body["occupation"] == {"code": "6-18-01-01", "name": "车工", "edition": 2022}
    assert (body["level"]["code"], body["level"]["name_zh"]) == ("senior", "高级工（三级）")
    assert body["route"] == "regular" and body["issued_on"] == "2021-06-01"
    assert body["issuer"]["institution"] == "苏州技师学院" and body["issuer"]["did"].startswith("did:web:")
    assert body["revoked_on"] is None and body["number_scheme"] == "skill_level22"


def test_revoked_certificate_answers_revoked_with_the_date(client, certificate, make_user, db):
    revoke_certificate(db.session(), certificate, reason="材料造假", by=make_user("bureau_officer"))
    db.session.commit()

    body = verify(client, number=certificate.number, name="王建国").json

    assert (body["valid"], body["status"]) == (False, "revoked")
    revoked_at = certificate.revoked_at.replace(tzinfo=certificate.revoked_at.tzinfo or UTC)
    assert body["revoked_on"] == revoked_at.astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat()
    assert body["revoked_at"].endswith("Z") and "材料造假" not in str(body)  # the reason is not public


def test_revocation_shows_on_the_very_next_look_up(client, certificate, make_user, db):
    assert verify(client, number=certificate.number, name="王建国").json["status"] == "valid"

    revoke_certificate(db.session(), certificate, reason="录入错误", by=make_user("bureau_officer"))
    db.session.commit()

    assert verify(client, number=certificate.number, name="王建国").json["status"] == "revoked"


def test_unknown_well_formed_number_is_not_found_but_possible(client, certificate):
    body = verify(client, number="S000032000001213000099", name="王建国").json

    assert (body["valid"], body["status"], body["number_status"]) == (False, "not_found", "not_on_record")
    assert "holder_name_masked" not in body


@pytest.mark.parametrize("number", ["ABC", "12345", "S0000-32000001213000001", "证书123456789"])
def test_a_number_no_national_scheme_can_produce_is_told_apart(client, number):
    body = verify(client, number=number, name="王建国").json

    assert (body["status"], body["number_status"]) == ("not_found", "impossible")
    assert "不可能" in body["message"]


def test_wrong_name_answers_exactly_like_an_unknown_number(client, certificate):
    unknown = "S000032000001213000099"
    wrong_name = verify(client, number=certificate.number, name="李四").json
    no_such_number = verify(client, number=unknown, name="王建国").json

    for body in (wrong_name, no_such_number):
        body.pop("checked_at"), body.pop("number")
    assert wrong_name == no_such_number


def test_names_match_across_spacing_and_full_width_forms(client, certificate):
    for name in ("王 建国", " 王建国 ", "王　建　国"):
        assert verify(client, number=certificate.number, name=name).json["status"] == "valid"


def test_number_is_normalised_before_the_look_up(client, certificate):
    spaced = " ".join([certificate.number[:6], certificate.number[6:]]).lower()

    assert verify(client, number=spaced, name="王建国").json["status"] == "valid"


def test_a_name_in_the_url_is_refused_and_names_the_way_to_send_it(client, certificate):
    response = verify_by_link(client, number=certificate.number, name="王建国")

    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert response.json["errors"]["name"] == ["持证人姓名不能放在网址中：请用 POST 在请求体中发送"]
    assert "valid" not in response.json  # nothing was looked up
    english = client.get("/api/v1/verify", query_string={"number": certificate.number, "name": "王建国"},
                         headers={"Accept-Language": "en"})
    assert "POST" in english.json["errors"]["name"][0] and "URL" in english.json["errors"]["name"][0]


def test_qr_token_stands_in_for_the_name_and_a_wrong_one_is_not_found(client, certificate, app):
    token = link_token(app.config["VERIFY_LINK_KEY"], certificate)

    assert verify_by_link(client, number=certificate.number, token=token).json["status"] == "valid"
    assert verify(client, number=certificate.number, token=token).json["status"] == "valid"
    forged = token[:-1] + ("B" if token[-1] == "A" else "A")
    assert verify_by_link(client, number=certificate.number, token=forged).json["status"] == "not_found"
    assert verify_by_link(client, number=certificate.number).json["errors"]["token"]


@pytest.mark.parametrize(("params", "field"), [
    ({"number": "S000032000001213000001"}, "name"),
    ({"number": "S000032000001213000001", "name": "   "}, "name"),
    ({"name": "王建国"}, "number"),
    ({"number": "S" * 65, "name": "王建国"}, "number"),
])
def test_missing_or_oversized_input_is_a_field_error(client, params, field):
    response = verify(client, **params)

    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert field in response.json["errors"]


def test_no_login_is_needed_and_a_bearer_token_is_not_required(client, certificate):
    response = verify(client, number=certificate.number, name="王建国")

    assert response.status_code == 200 and "WWW-Authenticate" not in response.headers


def test_look_ups_are_rate_limited_per_client_across_api_and_page(app, certificate):
    saved = app.config["VERIFY_RATE_LIMIT"]
    app.config["VERIFY_RATE_LIMIT"] = "3 per minute"
    limiter.reset()
    try:
        client, other = app.test_client(), app.test_client()
        asked = {"number": certificate.number, "name": "王建国"}
        statuses = [verify(client, **asked).status_code,
                    client.post("/verify", data=asked).status_code,
                    verify(client, **asked).status_code]
        refused = verify(client, **asked)
        elsewhere = {"REMOTE_ADDR": "10.0.0.9"}
        from_elsewhere = other.post("/api/v1/verify", json=asked, environ_base=elsewhere)
        assert statuses == [200, 200, 200]
        assert refused.status_code == 429 and refused.mimetype == PROBLEM
        assert from_elsewhere.status_code == 200
        assert client.post("/verify", data=asked).status_code == 429  # the page shares the same budget
        assert client.get("/verify").status_code == 200  # the empty form costs nothing
    finally:
        app.config["VERIFY_RATE_LIMIT"] = saved
        limiter.reset()


def test_a_wrong_name_costs_the_same_statements_as_an_unknown_number(app, certificate):
    """Timing must not tell real numbers from missing ones: both look-ups run exactly one statement (a real
    number used to load its holder, occupation and institution with three more)."""
    from sqlalchemy import event

    from app.extensions import db
    from credentials.queries.verification import verify_certificate

    def statements_for(number: str, name: str) -> int:
        seen: list[str] = []
        engine = db.engine
        listener = lambda *args: seen.append(args[2])  # noqa: E731 - (conn, cursor, statement, …)
        event.listen(engine, "before_cursor_execute", listener)
        try:
            db.session.expire_all()
            verify_certificate(db.session(), number, name=name)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    with app.app_context():
        assert statements_for(certificate.number, "李四") == statements_for("S000032000001213000099", "王建国") == 1


@pytest.mark.parametrize("state", ["valid", "revoked", "not_found"])
def test_the_answer_is_exactly_what_the_verdict_schema_documents(client, certificate, make_user, db, state):
    """The answer is built without the schema's dump (the hot path): it must still be what the schema says."""
    from app.api.verify import VerdictSchema

    if state == "revoked":
        revoke_certificate(db.session(), certificate, reason="录入错误", by=make_user("bureau_officer"))
        db.session.commit()
    number = certificate.number if state != "not_found" else "S000032000001213000099"
    body = verify(client, number=number, name="王建国").json

    assert body["status"] == state
    assert VerdictSchema().validate(body) == {}
    assert VerdictSchema().dump(VerdictSchema().load(body)) == body
