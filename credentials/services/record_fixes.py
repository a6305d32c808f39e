"""What accepting a correction request did to the record, as the request keeps it and the worker reads it.

Each record keeps its earlier values its own way (a RecordAmendment, a ResultCorrection, a superseded fact row,
a revocation); a `Fix` names the record that now holds the right values and what changed in it (before, after),
built from those by the `fix_of_*` functions right after the record's own service ran.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ladder.i18n import Text

from ..errors import ValidationFailed
from ..models import AppraisalResult, Certificate, CorrectionRequest, CorrectionSubject, RecordAmendment, ResultCorrection
from ..queries.record_corrections import records_since
from ..queries.worker_facts import Fact
from .worker_facts import KIND_OF, fact_snapshot


@dataclass(frozen=True)
class Fix:
    """What accepting a request did: the record that now holds the right values, and what changed in it."""

    record: str  # the record's kind (CorrectionSubject value), or "worker" for the name
    record_id: int
    subject_id: int | None  # the record the request was about (None: a name, a missing record)
    action: str  # corrected, voided, revoked, withdrawn, recorded
    changes: dict[str, list[Any]] = field(default_factory=dict)  # field -> [before, after]


def _diff(before: dict[str, Any], after: dict[str, Any] | None) -> dict[str, list[Any]]:
    after = after or {}
    return {key: [value, after.get(key)] for key, value in before.items()
            if key not in ("fact_id", "state", "attestation", "subsidy_rule") and value != after.get(key)}


def fix_of_amendment(kind: CorrectionSubject, amendment: RecordAmendment) -> Fix:
    """A training, a certificate or a name corrected (or a training voided) keeping a RecordAmendment."""
    subject = None if kind is CorrectionSubject.IDENTITY_NAME else amendment.entity_id
    changes = ({"status": ["current", "voided"]} if amendment.action == "voided"
               else _diff(amendment.before, amendment.after))
    return Fix(kind.value, amendment.entity_id, subject, amendment.action, changes)


def fix_of_result(session: Session, result: AppraisalResult) -> Fix:
    """A result just corrected or voided by `services.corrections` (its ResultCorrection row keeps the earlier
    scores)."""
    change = session.scalar(select(ResultCorrection).where(ResultCorrection.result_id == result.id)
                            .order_by(ResultCorrection.id.desc()).limit(1))
    assert change is not None  # called after correct_result / void_result wrote one
    pairs = {"theory": (change.theory_before, change.theory_after),
             "practical": (change.practical_before, change.practical_after),
             "review": (change.review_before, change.review_after),
             "outcome": (change.outcome_before, change.outcome_after)}
    changes = {key: [_plain(a), _plain(b)] for key, (a, b) in pairs.items() if a != b}
    return Fix(CorrectionSubject.RESULT.value, result.id, result.id, change.kind.value, changes)


def _plain(value: object) -> object:
    return str(value) if isinstance(value, Decimal) else value


def fix_of_fact(old: Fact, new: Fact | None) -> Fix:
    """A fact corrected (the new row replaces the old, which stays superseded) or withdrawn (new is None)."""
    kind = KIND_OF[type(old)]
    before = fact_snapshot(kind, old)
    if new is None:
        return Fix(kind, old.id, old.id, "withdrawn", {"status": [before["state"], "withdrawn"]})
    return Fix(kind, new.id, old.id, "corrected", _diff(before, fact_snapshot(kind, new)))


def fix_of_revocation(certificate: Certificate) -> Fix:
    return Fix(CorrectionSubject.CERTIFICATE.value, certificate.id, certificate.id, "revoked",
               {"status": ["valid", certificate.status.value]})


def named_record(session: Session, request: CorrectionRequest, kind: str, record_id: int) -> Fix:
    """The record the responsible party wrote since the request was filed, named as the missing one."""
    if (kind, record_id) not in {(k, i) for k, i, _ in records_since(session, request)}:
        raise ValidationFailed("binding", field="record", reason=Text(
            "请选择申请提交后为该劳动者新登记的记录", "choose a record entered for this worker since the request"))
    return Fix(kind, record_id, None, "recorded")


CHANGE_NAMES = {  # the fields a fix may change, as the worker reads them
    "name": Text("姓名", "name"), "issued_on": Text("发证日期", "issue date"), "occupation": Text("职业", "occupation"),
    "hours": Text("学时", "hours"), "started_on": Text("开始日期", "start date"), "ended_on": Text("结束日期", "end date"),
    "completed_on": Text("结业日期", "completion date"), "outcome": Text("结果", "outcome"),
    "subsidy_amount": Text("培训补贴", "subsidy"), "theory": Text("理论", "theory"),
    "practical": Text("操作", "practical"), "review": Text("综合评审", "review"), "status": Text("状态", "status"),
    "employer_name": Text("工作单位", "employer"), "graduated_on": Text("毕业日期", "graduation date"),
    "obtained_on": Text("取得日期", "date obtained"),
}
VALUE_NAMES = {
    "completed": Text("已结业", "completed"), "enrolled": Text("在训", "enrolled"),
    "dropped_out": Text("中途退出", "dropped out"), "passed": Text("通过", "passed"), "failed": Text("未通过", "failed"),
    "incomplete": Text("成绩不完整", "incomplete"), "voided": Text("已作废", "voided"), "valid": Text("有效", "valid"),
    "revoked": Text("已撤销", "revoked"), "current": Text("有效", "current"), "withdrawn": Text("已撤回", "withdrawn"),
}


def change_text(changes: dict[str, list[Any]]) -> Text:
    """"field: before → after; …" as the worker reads it."""
    if not changes:
        return Text("已补录", "recorded")
    texts = [(CHANGE_NAMES.get(key, Text(key, key)), _shown(before), _shown(after))
             for key, (before, after) in changes.items()]
    return Text("；".join(f"{name.zh}：{a.zh} → {b.zh}" for name, a, b in texts),
                "; ".join(f"{name.en}: {a.en} → {b.en}" for name, a, b in texts))


def _shown(value: object) -> Text:
    if value is None:
        return Text("—", "—")
    if isinstance(value, str) and value in VALUE_NAMES:
        return VALUE_NAMES[value]
    return Text(str(value), str(value))
