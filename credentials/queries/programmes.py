"""Read side of the programmes registry: the list an officer sees (scoped, filtered), one programme with its people,
results and funding, a worker's own programmes, and the level a worker held on a day (a master must be 高级技师 or
above when named). Labels of the kinds, tiers, roles, results and funding sources, in both languages."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from ladder.history import HeldLevel
from ladder.i18n import Text

from ..models import (
    FundingSource,
    MemberRole,
    Programme,
    ProgrammeKind,
    ProgrammeMember,
    ProgrammeTier,
    ResultKind,
    User,
)
from .career import highest_held
from .history import history_of
from .scopes import programme_scope

KIND_NAMES = {
    ProgrammeKind.TRAINING_BASE: Text("高技能人才培训示范基地", "high-skill training demonstration base"),
    ProgrammeKind.MASTERS_STUDIO: Text("技能大师工作室", "masters' studio"),
    ProgrammeKind.TECHNICIAN_COHORT: Text("技师培训项目", "technician training cohort"),
    ProgrammeKind.SPECIAL_ALLOWANCE: Text("政府特殊津贴", "government special allowance"),
}
TIER_NAMES = {
    ProgrammeTier.NATIONAL: Text("国家级", "national"),
    ProgrammeTier.PROVINCIAL: Text("省级", "provincial"),
    ProgrammeTier.CITY: Text("市级", "city"),
}
ROLE_NAMES = {
    MemberRole.MASTER: Text("领办大师", "master"),
    MemberRole.APPRENTICE: Text("徒弟", "apprentice"),
    MemberRole.TRAINEE: Text("学员", "trainee"),
    MemberRole.RECIPIENT: Text("享受人员", "recipient"),
}
RESULT_NAMES = {
    ResultKind.PROBLEM_SOLVED: Text("攻克技术难题", "technical problem solved"),
    ResultKind.PROCESS_IMPROVEMENT: Text("工艺改进", "process improvement"),
    ResultKind.PATENT: Text("专利", "patent"),
}
SOURCE_NAMES = {
    FundingSource.CENTRAL_FINANCE: Text("中央财政", "central finance"),
    FundingSource.PROVINCIAL_FINANCE: Text("省级财政", "provincial finance"),
    FundingSource.CITY_FINANCE: Text("市级财政", "city finance"),
    FundingSource.EMPLOYMENT_FUND: Text("就业专项资金", "employment special fund"),
    FundingSource.HIGH_SKILL_FUND: Text("高技能人才专项工作经费", "high-skill programme fund"),
    FundingSource.EDUCATION_SURCHARGE: Text("教育费附加", "education surcharge"),
    FundingSource.ENTERPRISE_FUND: Text("企业职工教育经费", "enterprise training fund"),
    FundingSource.OTHER: Text("其他", "other"),
}
# How a worker's part reads on their own page ("master of …", "apprentice in …").
PART_NAMES = {
    MemberRole.MASTER: Text("领办", "master of"),
    MemberRole.APPRENTICE: Text("师从", "apprentice in"),
    MemberRole.TRAINEE: Text("参加", "trainee in"),
    MemberRole.RECIPIENT: Text("享受", "recipient of"),
}


def programmes_for(user: User, *, kind: str | None = None, tier: str | None = None,
                   city_code: str | None = None) -> Select[Programme]:
    """The programmes `user` may see, newest first; unknown filter values are ignored, not errors."""
    statement = (select(Programme).where(programme_scope(user))
                 .options(selectinload(Programme.city), selectinload(Programme.institution),
                          selectinload(Programme.occupation), selectinload(Programme.fundings),
                          selectinload(Programme.members).selectinload(ProgrammeMember.worker))
                 .order_by(Programme.recognised_on.desc(), Programme.id.desc()))
    if kind is not None and kind in ProgrammeKind.__members__.values():
        statement = statement.where(Programme.kind == ProgrammeKind(kind))
    if tier is not None and tier in ProgrammeTier.__members__.values():
        statement = statement.where(Programme.tier == ProgrammeTier(tier))
    if city_code:
        statement = statement.where(Programme.city_code == city_code)
    return statement


def programme_in_scope(user: User, programme_id: int) -> Select[Programme]:
    return (select(Programme).where(Programme.id == programme_id, programme_scope(user))
            .options(selectinload(Programme.members).selectinload(ProgrammeMember.worker),
                     selectinload(Programme.results), selectinload(Programme.fundings)))


def programmes_of_worker(session: Session, worker_id: int) -> list[ProgrammeMember]:
    """The worker's parts in programmes, the latest first (for their own page)."""
    return list(session.scalars(
        select(ProgrammeMember).where(ProgrammeMember.worker_id == worker_id)
        .options(selectinload(ProgrammeMember.programme).selectinload(Programme.city))
        .order_by(ProgrammeMember.started_on.desc(), ProgrammeMember.id.desc())))


def current_master(programme: Programme, on: date) -> ProgrammeMember | None:
    return next((m for m in programme.members if m.role is MemberRole.MASTER and m.current_on(on)), None)


def highest_level_on(session: Session, worker_id: int, on: date) -> HeldLevel | None:
    """The highest level the worker held on `on`, in any occupation, from valid certificates (a revoked one never
    counts) reached on or before that day; the eight-level codes rank above 高级技师 (ladder.frameworks)."""
    history = history_of(session, worker_id)
    held_then = tuple(h for h in history.held_levels if h.reached_on <= on)
    return highest_held(dataclasses.replace(history, held_levels=held_then))


def programme_key_labels(dimension: str, keys: Iterable[str]) -> dict[str, Text]:
    """Display names of the keys of the programme series (credentials.services.programme_series): `<kind>:<tier>`
    as "市级技能大师工作室", `<kind>:<role>` as "技能大师工作室 · 徒弟", a funding source by its name."""
    if dimension == "funding_source":
        sources = {source.value: text for source, text in SOURCE_NAMES.items()}
        return {key: sources.get(key, Text(key, key)) for key in keys}
    tiers = {tier.value: text for tier, text in TIER_NAMES.items()}
    roles = {role.value: text for role, text in ROLE_NAMES.items()}
    kinds = {kind.value: text for kind, text in KIND_NAMES.items()}
    labels = {}
    for key in keys:
        kind, _, part = key.partition(":")
        name = kinds.get(kind, Text(kind, kind))
        if part in tiers:
            labels[key] = Text(f"{tiers[part].zh}{name.zh}", f"{tiers[part].en} {name.en}")
        elif part in roles:
            labels[key] = Text(f"{name.zh} · {roles[part].zh}", f"{name.en} · {roles[part].en}")
        else:
            labels[key] = Text(key, key)
    return labels
