"""Share links: a worker shares only their own valid certificates, for 7, 30, 90 or 365 days; the link opens
by its token (kept only hashed and sealed, never in clear) until it expires or is withdrawn; each opening is
counted; what it shows is each certificate's status now."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text, update

from app.extensions import db
from credentials import Conflict, Forbidden, ValidationFailed
from credentials.identity import DecryptionError
from credentials.models import AuditEvent, ShareLink, utcnow
from credentials.queries.sharing import open_share, shareable_certificates, shared_certificate, shared_certificates, shares_of
from credentials.services.certificates import revoke_certificate
from credentials.services.sharing import EXPIRY_DAYS, MAX_CERTIFICATES, create_share, record_view, revoke_share, token_purpose


@pytest.fixture
def institution(make_institution):
    return make_institution("苏州高级技工学校")


@pytest.fixture
def holder(make_worker, make_user):
    """A worker with an account."""
    return make_user("worker", worker=make_worker("王建国"))


@pytest.fixture
def certificates(holder, institution, make_certificate):
    return [make_certificate(holder.worker, institution, level=level, issued_on=issued)
            for level, issued in (("junior", date(2016, 7, 1)), ("intermediate", date(2019, 7, 1)),
                                  ("senior", date(2023, 7, 1)))]


def share(holder, chosen, vault, *, days=30, label=None, by=None):
    link, token = create_share(db.session(), holder.worker, chosen, days=days, label=label, by=by or holder,
                               vault=vault)
    db.session.commit()
    return link, token


def refusal(error) -> tuple[str | None, str]:
    return error.value.field, error.value.message("en")


def expire(link) -> None:
    """Move a link's life into the past (the check constraint wants it to end after it began)."""
    db.session.execute(update(ShareLink).where(ShareLink.id == link.id).values(
        created_at=utcnow() - timedelta(days=40), expires_at=utcnow() - timedelta(days=10)))
    db.session.commit()
    db.session.expire_all()


def test_a_worker_shares_chosen_certificates_of_their_own(holder, certificates, vault):
    link, token = share(holder, certificates[:2], vault, days=7, label="给苏州精工")

    assert {c.number for c in link.certificates} == {c.number for c in certificates[:2]}
    assert link.label == "给苏州精工"
    assert link.expires_at - link.created_at == timedelta(days=7)
    assert link.view_count == 0 and link.revoked_at is None
    assert len(token) == 43  # secrets.token_urlsafe(32): 256 random bits
    assert open_share(db.session(), token).id == link.id


def test_the_token_is_never_stored_in_clear(holder, certificates, vault):
    link, token = share(holder, certificates[:1], vault)

    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in link.token_sealed
    assert vault.open_secret(token_purpose(link.token_hash), link.token_sealed) == token
    rows = db.session.execute(text("SELECT * FROM share_links")).all()
    assert rows and all(token not in str(value) for row in rows for value in row)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "share.created")).all()
    assert len(events) == 1 and token not in str(events[0].after) and link.token_hash not in str(events[0].after)
    assert events[0].after["certificates"] == [certificates[0].number]


def test_a_sealed_token_opens_only_for_its_own_link(holder, certificates, vault):
    first, _ = share(holder, certificates[:1], vault)
    second, _ = share(holder, certificates[1:2], vault)

    with pytest.raises(DecryptionError):
        vault.open_secret(token_purpose(second.token_hash), first.token_sealed)


def test_another_workers_certificate_and_a_revoked_one_are_refused_alike(holder, certificates, vault, make_worker,
                                                                          make_certificate, institution, make_user):
    stranger = make_certificate(make_worker("李四"), institution)
    officer = make_user("bureau_officer")
    revoke_certificate(db.session(), certificates[0], reason="材料造假", by=officer)
    db.session.commit()

    with pytest.raises(ValidationFailed) as foreign:
        create_share(db.session(), holder.worker, [certificates[1], stranger], days=30, label=None, by=holder,
                     vault=vault)
    with pytest.raises(ValidationFailed) as revoked:
        create_share(db.session(), holder.worker, [certificates[0]], days=30, label=None, by=holder, vault=vault)

    assert refusal(foreign) == refusal(revoked) == ("certificates", "Only your own valid certificates can be shared")
    assert db.session.scalars(select(ShareLink)).all() == []
    assert [c.number for c in shareable_certificates(db.session(), holder.worker)] == [
        certificates[2].number, certificates[1].number]


def test_a_link_shares_at_least_one_and_at_most_twenty_certificates(holder, certificates, vault, institution,
                                                                    make_certificate):
    with pytest.raises(ValidationFailed) as empty:
        create_share(db.session(), holder.worker, [], days=30, label=None, by=holder, vault=vault)
    assert refusal(empty) == ("certificates", "Choose at least one certificate")

    many = certificates + [make_certificate(holder.worker, institution, issued_on=date(2000 + n, 1, 1))
                           for n in range(MAX_CERTIFICATES - len(certificates) + 1)]
    with pytest.raises(ValidationFailed) as too_many:
        create_share(db.session(), holder.worker, many, days=30, label=None, by=holder, vault=vault)
    assert refusal(too_many) == ("certificates", "A link shares at most 20 certificates")

    link, _ = share(holder, many[:MAX_CERTIFICATES] + many[:2], vault)  # the same certificate twice counts once
    assert len(link.certificates) == MAX_CERTIFICATES


