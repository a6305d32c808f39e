"""Forms shared by several audiences. Forms check shape; services check rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional

from credentials.models import TargetGroup


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(str(value), label) for value, label in pairs]


TARGET_GROUP_LABELS = {
    TargetGroup.COLLEGE_GRADUATE: _l("高校毕业生"),
    TargetGroup.RURAL_MIGRANT: _l("农村转移劳动力"),
    TargetGroup.URBAN_HARDSHIP: _l("城镇困难人员"),
    TargetGroup.REGISTERED_UNEMPLOYED: _l("城镇登记失业人员"),
    TargetGroup.SCHOOL_LEAVER: _l("未继续升学的应届初高中毕业生"),
    TargetGroup.POOR_FAMILY: _l("贫困家庭子女"),
    TargetGroup.VETERAN: _l("退役军人"),
    TargetGroup.EMPLOYEE: _l("企业职工"),
}


class WorkerForm(FlaskForm):
    name = StringField(_l("姓名"), validators=[DataRequired(), Length(max=64)])
    national_id = StringField(_l("身份证号"), validators=[DataRequired(), Length(min=15, max=20)])
    city_code = StringField(_l("所在城市代码"), validators=[DataRequired(), Length(min=4, max=4)],
                            description=_l("地级行政区划代码前四位，如 3205（苏州市）"))
    employer_name = StringField(_l("工作单位"), validators=[Optional(), Length(max=128)])
    target_groups = SelectMultipleField(
        _l("培训补贴对象类别"), choices=options((g.value, label) for g, label in TARGET_GROUP_LABELS.items()),
        validators=[Optional()],
    )


class CertificateForm(FlaskForm):
    national_id = StringField(_l("持证人身份证号"), validators=[DataRequired(), Length(min=15, max=20)])
    occupation_code = StringField(_l("职业编码"), validators=[DataRequired(), Length(max=10)],
                                  description=_l("2022 年版职业分类大典编码，如 6-18-01-01（车工）"))
    level = SelectField(_l("等级"), validators=[DataRequired()])
    issued_on = DateField(_l("发证日期"), validators=[DataRequired()])
    number = StringField(_l("证书编号"), validators=[Optional(), Length(max=32)],
                         description=_l("留空则按职业技能等级证书编码规则自动生成"))
