"""Forms shared by several audiences. Forms check shape; services check rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from wtforms import DecimalField, SelectChoice, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from credentials.models import TargetGroup

# What every form says of an empty required field (credentials.errors "required" and the campaign rows say the
# same), not WTForms' own "该字段是必填字段。": one message, kept here so every form shares it.
REQUIRED = _l("必填")


class Required(DataRequired):
    """The field must hold something; says REQUIRED. For text, choices, dates and check boxes."""

    def __init__(self, message: str | LazyString | None = None) -> None:
        super().__init__(message or REQUIRED)


class RequiredInput(InputRequired):
    """The field must have been filled in, though 0 is a fine answer; says REQUIRED. For numbers."""

    def __init__(self, message: str | LazyString | None = None) -> None:
        super().__init__(message or REQUIRED)


OCCUPATION = _l("职业")
CITY = _l("城市")


def occupation_field(label: str | LazyString = OCCUPATION, **kwargs: Any) -> StringField:
    """An occupation picked by name or code from a searchable list (static/js/pickers.js)."""
    kwargs.setdefault("description", _l("输入职业名称或编码，从列表中选择，如“车工”或 6-18-01-01"))
    return StringField(label, validators=[Required(), Length(max=64)],
                       render_kw={"data-picker": "occupation", "autocomplete": "off"}, **kwargs)


def city_field(label: str | LazyString = CITY, *, required: bool = True, **kwargs: Any) -> StringField:
    """A prefecture-level city picked by name or code from a searchable list."""
    kwargs.setdefault("description", _l("输入城市名称或代码，从列表中选择，如“苏州”或 3205"))
    return StringField(label, validators=[Required() if required else Optional(), Length(max=32)],
                       render_kw={"data-picker": "city", "autocomplete": "off"}, **kwargs)


class NumberField(DecimalField):
    """A decimal number as people type it; "NaN", "Infinity" and the like are not numbers (Decimal takes
    them, and comparing them raised a 500)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        if isinstance(self.data, Decimal) and not self.data.is_finite():
            self.data = None
            raise ValueError(_l("请输入数字"))


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
    name = StringField(_l("姓名"), validators=[Required(), Length(max=64)])
    national_id = StringField(_l("身份证号"), validators=[Required(), Length(min=15, max=20)])
    city_code = city_field(_l("所在城市"))
    employer_name = StringField(_l("工作单位"), validators=[Optional(), Length(max=128)])
    target_groups = SelectMultipleField(
        _l("培训补贴对象类别"), choices=options((g.value, label) for g, label in TARGET_GROUP_LABELS.items()),
        validators=[Optional()],
    )
