"""Search terms never reach a URL as text (issue 12: names and national IDs travel in POST bodies only). Every
staff search form posts; the list it leads to carries the term sealed for the one user, through paging and
the XLSX export, and shows it back in the search box."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.web.html import rows, sheet_rows

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
PUBLIC_SEARCHES = {"public/talents.html"}  # a city's name on a public page: nothing personal


def leaks(location: str, *terms: str) -> bool:
    return any(term in location or quote(term) in location for term in terms)


def search_box(html: str) -> str:
    return re.search(r'<input id="q" name="q" value="([^"]*)"', html).group(1)


@pytest.fixture
def school(make_institution):
    return make_institution("苏州技师学院")


@pytest.fixture
def holders(make_worker, make_certificate, school):
    zhang = make_worker("张三丰", employer=school)
    make_certificate(zhang, school, level="junior", issued_on=date(2019, 7, 1))
    make_certificate(zhang, school, level="intermediate", issued_on=date(2022, 7, 1))
    make_certificate(make_worker("李四", employer=school), school, issued_on=date(2021, 7, 1))
    return zhang


def test_no_staff_search_form_sends_typed_text_by_get():
    """A search form with a box for a name or an ID number (`q`) posts; filters by year or city may stay GETs."""
    for template in sorted(TEMPLATES.rglob("*.html")):
        name = template.relative_to(TEMPLATES).as_posix()
        for opening, body in re.findall(r'(<form[^>]*role="search"[^>]*>)(.*?)</form>', template.read_text(), re.S):
            typed = re.findall(r'<input[^>]*name="q"[^>]*>', body)
            if typed and name not in PUBLIC_SEARCHES:
                assert 'method="post"' in opening, f"{name}: {opening} {typed}"


def test_a_name_searched_among_certificates_stays_out_of_every_url(client, login, make_user, school, holders):
    login(client, make_user("institution_staff", institution=school))

    answer = client.post("/search", data={"target": "institution.certificates", "q": "张三丰", "status": "valid"})
    location = answer.headers["Location"]
    page = client.get(location + "&per_page=1").text

    assert answer.status_code == 302 and location.startswith("/institution/certificates?")
    assert not leaks(location, "张三丰") and "status=valid" in location
    assert search_box(page) == "张三丰"  # shown back to the one who typed it
    assert len(rows(page, "certificates-table")) == 1 and "张三丰" in rows(page, "certificates-table")[0]
    next_page = re.search(r'href="([^"]+)" rel="next"', page).group(1).replace("&amp;", "&")
    assert not leaks(next_page, "张三丰") and "张三丰" in rows(client.get(next_page).text, "certificates-table")[0]
    export = re.search(r'href="(/institution/certificates\.xlsx[^"]*)"', page).group(1).replace("&amp;", "&")
    exported = sheet_rows(client.get(export))
    assert not leaks(export, "张三丰") and len(exported) == 3 and all("张三丰" in row for row in exported[1:])


def test_a_workers_account_is_searched_by_id_number_without_the_number_in_a_url(client, login, make_user,
                                                                                   make_worker, vault):
    wang = make_user("worker", worker=make_worker("王小明"))
    make_user("worker", worker=make_worker("李四"))
    number = vault.reveal(wang.worker.id_ciphertext)
    login(client, make_user("admin", username="root-admin", duty="security"))

    answer = client.post("/search", data={"target": "admin.users", "q": number, "role": "worker"})
    found = rows(client.get(answer.headers["Location"]).text, "accounts-table")

    assert not leaks(answer.headers["Location"], number, number[:6], number[-4:])
    assert len(found) == 1 and wang.worker.id_masked in found[0]


def test_the_worker_and_bureau_searches_seal_a_name_too(client, login, make_user, school, holders):
    login(client, make_user("institution_staff", institution=school))
    workers = client.post("/institution/workers/search", data={"q": "张三丰"}).headers["Location"]
    found = rows(client.get(workers).text, "workers-table")
    client.get("/logout")
    login(client, make_user("bureau_officer", scope="city", region="3205"))
    bureau = client.post("/search", data={"target": "bureau.certificates", "q": "张三丰"}).headers["Location"]

    assert not leaks(workers, "张三丰") and len(found) == 1 and "张三丰" in found[0]
    assert not leaks(bureau, "张三丰") and len(rows(client.get(bureau).text, "certificates-table")) == 2


def test_a_sealed_term_opens_for_its_own_user_only_and_an_altered_one_searches_nothing(
        app, login, make_user, school, holders):
    first, second = app.test_client(), app.test_client()
    login(first, make_user("institution_staff", institution=school))
    login(second, make_user("institution_staff", institution=school))
    location = first.post("/search", data={"target": "institution.certificates", "q": "张三丰"}).headers["Location"]
    altered = location[:-2] + ("AA" if not location.endswith("AA") else "BB")

    for client, url in ((second, location), (first, altered)):
        page = client.get(url)
        assert page.status_code == 200 and search_box(page.text) == ""
        assert len(rows(page.text, "certificates-table")) == 3  # the whole list, as with no term


def test_a_search_names_a_list_it_may_lead_to_and_only_those_with_a_list_may_search(client, login, make_user):
    login(client, make_user("institution_staff"))
    assert client.post("/search", data={"target": "admin.users_export", "q": "x"}).status_code == 400
    assert client.post("/search", data={"target": "//evil.example", "q": "x"}).status_code == 400
    client.get("/logout")
    login(client, make_user("worker"))
    assert client.post("/search", data={"target": "institution.certificates", "q": "x"}).status_code == 403
