"""The verification look-up stays on indexes after the database has gathered statistics (ANALYZE), as a
production database does: SQLite's statistics count all NULLs of a column as one value, and once judged a full
index of merged_into_id (NULL for nearly every worker) useless, scanning every worker for each look-up."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.dialects import sqlite

from app.extensions import db
from credentials.queries.verification import _BY_NUMBER


def test_the_look_up_searches_by_index_after_analyze(app, make_worker, make_institution, make_certificate):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL keeps each column's share of NULLs in its statistics")
    institution = make_institution("无锡技师学院")
    for given in "一二三四五六七八九十百千万亿甲乙丙丁戊己庚辛壬癸":
        make_certificate(make_worker(f"王{given}"), institution, level="senior", issued_on=date(2022, 6, 1))
    db.session.execute(text("ANALYZE"))
    db.session.commit()

    statement = str(_BY_NUMBER.compile(dialect=sqlite.dialect()))
    plan = [row[3] for row in db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", ("x",))]

    # The growing tables are searched by index; a one-row institutions table may be scanned, as it should be.
    scans = [step for step in plan if step.startswith("SCAN") and ("workers" in step or "certificates" in step)]
    assert plan and not scans, plan
