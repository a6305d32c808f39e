"""The competition registry: register, apply for the government plan (enterprise contests), the bureau's
inclusion decision, and results entered one by one or imported from CSV/XLSX (all or nothing)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ladder.competitions import UnknownPolicy, get_policy, medals, tiers
from ladder.frameworks import get_level
from ladder.i18n import Text

from ..clock import china_today
from ..errors import Conflict, Duplicate, Forbidden, ValidationFailed
from ..models import (
    BureauScope,
    Competition,
    CompetitionResult,
    CompetitionRule,
    Institution,
    Occupation,
    PlanState,
    ResultOutcome,
    Role,
    User,
    Worker,
    utcnow,
)
from ..permissions import covers_city, may_run
from ..queries.competition_rules import covers
from ..queries.scopes import worker_scope
from ..spreadsheets import Formula, Sheet, read_sheet
from ..vault import PersonalDataVault
from .audit import record
from .competition_promotions import evaluate_result
from .inbox import notify
from .state_changes import move_state
from .workers import find_worker_by_national_id

PLAN_TIERS = frozenset({"enterprise"})  # plan 三(四): enterprise contests may be folded into the government plan
PLAN_NAMES = {PlanState.NOT_APPLICABLE: Text("政府竞赛", "government competition"),
              PlanState.NOT_APPLIED: Text("未申请纳入计划", "not applied"), PlanState.APPLIED: Text("申请纳入计划待定", "applied"),
              PlanState.INCLUDED: Text("已纳入政府竞赛计划", "included in the plan"),
              PlanState.REFUSED: Text("未纳入政府竞赛计划", "not included in the plan")}


def register_competition(
    session: Session, *, name: str, tier: str, occupation: Occupation, starts_on: date, ends_on: date,
    organizer: str, by: User, city_code: str | None = None, province_code: str | None = None,
    policy_id: str | None = None, paper_level: str | None = None, entrants: int | None = None,
    rule: CompetitionRule | None = None,
) -> Competition:
    """`rule`: a bureau rule the competition follows (instead of a shipped `policy_id`, or of the region's)."""
    name, organizer = (name or "").strip(), (organizer or "").strip()
    for value, field_name in ((name, "name"), (organizer, "organizer")):
        if not value:
            raise ValidationFailed("required", field=field_name)
    if tier not in tiers():
        raise ValidationFailed("unknown_choice", field="tier", what=Text("竞赛级别", "tier"), value=tier)
    if ends_on < starts_on:
        raise ValidationFailed("binding", field="ends_on", reason=Text("结束日期早于开始日期", "ends before it starts"))
    if policy_id:
        try:
            policy = get_policy(policy_id)
        except UnknownPolicy:
            raise ValidationFailed("unknown_choice", field="policy_id", what=Text("奖励办法", "policy"),
                                   value=policy_id) from None
        if tier not in policy.tiers:
            raise ValidationFailed("unknown_choice", field="policy_id", what=Text("该级别的奖励办法", "policy for this tier"),
                                   value=policy_id)
    if paper_level:
        try:
            get_level(paper_level)
        except ValueError:
            raise ValidationFailed("unknown_level", field="paper_level", level=paper_level) from None
    institution, city_code, province_code = _place(by, tier, city_code, province_code)
    competition = Competition(
        name=name, tier=tier, occupation=occupation, starts_on=starts_on, ends_on=ends_on, organizer=organizer,
        organizer_institution=institution, city_code=city_code, province_code=province_code,
        policy_id=policy_id or None, paper_level=paper_level or None, entrants=entrants, registered_by_id=by.id,
        plan_state=PlanState.NOT_APPLIED if tier in PLAN_TIERS else PlanState.NOT_APPLICABLE)
    if rule is not None:
        if policy_id:
            raise ValidationFailed("binding", field="rule_id", reason=Text(
                "已指定系统内置的奖励办法，不能再指定本地奖励办法", "a built-in policy is already named: name one only"))
        if not rule.is_current or not covers(rule, competition):
            raise ValidationFailed("binding", field="rule_id", reason=Text(
                "该奖励办法不适用于此竞赛（地区、竞赛级别或有效期不符，或已有新版本）",
                "this rule does not cover the competition (place, tier or dates), or has a newer version"))
        competition.rule = rule
    session.add(competition)
    session.flush()
    record(session, actor=by, action="competition.registered", entity_type="competition", entity_id=competition.id,
           after=competition_snapshot(competition))
    return competition


def _place(by: User, tier: str, city_code: str | None,
           province_code: str | None) -> tuple[Institution | None, str | None, str | None]:
    """Institutions register their own contests in their city; bureaus register within their region."""
    if by.role is Role.INSTITUTION_STAFF:
        if tier not in PLAN_TIERS:
            raise ValidationFailed("unknown_choice", field="tier", what=Text("机构可登记的竞赛级别", "tier for institutions"),
                                   value=tier)
        assert by.institution is not None  # staff accounts always belong to an institution (CHECK on users)
        return by.institution, by.institution.city_code, by.institution.city_code[:2]
    if by.role is not Role.BUREAU_OFFICER:
        raise Forbidden("action")
    if by.bureau_scope is BureauScope.CITY:
        city_code = city_code or by.region_code
    if by.bureau_scope is BureauScope.PROVINCE:
        province_code = province_code or by.region_code
    if city_code:
        province_code = city_code[:2]
        if not covers_city(by, city_code):
            raise ValidationFailed("outside_region", field="city_code", what=Text("该城市", "This city"))
    if province_code and by.bureau_scope is BureauScope.PROVINCE and province_code != by.region_code:
        raise ValidationFailed("outside_region", field="province_code", what=Text("该省份", "This province"))
    if tier in PLAN_TIERS and not city_code:
        raise ValidationFailed("required", field="city_code")
    return None, city_code or None, province_code or None


def apply_for_plan(session: Session, competition: Competition, *, by: User) -> Competition:
    if by.role is not Role.INSTITUTION_STAFF or competition.organizer_institution_id != by.institution_id:
        raise Forbidden("not_nominator")
    if competition.plan_state not in (PlanState.NOT_APPLIED, PlanState.REFUSED):
        raise Conflict("wrong_state", state=PLAN_NAMES[competition.plan_state], action=Text("申请纳入计划", "apply"))
    _plan_move(session, competition, PlanState.APPLIED, by=by, reason=None)
    institution = by.institution.name if by.institution else competition.organizer
    notify(session, _city_officers(session, competition), "competition.plan_applied", entity_type="competition",
           entity_id=competition.id, competition=competition.name, institution=institution,
           tier=tiers()[competition.tier], starts_on=competition.starts_on.isoformat(),
           ends_on=competition.ends_on.isoformat())
    return competition


def _city_officers(session: Session, competition: Competition) -> list[User]:
    """The bureau that decides inclusion: the officers of the contest's city."""
    return list(session.scalars(select(User).where(
        User.role == Role.BUREAU_OFFICER, User.bureau_scope == BureauScope.CITY,
        User.region_code == competition.city_code, User.is_active.is_(True)).order_by(User.id)))


def _organizer_staff(session: Session, competition: Competition) -> list[User]:
    """The applying institution's staff (and whoever registered the contest)."""
    staff = list(session.scalars(select(User).where(
        User.role == Role.INSTITUTION_STAFF, User.institution_id == competition.organizer_institution_id,
        User.is_active.is_(True)).order_by(User.id))) if competition.organizer_institution_id else []
    return [competition.registered_by, *staff]


def decide_plan(session: Session, competition: Competition, *, include: bool, reason: str, by: User,
                vault: PersonalDataVault | None = None) -> Competition:
    """The bureau of the contest's city or province decides; once included, earlier results are re-evaluated."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("required", field="reason")
    if (by.role is not Role.BUREAU_OFFICER or by.bureau_scope is BureauScope.MINISTRY
            or not covers_city(by, competition.city_code or "")):
        raise Forbidden("action")
    if competition.plan_state is not PlanState.APPLIED:
        raise Conflict("already_decided", state=PLAN_NAMES[competition.plan_state])
    _plan_move(session, competition, PlanState.INCLUDED if include else PlanState.REFUSED, by=by, reason=reason)
    if include:
        for result in competition.results:
            if result.outcome is ResultOutcome.NOT_IN_PLAN:
                evaluate_result(session, result, by=by)
        session.flush()
    notify(session, _organizer_staff(session, competition),
           "competition.included" if include else "competition.refused",
           entity_type="competition", entity_id=competition.id, competition=competition.name, reason=reason)
    return competition


def _plan_move(session: Session, competition: Competition, to: PlanState, *, by: User, reason: str | None) -> None:
    before = competition_snapshot(competition)
    decided = to in (PlanState.INCLUDED, PlanState.REFUSED)
    applied = {"plan_applied_at": utcnow()} if to is PlanState.APPLIED else {}
    move_state(session, competition, state="plan_state", to=to, names=PLAN_NAMES, plan_reason=reason,
               plan_decided_at=utcnow() if decided else None, plan_decided_by_id=by.id if decided else None,
               **applied)
    record(session, actor=by, action=f"competition.plan_{to.value}", entity_type="competition",
           entity_id=competition.id, before=before, after={**competition_snapshot(competition), "reason": reason})


NOT_AMONG_YOURS = Text("登记簿中（或本单位的劳动者中）没有该身份证号；新职工请先登记",
                       "No registered worker (or none of your institution's) has this national ID; register new staff first")


def entrant(session: Session, vault: PersonalDataVault, national_id: str, *, by: User,
            field: str = "national_id") -> Worker:
    """The competitor a result names: a registered worker, and for an organising institution one of its own
    workers. An unregistered ID and an ID registered outside the institution get the same answer, so entering
    results tells an institution nothing about who exists elsewhere. (Bureaus enter any registered entrant.)"""
    worker = find_worker_by_national_id(session, vault, national_id.strip())
    if worker is None or not _may_enter(session, worker, by):
        raise ValidationFailed("binding", field=field, reason=NOT_AMONG_YOURS)
    return worker


def _may_enter(session: Session, worker: Worker, by: User) -> bool:
    if by.role is not Role.INSTITUTION_STAFF:
        return True
    return session.scalar(select(Worker.id).where(Worker.id == worker.id, worker_scope(by))) is not None


def record_result(session: Session, competition: Competition, *, worker: Worker, rank: int | None = None,
                  medal: str | None = None, team_size: int = 1, by: User, today: date | None = None,
                  field_prefix: str = "") -> CompetitionResult:
    today = today or china_today()
    if not may_run(by, competition):
        raise Forbidden("action")
    if competition.ends_on > today:
        raise ValidationFailed("binding", field="competition", reason=Text("竞赛尚未结束", "the competition has not ended"))
    if not _may_enter(session, worker, by):
        raise ValidationFailed("binding", field=field_prefix + "national_id", reason=NOT_AMONG_YOURS)
    if rank is None and not medal:
        raise ValidationFailed("required", field=field_prefix + "rank")
    if rank is not None and not 1 <= rank <= 100_000:
        raise ValidationFailed("binding", field=field_prefix + "rank", reason=Text("名次须为正整数", "a positive number"))
    if medal and medal not in medals():
        raise ValidationFailed("unknown_choice", field=field_prefix + "medal", what=Text("奖项", "medal"), value=medal)
    if not 1 <= team_size <= 10:
        raise ValidationFailed("binding", field=field_prefix + "team_size", reason=Text("1 到 10 人", "1 to 10 people"))
    if session.scalar(select(CompetitionResult.id).where(CompetitionResult.competition_id == competition.id,
                                                         CompetitionResult.worker_id == worker.id)) is not None:
        raise Duplicate("result", field=field_prefix + "national_id")
    result = CompetitionResult(competition=competition, worker=worker, rank=rank, medal=medal or None,
                               team_size=team_size, entered_by_id=by.id, entered_by=by,
                               outcome=ResultOutcome.NO_PROMOTION)  # until evaluated just below
    session.add(result)
    evaluate_result(session, result, by=by)
    session.flush()
    record(session, actor=by, action="competition.result_recorded", entity_type="competition",
           entity_id=competition.id, after={"result_id": result.id, "worker_id": worker.id, "rank": rank,
                                            "medal": medal, "outcome": result.outcome.value})
    return result


def competition_snapshot(competition: Competition) -> dict[str, object]:
    return {"name": competition.name, "tier": competition.tier, "occupation_id": competition.occupation_id,
            "starts_on": competition.starts_on.isoformat(), "ends_on": competition.ends_on.isoformat(),
            "city": competition.city_code, "province": competition.province_code,
            "policy_id": competition.policy_id, "rule_id": competition.rule_id,
            "plan_state": competition.plan_state.value, "version": competition.version}


# ---- import ----------------------------------------------------------------------------------------------

COLUMNS = {"national_id": Text("身份证号", "national id"), "rank": Text("名次", "rank"), "medal": Text("奖项", "medal"),
           "team_size": Text("团队人数", "team size")}
MEDAL_WORDS = {text.zh: code for code, text in medals().items()} | {code: code for code in medals()}


@dataclass
class ResultImport:
    created: list[CompetitionResult] = field(default_factory=list)
    errors: list[dict[str, object]] = field(default_factory=list)  # {"row", "column", "message_zh", "message_en", "value"}


def import_results(session: Session, vault: PersonalDataVault, competition: Competition, *, content: bytes,
                   by: User, today: date | None = None,
                   read: Callable[[bytes], Sheet] = read_sheet) -> ResultImport:
    """Every row or none: rows are checked and written inside a savepoint, rolled back on any error. `read` parses
    the file: the web passes a reader that runs in a child process within a CPU and memory budget."""

    sheet = read(content)
    if not sheet.rows:
        raise ValidationFailed("required", field="file")
    header_row, *rows = sheet.rows
    positions = _header_positions(header_row[1])
    report = ResultImport()
    savepoint = session.begin_nested()
    for number, cells in rows:
        values = {key: (cells[index] if index < len(cells) else None) for key, index in positions.items()}
        problem = next(((key, value) for key, value in values.items() if isinstance(value, Formula)), None)
        if problem:
            report.errors.append(_row_error(number, problem[0], Text("不接受公式", "formulas are not accepted"),
                                            str(problem[1])))
            continue
        try:
            worker = entrant(session, vault, str(values.get("national_id") or ""), by=by)
        except ValidationFailed:
            report.errors.append(_row_error(number, "national_id", NOT_AMONG_YOURS, _masked(values.get("national_id"))))
            continue
        try:
            rank = _number(values.get("rank"))
            medal = MEDAL_WORDS.get(str(values.get("medal") or "").strip(), str(values.get("medal") or "").strip())
            report.created.append(record_result(
                session, competition, worker=worker, rank=rank, medal=medal or None,
                team_size=_number(values.get("team_size")) or 1, by=by, today=today))
        except (ValidationFailed, Duplicate) as error:
            column = error.field or "rank"
            message = Text(error.message("zh"), error.message("en"))
            report.errors.append(_row_error(number, column, message, str(values.get(column) or "")))
        except ValueError:
            column, message = "rank", Text("应为整数", "should be a whole number")
            report.errors.append(_row_error(number, column, message, str(values.get(column) or "")))
    if report.errors:
        savepoint.rollback()
        report.created = []
    else:
        savepoint.commit()
    return report


def _header_positions(header: tuple[object, ...]) -> dict[str, int]:
    names = {str(cell or "").strip().lower(): index for index, cell in enumerate(header)}
    positions = {key: names[alias] for key, aliases in COLUMNS.items() for alias in aliases if alias in names}
    if "national_id" not in positions or ("rank" not in positions and "medal" not in positions):
        raise ValidationFailed("binding", field="file", reason=Text(
            "缺少“身份证号”列，或“名次”“奖项”两列都缺", "the 身份证号 column, or both 名次 and 奖项, are missing"))
    return positions


def _number(value: object) -> int | None:
    if value is None or str(value).strip() == "":
        return None
    return int(float(str(value).strip())) if str(value).strip().replace(".0", "").isdigit() else int(str(value))


def _masked(value: object) -> str:
    text = str(value or "")
    return text[:6] + "*" * max(0, len(text) - 10) + text[-4:] if len(text) > 10 else text


def _row_error(row: int, column: str, message: Text, value: str) -> dict[str, object]:
    return {"row": row, "column": COLUMNS.get(column, (column, column))[0], "message_zh": message[0],
            "message_en": message[1], "value": value}
