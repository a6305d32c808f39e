"""Everything held about me, on the pages: the JSON download and the printable page (the worker's only, each
download audited), the consent toggle, and the looks at a worker's record noted where staff open it."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from credentials.models import AuditEvent, InstitutionKind
from credentials.services.access_log import DATA_EXPORTED, RECORD_VIEWED
from credentials.services.consent import CONSENT_CHANGED
from tests.conftest import national_id


@pytest.fixture
def college(make_institution):
    return make_institution("苏州技师学院")


@pytest.fixture
def number():
    return national_id()


@pytest.fixture
def worker(make_worker, college, make_certificate, number):
    found = make_worker("陈数据", id_number=number, employer=college)
    make_certificate(found, college, level="junior", issued_on=date(2020, 7, 1))
    return found


@pytest.fixture
def worker_user(make_user, worker):
    return make_user("worker", worker=worker)


@pytest.fixture
def worker_client(app, login, worker_user):
    client = app.test_client()
    login(client, worker_user)
    return client


@pytest.fixture
def clerk(make_user, college):
    return make_user("institution_staff", institution=college)


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_the_worker_downloads_everything_as_a_json_attachment(worker_client, worker, worker_user, number):
    response = worker_client.get("/worker/my-data.json")

    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="my-data-')
    assert response.headers["Cache-Control"] == "no-store"
    export = json.loads(response.data)
    assert export["identity"]["national_id"] == number and export["identity"]["name"] == "陈数据"
    (certificate,) = export["records"]["certificates"]["rows"]
    assert (certificate["worker_id"], certificate["level"], certificate["issued_on"]) == (worker.id, "junior",
                                                                                          "2020-07-01")
    assert export["records"]["users"]["rows"][0]["id"] == worker_user.id
    assert "password_hash" not in export["records"]["users"]["rows"][0]
    (download,) = events(DATA_EXPORTED)
    assert (download.actor_id, download.entity_id, download.after) == (worker_user.id, str(worker.id), {"form": "json"})


def test_the_printable_page_shows_each_part_and_is_audited(worker_client, worker, number):
    page = worker_client.get("/worker/my-data")

    assert page.status_code == 200
    text = page.text
    for heading in ("身份信息", "公开展示", "谁查看了我的档案", "职业技能等级证书", "账户", "与我有关的审计记录"):
        assert heading in text
    assert number in text  # the worker's own page shows the full number
    assert "css/my_data.css" in text and "js/my_data.js" in text and 'name="csrf_token"' in text
    assert "Skill level certificates" in text  # the other language beside each title, for whoever reads the print
    assert [e.after for e in events(DATA_EXPORTED)] == [{"form": "page"}]


def test_the_page_reads_in_english(worker_client):
    worker_client.get("/lang/en?next=/worker/my-data")
    text = worker_client.get("/worker/my-data").text
    assert "Everything held about me" in text and "Who looked at my record" in text


def test_home_and_navigation_lead_to_my_data(worker_client):
    home = worker_client.get("/worker/").text
    assert 'id="my-data-link"' in home and home.count('href="/worker/my-data"') >= 2


@pytest.mark.parametrize("role", ["institution_staff", "bureau_officer", "admin"])
def test_other_roles_are_refused(app, make_user, login, worker, role):
    client = app.test_client()
    login(client, make_user(role))
    assert client.get("/worker/my-data").status_code == 403
    assert client.get("/worker/my-data.json").status_code == 403
    assert client.post("/worker/my-data/consent", data={"consent": "yes"}).status_code == 403
    assert events(DATA_EXPORTED) == [] and worker.public_profile_consent is False


def test_without_signing_in_the_pages_ask_for_it(client):
    response = client.get("/worker/my-data.json")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_worker_agrees_to_public_pages_and_withdraws(worker_client, worker):
    assert "您没有同意公开展示" in worker_client.get("/worker/my-data").text

    agreed = worker_client.post("/worker/my-data/consent", data={"consent": "yes"})
    assert agreed.status_code == 302 and agreed.headers["Location"].endswith("/worker/my-data#consent")
    db.session.refresh(worker)
    assert worker.public_profile_consent is True
    page = worker_client.get("/worker/my-data").text
    assert "已同意在公开页面展示" in page and "上次更改：" in page and 'value="no"' in page

    again = worker_client.post("/worker/my-data/consent", data={"consent": "yes"}, follow_redirects=True)
    assert "公开展示的选择没有变化" in again.text
    worker_client.post("/worker/my-data/consent", data={"consent": "no"})
    db.session.refresh(worker)
    assert worker.public_profile_consent is False
    assert [e.after for e in events(CONSENT_CHANGED)] == [{"public_profile_consent": True},
                                                          {"public_profile_consent": False}]


def test_a_malformed_choice_changes_nothing(worker_client, worker):
    response = worker_client.post("/worker/my-data/consent", data={"consent": "maybe"}, follow_redirects=True)
    assert "请重新选择是否公开展示" in response.text
    assert events(CONSENT_CHANGED) == []


def test_the_institution_opening_a_record_is_noted_once_and_the_worker_sees_it(app, login, clerk, worker,
                                                                             worker_client):
    staff = app.test_client()
    login(staff, clerk)
    assert staff.get(f"/institution/workers/{worker.id}").status_code == 200
    assert staff.get(f"/institution/workers/{worker.id}").status_code == 200  # paging back: not noted again

    (view,) = events(RECORD_VIEWED)
    assert (view.actor_id, view.entity_id, view.after) == (clerk.id, str(worker.id), {"where": "institution.worker"})
    page = worker_client.get("/worker/my-data").text
    assert clerk.display_name in page and "培训评价机构的劳动者档案页" in page
    export = worker_client.get("/worker/my-data.json").json
    assert [v["viewer"]["name"] for v in export["record_views"]] == [clerk.display_name]


def test_the_api_notes_staff_reading_a_worker_but_not_the_worker_reading_themself(clerk, worker, worker_user,
                                                                                 api_token, client):
    staff = api_token(clerk)
    assert client.get(f"/api/v1/workers/{worker.id}", headers=staff).status_code == 200
    assert client.get(f"/api/v1/workers/{worker.id}/history", headers=staff).status_code == 200
    own = api_token(worker_user)
    assert client.get(f"/api/v1/workers/{worker.id}", headers=own).status_code == 200
    assert client.get(f"/api/v1/workers/{worker.id}/history", headers=own).status_code == 200

    assert [(e.actor_id, e.after["where"]) for e in events(RECORD_VIEWED)] == [
        (clerk.id, "api.worker"), (clerk.id, "api.worker_history")]


def test_another_institutions_clerk_gets_404_and_nothing_is_noted(app, login, make_user, make_institution, worker):
    stranger = app.test_client()
    login(stranger, make_user("institution_staff", institution=make_institution("无锡技工", kind=InstitutionKind.ENTERPRISE,
                                                                                 city_code="3202")))
    assert stranger.get(f"/institution/workers/{worker.id}").status_code == 404
    assert events(RECORD_VIEWED) == []
