"""Forms for nominations, decisions, competitions, honours and allowances. Forms check shape; the services
check the rules, and their errors land on these fields by name (`apply_field_error`)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional

from ladder.competitions import medals, tiers
from ladder.frameworks import appraised_levels, vocabulary

from ..i18n import level_name, localized
from .forms import NumberField, Required, RequiredInput, city_field, occupation_field, options

REASON_MAX = 2000



def vocabulary_options(group: str, *, blank: bool = False):
    pairs = [(code, localized(text)) for code, text in vocabulary(group).items()]
    return options(([("", "—")] if blank else []) + pairs)


def level_options(*, blank: bool = False):
    pairs = [(level.code, level_name(level.code)) for level in appraised_levels("skill-2022")]
    return options(([("", "—")] if blank else []) + pairs)


class NominationForm(FlaskForm):
    occupation_code = occupation_field()
    kind = SelectField(_l("晋升方式"), validators=[Required()])
    target_level = SelectField(_l("申报等级"), validators=[Required()])
    grounds = SelectMultipleField(_l("提名理由"), validators=[Required()],
                                  description=_l("可多选（按住 Ctrl 或 ⌘ 键）"))
    statement = TextAreaField(_l("事迹陈述"), validators=[Required(), Length(max=4000)],
                              description=_l("技能水平与工作业绩的具体事实：成果、时间、效益、带徒人数等"))
    rule_id = SelectField(_l("所依据的政策条款"), validators=[Optional()])
    evidence = MultipleFileField(_l("证明材料"), description=_l("PDF、JPEG 或 PNG，每个不超过 10 MB，至多 10 个"))

    def __init__(self, *args, rules: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = options([("exceptional", localized(vocabulary("promotion_routes")["exceptional"])),
                                     ("level_skipping", localized(vocabulary("promotion_routes")["skip"]))])
        self.target_level.choices = level_options()
        self.grounds.choices = vocabulary_options("promotion_grounds")
        self.rule_id.choices = options([("", _l("仅依据国家规定"))] + [(key, localized(text))
                                                                   for key, text in (rules or {}).items()])


class EvidenceForm(FlaskForm):
    evidence = MultipleFileField(_l("证明材料"), validators=[FileRequired()],
                                 description=_l("PDF、JPEG 或 PNG，每个不超过 10 MB，至多 10 个"))


class DecisionForm(FlaskForm):
    action = HiddenField()
    version = HiddenField()
    reason = TextAreaField(_l("理由"), validators=[Required(), Length(max=REASON_MAX)],
                           description=_l("将告知提名单位和劳动者"))
    confirmed = BooleanField(_l("我已核对申请与材料，确认作出此决定"), validators=[Required()])


class TakeUpForm(FlaskForm):
    version = HiddenField()


class ProposalForm(FlaskForm):
    action = HiddenField()
    version = HiddenField()
    issuer_id = SelectField(_l("发证机构"), validators=[Optional()],
                            description=_l("本辖区获准评价该职业此等级的机构"))
    reason = TextAreaField(_l("理由"), validators=[Optional(), Length(max=REASON_MAX)],
                           description=_l("不予确认时必填，将告知劳动者"))
    confirmed = BooleanField(_l("我已核对竞赛成绩与奖励办法，确认作出此决定"), validators=[Required()])


class CompetitionForm(FlaskForm):
    name = StringField(_l("竞赛名称"), validators=[Required(), Length(max=200)])
    tier = SelectField(_l("竞赛级别"), validators=[Required()])
    occupation_code = occupation_field()
    starts_on = DateField(_l("开始日期"), validators=[Required()])
    ends_on = DateField(_l("结束日期"), validators=[Required()])
    organizer = StringField(_l("主办单位"), validators=[Required(), Length(max=200)])
    city_code = city_field(_l("举办城市"), required=False,
                           description=_l("市级和企业竞赛必填：输入城市名称或代码，从列表中选择"))
    paper_level = SelectField(_l("试卷等级"), validators=[Optional()])
    entrants = IntegerField(_l("参赛人数"), validators=[Optional(), NumberRange(min=1, max=1_000_000)])

    def __init__(self, *args, tier_codes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.tier.choices = options((code, localized(text)) for code, text in tiers().items()
                                    if tier_codes is None or code in tier_codes)
        self.paper_level.choices = level_options(blank=True)


class PlanDecisionForm(FlaskForm):
    decision = SelectField(_l("决定"), validators=[Required()])
    reason = TextAreaField(_l("理由"), validators=[Required(), Length(max=REASON_MAX)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision.choices = options([("include", _l("纳入政府竞赛计划")), ("refuse", _l("不予纳入"))])


class ResultForm(FlaskForm):
    national_id = StringField(_l("身份证号"), validators=[Required(), Length(min=15, max=20)])
    rank = IntegerField(_l("名次"), validators=[Optional(), NumberRange(min=1, max=100_000)])
    medal = SelectField(_l("奖项"), validators=[Optional()])
    team_size = IntegerField(_l("团队人数"), default=1, validators=[RequiredInput(), NumberRange(min=1, max=10)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.medal.choices = options([("", "—")] + [(code, localized(text)) for code, text in medals().items()])


class ImportForm(FlaskForm):
    file = FileField(_l("成绩文件"), validators=[FileRequired()],
                     description=_l("CSV（UTF-8 或 GB18030）或 XLSX；列：身份证号、名次、奖项、团队人数"))


class HonourForm(FlaskForm):
    title = SelectField(_l("荣誉称号"), validators=[Required()])
    year = IntegerField(_l("年份"), validators=[RequiredInput(), NumberRange(min=1949, max=2100)])
    awarding_body = StringField(_l("授予单位"), validators=[Required(), Length(max=128)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title.choices = vocabulary_options("honours")


class AllowanceForm(FlaskForm):
    kind = SelectField(_l("津贴类别"), validators=[Required()])
    amount = NumberField(_l("金额（元）"), places=2, validators=[RequiredInput(), NumberRange(min=0.01)])
    period = SelectField(_l("发放周期"), validators=[Required()])
    payer = StringField(_l("发放单位"), validators=[Required(), Length(max=128)])
    starts_on = DateField(_l("起始日期"), validators=[Required()])
    ends_on = DateField(_l("终止日期"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = vocabulary_options("allowances")
        self.period.choices = options([("monthly", _l("按月")), ("yearly", _l("按年")), ("one_off", _l("一次性"))])
