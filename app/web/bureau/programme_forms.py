"""Forms of the programmes registry, and what their fields name turned into records (a worker, an institution, an
occupation, a city): shape only; credentials.services.programmes checks the rules and its errors land on these
fields by name."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from credentials import ValidationFailed
from credentials.models import Institution, MemberRole, Occupation, Worker
from credentials.models.programmes import BATCH_MAX, NAME_MAX, NOTE_MAX, SUMMARY_MAX
from credentials.queries.programmes import KIND_NAMES, RESULT_NAMES, ROLE_NAMES, SOURCE_NAMES, TIER_NAMES
from credentials.queries.scopes import worker_scope
from credentials.queries.worker_facts import institution_named
from credentials.services.programmes import COHORT_LEVELS, DESCRIPTION_MAX
from credentials.services.workers import find_worker_by_national_id
from ladder.i18n import Text

from ...auth import current_actor
from ...extensions import db
from ...i18n import level_name, localized
from ...lookups import occupation_or_field_error, vault
from ..forms import NumberField, Required, city_field, options

_PICKED = re.compile(r"^\s*(\d{1,11})\s+\S")  # "123 李秀英", what the worker picker puts in the field
_NATIONAL_ID = re.compile(r"^\s*(\d{17}[\dXx]|\d{15})\s*$")
NO_SUCH_WORKER = Text("未找到该劳动者：请从列表中选择，或填写身份证号",
                      "no such worker: pick one from the list, or type the ID number")


def _choices(names: dict, *, blank: bool = False):
    return options(([("", "—")] if blank else []) + [(key.value, localized(text)) for key, text in names.items()])


class ProgrammeForm(FlaskForm):
    kind = SelectField(_l("项目类别"), validators=[Required()])
    name = StringField(_l("名称"), validators=[Required(), Length(max=NAME_MAX)],
                       description=_l("如“李秀英技能大师工作室”“2024 年技师培训项目（数控车工）”"))
    tier = SelectField(_l("级别"), validators=[Required()],
                       description=_l("市级项目由市人社局登记，省级由省人社厅登记，国家级由人力资源社会保障部登记"))
    city_code = city_field(_l("所在城市"))
    institution = StringField(_l("依托单位"), validators=[Optional(), Length(max=128)],
                              render_kw={"data-picker": "institution", "autocomplete": "off"},
                              description=_l("培训示范基地和技师培训项目必填：输入机构名称，从列表中选择"))
    occupation_code = StringField(_l("职业"), validators=[Optional(), Length(max=64)],
                                  render_kw={"data-picker": "occupation", "autocomplete": "off"},
                                  description=_l("技师培训项目必填：输入职业名称或编码，从列表中选择"))
    target_level = SelectField(_l("目标等级"), validators=[Optional()], description=_l("仅技师培训项目"))
    batch = StringField(_l("批次"), validators=[Optional(), Length(max=BATCH_MAX)], description=_l("如“第三批”，选填"))
    recognised_on = DateField(_l("认定或开始日期"), validators=[Required()],
                              description=_l("基地、工作室的认定日期；培训项目的开班日期；津贴的批准日期"))
    ends_on = DateField(_l("结束日期"), validators=[Optional()], description=_l("仍在运行则留空"))
    description = TextAreaField(_l("简介"), validators=[Optional(), Length(max=DESCRIPTION_MAX)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = _choices(KIND_NAMES)
        self.tier.choices = _choices(TIER_NAMES)
        self.target_level.choices = options([("", "—")] + [(code, level_name(code)) for code in COHORT_LEVELS])


class MemberForm(FlaskForm):
    worker = StringField(_l("劳动者"), validators=[Required(), Length(max=64)],
                         render_kw={"data-picker": "worker", "autocomplete": "off"},
                         description=_l("输入姓名从列表中选择，或填写身份证号"))
    role = SelectField(_l("身份"), validators=[Required()])
    started_on = DateField(_l("开始日期"), validators=[Required()],
                           description=_l("领办大师须在这一天持有高级技师或以上等级的有效证书"))
    ended_on = DateField(_l("结束日期"), validators=[Optional()], description=_l("仍在其中则留空"))

    def __init__(self, *args, roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = options((role.value, localized(ROLE_NAMES[role])) for role in roles)
        if MemberRole.MASTER not in roles:
            self.started_on.description = ""  # the master's level rule is no concern of a cohort or an allowance


class EndMemberForm(FlaskForm):
    ended_on = DateField(_l("结束日期"), validators=[Required()])


class ResultForm(FlaskForm):
    kind = SelectField(_l("成果类别"), validators=[Required()])
    achieved_on = DateField(_l("日期"), validators=[Required()])
    summary = TextAreaField(_l("成果简述"), validators=[Required(), Length(max=SUMMARY_MAX)],
                            description=_l("一两句话：解决了什么、改进了什么、专利名称与号码"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = _choices(RESULT_NAMES)


class FundingForm(FlaskForm):
    amount = NumberField(_l("金额（元）"), validators=[Required()], places=2)
    source = SelectField(_l("资金来源"), validators=[Required()])
    granted_on = DateField(_l("批准或拨付日期"), validators=[Required()],
                           description=_l("按这一天计入专项活动的阶段；其年份即资金年度"))
    note = StringField(_l("备注"), validators=[Optional(), Length(max=NOTE_MAX)], description=_l("如批准文号"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.source.choices = _choices(SOURCE_NAMES)


# ---- what the fields name ------------------------------------------------------------------------------------

def worker_named(text: str | None, *, field: str = "worker") -> Worker:
    """The worker a member field names: a picker value ("123 name", by registry number), an ID number typed in (by
    its blind index), or a name only one worker in scope has. Out of the officer's scope is as unknown as absent."""
    text = (text or "").strip()
    scope = worker_scope(current_actor())
    if found := _NATIONAL_ID.match(text):
        worker = find_worker_by_national_id(db.session(), vault(), found.group(1))
        if worker is not None and db.session.scalar(select(Worker.id).where(Worker.id == worker.id, scope)):
            return worker
    elif found := _PICKED.match(text):
        worker = db.session.scalar(select(Worker).where(Worker.id == int(found.group(1)), scope))
        if worker is not None:
            return worker
    elif text:
        namesakes = db.session.scalars(select(Worker).where(Worker.name == text, scope).limit(2)).all()
        if len(namesakes) == 1:
            return namesakes[0]
        if namesakes:
            raise ValidationFailed("binding", field=field, reason=Text(
                "同名劳动者不止一位：请从列表中选择，或填写身份证号",
                "more than one worker has this name: pick one from the list, or type the ID number"))
    raise ValidationFailed("binding", field=field, reason=NO_SUCH_WORKER)


def institution_or_field_error(text: str | None, *, field: str = "institution") -> Institution | None:
    """The institution a field names by its exact name (or "name · city" from the picker); None when empty."""
    name = (text or "").split(" · ")[0].strip()
    if not name:
        return None
    institution = institution_named(db.session(), name)
    if institution is None:
        raise ValidationFailed("binding", field=field, reason=Text("未找到该机构：请从列表中选择",
                                                                   "no such institution: pick one from the list"))
    return institution


def occupation_or_none(text: str | None) -> Occupation | None:
    return occupation_or_field_error(text) if (text or "").strip() else None
