"""Forms of the campaign's pages (shape only: credentials.services.campaigns checks the rules, and its errors land
on these fields by name): a new campaign with its phases, the cities it takes, a city's plan record with its
policy documents, and the grids of targets (indicator x phase) and funds (channel x phase).

Repeatable rows (phases, documents) are `RowsField`s: a blank row counts for nothing, and the page adds or drops a
row with a submit button (so it works without JavaScript; static/js/repeatable-rows.js does it in place)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, FieldList, Form, FormField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from credentials.models import FundingChannel, FundingSource
from credentials.models.campaigns import CODE_MAX, DEPARTMENT_MAX, NAME_MAX, PhaseCode
from credentials.queries.campaigns import CityPlanView, PolicyDocument
from credentials.queries.indicators import INDICATORS, Unit
from credentials.queries.programmes import SOURCE_NAMES
from credentials.services.campaigns import DOCUMENTS_MAX, LEADERSHIP_MAX, NUMBER_MAX, TITLE_MAX, PhaseSpec
from ladder.i18n import Text

from ...i18n import format_date, localized
from ..forms import Required

PHASES_MAX = 12
# The plan's three phases (五, 实施步骤), offered on a new campaign; the ministry edits, drops or adds.
DEFAULT_PHASES = (
    {"code": PhaseCode.LAUNCH.value, "name_zh": "启动阶段", "name_en": "Launch"},
    {"code": PhaseCode.IMPLEMENTATION.value, "name_zh": "全面实施阶段", "name_en": "Implementation"},
    {"code": PhaseCode.EVALUATION.value, "name_zh": "绩效评估阶段", "name_en": "Performance evaluation"},
)
_SEPARATORS = re.compile(r"[\s,，、;；]+")
_GROUPING = re.compile(r"[,，\s]")  # 30,000,000.00 as people write amounts


class RowForm(Form):
    """One repeatable row (a sub-form: the page's CSRF token covers it). A row with anything typed in it needs
    its `required` fields; an untouched row counts for nothing."""

    required: tuple[str, ...] = ()

    def is_blank(self) -> bool:
        return all(field.data in (None, "") and not (field.raw_data and field.raw_data[0].strip())
                   for field in self)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.is_blank():
            for field in self:
                field.errors = []
            return True
        for name in self.required:
            field = self[name]
            if field.data in (None, "") and not field.errors:
                field.errors = [_("必填")]
                valid = False
        return valid


class RowsField(FieldList):
    """Rows whose own errors show beside their fields; the list itself says which rows are wrong (the error
    summary links to it) and carries the service's errors about the list as a whole. At most `most` rows are
    filled in; a few more are read (empty ones are common), so that one too many is refused, never dropped."""

    def __init__(self, *args: Any, most: int, **kwargs: Any) -> None:
        super().__init__(*args, max_entries=most + 10, **kwargs)
        self.most = most

    def validate(self, form, extra_validators=()) -> bool:
        super().validate(form, extra_validators)
        own = [error for error in self.errors if isinstance(error, str)]
        wrong = [str(number) for number, entry in enumerate(self.entries, start=1) if entry.errors]
        self.errors = ([_("第 %(rows)s 行有误", rows="、".join(wrong))] if wrong else []) + own
        if len(self.filled()) > self.most:
            self.errors.append(_("最多 %(count)s 行", count=self.most))
        return not self.errors

    def add(self) -> None:
        """One more empty row, while there is room for it."""
        if len(self.entries) < self.max_entries:
            self.append_entry()

    def filled(self) -> list[Any]:
        """The sub-forms of the rows with anything typed in them, in page order."""
        return [entry.form for entry in self.entries if not entry.form.is_blank()]

    def drop(self, name: str) -> bool:
        """Take out the row named `name` (e.g. policy_documents-2), its typed input gone with it."""
        kept = [entry for entry in self.entries if entry.name != name]
        dropped = len(kept) != len(self.entries)
        self.entries = kept
        if not self.entries:
            self.append_entry()
        return dropped


class AmountField(StringField):
    """A figure as people type it ("30,000,000.00" or "85"): a Decimal, or None when left empty. Whether it may
    be negative, how many decimals and how large is the service's rule."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return  # a cell the page did not send keeps what is stored
        text = _GROUPING.sub("", str(valuelist[0]))
        if not text:
            self.data = None
            return
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self.data = None
            raise ValueError(_l("请填写数字"))
        self.data = number

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])  # as typed, to be corrected after a refusal
        return "" if self.data is None else f"{self.data:,}"  # grouped, as it is read: 30,000,000.00


# ---- a new campaign ------------------------------------------------------------------------------------------

