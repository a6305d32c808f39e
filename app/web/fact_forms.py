"""Forms for a worker's facts (work periods, diplomas, apprenticeships, titles), shared by the institution's
worker record and the worker's own history page, and the one function that turns a form into a service call.
Forms check shape; `credentials.services.worker_facts` checks the rules, and its errors land on these fields."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from credentials.models import Apprenticeship, Diploma, ProfessionalTitle, User, Worker, WorkPeriod
from credentials.models.worker_facts import REASON_MAX
from credentials.queries.worker_facts import institution_named
from credentials.services.worker_facts import (
    APPRENTICESHIP_TARGETS,
    record_apprenticeship,
    record_diploma,
    record_title,
    record_work_period,
)
from ladder.frameworks import all_title_series, get_title_series, vocabulary

from ..extensions import db
from ..i18n import level_name, localized
from ..lookups import occupation_or_field_error
from .forms import Required, occupation_field, options

Fact = WorkPeriod | Diploma | Apprenticeship | ProfessionalTitle
KINDS = ("work_period", "diploma", "apprenticeship", "title")
CLAIMABLE = ("work_period", "diploma", "title")  # what a worker may claim (an apprenticeship is the enterprise's)


def _optional_occupation(label, description) -> StringField:
    return StringField(label, validators=[Optional(), Length(max=64)], description=description,
                       render_kw={"data-picker": "occupation", "autocomplete": "off"})


class WorkPeriodForm(FlaskForm):
    occupation_code = occupation_field(_l("从事的职业"))
    started_on = DateField(_l("开始日期"), validators=[Required()])
    ended_on = DateField(_l("结束日期"), validators=[Optional()], description=_l("仍在从事则留空"))
    employer_name = StringField(_l("工作单位"), validators=[Optional(), Length(max=128)],
                                description=_l("与本系统中的机构名称完全相同时，由该机构证实"))
    related_to = _optional_occupation(_l("计入相关职业"), _l("选填：从事的是相关职业时，选择它计入的职业"))


class DiplomaForm(FlaskForm):
    school_type = SelectField(_l("学校类型"), validators=[Required()])
    stream = SelectField(_l("班级类型"), validators=[Required()], default="none")
    major_code = _optional_occupation(_l("所学专业（对应职业）"), _l("选填：与申报职业相同即“本专业”"))
    school_name = StringField(_l("学校名称"), validators=[Optional(), Length(max=128)])
    graduated_on = DateField(_l("毕业日期"), validators=[Optional()], description=_l("在校应届毕业生可留空"))
    is_current_graduate = BooleanField(_l("在校应届毕业生（尚未取得毕业证书）"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.school_type.choices = options((code, localized(label)) for code, label in vocabulary("school_types").items())
        self.stream.choices = options((code, localized(label) if code != "none" else _l("无（非技工院校）"))
                                      for code, label in vocabulary("streams").items())


class ApprenticeshipForm(FlaskForm):
    enterprise_name = StringField(_l("企业"), validators=[Optional(), Length(max=128)],
                                  description=_l("留空则为本机构"))
    occupation_code = occupation_field(_l("职业"))
    target_level = SelectField(_l("培养目标等级"), validators=[Required()])
    started_on = DateField(_l("学徒开始日期"), validators=[Required()])
    ended_on = DateField(_l("学徒结束日期"), validators=[Optional()], description=_l("计划或实际结束日期"))
    completed = BooleanField(_l("学徒期满"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.target_level.choices = options((code, level_name(code)) for code in APPRENTICESHIP_TARGETS)


class TitleForm(FlaskForm):
    series = SelectField(_l("职称系列"), validators=[Required()])
    grade = SelectField(_l("职称等级"), validators=[Required()])
    obtained_on = DateField(_l("取得日期"), validators=[Required()])
    issuer_name = StringField(_l("评审或发证单位"), validators=[Optional(), Length(max=128)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.series.choices = options((s.code, localized((s.name_zh, s.name_en))) for s in all_title_series())
        self.grade.choices = options((g.code, localized((g.grade_zh, g.grade_en)))
                                     for g in get_title_series("engineering").grades)


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("撤回原因"), validators=[Required(), Length(max=REASON_MAX)],
                           description=_l("将记入审计记录；撤回的记录仍保留在历史中"))


FIELDS = {  # in the order the forms show them
    "work_period": ("occupation_code", "started_on", "ended_on", "employer_name", "related_to"),
    "diploma": ("school_type", "stream", "major_code", "school_name", "graduated_on", "is_current_graduate"),
    "apprenticeship": ("enterprise_name", "occupation_code", "target_level", "started_on", "ended_on", "completed"),
    "title": ("series", "grade", "obtained_on", "issuer_name"),
}
FORMS = {"work_period": WorkPeriodForm, "diploma": DiplomaForm, "apprenticeship": ApprenticeshipForm,
         "title": TitleForm}


def blank_forms(kinds=KINDS) -> dict[str, FlaskForm]:
    """One empty form per kind, each with its own prefix so that they share a page."""
    return {kind: FORMS[kind](prefix=kind, formdata=None) for kind in kinds}


def posted_form(kind: str) -> FlaskForm:
    return FORMS[kind](prefix=kind)


def form_for(kind: str, fact: Fact) -> FlaskForm:
    """The kind's form holding the fact's values (a correction starts from what is on record)."""
    return FORMS[kind](prefix=kind, data=_values(fact))


def _values(fact: Fact) -> dict:
    if isinstance(fact, WorkPeriod):
        return {"occupation_code": fact.occupation.code, "started_on": fact.started_on, "ended_on": fact.ended_on,
                "employer_name": fact.employer_name, "related_to": fact.related_to.code if fact.related_to else ""}
    if isinstance(fact, Diploma):
        return {"school_type": fact.school_type, "stream": fact.stream, "school_name": fact.school_name,
                "major_code": fact.major_occupation.code if fact.major_occupation else "",
                "graduated_on": fact.graduated_on, "is_current_graduate": fact.is_current_graduate}
    if isinstance(fact, Apprenticeship):
        return {"enterprise_name": fact.enterprise_name, "occupation_code": fact.occupation.code,
                "target_level": fact.target_level, "started_on": fact.started_on, "ended_on": fact.ended_on,
                "completed": fact.completed}
    return {"series": fact.series, "grade": fact.grade, "obtained_on": fact.obtained_on,
            "issuer_name": fact.issuer_name}


def write_fact(kind: str, form, *, worker: Worker, by: User, correcting: Fact | None = None) -> Fact:
    """The service call a valid form stands for: a new fact, or (with `correcting`) the corrected version."""
    session = db.session()
    if kind == "work_period":
        related = form.related_to.data
        return record_work_period(
            session, worker=worker, occupation=occupation_or_field_error(form.occupation_code.data),
            started_on=form.started_on.data, ended_on=form.ended_on.data,
            employer=institution_named(session, form.employer_name.data), employer_name=form.employer_name.data,
            related_to=occupation_or_field_error(related, field="related_to") if related else None,
            by=by, correcting=correcting)
    if kind == "diploma":
        major = form.major_code.data
        return record_diploma(
            session, worker=worker, school_type=form.school_type.data, stream=form.stream.data,
            major_occupation=occupation_or_field_error(major, field="major_code") if major else None,
            school_name=form.school_name.data, graduated_on=form.graduated_on.data,
            is_current_graduate=form.is_current_graduate.data, by=by, correcting=correcting)
    if kind == "apprenticeship":
        name = form.enterprise_name.data or (by.institution.name if by.institution else None)
        return record_apprenticeship(
            session, worker=worker, occupation=occupation_or_field_error(form.occupation_code.data),
            target_level=form.target_level.data, started_on=form.started_on.data, ended_on=form.ended_on.data,
            completed=form.completed.data, enterprise=institution_named(session, name), enterprise_name=name,
            by=by, correcting=correcting)
    return record_title(session, worker=worker, series=form.series.data, grade=form.grade.data,
                        obtained_on=form.obtained_on.data, issuer_name=form.issuer_name.data, by=by,
                        correcting=correcting)


# ---------------------------------------------------------------- how a fact reads on a page

def school_label(code: str) -> str:
    return localized(vocabulary("school_types").get(code)) or code


def stream_label(code: str) -> str:
    return localized(vocabulary("streams").get(code)) if code != "none" else ""


def title_label(series: str, grade: str) -> str:
    title = get_title_series(series).grade(grade)
    return localized((title.name_zh, title.name_en))


def series_label(series: str) -> str:
    found = get_title_series(series)
    return localized((found.name_zh, found.name_en))


HELPERS = {"school_label": school_label, "stream_label": stream_label, "title_label": title_label,
           "series_label": series_label, "fields": FIELDS}
