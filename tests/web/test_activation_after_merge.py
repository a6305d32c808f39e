"""The activation code an institution handed out for a record the bureau later merged into another (one person
entered twice) still opens the person's account: the account of the surviving record, exactly as an account
opened before the merge would have moved there (credentials/services/merges.py). When the surviving record has
an account already, the worker is told so and what to do, not that the code is wrong. Anything else still gets
the one vague answer that tells nobody which IDs are registered."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from app.extensions import db
from app.i18n import LANG_COOKIE
from credentials import AuthenticationFailed, CredentialsError
from credentials.models import DuplicateKind, Institution, User, Worker
from credentials.services.activation import activate_worker_account, issue_activation_code
from credentials.services.merges import merge_workers
from credentials.services.workers import register_worker
from tests.conftest import national_id
from tests.duplicate_records import BIRTH, insert_worker, one_digit_off

PASSWORD = "lathe turner since 2009"
GENERIC = "身份证号或开通码不正确"


@dataclass
class Merged:
    school: Institution
    clerk: User
    officer: User
    survivor: Worker
    number: str  # the survivor's (the person's real) number
    merged: Worker
    typo: str  # the merged record's number, one digit off
    code: str  # issued for the merged record before the merge


@pytest.fixture
def merged_pair(make_user, make_institution, vault) -> Merged:
    school = make_institution("苏州技师学院")
    clerk = make_user("institution_staff", institution=school)
    officer = make_user("bureau_officer", scope="city", region="3205")
    number = national_id(BIRTH, 135)
    survivor = register_worker(db.session(), vault, name="王小明", national_id=number, city_code="3205", by=clerk)
    typo = one_digit_off(number, 16)
    merged = insert_worker(vault, typo, registered_by_institution_id=school.id)
    db.session.commit()
    code = issue_activation_code(db.session(), vault, merged, by=clerk)
    db.session.commit()
    merge_workers(db.session(), survivor, merged, kind=DuplicateKind.ONE_DIGIT, reason="持身份证原件核对，第二份为录入错误",
                  by=officer)
    db.session.commit()
    return Merged(school, clerk, officer, survivor, number, merged, typo, code)


def activate(client, number: str, code: str):
    return client.post("/activate", data={"national_id": number, "code": code, "password": PASSWORD,
                                          "confirm": PASSWORD}, follow_redirects=True)


def account_of(worker: Worker) -> User | None:
    return db.session.scalar(select(User).where(User.worker_id == worker.id))


def test_the_merged_records_code_opens_the_survivors_account_with_the_persons_number(app, merged_pair):
    phone = app.test_client()

    page = activate(phone, merged_pair.number, merged_pair.code)

    assert page.status_code == 200 and "账号已开通" in page.text and GENERIC not in page.text
    assert account_of(merged_pair.survivor) is not None and account_of(merged_pair.merged) is None
    signed_in = phone.post("/login", data={"account": merged_pair.number, "password": PASSWORD})
    assert signed_in.status_code == 302 and "/worker" in signed_in.location


def test_typing_the_merged_records_number_opens_the_survivors_account_and_says_which_number_signs_in(
        app, merged_pair):
    page = activate(app.test_client(), merged_pair.typo, merged_pair.code)

    assert page.status_code == 200 and "账号已开通" in page.text
    assert merged_pair.survivor.id_masked in page.text  # the number the account now signs in with
    assert account_of(merged_pair.survivor) is not None


def test_in_english_too(app, merged_pair):
    phone = app.test_client()
    phone.set_cookie(LANG_COOKIE, "en")
    page = activate(phone, merged_pair.typo, merged_pair.code)
    assert f"sign in with national ID {merged_pair.survivor.id_masked}" in page.text


def test_when_the_survivor_has_an_account_the_worker_is_told_to_sign_in_with_it(app, vault, make_user, merged_pair):
    make_user("worker", worker=merged_pair.survivor)

    page = activate(app.test_client(), merged_pair.number, merged_pair.code)

    assert page.status_code == 422 and GENERIC not in page.text
    assert "合并" in page.text and "已开通账号" in page.text and merged_pair.school.name in page.text
    assert db.session.scalar(select(User).where(User.worker_id == merged_pair.merged.id)) is None
    with pytest.raises(CredentialsError) as refused:
        activate_worker_account(db.session(), vault, national_id=merged_pair.number, code=merged_pair.code,
                                password=PASSWORD)
    assert "merged" in refused.value.message("en") and merged_pair.school.name in refused.value.message("en")
    assert not isinstance(refused.value, AuthenticationFailed) or refused.value.code != "activation"


def test_a_new_code_for_the_survivor_replaces_the_merged_records_code(vault, merged_pair):
    issue_activation_code(db.session(), vault, merged_pair.survivor, by=merged_pair.clerk)
    db.session.commit()

    with pytest.raises(AuthenticationFailed) as refused:
        activate_worker_account(db.session(), vault, national_id=merged_pair.number, code=merged_pair.code,
                                password=PASSWORD)
    assert refused.value.code == "activation"


def test_the_survivors_own_code_does_not_open_anything_with_the_mistyped_number(vault, merged_pair):
    code = issue_activation_code(db.session(), vault, merged_pair.survivor, by=merged_pair.clerk)
    db.session.commit()

    with pytest.raises(AuthenticationFailed) as refused:
        activate_worker_account(db.session(), vault, national_id=merged_pair.typo, code=code, password=PASSWORD)
    assert refused.value.code == "activation"
    user = activate_worker_account(db.session(), vault, national_id=merged_pair.number, code=code, password=PASSWORD)
    assert user.worker_id == merged_pair.survivor.id


def test_someone_elses_number_with_the_merged_records_code_gets_the_vague_answer(vault, merged_pair):
    with pytest.raises(AuthenticationFailed) as refused:
        activate_worker_account(db.session(), vault, national_id=national_id(), code=merged_pair.code,
                                password=PASSWORD)
    assert refused.value.code == "activation"


def test_the_code_is_used_once(vault, merged_pair):
    activate_worker_account(db.session(), vault, national_id=merged_pair.number, code=merged_pair.code,
                            password=PASSWORD)
    db.session.commit()
    with pytest.raises(CredentialsError):
        activate_worker_account(db.session(), vault, national_id=merged_pair.typo, code=merged_pair.code,
                                password=PASSWORD)