class PhaseRow(RowForm):
    required = ("code", "name_zh", "name_en", "starts_on", "ends_on")

    code = StringField(_l("阶段代码"), validators=[Optional(), Length(max=CODE_MAX)])
    name_zh = StringField(_l("阶段名称"), validators=[Optional(), Length(max=NAME_MAX)])
    name_en = StringField(_l("英文名称"), validators=[Optional(), Length(max=NAME_MAX)])
    starts_on = DateField(_l("开始日期"), validators=[Optional()])
    ends_on = DateField(_l("结束日期"), validators=[Optional()])

    def spec(self) -> PhaseSpec:
        return PhaseSpec((self.code.data or "").strip().lower(), self.name_zh.data or "", self.name_en.data or "",
                         self.starts_on.data, self.ends_on.data)


class CampaignForm(FlaskForm):
    code = StringField(_l("活动代码"), validators=[Required(), Length(max=CODE_MAX)],
                       description=_l("3 至 32 位小写字母、数字或“-”，如 skills-100-2025；用在网址中，建立后不能修改"))
    name_zh = StringField(_l("活动名称"), validators=[Required(), Length(max=NAME_MAX)])
    name_en = StringField(_l("英文名称"), validators=[Required(), Length(max=NAME_MAX)])
    starts_on = DateField(_l("开始日期"), validators=[Required()])
    ends_on = DateField(_l("结束日期"), validators=[Required()])
    phases = RowsField(FormField(PhaseRow), label=_l("阶段"), min_entries=1, most=PHASES_MAX)

    def phase_specs(self) -> list[PhaseSpec]:
        return [row.spec() for row in self.phases.filled()]


# ---- the campaign's cities -----------------------------------------------------------------------------------

class CitiesForm(FlaskForm):
    cities = SelectMultipleField(_l("参与城市"), validate_choice=False)  # the boxes ticked (codes)
    add = StringField(_l("城市名称或代码"), validators=[Optional(), Length(max=500)],
                      render_kw={"data-picker": "city", "autocomplete": "off"},
                      description=_l("输入城市名称或代码，从列表中选择；也可一次填写几个，用逗号或空格隔开，如“苏州 无锡”"))

    def added_terms(self) -> list[str]:
        return [term for term in _SEPARATORS.split(self.add.data or "") if term]


# ---- a city's plan record ------------------------------------------------------------------------------------

class DocumentRow(RowForm):
    required = ("title",)

    title = StringField(_l("文件名称"), validators=[Optional(), Length(max=TITLE_MAX)])
    number = StringField(_l("文号"), validators=[Optional(), Length(max=NUMBER_MAX)])
    issued_on = DateField(_l("印发日期"), validators=[Optional()])

    def document(self) -> PolicyDocument:
        return PolicyDocument((self.title.data or "").strip(), (self.number.data or "").strip(), self.issued_on.data)


class PlanForm(FlaskForm):
    leadership_group = TextAreaField(_l("工作领导小组"), validators=[Optional(), Length(max=LEADERSHIP_MAX)],
                                     description=_l("组长、成员单位、办公室设在何处（实施方案 四（一））"))
    lead_department = StringField(_l("牵头部门"), validators=[Optional(), Length(max=DEPARTMENT_MAX)],
                                  description=_l("如：苏州市人力资源和社会保障局"))
    policy_documents = RowsField(FormField(DocumentRow), label=_l("政策文件"), min_entries=1, most=DOCUMENTS_MAX)

    def documents(self) -> list[PolicyDocument]:
        return [row.document() for row in self.policy_documents.filled()]


def document_line(document: PolicyDocument) -> str:
    """苏州市技能振兴专项活动实施方案（苏府发〔2013〕12号）2013-04-15"""
    number = f"（{document.number}）" if document.number else ""
    return f"{document.title}{number}" + (f" {format_date(document.issued_on)}" if document.issued_on else "")


def plan_form_data(leadership_group: str, lead_department: str,
                   documents: Sequence[PolicyDocument]) -> dict[str, Any]:
    """A stored plan record as the form's initial data, with one empty row to add a document."""
    rows: list[dict[str, Any]] = [{"title": d.title, "number": d.number, "issued_on": d.issued_on} for d in documents]
    return {"leadership_group": leadership_group, "lead_department": lead_department,
            "policy_documents": [*rows, {}]}


# ---- grids: targets (indicator x phase) and funds (channel x phase) ----------------------------------------

CHANNEL_NAMES = {channel: SOURCE_NAMES[FundingSource(channel.value)] for channel in FundingChannel}
WHOLE = Text("全程", "whole campaign")  # the column of what covers the whole campaign
_CENT = Decimal("0.01")
Cell = tuple[str, str | None]  # (row key, phase code or None for the whole campaign)


@dataclass(frozen=True)
class GridRow:
    key: str  # an indicator code or a funding channel
    label: str
    unit: Unit
    unit_label: str = ""  # shown beside the label ("" when the section says it)
    help: str = ""  # what the indicator counts, shown folded beside it


