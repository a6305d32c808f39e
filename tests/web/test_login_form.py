"""The sign-in form speaks like every other form: an empty field is "必填" (Required), not WTForms' own text."""

from __future__ import annotations

from tests.web.html import field_error


def test_an_empty_sign_in_says_required_beside_each_field(client):
    empty = client.post("/login", data={"account": "", "password": ""})

    assert field_error(empty.text, "account") == field_error(empty.text, "password") == "必填"
    assert "该字段是必填字段" not in empty.text


def test_an_empty_sign_in_says_required_in_english(client):
    client.get("/lang/en")
    empty = client.post("/login", data={"account": "", "password": ""})

    assert field_error(empty.text, "account") == "Required"


def test_an_empty_institution_name_says_required(client, login, make_user):
    login(client, make_user("admin", duty="system"))
    refused = client.post("/admin/institutions/new", data={"name": "", "kind": "college"})

    assert field_error(refused.text, "name") == "必填"
