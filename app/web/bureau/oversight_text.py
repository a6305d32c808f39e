"""One line that says why a flag was raised, in the reader's language: the page and its XLSX print the same words
(app/web/bureau/oversight.py). The records it names are already masked (credentials/queries/oversight_records.py)."""

from __future__ import annotations

from flask_babel import gettext as _

from credentials.queries.oversight_flags import Flag, HolderFacts, LapseFacts, PassRateFacts, QuotaFacts
from credentials.queries.oversight_records import RecordRow

from ...i18n import level_name


def flag_summary(flag: Flag, rows: list[RecordRow]) -> str:
    facts = flag.facts
    if isinstance(facts, QuotaFacts):
        return _("%(year)s 年提名破格 %(exceptional)s 人次、越级 %(skipping)s 人次，共 %(total)s 人次，超出年度限额 %(quota)s 人次",
                 year=flag.year, exceptional=facts.exceptional, skipping=facts.level_skipping,
                 total=facts.nominations, quota=facts.quota)
    if isinstance(facts, PassRateFacts):
        return _("通过率 %(rate)s%%（%(passes)s/%(sittings)s），辖区 %(region)s%%（%(region_passes)s/%(region_sittings)s），"
                 "高出 %(gap)s 个百分点，超过 %(margin)s 个百分点的提示线",
                 rate=f"{facts.rate:.1f}", passes=facts.passes, sittings=facts.sittings,
                 region=f"{facts.region_rate:.1f}", region_passes=facts.region_passes,
                 region_sittings=facts.region_sittings, gap=f"{facts.rate - facts.region_rate:.1f}",
                 margin=facts.margin_points)
    occupation = rows[0].occupation if rows else "—"
    if isinstance(facts, LapseFacts):
        return _("“%(occupation)s”%(level)s及以下的评价资质于 %(date)s 到期、未接续；到期前 %(window)s 天内发证 %(count)s 本",
                 occupation=occupation, level=level_name(facts.max_level), date=facts.valid_until.isoformat(),
                 window=facts.window_days, count=len(flag.records))
    holder = next((row for row in rows if row.worker_id == facts.worker_id), None)
    person = f"{holder.worker_name}（{holder.worker_id_masked}）" if holder else "—"
    if isinstance(facts, HolderFacts):
        return _("%(person)s持有 %(count)s 本“%(occupation)s”%(level)s有效证书",
                 person=person, count=len(flag.records), occupation=occupation, level=level_name(facts.level))
    return _("%(person)s %(date)s 参加“%(occupation)s”%(level)s评价，当日已持有该等级有效证书",
             person=person, date=facts.exam_date.isoformat(), occupation=occupation, level=level_name(facts.level))