def figure(value: Decimal | None, unit: Unit = Unit.YUAN) -> str:
    """A figure as read: yuan with two decimals (30,000,000.00), other units without needless ones (1,200; 85.5)."""
    if value is None:
        return "—"
    if unit is Unit.YUAN:
        return f"{value.quantize(_CENT):,}"
    return f"{value.normalize():,f}"


def typed(value: Decimal, unit: Unit) -> Decimal:
    """A stored figure as it goes back into its input: 30000000.00 yuan, but 5 people rather than 5.00."""
    if unit is Unit.YUAN:
        return value.quantize(_CENT)
    return value.quantize(1) if value == value.to_integral_value() else value.quantize(_CENT).normalize()


def cell_name(kind: str, row: str, phase_code: str | None) -> str:
    """`target-trainees-phase-launch`, `funding-employment_fund-campaign` (the whole campaign)."""
    return f"{kind}-{row}-" + (f"phase-{phase_code}" if phase_code else "campaign")


class GridForm(FlaskForm):
    """Cells of one grid, built per campaign (its phases are its columns); `cells` maps a field name to its cell."""

    cells: dict[str, Cell] = {}

    def entered(self) -> list[tuple[str, str | None, Decimal | None, Any]]:
        """(row key, phase code, typed value, field) of every cell."""
        return [(row, phase, self[name].data, self[name]) for name, (row, phase) in self.cells.items()]


def grid_form(kind: str, rows: Sequence[GridRow], columns: Sequence[tuple[str | None, str]],
              stored: dict[Cell, Decimal], *, formdata: Any = None) -> GridForm:
    """The grid of `rows` by `columns` (phase code or None, label), filled with the `stored` figures, or with
    what was posted (`formdata`)."""
    fields: dict[str, Any] = {}
    cells: dict[str, Cell] = {}
    units = {row.key: row.unit for row in rows}
    for row in rows:
        label = f"{row.label}（{row.unit_label}）" if row.unit_label else row.label
        for phase, column in columns:
            name = cell_name(kind, row.key, phase)
            fields[name] = AmountField(f"{label} · {column}", validators=[Optional()],
                                       render_kw={"inputmode": "decimal", "autocomplete": "off"})
            cells[name] = (row.key, phase)
    form_class = type(f"{kind.title()}GridForm", (GridForm,), {**fields, "cells": cells})
    data = {cell_name(kind, key, phase): typed(value, units.get(key, Unit.ITEMS))
            for (key, phase), value in stored.items()}
    form: GridForm = form_class(formdata=formdata, data=data)
    return form


def grid_rows(kind: str, form: GridForm | None, rows: Sequence[GridRow], columns: Sequence[tuple[str | None, str]],
              stored: dict[Cell, Decimal]) -> list[dict[str, Any]]:
    """What the grid's template shows: per row its label and, per column, the input (`form` given) or the stored
    figure. Read only, a row with nothing stored is left out."""
    shown = []
    for row in rows:
        if form is None and not any((row.key, phase) in stored for phase, _column in columns):
            continue
        shown.append({"key": row.key, "label": row.label, "unit": row.unit_label, "help": row.help, "cells": [
            {"column": column, "field": form[cell_name(kind, row.key, phase)] if form is not None else None,
             "value": figure(stored.get((row.key, phase)), row.unit)} for phase, column in columns]})
    return shown


# ---- a city's grids, read from its plan view ------------------------------------------------------------

def phase_columns(view: CityPlanView) -> list[tuple[str | None, str]]:
    return [(phase.code, localized(phase.name)) for phase in view.campaign.phases] + [(None, localized(WHOLE))]


def target_rows() -> list[GridRow]:
    return [GridRow(i.code, localized(i.name), i.unit, localized(i.unit.label), localized(i.description))
            for i in INDICATORS]


def funding_rows() -> list[GridRow]:
    return [GridRow(channel.value, localized(CHANNEL_NAMES[channel]), Unit.YUAN) for channel in FundingChannel]


def stored_targets(view: CityPlanView) -> dict[Cell, Decimal]:
    return {(t.indicator_code, t.phase_code): t.target for t in view.targets}


def stored_funding(view: CityPlanView) -> dict[Cell, Decimal]:
    return {(f.channel.value, f.phase_code): f.amount for f in view.funding}


def column_totals(stored: dict[Cell, Decimal], columns: list[tuple[str | None, str]]) -> list[tuple[str, str]]:
    """(the sum of a phase's entries, the phase's label) per column: what the channels together commit."""
    totals = []
    for phase, column in columns:
        amounts = [amount for (_key, cell_phase), amount in stored.items() if cell_phase == phase]
        totals.append((figure(sum(amounts, Decimal(0))) if amounts else "—", column))
    return totals
