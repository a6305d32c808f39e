"""Forms of the bureau's competition reward rules: the rule and its rows (shape only: the service checks the
rules and its errors land on these fields by name, `rewards.<i>.<field>` on the row that caused them)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional

from credentials.models import CompetitionRule
from credentials.services.competition_rules import MAX_ROWS, RewardDraft, RuleDraft
from ladder.competitions import LevelEffect, medals, tiers
from ladder.i18n import Text

from ...i18n import localized
from ..approval_forms import level_options
from ..forms import Required, options

BLANK_ROWS = 6  # rows offered on a new rule; an edited rule gets two more than it has
EFFECT_KINDS = (("", _l("不晋升等级（仅授予称号）")), ("set", _l("晋升至所选等级（已达到的不变）")),
                ("set_or_up", _l("晋升至所选等级（已达到的再升一级）")), ("up", _l("晋升若干等级（可设最高等级）")))


class RewardRowForm(Form):
    """One row of the notice (a sub-form: the page's CSRF token covers it)."""

    rank_from = IntegerField(_l("起始名次"), validators=[Optional(), NumberRange(min=1, max=100_000)])
    rank_to = IntegerField(_l("末名次"), validators=[Optional(), NumberRange(min=1, max=100_000)],
                           description=_l("留空表示“及以后”；只有一个名次时两格相同"))
    medals = SelectMultipleField(_l("奖项"), validators=[Optional()], description=_l("可多选；与名次任一相符即适用"))
    effect_kind = SelectField(_l("晋升方式"), validators=[Optional()])
    level = SelectField(_l("等级"), validators=[Optional()],
                        description=_l("“晋升至”的目标等级；“晋升若干等级”时为最高等级（可空）"))
    steps = IntegerField(_l("晋升等级数"), validators=[Optional(), NumberRange(min=1, max=4)])
    titles = TextAreaField(_l("荣誉称号"), validators=[Optional(), Length(max=600)],
                           description=_l("每行一个；英文名写在“|”之后，如：苏州市技术能手 | Suzhou Technical Expert"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.medals.choices = options((code, localized(text)) for code, text in medals().items())
        self.effect_kind.choices = options(EFFECT_KINDS)
        self.level.choices = level_options(blank=True)

    def validate(self, extra_validators=None) -> bool:
        """What the chosen effect needs (fields left empty skip their own validators, so it is checked here)."""
        valid = super().validate(extra_validators)
        if self.effect_kind.data in ("set", "set_or_up") and not self.level.data:
            self.level.errors = [*self.level.errors, _l("请选择晋升至的等级")]
            valid = False
        if self.effect_kind.data == "up" and self.steps.data is None and not self.steps.errors:
            self.steps.errors = [*self.steps.errors, _l("请填写晋升等级数")]
            valid = False
        return valid

    def is_blank(self) -> bool:
        return (self.rank_from.data is None and self.rank_to.data is None and not self.medals.data
                and not self.effect_kind.data and not (self.titles.data or "").strip())

    def effect(self) -> str | None:
        kind, level = self.effect_kind.data, self.level.data or ""
        if kind in ("set", "set_or_up"):
            return f"{kind}:{level}"
        if kind == "up":
            return f"up:{self.steps.data or 0}" + (f" cap:{level}" if level else "")
        return None

    def draft(self) -> RewardDraft:
        titles = []
        for line in (self.titles.data or "").splitlines():
            zh, _bar, en = line.partition("|")
            if zh.strip():
                titles.append(Text(zh.strip(), en.strip()))
        return RewardDraft(rank_from=self.rank_from.data, rank_to=self.rank_to.data,
                           medals=tuple(self.medals.data or ()), effect=self.effect(), titles=tuple(titles))


class RuleForm(FlaskForm):
    name_zh = StringField(_l("奖励办法名称"), validators=[Required(), Length(max=200)],
                          description=_l("如：2024 年苏州市职业技能竞赛奖励办法"))
    name_en = StringField(_l("英文名称"), validators=[Optional(), Length(max=200)], description=_l("可空，空则用中文名称"))
    document_number = StringField(_l("文号"), validators=[Required(), Length(max=100)],
                                  description=_l("竞赛通知的文号，如：苏人社发〔2024〕12号"))
    issued_on = DateField(_l("发文日期"), validators=[Required()])
    valid_from = DateField(_l("生效日期"), validators=[Required()], description=_l("按竞赛结束日期判断是否适用"))
    valid_to = DateField(_l("失效日期"), validators=[Optional()], description=_l("留空表示长期有效"))
    tiers = SelectMultipleField(_l("适用的竞赛级别"), validators=[Required()], description=_l("可多选"))
    max_promotions_per_year = IntegerField(_l("每人每年竞赛晋升次数上限"), validators=[Optional(), NumberRange(min=1, max=12)],
                                           description=_l("留空表示不限"))
    rewards = FieldList(FormField(RewardRowForm), min_entries=BLANK_ROWS, max_entries=MAX_ROWS)

    def __init__(self, *args, tier_codes: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.tiers.choices = options((code, localized(tiers()[code])) for code in tier_codes)

    def filled_rows(self) -> list[tuple[int, RewardRowForm]]:
        """(position on the page, row form) of the rows with anything typed in them."""
        return [(index, entry.form) for index, entry in enumerate(self.rewards.entries) if not entry.form.is_blank()]

    def draft(self) -> RuleDraft:
        return RuleDraft(
            name_zh=self.name_zh.data or "", name_en=self.name_en.data or "",
            document_number=self.document_number.data or "", issued_on=self.issued_on.data,
            valid_from=self.valid_from.data, valid_to=self.valid_to.data, tiers=tuple(self.tiers.data or ()),
            rewards=tuple(row.draft() for _index, row in self.filled_rows()),
            max_promotions_per_year=self.max_promotions_per_year.data)

    def field_for(self, name: str):
        """The field a service error names: `rewards.<i>.<field>` is the i-th filled row's field."""
        head, _dot, rest = name.partition(".")
        if head != "rewards" or not rest:
            return getattr(self, name, None)
        index, _dot, field_name = rest.partition(".")
        filled = self.filled_rows()
        if not index.isdigit() or int(index) >= len(filled):
            return self.rewards
        row = filled[int(index)][1]
        return getattr(row, "effect_kind" if field_name == "effect" else field_name, None) or row.rank_from


def rule_form_data(rule: CompetitionRule) -> dict:
    """A stored rule as the form's initial data (to revise it)."""
    rows = []
    for row in rule.rewards:
        ranks = row.get("ranks") or [None, None]
        effect = LevelEffect.parse(row["effect"]) if row.get("effect") else None
        rows.append({"rank_from": ranks[0], "rank_to": ranks[1], "medals": row.get("medals") or [],
                     "effect_kind": effect.kind if effect else "",
                     "level": (effect.level or effect.cap or "") if effect else "",
                     "steps": effect.steps if effect and effect.kind == "up" else None,
                     "titles": "\n".join(f"{t['zh']} | {t['en']}" if t["en"] != t["zh"] else t["zh"]
                                         for t in row.get("titles") or ())})
    rows += [{}] * 2
    return {"name_zh": rule.name_zh, "name_en": rule.name_en if rule.name_en != rule.name_zh else "",
            "document_number": rule.document_number, "issued_on": rule.issued_on, "valid_from": rule.valid_from,
            "valid_to": rule.valid_to, "tiers": list(rule.tiers),
            "max_promotions_per_year": rule.max_promotions_per_year, "rewards": rows}
