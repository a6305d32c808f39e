"""The ORM listener recounts a row only when a column its counts read changes: signing a certificate (its status
list index) moves nothing and reads nothing, while a change of level, or of holder by relationship, still counts."""

from __future__ import annotations

from datetime import date

import pytest

from app.extensions import db
from credentials.models import Certificate
from credentials.services import tallies
from credentials.services.tallies import check_tallies
from credentials.services.tally_fields import counted_attributes


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The tables whose rows' facts the listener read back (a recount)."""
    seen: list[str] = []
    original = tallies._Recount._read

    def spy(self, session, source, ids, *, lock):
        seen.append(source.table_name)
        return original(self, session, source, ids, lock=lock)

    monkeypatch.setattr(tallies._Recount, "_read", spy)
    return seen


def test_a_certificate_counts_by_what_its_tallies_and_its_holders_standing_read():
    certificates = tallies._SOURCES["certificates"]
    counted = counted_attributes(db.session(), certificates)

    assert {"level", "route", "status", "issued_on", "institution_id", "occupation_id", "worker_id", "framework",
            "worker", "institution", "occupation"} <= counted
    assert counted.isdisjoint({"status_list_index", "number", "needs_review", "revocation_reason", "created_at"})


def test_signing_a_certificate_recounts_nothing(registry, reads):
    certificate = registry.certificate(registry.worker(), "junior", date(2013, 5, 20))
    reads.clear()

    certificate.status_list_index = 7
    db.session.flush()

    assert reads == [] and check_tallies(db.session()) == []


def test_a_counted_change_is_still_counted(registry, reads):
    worker, other = registry.worker(), registry.worker("李四")
    certificate: Certificate = registry.certificate(worker, "junior", date(2013, 5, 20))
    reads.clear()

    certificate.level, certificate.status_list_index = "senior", 8
    db.session.flush()
    assert "certificates" in reads and check_tallies(db.session()) == []

    reads.clear()
    certificate.worker = other  # worker_id set at flush only: the relationship itself counts
    db.session.flush()
    assert "certificates" in reads and check_tallies(db.session()) == []
