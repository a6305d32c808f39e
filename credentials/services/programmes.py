"""Write side of the programmes registry (plan 四(三)): register and revise a programme, name its people, record its
results and funding. Kept by the bureau of the programme's tier in its city (credentials.permissions
.may_keep_programme); a master must hold 高级技师 or above on the day they are named. Every change is audited on
the programme's trail; nothing here commits."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from ladder.frameworks import get_level, level_rank
from ladder.i18n import Text

from ..clock import china_today
from ..errors import Conflict, Forbidden, ValidationFailed
from ..identity import mask_name
from ..models import (
    BureauScope,
    City,
    FundingSource,
    Institution,
    MemberRole,
    Occupation,
    Programme,
    ProgrammeFunding,
    ProgrammeKind,
    ProgrammeMember,
    ProgrammeResult,
    ProgrammeTier,
    ResultKind,
    Role,
    User,
    Worker,
)
from ..models.programmes import (
    BATCH_MAX,
    KINDS_AT_AN_INSTITUTION,
    KINDS_WITH_RESULTS,
    NAME_MAX,
    NOTE_MAX,
    ROLES_BY_KIND,
    SUMMARY_MAX,
)
from ..permissions import may_keep_programme, may_name_programme_member
from ..queries.programmes import KIND_NAMES, ROLE_NAMES, TIER_NAMES, highest_level_on
from .audit import record

E = TypeVar("E", bound=Enum)
MASTER_LEVEL = "senior_technician"  # 高级技师 (一级); 特级技师 and 首席技师 rank above it
COHORT_LEVELS = ("technician", "senior_technician")  # 技师培训项目 trains 技师 and 高级技师 (DOMAIN §7)
DESCRIPTION_MAX = 2000
EARLIEST = date(1949, 10, 1)
MAX_FUNDING = Decimal("1000000000")  # one grant of at most 10 亿元: a typing slip, not a programme
_TIER_OF_SCOPE = {BureauScope.CITY: ProgrammeTier.CITY, BureauScope.PROVINCE: ProgrammeTier.PROVINCIAL,
                  BureauScope.MINISTRY: ProgrammeTier.NATIONAL}


def create_programme(session: Session, *, kind: ProgrammeKind | str, name: str, tier: ProgrammeTier | str,
                     city_code: str, recognised_on: date, by: User, institution: Institution | None = None,
                     occupation: Occupation | None = None, target_level: str | None = None, batch: str | None = None,
                     ends_on: date | None = None, description: str | None = None,
                     today: date | None = None) -> Programme:
    checked_kind = _choice(ProgrammeKind, kind, "kind", Text("项目类别", "kind of programme"))
    fields = _checked(session, kind=checked_kind, name=name, tier=tier, city_code=city_code, recognised_on=recognised_on,
                      by=by, institution=institution, occupation=occupation, target_level=target_level, batch=batch,
                      ends_on=ends_on, description=description, today=today or china_today())
    programme = Programme(kind=checked_kind, created_by_id=by.id, **fields)
    session.add(programme)
    session.flush()
    record(session, actor=by, action="programme.created", entity_type="programme", entity_id=programme.id,
           after=snapshot(programme))
    return programme


def update_programme(session: Session, programme: Programme, *, name: str, tier: ProgrammeTier | str,
                     city_code: str, recognised_on: date, by: User, institution: Institution | None = None,
                     occupation: Occupation | None = None, target_level: str | None = None, batch: str | None = None,
                     ends_on: date | None = None, description: str | None = None,
                     today: date | None = None) -> Programme:
    """Revise what the programme says; its kind stays (its people's roles depend on it)."""
    _check_keeper(by, programme)
    fields = _checked(session, kind=programme.kind, name=name, tier=tier, city_code=city_code,
                      recognised_on=recognised_on, by=by, institution=institution, occupation=occupation,
                      target_level=target_level, batch=batch, ends_on=ends_on, description=description,
                      today=today or china_today())
    before = snapshot(programme)
    for key, value in fields.items():
        setattr(programme, key, value)
    session.flush()
    after = snapshot(programme)
    if after != before:
        record(session, actor=by, action="programme.updated", entity_type="programme", entity_id=programme.id,
               before=before, after=after)
    return programme


def add_programme_member(session: Session, programme: Programme, *, worker: Worker, role: MemberRole | str,
                         started_on: date, by: User, ended_on: date | None = None,
                         today: date | None = None) -> ProgrammeMember:
    _check_keeper(by, programme)
    part = _choice(MemberRole, role, "role", Text("人员类别", "role"))
    if part not in ROLES_BY_KIND[programme.kind]:
        allowed = [ROLE_NAMES[r] for r in sorted(ROLES_BY_KIND[programme.kind])]
        kind = KIND_NAMES[programme.kind]
        raise ValidationFailed("binding", field="role", reason=Text(
            f"{kind.zh}的人员只能是：{'、'.join(t.zh for t in allowed) or '（无）'}",
            f"people of a {kind.en} can only be: {', '.join(t.en for t in allowed) or '(none)'}"))
    if worker.merged_into_id is not None:
        raise Conflict("already_merged", worker_id=worker.id)
    if not may_name_programme_member(by, programme.tier, programme.city_code, worker):
        raise ValidationFailed("outside_region", field="worker", what=Text("该劳动者", "This worker"))
    _check_dates(started_on, ended_on, today or china_today(), start_field="started_on", end_field="ended_on")
    if part is MemberRole.MASTER:
        _check_master_level(session, worker, started_on)
    _check_overlaps(programme, worker, part, started_on, ended_on)
    member = ProgrammeMember(programme=programme, worker_id=worker.id, role=part, started_on=started_on,
                             ended_on=ended_on, added_by_id=by.id)
    session.add(member)
    session.flush()
    record(session, actor=by, action="programme.member_added", entity_type="programme", entity_id=programme.id,
           after=member_snapshot(member, worker))
    return member


def end_programme_membership(session: Session, member: ProgrammeMember, *, ended_on: date, by: User,
                             today: date | None = None) -> ProgrammeMember:
    """The day a master stepped down, an apprentice finished, a trainee left."""
    programme = member.programme
    _check_keeper(by, programme)
    if member.ended_on is not None:
        raise ValidationFailed("binding", field="ended_on", reason=Text(
            f"已于 {member.ended_on.isoformat()} 结束", f"already ended on {member.ended_on.isoformat()}"))
    _check_dates(member.started_on, ended_on, today or china_today(), start_field="ended_on", end_field="ended_on")
    before = member_snapshot(member, member.worker)
    member.ended_on = ended_on
    session.flush()
    record(session, actor=by, action="programme.member_ended", entity_type="programme", entity_id=programme.id,
           before=before, after=member_snapshot(member, member.worker))
    return member


def remove_programme_member(session: Session, member: ProgrammeMember, *, by: User) -> None:
    """Take out an entry made in error (someone who never belonged); the trail keeps what it said."""
    programme = member.programme
    _check_keeper(by, programme)
    before = member_snapshot(member, member.worker)
    programme.members.remove(member)
    session.delete(member)
    session.flush()
    record(session, actor=by, action="programme.member_removed", entity_type="programme", entity_id=programme.id,
           before=before)


def record_programme_result(session: Session, programme: Programme, *, kind: ResultKind | str, achieved_on: date,
                            summary: str, by: User, today: date | None = None) -> ProgrammeResult:
    _check_keeper(by, programme)
    if programme.kind not in KINDS_WITH_RESULTS:
        raise ValidationFailed("binding", field="kind", reason=Text(
            f"{KIND_NAMES[programme.kind].zh}不登记成果", f"a {KIND_NAMES[programme.kind].en} records no results"))
    result_kind = _choice(ResultKind, kind, "kind", Text("成果类别", "kind of result"))
    if achieved_on > (today or china_today()):
        raise ValidationFailed("date_in_future", field="achieved_on")
    if achieved_on < programme.recognised_on:
        raise ValidationFailed("binding", field="achieved_on", reason=Text(
            f"早于项目认定日期 {programme.recognised_on.isoformat()}",
            f"before the programme was recognised ({programme.recognised_on.isoformat()})"))
    text = _text(summary, "summary", SUMMARY_MAX, required=True)
    assert text is not None  # required above
    result = ProgrammeResult(programme=programme, kind=result_kind, achieved_on=achieved_on, summary=text,
                             recorded_by_id=by.id)
    session.add(result)
    session.flush()
    record(session, actor=by, action="programme.result_recorded", entity_type="programme", entity_id=programme.id,
           after={"result_id": result.id, "kind": result_kind.value, "achieved_on": achieved_on.isoformat(),
                  "summary": text})
    return result


def record_programme_funding(session: Session, programme: Programme, *, amount: Decimal | str, source: FundingSource | str,
                             granted_on: date, by: User, note: str | None = None,
                             today: date | None = None) -> ProgrammeFunding:
    _check_keeper(by, programme)
    try:
        amount = Decimal(str(amount)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationFailed("binding", field="amount", reason=Text("应为金额（元）", "should be an amount in yuan")) from None
    if not amount.is_finite() or not Decimal(0) < amount <= MAX_FUNDING:
        raise ValidationFailed("binding", field="amount", reason=Text("须大于 0 且不超过 10 亿元",
                                                                   "above 0 and at most 1,000,000,000 yuan"))
    paid_by = _choice(FundingSource, source, "source", Text("资金来源", "source of funds"))
    if granted_on > (today or china_today()):
        raise ValidationFailed("date_in_future", field="granted_on")
    if granted_on < EARLIEST:
        raise ValidationFailed("binding", field="granted_on", reason=Text("日期过早", "too early a date"))
    note = _text(note, "note", NOTE_MAX)
    funding = ProgrammeFunding(programme=programme, amount=amount, source=paid_by, granted_on=granted_on, note=note,
                               recorded_by_id=by.id)
    session.add(funding)
    session.flush()
    record(session, actor=by, action="programme.funding_recorded", entity_type="programme", entity_id=programme.id,
           after={"funding_id": funding.id, "amount": str(amount), "source": paid_by.value,
                  "granted_on": granted_on.isoformat(),
                  "note": note})
    return funding


# ---- snapshots for the audit trail (masked names: the trail holds no one's full identity) -------------------

def snapshot(programme: Programme) -> dict[str, Any]:
    return {"kind": programme.kind.value, "name": programme.name, "tier": programme.tier.value,
            "city_code": programme.city_code, "institution_id": programme.institution_id,
            "occupation_id": programme.occupation_id, "target_level": programme.target_level,
            "batch": programme.batch, "recognised_on": programme.recognised_on.isoformat(),
            "ends_on": programme.ends_on.isoformat() if programme.ends_on else None,
            "description": programme.description}


def member_snapshot(member: ProgrammeMember, worker: Worker) -> dict[str, Any]:
    return {"member_id": member.id, "worker_id": worker.id, "worker": mask_name(worker.name),
            "role": member.role.value, "started_on": member.started_on.isoformat(),
            "ended_on": member.ended_on.isoformat() if member.ended_on else None}


# ---- checks ----------------------------------------------------------------------------------------------

def _checked(session: Session, *, kind: ProgrammeKind, name: str, tier: ProgrammeTier | str, city_code: str,
             recognised_on: date, by: User, institution: Institution | None, occupation: Occupation | None,
             target_level: str | None, batch: str | None, ends_on: date | None, description: str | None,
             today: date) -> dict[str, Any]:
    """The programme's columns, each checked; a refusal names the field."""
    if by.role is not Role.BUREAU_OFFICER:
        raise Forbidden("action")
    checked_name = _text(name, "name", NAME_MAX, required=True)
    checked_tier = _choice(ProgrammeTier, tier, "tier", Text("级别", "tier"))
    city_code = (city_code or "").strip()
    if session.get(City, city_code) is None:
        raise ValidationFailed("unknown_city", field="city_code", city=city_code or "?")
    own_tier = _TIER_OF_SCOPE[by.bureau_scope] if by.bureau_scope else None
    if checked_tier is not own_tier:
        keeper = {ProgrammeTier.CITY: Text("市人社局", "the city bureau"),
                  ProgrammeTier.PROVINCIAL: Text("省人社厅", "the provincial department"),
                  ProgrammeTier.NATIONAL: Text("人力资源社会保障部", "the ministry")}[checked_tier]
        raise ValidationFailed("binding", field="tier", reason=Text(
            f"{TIER_NAMES[checked_tier].zh}项目由{keeper.zh}登记",
            f"{TIER_NAMES[checked_tier].en} programmes are kept by {keeper.en}"))
    if not may_keep_programme(by, checked_tier, city_code):
        raise ValidationFailed("outside_region", field="city_code", what=Text("该城市", "This city"))
    _check_dates(recognised_on, ends_on, today, start_field="recognised_on", end_field="ends_on")
    if kind in KINDS_AT_AN_INSTITUTION and institution is None:
        raise ValidationFailed("required", field="institution")
    if institution is not None and institution.city_code != city_code:
        raise ValidationFailed("binding", field="institution", reason=Text(
            "该机构不在项目所在城市", "the institution is not in the programme's city"))
    if kind is ProgrammeKind.TECHNICIAN_COHORT:
        if occupation is None:
            raise ValidationFailed("required", field="occupation_code")
        if target_level not in COHORT_LEVELS:
            raise ValidationFailed("binding", field="target_level", reason=Text(
                "技师培训项目的目标等级为技师或高级技师", "a technician cohort aims at Technician or Senior Technician"))
    else:
        target_level = None
    return {"name": checked_name, "tier": checked_tier, "city_code": city_code,
            "institution_id": institution.id if institution else None,
            "occupation_id": occupation.id if occupation else None, "target_level": target_level,
            "batch": _text(batch, "batch", BATCH_MAX), "recognised_on": recognised_on, "ends_on": ends_on,
            "description": _text(description, "description", DESCRIPTION_MAX, keep_lines=True)}


def _check_keeper(by: User, programme: Programme) -> None:
    if not may_keep_programme(by, programme.tier, programme.city_code):
        raise Forbidden("action")


def _check_dates(start: date, end: date | None, today: date, *, start_field: str, end_field: str) -> None:
    if start > today:
        raise ValidationFailed("date_in_future", field=start_field)
    if end is not None and end > today:
        raise ValidationFailed("date_in_future", field=end_field)
    if end is not None and end < start:
        raise ValidationFailed("dates_out_of_order", field=end_field)


def _check_master_level(session: Session, worker: Worker, on: date) -> None:
    held = highest_level_on(session, worker.id, on)
    if held is not None and level_rank(held.level_code) >= level_rank(MASTER_LEVEL):
        return
    level = get_level(MASTER_LEVEL)
    if held is None:
        zh_had, en_had = "当日尚无有效等级证书", "held no valid level that day"
    else:
        had = get_level(held.level_code)
        zh_had, en_had = f"当日最高为{had.name_zh}", f"held {had.name_en} at most that day"
    raise ValidationFailed("binding", field="worker", reason=Text(
        f"领办大师须在 {on.isoformat()} 持有{level.name_zh}或以上等级的有效证书；该劳动者{zh_had}",
        f"a master must hold a valid certificate of {level.name_en} or above on {on.isoformat()}; "
        f"this worker {en_had}"))


def _overlaps(member: ProgrammeMember, start: date, end: date | None) -> bool:
    return member.started_on <= (end or date.max) and start <= (member.ended_on or date.max)


def _check_overlaps(programme: Programme, worker: Worker, role: MemberRole, start: date, end: date | None) -> None:
    for other in programme.members:
        if not _overlaps(other, start, end):
            continue
        until = other.ended_on.isoformat() if other.ended_on else "—"
        if other.worker_id == worker.id:
            part = ROLE_NAMES[other.role]
            raise ValidationFailed("binding", field="started_on", reason=Text(
                f"该劳动者在此期间已是本项目的{part.zh}（{other.started_on.isoformat()} 至 {until}）",
                f"the worker is already {part.en} here in that period ({other.started_on.isoformat()} to {until})"))
        if role is MemberRole.MASTER and other.role is MemberRole.MASTER:
            raise ValidationFailed("binding", field="started_on", reason=Text(
                f"此期间已有领办大师（{other.started_on.isoformat()} 至 {until}）：请先填写其结束日期",
                f"the studio has a master in that period ({other.started_on.isoformat()} to {until}): "
                "enter the day they stepped down first"))


def _choice(enum_type: type[E], value: object, field: str, what: Text) -> E:
    try:
        return enum_type(value)
    except ValueError:
        raise ValidationFailed("unknown_choice", field=field, what=what, value=str(value)[:40]) from None


def _text(value: str | None, field: str, limit: int, *, required: bool = False, keep_lines: bool = False) -> str | None:
    """Trimmed text (spaces collapsed, except the line breaks of a longer text); None when empty."""
    lines = (value or "").strip().splitlines() if keep_lines else [value or ""]
    cleaned = "\n".join(" ".join(line.split()) for line in lines).strip()
    if required and not cleaned:
        raise ValidationFailed("required", field=field)
    if len(cleaned) > limit:
        raise ValidationFailed("binding", field=field, reason=Text(f"最多 {limit} 个字", f"at most {limit} characters"))
    return cleaned or None
