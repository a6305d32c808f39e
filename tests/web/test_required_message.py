"""Every form says "必填" (Required) of an empty required field, through the one validator in app/web/forms.py,
never WTForms' own "该字段是必填字段。"."""

from __future__ import annotations

import re
from pathlib import Path

from tests.web.html import field_error

APP = Path(__file__).resolve().parents[2] / "app"
SHARED = APP / "web" / "forms.py"


def test_only_the_shared_form_helpers_use_wtforms_required_validators():
    allowed = {SHARED}
    users = {path for path in APP.rglob("*.py")
             if re.search(r"\b(DataRequired|InputRequired)\(", path.read_text(encoding="utf-8"))}
    assert users <= allowed, sorted(str(p.relative_to(APP)) for p in users - allowed)


def test_the_login_and_admin_forms_share_the_one_message(app):
    from app.web import admin, auth_views, forms

    assert not hasattr(auth_views, "REQUIRED") and not hasattr(admin, "REQUIRED")
    with app.test_request_context():
        assert str(forms.REQUIRED) == "必填"


def test_an_empty_password_change_says_required(client, login, make_user):
    login(client, make_user("admin", duty="system"))
    refused = client.post("/account/password", data={"current_password": "", "new_password": "", "confirm": ""})

    assert field_error(refused.text, "current_password") == field_error(refused.text, "new_password") == "必填"
    assert "该字段是必填字段" not in refused.text


def test_an_empty_certificate_check_says_required_in_both_languages(client):
    chinese = client.post("/verify", data={"number": "", "name": ""})
    assert field_error(chinese.text, "number") == "必填"

    client.get("/lang/en")
    english = client.post("/verify", data={"number": "", "name": ""})
    assert field_error(english.text, "number") == "Required"
    assert "This field is required" not in english.text


def test_a_number_left_empty_says_required(app):
    """RequiredInput, for numbers where 0 is an answer, says the same."""
    from wtforms import Form, IntegerField

    from app.web.forms import RequiredInput

    class Hours(Form):
        hours = IntegerField(validators=[RequiredInput()])

    with app.test_request_context():
        empty, zero = Hours(data={}), Hours(formdata=_Multi({"hours": "0"}))
        assert not empty.validate() and [str(e) for e in empty.hours.errors] == ["必填"]
        assert zero.validate()


class _Multi(dict):
    def getlist(self, key):
        return [self[key]] if key in self else []
