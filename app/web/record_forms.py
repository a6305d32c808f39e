"""Forms for training records, appraisal results and revocation. Forms check shape; services check rules
(score ranges, dates, accreditation, eligibility), and their errors land on these fields by name."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from credentials.models import TrainingOutcome
from credentials.services.certificates import REVOCATION_REASON_MAX
from ladder.frameworks import appraised_levels
from ladder.subsidies import training_vocabulary

from ..i18n import is_english, level_name
from .forms import NumberField, Required, RequiredInput, occupation_field, options

OUTCOME_LABELS = {
    TrainingOutcome.ENROLLED: _l("在训"),
    TrainingOutcome.COMPLETED: _l("已结业"),
    TrainingOutcome.DROPPED_OUT: _l("中途退出"),
}


def vocabulary_label(group: str, code: str) -> str:
    text = training_vocabulary(group).get(code)
    return text.get("en" if is_english() else "zh") if text else code


def level_options():
    return options((level.code, level_name(level.code)) for level in appraised_levels("skill-2022"))


class _WorkerAndOccupation(FlaskForm):
    national_id = StringField(_l("身份证号"), validators=[Required(), Length(min=15, max=20)])
    occupation_code = occupation_field()


class AppraisalResultForm(_WorkerAndOccupation):
    level = SelectField(_l("等级"), validators=[Required()])
    exam_date = DateField(_l("考试日期"), validators=[Required()])
    theory = NumberField(_l("理论知识考试成绩"), places=None, validators=[RequiredInput()])
    practical = NumberField(_l("操作技能考核成绩"), places=None, validators=[RequiredInput()])
    review = NumberField(_l("综合评审成绩"), places=None, validators=[Optional()],
                          description=_l("技师、高级技师必填"))
    number = StringField(_l("证书编号"), validators=[Optional(), Length(max=32)],
                         description=_l("通过时发证；留空则按职业技能等级证书编码规则自动生成"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.level.choices = level_options()


class TrainingRecordForm(_WorkerAndOccupation):
    target_level = SelectField(_l("培训等级"), validators=[Required()])
    training_type = SelectField(_l("培训类型"), validators=[Required()])
    form = SelectField(_l("培训形式"), validators=[Required()])
    hours = IntegerField(_l("学时"), validators=[RequiredInput()])
    started_on = DateField(_l("开班日期"), validators=[Required()])
    completed_on = DateField(_l("结业日期"), validators=[Optional()], description=_l("已结业的培训必填"))
    outcome = SelectField(_l("培训结果"), validators=[Required()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.target_level.choices = level_options()
        self.training_type.choices = options((code, vocabulary_label("training_types", code))
                                             for code in training_vocabulary("training_types"))
        self.form.choices = options((code, vocabulary_label("training_forms", code))
                                    for code in training_vocabulary("training_forms"))
        self.outcome.choices = options((o.value, label) for o, label in OUTCOME_LABELS.items())


class RevokeForm(FlaskForm):
    reason = TextAreaField(_l("撤销原因"), validators=[Required(), Length(max=REVOCATION_REASON_MAX)],
                           description=_l("将记入审计记录并向持证人显示"))
    confirmed = HiddenField()
