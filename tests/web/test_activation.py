"""A registered worker opens their own account with the one-time code their institution hands them; nobody
else ever sets or learns the worker's password, and the page tells nobody which IDs are registered."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from credentials import AuthenticationFailed, Forbidden
from credentials.models import User, utcnow
from credentials.services.activation import activate_worker_account, issue_activation_code
from tests.conftest import national_id

PASSWORD = "lathe turner since 2009"


@pytest.fixture
def registered(make_user, make_institution, vault):
    from credentials.services.workers import register_worker

    school = make_institution()
    clerk = make_user("institution_staff", institution=school)
    number = national_id()
    worker = register_worker(db.session(), vault, name="陈新", national_id=number, city_code="3205", by=clerk)
    db.session.commit()
    return clerk, worker, number


def code_from(html: str) -> str:
    return re.search(r'id="activation-code"><code>([A-Z0-9]{8})</code>', html).group(1)


def test_the_clerk_issues_a_code_and_the_worker_opens_the_account_then_signs_in(app, client, login, registered):
    clerk, worker, number = registered
    login(client, clerk)
    record = client.get(f"/institution/workers/{worker.id}").text
    assert "未开通" in record and f"/institution/workers/{worker.id}/activation" in record
    code = code_from(client.post(f"/institution/workers/{worker.id}/activation").text)

    phone = app.test_client()
    assert "用开通码开通账号" in phone.get("/login").text
    opened = phone.post("/activate", data={"national_id": number, "code": code.lower(), "password": PASSWORD,
                                           "confirm": PASSWORD})
    assert opened.status_code == 302 and opened.location.endswith("/login")
    signed_in = phone.post("/login", data={"account": number, "password": PASSWORD})
    assert signed_in.status_code == 302 and "/worker" in signed_in.location
    assert "已开通" in client.get(f"/institution/workers/{worker.id}").text


@pytest.mark.parametrize("case", ["wrong_code", "wrong_id", "used", "expired", "replaced"])
def test_every_failure_reads_the_same(vault, registered, case):
    clerk, worker, number = registered
    code = issue_activation_code(db.session(), vault, worker, by=clerk)
    now = utcnow()
    if case == "used":
        activate_worker_account(db.session(), vault, national_id=number, code=code, password=PASSWORD)
    if case == "replaced":
        issue_activation_code(db.session(), vault, worker, by=clerk, now=now)
    attempt = {"wrong_code": ("ZZZZZZZZ", number), "wrong_id": (code, national_id())}.get(case, (code, number))
    when = now + timedelta(days=15) if case == "expired" else now

    with pytest.raises(AuthenticationFailed) as refused:
        activate_worker_account(db.session(), vault, national_id=attempt[1], code=attempt[0],
                                password=PASSWORD + "!", now=when)
    assert refused.value.code == "activation"


def test_a_weak_password_is_refused_before_anything_else(vault, registered):
    from credentials import ValidationFailed

    clerk, worker, number = registered
    code = issue_activation_code(db.session(), vault, worker, by=clerk)
    with pytest.raises(ValidationFailed):
        activate_worker_account(db.session(), vault, national_id=number, code=code, password=" " * 12 + "a")


def test_only_staff_who_see_the_worker_issue_codes_and_only_until_an_account_exists(vault, registered, make_user,
                                                                                   make_institution):
    clerk, worker, number = registered
    stranger = make_user("institution_staff", institution=make_institution())
    with pytest.raises(Forbidden):
        issue_activation_code(db.session(), vault, worker, by=stranger)

    code = issue_activation_code(db.session(), vault, worker, by=clerk)
    activate_worker_account(db.session(), vault, national_id=number, code=code, password=PASSWORD)
    with pytest.raises(Forbidden) as refused:
        issue_activation_code(db.session(), vault, worker, by=clerk)
    assert refused.value.code == "account_exists"


def test_the_code_is_never_stored_in_clear(vault, registered):
    from credentials.models import WorkerActivation

    clerk, worker, _number = registered
    code = issue_activation_code(db.session(), vault, worker, by=clerk)

    stored = db.session.scalar(select(WorkerActivation.code_hash).where(WorkerActivation.worker_id == worker.id))
    assert code not in stored and len(stored) == 64
    assert db.session.scalar(select(User.id).where(User.worker_id == worker.id)) is None
