"""The API answers in the reader's language: Chinese by default, English on Accept-Language or ?lang=en."""

from __future__ import annotations


def test_field_errors_are_in_chinese_by_default(client):
    body = client.get("/api/v1/ladder/routes?from=a&to=b&k=abc").json

    assert body["title"] == "输入有误" and body["errors"]["k"] == ["不是有效的整数。"]


def test_field_errors_stay_in_english_for_an_english_client(client):
    body = client.get("/api/v1/ladder/routes?from=a&to=b&k=abc", headers={"Accept-Language": "en-GB,en;q=0.8"}).json

    assert body["title"] == "Unprocessable Entity" and body["errors"]["k"] == ["Not a valid integer."]


def test_missing_fields_and_ranges_are_translated_with_their_numbers(client, make_user, api_token):
    headers = api_token(make_user("institution_staff"))

    body = client.get("/api/v1/workers?per_page=500", headers=headers).json
    missing = client.post("/api/v1/workers", json={}, headers=headers).json

    assert body["errors"]["per_page"] == ["必须在 1 到 200 之间。"]
    assert missing["errors"]["name"] == ["必填字段缺失。"]

