"""The system's reason for closing an overtaken request is stored as one "中文 / English" string (the reason
columns are free text); pages show it in their own language only, and a person's own words as typed."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.extensions import db
from credentials.models import Certificate
from credentials.services.overtaken import overtaken_reason, reason_text
from credentials.services.promotions import close_promotion
from ladder.i18n import Text
from tests.promotion_fixtures import bring_to

OLD_ROW = "已于 2024-06-03 取得技师（二级）（证书 S2024） / Already holds Technician (Level 2) since 2024-06-03 (certificate S2024)"


def test_a_stored_system_reason_reads_back_as_a_bilingual_text():
    assert reason_text(OLD_ROW) == Text(zh="已于 2024-06-03 取得技师（二级）（证书 S2024）",
                                        en="Already holds Technician (Level 2) since 2024-06-03 (certificate S2024)")


def test_a_persons_reason_is_never_split():
    for typed in ("材料不全 / 请补充", "已于 2024 年补充 / 见附件", "同意破格"):
        assert reason_text(typed) == typed


def _closed_request(cast):
    request = bring_to(cast, "submitted@city")
    senior = db.session.scalar(select(Certificate).where(Certificate.worker_id == cast.worker.id,
                                                         Certificate.level == "senior"))
    close_promotion(db.session(), request, reason=overtaken_reason(senior), by=cast["city_officer"])
    db.session.commit()
    return request


def test_the_worker_sees_the_closing_reason_in_the_pages_language(app, login, cast):
    request = _closed_request(cast)
    assert reason_text(request.decisions[-1].reason) != request.decisions[-1].reason  # stored as before
    client = app.test_client()
    login(client, cast["worker"])

    for path in ("/worker/", f"/worker/promotions/{request.id}"):
        chinese = client.get(path).text
        assert f"已于 {date(2019, 7, 1).isoformat()} 取得" in chinese and "Already holds" not in chinese
    client.get("/lang/en")
    for path in ("/worker/", f"/worker/promotions/{request.id}"):
        english = client.get(path).text
        assert "Already holds" in english and "取得" not in english and " / Already" not in english


def test_a_persons_reason_shows_as_typed(app, login, cast):
    request = bring_to(cast, "returned@city")
    client = app.test_client()
    login(client, cast["worker"])
    client.get("/lang/en")

    assert "缺少专利证书" in client.get(f"/worker/promotions/{request.id}").text
