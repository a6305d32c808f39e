"""Forms of the appraisal road: sessions, applications and their review, seating, results against a session,
corrections, and an administrator's historic certificate. Forms check shape; services check rules, and their
errors land on these fields by name."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional

from credentials.services.applications import MAX_REASON
from credentials.services.corrections import MAX_REASON as MAX_CORRECTION_REASON
from credentials.services.sessions import MAX_CAPACITY, MAX_SITE

from .forms import NumberField, Required, RequiredInput, occupation_field, options
from .record_forms import level_options


class SessionForm(FlaskForm):
    occupation_id = SelectField(_l("职业"), validators=[Required()],
                                description=_l("本机构获准评价的职业"))
    levels = SelectMultipleField(_l("考试等级"), validators=[Required()])
    held_on = DateField(_l("考试日期"), validators=[Required()])
    site = StringField(_l("考试地点"), validators=[Required(), Length(max=MAX_SITE)])
    capacity = IntegerField(_l("容纳人数"), validators=[RequiredInput(), NumberRange(min=1, max=MAX_CAPACITY)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.levels.choices = level_options()


class ApplicationForm(FlaskForm):
    """An institution enters an application for a worker (found by national ID, never in a URL)."""

    national_id = StringField(_l("身份证号"), validators=[Required(), Length(min=15, max=20)])
    occupation_id = SelectField(_l("职业"), validators=[Required()],
                                description=_l("本机构获准评价的职业"))
    level = SelectField(_l("申报等级"), validators=[Required()])
    promotion_request_id = IntegerField(_l("破格/越级批准编号"), validators=[Optional(), NumberRange(min=1)],
                                        description=_l("按已批准的破格、越级申请参加考评时填写"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.level.choices = level_options()


class WorkerApplicationForm(FlaskForm):
    """A worker applies (phone first): the occupation, the level, then an accredited institution."""

    occupation_code = occupation_field()
    level = SelectField(_l("申报等级"), validators=[Required()])
    institution_id = SelectField(_l("评价机构"), validators=[Optional()],
                                 description=_l("获准评价该职业和等级的机构"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.level.choices = level_options()


class ReviewForm(FlaskForm):
    decision = RadioField(_l("审核结论"), choices=options([("approve", _l("通过资格审核")), ("refuse", _l("不通过"))]),
                          validators=[Required()])
    reason = TextAreaField(_l("理由"), validators=[Optional(), Length(max=MAX_REASON)],
                           description=_l("不通过时必填，将告知申报人"))


class SeatForm(FlaskForm):
    session_id = SelectField(_l("考试场次"), validators=[Required()])


class SessionResultForm(FlaskForm):
    application_id = HiddenField(validators=[Required()])
    theory = NumberField(_l("理论知识考试成绩"), places=None, validators=[RequiredInput()])
    practical = NumberField(_l("操作技能考核成绩"), places=None, validators=[RequiredInput()])
    review = NumberField(_l("综合评审成绩"), places=None, validators=[Optional()],
                          description=_l("技师、高级技师须评审；暂缺则成绩不完整，可稍后补录"))
    number = StringField(_l("证书编号"), validators=[Optional(), Length(max=32)],
                         description=_l("通过时发证；留空则自动生成"))


class CorrectionForm(FlaskForm):
    theory = NumberField(_l("理论知识考试成绩"), places=None, validators=[RequiredInput()])
    practical = NumberField(_l("操作技能考核成绩"), places=None, validators=[RequiredInput()])
    review = NumberField(_l("综合评审成绩"), places=None, validators=[Optional()])
    reason = TextAreaField(_l("更正原因"), validators=[Required(), Length(max=MAX_CORRECTION_REASON)],
                           description=_l("记入审计记录；若证书因此撤销，也作为撤销原因告知持证人"))


class VoidForm(FlaskForm):
    reason = TextAreaField(_l("作废原因"), validators=[Required(), Length(max=MAX_CORRECTION_REASON)],
                           description=_l("记入审计记录；若证书因此撤销，也作为撤销原因告知持证人"))


class CompleteForm(FlaskForm):
    review = NumberField(_l("综合评审成绩"), places=None, validators=[RequiredInput()])
    number = StringField(_l("证书编号"), validators=[Optional(), Length(max=32)],
                         description=_l("通过时发证；留空则自动生成"))


class HistoricCertificateForm(FlaskForm):
    national_id = StringField(_l("持证人身份证号"), validators=[Required(), Length(min=15, max=20)])
    occupation_code = occupation_field()
    level = SelectField(_l("等级"), validators=[Required()])
    issued_on = DateField(_l("发证日期"), validators=[Required()])
    institution_id = SelectField(_l("发证机构"), validators=[Required()])
    route = SelectField(_l("晋升途径"), choices=options([("regular", _l("正常晋升")), ("exceptional", _l("破格/越级")),
                                                        ("competition", _l("竞赛晋升"))]), validators=[Required()])
    number = StringField(_l("证书编号"), validators=[Required(), Length(max=32)],
                         description=_l("纸质证书上的编号"))
    evidence = MultipleFileField(_l("证书扫描件"), description=_l("PDF、PNG 或 JPEG，至少一个文件"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.level.choices = level_options()
