"""Honours and allowances on a worker's record (plan 三(四)): recorded by the bureau of the worker's region,
or by the institution that employs the worker (skill post allowances are paid by employers)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from ladder.frameworks import vocabulary
from ladder.i18n import Text

from ..clock import china_today
from ..errors import Duplicate, Forbidden, ValidationFailed
from ..models import Allowance, AllowancePeriod, Honour, User, Worker
from ..permissions import may_record_recognition
from .audit import record

MAX_AMOUNT = Decimal("1000000")


def record_honour(session: Session, *, worker: Worker, title: str, year: int, awarding_body: str, by: User,
                  competition_result_id: int | None = None, today: date | None = None) -> Honour:
    today = today or china_today()
    if not may_record_recognition(by, worker):
        raise Forbidden("action")
    if title not in vocabulary("honours"):
        raise ValidationFailed("unknown_choice", field="title", what=Text("荣誉", "honour"), value=title)
    if not 1949 <= year <= today.year:
        raise ValidationFailed("binding", field="year", reason=Text(f"1949 到 {today.year} 年", f"1949 to {today.year}"))
    awarding_body = (awarding_body or "").strip()
    if not awarding_body:
        raise ValidationFailed("required", field="awarding_body")
    if session.scalar(select(Honour.id).where(Honour.worker_id == worker.id, Honour.title == title,
                                              Honour.year == year)) is not None:
        raise Duplicate("honour", field="title", year=year)
    honour = Honour(worker=worker, title=title, year=year, awarding_body=awarding_body[:128],
                    competition_result_id=competition_result_id, recorded_by_id=by.id)
    session.add(honour)
    session.flush()
    record(session, actor=by, action="honour.recorded", entity_type="worker", entity_id=worker.id,
           after={"honour_id": honour.id, "title": title, "year": year, "awarding_body": honour.awarding_body})
    return honour


def record_allowance(session: Session, *, worker: Worker, kind: str, amount: Decimal | str,
                     period: AllowancePeriod, payer: str, starts_on: date, ends_on: date | None = None,
                     by: User) -> Allowance:
    if not may_record_recognition(by, worker):
        raise Forbidden("action")
    if kind not in vocabulary("allowances"):
        raise ValidationFailed("unknown_choice", field="kind", what=Text("津贴", "allowance"), value=kind)
    try:
        amount = Decimal(str(amount)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationFailed("binding", field="amount", reason=Text("应为金额", "should be an amount")) from None
    if not Decimal(0) < amount <= MAX_AMOUNT:
        raise ValidationFailed("binding", field="amount", reason=Text("须大于 0 且不超过 100 万元",
                                                                   "above 0 and at most 1,000,000 yuan"))
    payer = (payer or "").strip()
    if not payer:
        raise ValidationFailed("required", field="payer")
    if ends_on is not None and ends_on < starts_on:
        raise ValidationFailed("binding", field="ends_on", reason=Text("结束日期早于开始日期", "ends before it starts"))
    allowance = Allowance(worker=worker, kind=kind, amount=amount, period=AllowancePeriod(period),
                          payer=payer[:128], starts_on=starts_on, ends_on=ends_on, recorded_by_id=by.id)
    session.add(allowance)
    session.flush()
    record(session, actor=by, action="allowance.recorded", entity_type="worker", entity_id=worker.id,
           after={"allowance_id": allowance.id, "kind": kind, "amount": str(amount),
                  "period": allowance.period.value,
                  "payer": allowance.payer, "starts_on": starts_on.isoformat(),
                  "ends_on": ends_on.isoformat() if ends_on else None})
    return allowance
