"""The admin's pages: accounts, institutions and their accreditation."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from credentials.models import Accreditation, Institution, User
from tests.web.html import field_error


@pytest.fixture
def admin_client(client, login, make_user):
    """The security administrator: accounts are theirs."""
    login(client, make_user("admin", duty="security"))
    return client


@pytest.fixture
def system_client(client, login, make_user):
    """The system administrator: institutions and their accreditation are theirs."""
    login(client, make_user("admin", duty="system"))
    return client


def test_admin_creates_a_city_officer(admin_client, db):
    response = admin_client.post("/admin/users/new", data={
        "username": "wuxi-hrss", "password": "a-long-enough-passphrase", "role": "bureau_officer",
        "institution_id": "", "bureau_scope": "city", "region_code": "3202"})

    assert response.status_code == 302
    created = db.session.scalar(select(User).where(User.username == "wuxi-hrss"))
    assert (created.bureau_scope.value, created.region_code) == ("city", "3202")


def test_admin_sees_a_field_error_for_a_short_password(admin_client, db):
    response = admin_client.post("/admin/users/new", data={
        "username": "someone", "password": "short", "role": "admin", "institution_id": "", "bureau_scope": "",
        "region_code": ""})

    assert response.status_code == 422
    assert "至少需要 12 个字符" in field_error(response.text, "password")
    assert db.session.scalar(select(User.id).where(User.username == "someone")) is None


def test_admin_form_accepts_a_post_without_the_optional_region_code(admin_client, db):
    response = admin_client.post("/admin/users/new", data={
        "username": "ops", "password": "a-long-enough-passphrase", "role": "admin", "admin_duty": "audit",
        "institution_id": "", "bureau_scope": ""})

    assert response.status_code == 302
    assert db.session.scalar(select(User.role).where(User.username == "ops")).value == "admin"


def test_admin_creates_an_institution_and_accredits_it(system_client, db):
    admin_client = system_client
    response = admin_client.post("/admin/institutions/new", data={
        "name": "无锡技师学院", "kind": "technician_college", "city_code": "3202"})
    assert response.status_code == 302
    institution = db.session.scalar(select(Institution).where(Institution.name == "无锡技师学院"))
    assert response.headers["Location"] == f"/admin/institutions/{institution.id}"

    response = admin_client.post(response.headers["Location"], data={
        "occupation_code": "6-18-01-01", "max_level": "technician", "valid_from": "2024-01-01"})

    assert response.status_code == 302
    accreditation = db.session.scalar(
        select(Accreditation).where(Accreditation.institution_id == institution.id))
    assert (accreditation.max_level, accreditation.valid_from) == ("technician", date(2024, 1, 1))