@pytest.mark.parametrize("days", [0, 1, 14, 31, 366, -7])
def test_a_link_lasts_seven_thirty_ninety_or_365_days(holder, certificates, vault, days):
    with pytest.raises(ValidationFailed) as refused:
        create_share(db.session(), holder.worker, certificates[:1], days=days, label=None, by=holder, vault=vault)
    assert refused.value.field == "days"


@pytest.mark.parametrize("days", EXPIRY_DAYS)
def test_each_offered_expiry_is_accepted(holder, certificates, vault, days):
    link, _ = share(holder, certificates[:1], vault, days=days)
    assert link.expires_at - link.created_at == timedelta(days=days)


def test_the_note_is_one_clean_line_of_at_most_sixty_characters(holder, certificates, vault):
    link, _ = share(holder, certificates[:1], vault, label="  给\u202eXX\u200b公司\n人事部  ")
    assert link.label == "给XX公司 人事部"
    blank, _ = share(holder, certificates[:1], vault, label="   ")
    assert blank.label is None
    with pytest.raises(ValidationFailed) as refused:
        create_share(db.session(), holder.worker, certificates[:1], days=30, label="长" * 61, by=holder, vault=vault)
    assert refused.value.field == "label"


def test_only_the_worker_shares_their_certificates(holder, certificates, vault, make_user):
    for someone in (make_user("worker"), make_user("institution_staff"), make_user("admin")):
        with pytest.raises(Forbidden):
            create_share(db.session(), holder.worker, certificates[:1], days=30, label=None, by=someone, vault=vault)


def test_an_expired_withdrawn_or_unknown_token_opens_nothing(holder, certificates, vault):
    expiring, expiring_token = share(holder, certificates[:1], vault, days=7)
    withdrawn, withdrawn_token = share(holder, certificates[:1], vault)
    revoke_share(db.session(), withdrawn, by=holder)
    db.session.commit()

    assert open_share(db.session(), expiring_token).id == expiring.id
    assert open_share(db.session(), expiring_token, now=utcnow() + timedelta(days=7, seconds=1)) is None
    assert open_share(db.session(), withdrawn_token) is None
    for unknown in ("", "x" * 43, expiring_token.upper(), expiring_token + "A" * 100, "中" * 10,
                    expiring.token_hash):
        assert open_share(db.session(), unknown) is None


def test_withdrawing_is_the_owners_once(holder, certificates, vault, make_user):
    link, _ = share(holder, certificates[:1], vault)
    with pytest.raises(Forbidden):
        revoke_share(db.session(), link, by=make_user("worker"))

    revoke_share(db.session(), link, by=holder)
    db.session.commit()
    assert link.revoked_at is not None
    with pytest.raises(Conflict):
        revoke_share(db.session(), link, by=holder)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "share.revoked")).all()
    assert [(e.entity_type, e.entity_id, e.actor_id) for e in events] == [("share_link", str(link.id), holder.id)]


def test_each_opening_is_counted_while_the_link_is_open(holder, certificates, vault):
    link, _ = share(holder, certificates[:1], vault)
    assert record_view(db.session(), link) and record_view(db.session(), link)
    db.session.commit()
    assert link.view_count == 2 and link.last_viewed_at is not None

    revoke_share(db.session(), link, by=holder)
    assert not record_view(db.session(), link)
    db.session.commit()
    assert link.view_count == 2

    expired, _ = share(holder, certificates[:1], vault)
    expire(expired)
    assert not record_view(db.session(), expired)
    assert db.session.get(ShareLink, expired.id).view_count == 0


def test_a_workers_links_are_listed_open_first_then_past(holder, certificates, vault, make_user, institution,
                                                          make_certificate):
    kept, _ = share(holder, certificates[:1], vault)
    withdrawn, _ = share(holder, certificates[1:2], vault)
    revoke_share(db.session(), withdrawn, by=holder)
    lapsed, _ = share(holder, certificates[2:], vault)
    expire(lapsed)
    other = make_user("worker")
    others, _ = share(other, [make_certificate(other.worker, institution)], vault)

    listed = shares_of(db.session(), holder.worker)
    assert [link.id for link in listed.active] == [kept.id]
    assert {link.id for link in listed.past} == {withdrawn.id, lapsed.id}
    assert [link.id for link in shares_of(db.session(), other.worker).active] == [others.id]


def test_the_link_shows_each_certificates_status_now(holder, certificates, vault, make_user):
    link, token = share(holder, certificates[:2], vault)
    revoke_certificate(db.session(), certificates[0], reason="评价结果作废", by=make_user("bureau_officer"))
    db.session.commit()

    shown = {item.certificate.number: item for item in shared_certificates(db.session(), open_share(db.session(), token))}
    assert set(shown) == {certificates[0].number, certificates[1].number}
    assert shown[certificates[0].number].verdict.status == "revoked"
    assert shown[certificates[1].number].verdict.status == "valid"
    assert shown[certificates[1].number].verdict.holder_masked == "王*国"
    assert all(item.accreditation.ok for item in shown.values())
    assert shared_certificate(db.session(), link, certificates[1].number).id == certificates[1].id
    assert shared_certificate(db.session(), link, certificates[2].number) is None  # mine, but not shared
