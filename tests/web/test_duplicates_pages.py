"""The bureau's pages for one person entered twice: the list (and its XLSX), a pair's two records side by side, the
merge with its confirmation, the dismissal, who may see and decide, and where a merged record's pages lead."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from credentials.models import Certificate, DismissedDuplicate, DuplicateKind, Worker, WorkerMerge
from credentials.services.merges import merge_workers
from tests.conftest import national_id
from tests.duplicate_records import BIRTH, insert_worker, one_digit_off
from tests.web.html import field_error, rows, sheet_rows

REASON = "持身份证原件核对，第二份为录入错误"


@pytest.fixture
def number():
    return national_id(BIRTH, 135)


@pytest.fixture
def pair(make_worker, vault, number):
    return make_worker(id_number=number), insert_worker(vault, one_digit_off(number, 16))


@pytest.fixture
def officer_client(client, login, make_user):
    login(client, make_user("bureau_officer", scope="city", region="3205"))
    return client


def pair_url(pair, action: str = "") -> str:
    first, second = pair
    return f"/bureau/duplicates/{first.id}/{second.id}" + (f"/{action}" if action else "")


def merge_form(survivor, **extra) -> dict:
    return {"survivor": str(survivor.id), "reason": REASON, **extra}


# ---- seeing the pairs ---------------------------------------------------------------------------------------

def test_the_home_work_queue_counts_the_pairs_and_links_the_list(officer_client, pair):
    html = officer_client.get("/bureau/").text

    waiting = re.search(r'<p id="duplicates-waiting">(.*?)</p>', html, re.S).group(1)
    assert 'href="/bureau/duplicates"' in waiting and '<span class="badge badge--review">1</span>' in waiting


def test_the_list_shows_the_pair_with_masked_name_and_ids(officer_client, pair, number):
    first, second = pair
    html = officer_client.get("/bureau/duplicates").text

    [row] = rows(html, "duplicate-pairs")
    assert "身份证号有一位不同" in row and "很可能" in row and "王*明" in row and "王小明" not in row
    assert first.id_masked in row and second.id_masked in row and "苏州" in row
    assert f'href="{pair_url(pair)}"' in row
    assert number not in html and one_digit_off(number, 16) not in html


def test_the_list_exports_to_xlsx_without_full_ids(officer_client, pair, number):
    first, second = pair
    response = officer_client.get("/bureau/duplicates.xlsx")

    header, *data = sheet_rows(response)
    assert header[:3] == ("类型", "把握", "姓名") and len(data) == 1
    assert data[0][:3] == ("身份证号有一位不同", "很可能", "王*明")
    assert first.id_masked in data[0] and second.id_masked in data[0] and "16、18" in data[0]
    assert number.encode() not in response.data


def test_the_pair_page_shows_both_records_side_by_side_with_the_evidence(officer_client, pair, make_user,
                                                                         make_certificate, make_institution, number):
    first, second = pair
    make_certificate(first, make_institution("苏州技师学院"))
    make_user("worker", worker=second)

    html = officer_client.get(pair_url(pair)).text

    assert f'id="record-{first.id}"' in html and f'id="record-{second.id}"' in html
    assert "身份证号第 16、18 位不同" in html and html.count('class="id-strip__diff"') == 2 * 2  # both positions marked on each record
    assert "已开通" in html and "未开通" in html
    # the default survivor is the record with an account
    assert re.search(rf'<input checked id="survivor-\d" name="survivor" required type="radio" value="{second.id}">', html)
    assert number not in html


# ---- deciding -----------------------------------------------------------------------------------------------

def test_merging_shows_what_will_move_then_merges_when_confirmed(db, officer_client, pair, make_certificate,
                                                                 make_institution):
    first, second = pair
    moved = make_certificate(second, make_institution("苏州技师学院"))

    preview = officer_client.post(pair_url(pair, "merge"), data=merge_form(first))

    assert preview.status_code == 200 and 'id="confirm-merge"' in preview.text
    assert re.search(r'<li data-column="certificates.worker_id">证书：1</li>', preview.text)
    db.session.expire_all()
    assert db.session.get(Worker, second.id).merged_into_id is None  # nothing written before the confirmation
    assert db.session.scalar(select(func.count()).select_from(WorkerMerge)) == 0

    done = officer_client.post(pair_url(pair, "merge"), data=merge_form(first, confirmed="yes"))

    assert done.status_code == 302 and done.headers["Location"] == "/bureau/duplicates"
    db.session.expire_all()
    assert db.session.get(Worker, second.id).merged_into_id == first.id
    assert db.session.get(Certificate, moved.id).worker_id == first.id
    assert rows(officer_client.get("/bureau/duplicates").text, "duplicate-pairs") == []
    assert officer_client.get(pair_url(pair)).status_code == 302  # decided: back to the list, with a note


def test_a_merge_without_a_reason_is_refused_beside_the_field(officer_client, pair):
    first, _ = pair
    response = officer_client.post(pair_url(pair, "merge"), data={"survivor": str(first.id), "reason": ""})

    assert response.status_code == 422 and field_error(response.text, "reason")


def test_different_birth_dates_ask_the_officer_to_confirm(db, officer_client, make_worker, vault, number):
    first = make_worker(id_number=number)
    typo = insert_worker(vault, one_digit_off(number, 14))
    url = pair_url((first, typo), "merge")

    assert "我已核实：出生日期不同的两份记录是同一人" in officer_client.get(pair_url((first, typo))).text
    refused = officer_client.post(url, data=merge_form(first, confirmed="yes"))
    assert refused.status_code == 422 and "1990-03-16" in field_error(refused.text, "birth_dates_confirmed")

    done = officer_client.post(url, data=merge_form(first, confirmed="yes", birth_dates_confirmed="y"))
    assert done.status_code == 302 and db.session.get(Worker, typo.id).merged_into_id == first.id


def test_dismissing_a_pair_as_two_people_hides_it(db, officer_client, pair):
    response = officer_client.post(pair_url(pair, "dismiss"), data={"dismiss-reason": "核实为同名同生日的两人"})

    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(DismissedDuplicate)) == 1
    assert rows(officer_client.get("/bureau/duplicates").text, "duplicate-pairs") == []
    assert officer_client.get(pair_url(pair)).status_code == 404


def test_a_merged_records_pages_lead_to_the_survivor(db, officer_client, pair):
    first, second = pair
    officer_client.post(pair_url(pair, "merge"), data=merge_form(first, confirmed="yes"))

    page = officer_client.get(f"/bureau/workers/{second.id}/recognition")

    assert page.status_code == 302 and page.headers["Location"] == f"/bureau/workers/{first.id}/recognition"
    assert officer_client.post(f"/bureau/workers/{second.id}/recognition", data={}).status_code == 404


# ---- who may ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["institution_staff", "worker"])
def test_institution_clerks_and_workers_are_refused(client, login, make_user, pair, role):
    login(client, make_user(role))

    assert client.get("/bureau/duplicates").status_code == 403
    assert client.get("/bureau/duplicates.xlsx").status_code == 403
    assert client.get(pair_url(pair)).status_code == 403
    assert client.post(pair_url(pair, "merge"), data=merge_form(pair[0], confirmed="yes")).status_code == 403


def test_another_regions_pair_is_not_found(db, client, login, make_user, pair):
    login(client, make_user("bureau_officer", scope="city", region="4401"))

    assert rows(client.get("/bureau/duplicates").text, "duplicate-pairs") == []
    assert client.get(pair_url(pair)).status_code == 404
    assert client.post(pair_url(pair, "merge"), data=merge_form(pair[0], confirmed="yes")).status_code == 404
    assert client.post(pair_url(pair, "dismiss"), data={"dismiss-reason": "两人"}).status_code == 404


def test_the_ministry_sees_the_pair_and_decides_nothing(db, client, login, make_user, pair):
    login(client, make_user("bureau_officer", scope="ministry"))

    assert len(rows(client.get("/bureau/duplicates").text, "duplicate-pairs")) == 1
    page = client.get(pair_url(pair)).text
    assert 'id="merge"' not in page and "合并与判定由市、省人社部门作出" in page
    assert client.post(pair_url(pair, "merge"), data=merge_form(pair[0], confirmed="yes")).status_code == 403
    assert client.post(pair_url(pair, "dismiss"), data={"dismiss-reason": "两人"}).status_code == 403
    assert db.session.get(Worker, pair[1].id).merged_into_id is None


def test_a_pair_across_two_cities_is_the_provinces(db, officer_client, make_worker, vault, number):
    first = make_worker(id_number=number)
    other_city = insert_worker(vault, one_digit_off(number, 16), city_code="3201")

    [row] = rows(officer_client.get("/bureau/duplicates").text, "duplicate-pairs")
    assert "跨市，由省级处理" in row
    assert "由省级人社部门合并或判定" in officer_client.get(pair_url((first, other_city))).text
    assert officer_client.post(pair_url((first, other_city), "merge"),
                               data=merge_form(first, confirmed="yes")).status_code == 403


def test_the_command_line_counts_the_pairs_by_kind(runner, pair):
    result = runner.invoke(args=["workers", "duplicates"])

    assert result.exit_code == 0, result.output
    assert "candidate pairs: 1" in result.output and "one_digit" in result.output and "王" not in result.output


def test_the_api_answers_a_merged_record_with_the_survivors_address(db, client, api_token, make_user, pair):
    first, second = pair
    officer = make_user("bureau_officer", scope="city", region="3205")
    merge_workers(db.session(), first, second, kind=DuplicateKind.ONE_DIGIT, reason=REASON, by=officer)
    db.session.commit()

    response = client.get(f"/api/v1/workers/{second.id}", headers=api_token(officer))

    assert response.status_code == 302 and response.headers["Location"] == f"/api/v1/workers/{first.id}"
    assert client.get(response.headers["Location"], headers=api_token(officer)).json["id"] == first.id
