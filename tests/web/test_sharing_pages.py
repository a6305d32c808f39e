"""Share links on the pages: the worker makes, lists and withdraws links (another's link is 404); whoever opens
a link sees exactly the chosen certificates with their status and nothing else of the worker; an expired,
withdrawn or unknown link is one and the same 404; credentials download only for the chosen certificates."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from app.extensions import db, limiter
from credentials.models import ShareLink, utcnow
from credentials.services.certificates import revoke_certificate

TOKEN = re.compile(r"/shared/([A-Za-z0-9_-]{43})")


@pytest.fixture
def institution(make_institution):
    return make_institution("苏州高级技工学校")


@pytest.fixture
def holder(make_worker, make_user):
    return make_user("worker", worker=make_worker("王建国"))


@pytest.fixture
def certificates(holder, institution, make_certificate):
    return [make_certificate(holder.worker, institution, level=level, issued_on=issued)
            for level, issued in (("junior", date(2016, 7, 1)), ("intermediate", date(2019, 7, 1)),
                                  ("senior", date(2023, 7, 1)))]


@pytest.fixture
def worker_client(app, login, holder):
    client = app.test_client()
    login(client, holder)
    return client


@pytest.fixture
def anonymous(app):
    return app.test_client()


def create(client, numbers, *, days="30", label="给苏州精工"):
    return client.post("/worker/shares", data={"certificates": numbers, "days": days, "label": label})


def shared(client, certificates, **kwargs) -> tuple[int, str]:
    """Make a link through the form; its id and its token (read off the link's page, as the worker would)."""
    response = create(client, [c.number for c in certificates], **kwargs)
    assert response.status_code == 302, response.text[:500]
    link_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    page = client.get(f"/worker/shares/{link_id}")
    return link_id, TOKEN.search(page.text).group(1)


def page_text(response) -> str:
    """The page without what differs from one request to the next: its request id and its own address (which the
    language switch carries to come back to)."""
    return re.sub(r"next=[^\"]*", "", re.sub(r"<code>[0-9a-f]{32}</code>", "", response.text))


def test_a_worker_makes_a_link_and_sees_its_qr_code_and_address(worker_client, certificates):
    response = create(worker_client, [certificates[0].number, certificates[2].number])
    assert response.status_code == 302
    page = worker_client.get(response.headers["Location"])

    assert page.status_code == 200
    assert "分享链接已生成" in page.text
    assert '<svg role="img"' in page.text and 'class="qr"' in page.text
    assert TOKEN.search(page.text)
    assert 'data-copy="share-url"' in page.text and "js/share.js" in page.text
    assert certificates[0].number in page.text and certificates[2].number in page.text
    assert certificates[1].number not in page.text


def test_the_list_shows_each_link_with_its_views_and_a_withdraw_button(worker_client, anonymous, certificates):
    link_id, token = shared(worker_client, certificates[:2], label="给苏州精工")
    anonymous.get(f"/shared/{token}")
    anonymous.get(f"/shared/{token}")

    page = worker_client.get("/worker/shares")
    assert page.status_code == 200
    card = page.text[page.text.index(f'data-share="{link_id}"'):]
    assert "给苏州精工" in card and "有效中" in card and "查看 2 次" in card and "最近查看" in card
    assert f"/worker/shares/{link_id}/revoke" in card and "确认撤回" in card
    assert 'name="certificates"' in page.text  # and the form for another link


def test_the_form_refuses_no_choice_and_a_certificate_that_is_not_mine(worker_client, certificates, make_worker,
                                                                       make_certificate, institution):
    nothing = create(worker_client, [])
    assert nothing.status_code == 422 and "请至少选择一本证书" in nothing.text

    stranger = make_certificate(make_worker("李四"), institution)
    foreign = create(worker_client, [certificates[0].number, stranger.number])
    assert foreign.status_code == 422 and "只能分享您本人的有效证书" in foreign.text

    wrong_days = create(worker_client, [certificates[0].number], days="14")
    assert wrong_days.status_code == 422 and "有效期只能选 7、30、90 或 365 天" in wrong_days.text
    assert db.session.scalars(select(ShareLink)).all() == []


def test_another_workers_link_is_not_found(app, login, make_user, worker_client, certificates):
    link_id, token = shared(worker_client, certificates[:1])
    other = app.test_client()
    login(other, make_user("worker"))

    assert other.get(f"/worker/shares/{link_id}").status_code == 404
    assert other.post(f"/worker/shares/{link_id}/revoke").status_code == 404
    assert f"/worker/shares/{link_id}" not in other.get("/worker/shares").text
    assert db.session.get(ShareLink, link_id).revoked_at is None


def test_the_public_page_shows_exactly_the_chosen_certificates_and_nothing_else(worker_client, anonymous, holder,
                                                                                certificates, vault):
    _, token = shared(worker_client, [certificates[0], certificates[2]])
    response = anonymous.get(f"/shared/{token}")

    assert response.status_code == 200
    html = response.text
    assert certificates[0].number in html and certificates[2].number in html
    assert certificates[1].number not in html
    assert "王*国" in html and "王建国" not in html
    national_id = vault.reveal(holder.worker.id_ciphertext)
    assert national_id not in html and holder.worker.id_masked not in html and national_id[-4:] not in html
    assert html.count("证书真实有效") == 2
    assert "苏州高级技工学校" in html and "经备案可评价" in html  # the accreditation check, as verification says it
    assert f"/shared/{token}/{certificates[0].number}.json" in html
    assert "/verify?n=" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"


def test_a_certificate_revoked_after_sharing_shows_revoked_with_date_and_reason(worker_client, anonymous,
                                                                                certificates, make_user):
    _, token = shared(worker_client, certificates[:2])
    revoke_certificate(db.session(), certificates[0], reason="评价结果作废", by=make_user("bureau_officer"))
    db.session.commit()

    html = anonymous.get(f"/shared/{token}").text
    revoked = html[html.index(f'data-certificate="{certificates[0].number}"'):]
    revoked = revoked[:revoked.index("</section>")]
    assert "已撤销" in revoked and "评价结果作废" in revoked and "撤销日期" in revoked
    assert ".json" not in revoked  # no new credential for a revoked certificate
    assert anonymous.get(f"/shared/{token}/{certificates[0].number}.json").status_code == 409


def test_expired_withdrawn_and_unknown_links_get_the_same_not_found_page(worker_client, anonymous, certificates):
    withdrawn_id, withdrawn = shared(worker_client, certificates[:1])
    expired_id, expired = shared(worker_client, certificates[:1])
    assert worker_client.post(f"/worker/shares/{withdrawn_id}/revoke").status_code == 302
    db.session.execute(update(ShareLink).where(ShareLink.id == expired_id).values(
        created_at=utcnow() - timedelta(days=40), expires_at=utcnow() - timedelta(days=10)))
    db.session.commit()

    answers = [anonymous.get(f"/shared/{token}") for token in (withdrawn, expired, "x" * 43, "short")]
    assert {answer.status_code for answer in answers} == {404}
    assert len({page_text(answer) for answer in answers}) == 1
    assert "分享链接无效或已被撤回" in answers[0].text
    assert all(answer.headers["Referrer-Policy"] == "no-referrer" for answer in answers)
    assert db.session.get(ShareLink, withdrawn_id).view_count == 0


def test_withdrawing_twice_says_it_is_already_withdrawn(worker_client, certificates):
    link_id, _ = shared(worker_client, certificates[:1])
    first = worker_client.post(f"/worker/shares/{link_id}/revoke", follow_redirects=True)
    assert "已撤回：对方再打开这个链接时，将看到链接无效" in first.text
    second = worker_client.post(f"/worker/shares/{link_id}/revoke", follow_redirects=True)
    assert "不能再次撤回" in second.text
    page = worker_client.get(f"/worker/shares/{link_id}")
    assert "已撤回" in page.text and not TOKEN.search(page.text) and 'class="qr"' not in page.text


def test_credentials_download_only_for_the_chosen_certificates(worker_client, anonymous, certificates):
    _, token = shared(worker_client, [certificates[0]])

    response = anonymous.get(f"/shared/{token}/{certificates[0].number}.json")
    assert response.status_code == 200
    assert response.mimetype == "application/vc"
    assert json.loads(response.data)["credentialSubject"]["licenseNumber"] == certificates[0].number
    assert "attachment" in response.headers["Content-Disposition"]
    assert anonymous.get(f"/shared/{token}/{certificates[1].number}.json").status_code == 404
    assert anonymous.get(f"/shared/{'x' * 43}/{certificates[0].number}.json").status_code == 404


def test_an_opening_counts_a_view_and_a_download_does_not(worker_client, anonymous, certificates):
    link_id, token = shared(worker_client, certificates[:1])
    anonymous.get(f"/shared/{token}")
    anonymous.get(f"/shared/{token}/{certificates[0].number}.json")
    link = db.session.get(ShareLink, link_id)
    assert link.view_count == 1 and link.last_viewed_at is not None


def test_the_home_page_and_the_menu_lead_to_sharing(worker_client, certificates):
    home = worker_client.get("/worker/")
    assert 'href="/worker/shares"' in home.text and "分享证书" in home.text


def test_the_pages_read_in_english(worker_client, anonymous, certificates):
    worker_client.get("/lang/en?next=/worker/shares")
    link_id, token = shared(worker_client, certificates[:1])
    assert "Share certificates" in worker_client.get("/worker/shares").text
    assert "Copy link" in worker_client.get(f"/worker/shares/{link_id}").text

    anonymous.get("/lang/en?next=/")
    html = anonymous.get(f"/shared/{token}").text
    assert "Shared certificates" in html and "The certificate is genuine and valid" in html
    gone = anonymous.get(f"/shared/{'x' * 43}").text
    assert "This share link is not valid or has been withdrawn" in gone


def test_opening_links_is_rate_limited_per_client(app, worker_client, certificates, monkeypatch):
    """Guessing tokens at speed is as slow as guessing names on the verification page: the same limit, per client,
    whether the token is real or not (its own budget, so sharing does not eat into verification)."""
    _, token = shared(worker_client, certificates[:1])
    monkeypatch.setitem(app.config, "VERIFY_RATE_LIMIT", "3 per minute")
    limiter.reset()
    try:
        client = app.test_client()
        statuses = [client.get(f"/shared/{token}").status_code, client.get(f"/shared/{'x' * 43}").status_code,
                    client.get(f"/shared/{token}/{certificates[0].number}.json").status_code]
        refused = client.get(f"/shared/{token}")
        assert statuses == [200, 404, 200]
        assert refused.status_code == 429
        assert client.get("/verify?n=1&h=x").status_code == 200  # verification keeps its own budget
        other = client.get(f"/shared/{token}", environ_base={"REMOTE_ADDR": "10.0.0.9"})
        assert other.status_code == 200
    finally:
        limiter.reset()
