"""The bureau's oversight pages: the overview per institution, a kind's flags with the records behind them, the
review with its required note, the XLSX of each list, and who sees and reviews what."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from credentials.models import AuditEvent, FlagReview
from tests.oversight_records import YEAR, sit
from tests.web.html import field_error, rows, sheet_rows

NOTE = "已调阅考场录像，系补考前未核验证书"


@pytest.fixture
def college(make_institution):
    return make_institution("苏州技师学院")


@pytest.fixture
def repeat(college, make_worker, make_certificate):
    """王小明 holds an intermediate lathe certificate since 2021 and sat the level again in 2024."""
    holder = make_worker("王小明")
    held = make_certificate(holder, college, level="intermediate", issued_on=date(2021, 5, 1))
    return held, sit(holder, college, on=date(YEAR, 5, 10))


@pytest.fixture
def nanjing_repeat(make_institution, make_worker, make_certificate):
    """The same in Nanjing: another city's institution and worker."""
    school = make_institution("南京技师学院", city_code="3201")
    holder = make_worker("李南京", city_code="3201", area="320102")
    make_certificate(holder, school, level="intermediate", issued_on=date(2021, 5, 1))
    return sit(holder, school, on=date(YEAR, 5, 10))


@pytest.fixture
def officer_client(client, login, make_user):
    login(client, make_user("bureau_officer", scope="city", region="3205"))
    return client


def flags_url(kind: str = "repeat_sitting", **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in {"kind": kind, "year": YEAR, **params}.items())
    return f"/bureau/oversight/flags?{query}"


def review_form(html: str, number: int = 1) -> dict:
    values = dict(re.findall(rf'id="(key|digest|year)-{number}" name="\1" type="hidden" value="([^"]*)"', html))
    return {**values, "outcome": "explained", "note": NOTE}


# ---- the overview ---------------------------------------------------------------------------------------------

def test_the_overview_counts_each_institutions_open_flags_and_links_their_list(officer_client, college, repeat,
                                                                                nanjing_repeat):
    html = officer_client.get(f"/bureau/oversight?year={YEAR}").text

    [row] = rows(html, "institutions")  # Nanjing's college is another city's: not here
    assert "苏州技师学院" in row and "南京" not in html
    assert f'href="/bureau/oversight/flags?kind=repeat_sitting&amp;year={YEAR}&amp;institution={college.id}"' in row
    assert "待核查 1" in row
    kinds = re.search(r'<ul class="flag-kinds" id="flag-kinds">(.*?)</ul>', html, re.S).group(1)
    assert re.search(r'data-kind="repeat_sitting">.*?待核查 1', kinds, re.S)


def test_the_province_sees_both_cities_institutions(client, login, make_user, repeat, nanjing_repeat):
    login(client, make_user("bureau_officer", scope="province", region="32"))

    html = client.get(f"/bureau/oversight?year={YEAR}").text

    assert len(rows(html, "institutions")) == 2 and "南京技师学院" in html


def test_another_year_shows_none_of_this_years_flags(officer_client, repeat):
    html = officer_client.get(f"/bureau/oversight?year={YEAR - 1}").text

    assert rows(html, "institutions") == []


def test_the_overview_exports_one_row_per_institution(officer_client, college, repeat):
    sheet = sheet_rows(officer_client.get(f"/bureau/oversight.xlsx?year={YEAR}"))

    header, line = sheet
    assert line[1] == "苏州技师学院" and line[header.index("重复考证（待核查）")] == 1


# ---- a kind's flags and their records -------------------------------------------------------------------------

def test_a_flag_lists_the_records_behind_it_masked_with_a_link_to_the_certificate(officer_client, repeat):
    held, _again = repeat
    html = officer_client.get(flags_url()).text

    records = rows(html, "records-1")
    assert len(records) == 2 and all("王*明" in r for r in records) and "王小明" not in html
    assert f'href="/bureau/certificates/{held.number}"' in html
    assert "当日已持有该等级有效证书" in html


def test_another_citys_flag_is_not_listed(officer_client, nanjing_repeat):
    html = officer_client.get(flags_url()).text

    assert 'id="no-flags"' in html and "李*京" not in html


def test_an_unknown_kind_of_flag_is_not_found(officer_client):
    assert officer_client.get("/bureau/oversight/flags?kind=rumour").status_code == 404


def test_a_kinds_flags_export_one_row_per_record(officer_client, repeat):
    held, again = repeat

    header, *lines = sheet_rows(officer_client.get(flags_url().replace("/flags?", "/flags.xlsx?")))

    assert [line[header.index("记录编号")] for line in lines] == [held.id, again.id]
    assert {line[header.index("姓名")] for line in lines} == {"王*明"}
    assert all(line[header.index("核查状态")] == "待核查" for line in lines)


# ---- the review -----------------------------------------------------------------------------------------------

def test_a_review_needs_a_note_shown_beside_the_field(officer_client, repeat):
    form = {**review_form(officer_client.get(flags_url()).text), "note": " "}

    response = officer_client.post("/bureau/oversight/review", data=form)

    assert response.status_code == 422
    assert field_error(response.text, "note-1") == "必填"


def test_a_reviewed_flag_leaves_the_open_list_and_shows_its_note(officer_client, repeat):
    form = review_form(officer_client.get(flags_url()).text)

    response = officer_client.post("/bureau/oversight/review", data=form)

    assert response.status_code == 302
    assert 'id="no-flags"' in officer_client.get(flags_url()).text
    reviewed = officer_client.get(flags_url(status="reviewed")).text
    assert NOTE in reviewed and "已核实，情况可以解释" in reviewed and 'action="/bureau/oversight/review"' not in reviewed
    assert "待核查 0" in officer_client.get(f"/bureau/oversight?year={YEAR}").text


def test_a_review_of_records_that_changed_meanwhile_is_refused(db, officer_client, college, repeat):
    form = review_form(officer_client.get(flags_url()).text)
    held, again = repeat
    sit(again.worker, college, on=date(YEAR, 9, 1))  # another sitting: another flag, this one unchanged
    form["digest"] = "0" * 64

    response = officer_client.post("/bureau/oversight/review", data=form)

    assert response.status_code == 422 and "记录已有变化" in response.text
    assert db.session.scalar(select(FlagReview)) is None


def test_the_ministry_sees_the_flags_and_may_not_review_them(client, login, make_user, db, repeat):
    login(client, make_user("bureau_officer", scope="ministry"))
    html = client.get(flags_url()).text
    assert len(rows(html, "records-1")) == 2 and 'action="/bureau/oversight/review"' not in html

    key = re.search(r'data-key="([^"]+)"', html).group(1)
    response = client.post("/bureau/oversight/review",
                           data={"key": key, "digest": "x", "year": YEAR, "outcome": "explained", "note": NOTE})

    assert response.status_code == 403 and db.session.scalar(select(FlagReview)) is None


def test_a_review_is_in_the_audit_trail(db, officer_client, repeat):
    officer_client.post("/bureau/oversight/review", data=review_form(officer_client.get(flags_url()).text))

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "oversight.flag_reviewed"))
    assert event.after["note"] == NOTE and event.entity_id.startswith("repeat_sitting:")


def test_the_pages_read_in_english(officer_client, repeat):
    officer_client.get("/lang/en?next=/bureau/oversight")

    html = officer_client.get(flags_url()).text

    assert "Level already held, sat again" in html and "Mark as reviewed" in html
