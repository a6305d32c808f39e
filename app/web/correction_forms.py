"""Forms of the correction pages, and the fixes a responsible party may apply to each kind of record.

A worker files with `FileCorrectionForm`. Answering, each kind of record offers its fixes (`fixes_for`): a form
holding the corrected values and a note to the worker, and the service call it stands for, always one of the
record's own services (so that the earlier values are kept the way that record keeps them). Forms check shape;
the services check the rules, and their errors land on these fields by name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from credentials.models import CorrectionRequest, CorrectionSubject, User
from credentials.models.record_corrections import FACT_SUBJECTS
from credentials.services.certificates import correct_certificate, revoke_certificate
from credentials.services.corrections import correct_result, void_result
from credentials.services.record_corrections import MAX_EXPLANATION, MAX_NOTE, MAX_PROPOSED
from credentials.services.record_fixes import (
    Fix,
    fix_of_amendment,
    fix_of_fact,
    fix_of_result,
    fix_of_revocation,
    named_record,
)
from credentials.services.training import correct_training, void_training
from credentials.services.worker_facts import KIND_OF, withdraw_fact
from credentials.services.workers import correct_worker_name

from .. import career
from ..extensions import db
from ..lookups import occupation_or_field_error
from .fact_forms import FORMS as FACT_FORMS
from .fact_forms import form_for, write_fact
from .forms import NumberField, Required, RequiredInput, occupation_field, options
from .record_forms import OUTCOME_LABELS


class FileCorrectionForm(FlaskForm):
    """The worker's request (phone first): what is wrong, what it should say, why, and the proof."""

    field = SelectField(_l("哪一项有误"), validators=[Required()])
    proposed_value = StringField(_l("应当是"), validators=[Optional(), Length(max=MAX_PROPOSED)],
                                 description=_l("选填：正确的内容，如“2020-06-30”"))
    institution_id = SelectField(_l("应由哪个单位登记"), validators=[Optional()],
                                 description=_l("不确定时选“人社部门”"))
    explanation = TextAreaField(_l("说明"), validators=[Required(), Length(max=MAX_EXPLANATION)],
                                description=_l("写明哪里不对、正确的是什么，以及依据"))
    evidence = MultipleFileField(_l("证明材料"), description=_l("选填：PDF、JPEG 或 PNG，每个不超过 10 MB，至多 10 个"))


class RefuseForm(FlaskForm):
    reason = TextAreaField(_l("不予更正的理由"), validators=[Required(), Length(max=MAX_EXPLANATION)],
                           description=_l("将告知劳动者"))


def _note() -> TextAreaField:
    return TextAreaField(_l("更正说明"), validators=[Required(), Length(max=MAX_NOTE)],
                         description=_l("告知劳动者，并记入该记录的更正历史和审计记录"))


class NoteForm(FlaskForm):
    note = _note()


class NameForm(NoteForm):
    name = StringField(_l("正确的姓名"), validators=[Required(), Length(max=64)])


class CertificateForm(NoteForm):
    issued_on = DateField(_l("发证日期"), validators=[Required()])
    occupation_code = occupation_field()


class TrainingForm(NoteForm):
    started_on = DateField(_l("开始日期"), validators=[Required()])
    completed_on = DateField(_l("结业日期"), validators=[Optional()], description=_l("未结业则留空"))
    hours = IntegerField(_l("学时"), validators=[RequiredInput()])
    outcome = SelectField(_l("培训结果"), validators=[Required()],
                          choices=options((o.value, label) for o, label in OUTCOME_LABELS.items()))


class ScoresForm(NoteForm):
    theory = NumberField(_l("理论知识考试成绩"), places=None, validators=[RequiredInput()])
    practical = NumberField(_l("操作技能考核成绩"), places=None, validators=[RequiredInput()])
    review = NumberField(_l("综合评审成绩"), places=None, validators=[Optional()])


class RecordForm(NoteForm):
    record = SelectField(_l("新登记的记录"), validators=[Required()],
                         description=_l("申请提交后为该劳动者登记的记录"))


def _with_note(form_class: type[FlaskForm]) -> type[FlaskForm]:
    return type(f"{form_class.__name__}WithNote", (form_class,), {"note": _note()})


FACT_FIX_FORMS = {kind: _with_note(form_class) for kind, form_class in FACT_FORMS.items()}


@dataclass(frozen=True)
class FixChoice:
    """One way to answer a request: its title, its form (filled from the record), and the fix it applies."""

    name: str
    title: LazyString
    form: type[FlaskForm]
    values: Callable[[Any, CorrectionRequest], dict[str, Any]]
    apply: Callable[[FlaskForm, Any, CorrectionRequest, User], Fix]
    danger: bool = False

    def blank(self, record: Any, request: CorrectionRequest) -> FlaskForm:
        return self.form(prefix=self.name, data=self.values(record, request), formdata=None)

    def posted(self) -> FlaskForm:
        return self.form(prefix=self.name)


def _none(record: Any, request: CorrectionRequest) -> dict[str, Any]:
    return {}


def _amended(request: CorrectionRequest, amendment: Any) -> Fix:
    return fix_of_amendment(request.subject_kind, amendment)


def _scores(form: Any, result: Any, request: CorrectionRequest, by: User) -> Fix:
    correct_result(db.session(), result, theory=form.theory.data, practical=form.practical.data,
                   review=form.review.data, reason=form.note.data, by=by, today=career.today())
    return fix_of_result(db.session(), result)


def _void_result(form: Any, result: Any, request: CorrectionRequest, by: User) -> Fix:
    void_result(db.session(), result, reason=form.note.data, by=by)
    return fix_of_result(db.session(), result)


def _fact_fixes(kind: str) -> list[FixChoice]:
    return [
        FixChoice("correct", _l("更正这条记录"), FACT_FIX_FORMS[kind], lambda fact, _r: _values(kind, fact),
                  lambda form, fact, request, by: fix_of_fact(fact, write_fact(
                      kind, form, worker=request.worker, by=by, correcting=fact))),
        FixChoice("withdraw", _l("撤回这条记录（不是本人的或不存在）"), NoteForm, _none, _withdrawn, danger=True),
    ]


def _values(kind: str, fact: Any) -> dict[str, Any]:
    """What the fact form shows for the fact (its own prefill, without its token)."""
    return {name: value for name, value in form_for(kind, fact).data.items() if name != "csrf_token"}


def _withdrawn(form: Any, fact: Any, request: CorrectionRequest, by: User) -> Fix:
    withdraw_fact(db.session(), fact, worker=request.worker, by=by, reason=form.note.data)
    return fix_of_fact(fact, None)


RECORD_HERE = {"work_period": _l("在此登记缺少的工作经历"), "diploma": _l("在此登记缺少的学历"),
               "apprenticeship": _l("在此登记缺少的学徒经历"), "title": _l("在此登记缺少的职称")}


def _record_here(kind: str) -> FixChoice:
    """A missing fact recorded on the request page itself (a bureau has no other page that records facts)."""
    return FixChoice(f"add_{kind}", RECORD_HERE[kind], FACT_FIX_FORMS[kind], _none,
                     lambda form, _x, request, by: _recorded(write_fact(kind, form, worker=request.worker, by=by)))


def _recorded(fact: Any) -> Fix:
    return Fix(KIND_OF[type(fact)], fact.id, None, "recorded")


FIXES: dict[CorrectionSubject, list[FixChoice]] = {
    CorrectionSubject.IDENTITY_NAME: [FixChoice(
        "name", _l("更正姓名"), NameForm, lambda worker, request: {"name": request.proposed_value or worker.name},
        lambda form, worker, request, by: _amended(request, correct_worker_name(
            db.session(), worker, name=form.name.data, reason=form.note.data, by=by)))],
    CorrectionSubject.CERTIFICATE: [
        FixChoice("correct", _l("更正证书信息（原数字凭证随之失效并重新签发）"), CertificateForm,
                  lambda c, _r: {"issued_on": c.issued_on, "occupation_code": c.occupation.code},
                  lambda form, c, request, by: _amended(request, correct_certificate(
                      db.session(), c, issued_on=form.issued_on.data,
                      occupation=occupation_or_field_error(form.occupation_code.data), reason=form.note.data,
                      by=by, today=career.today()))),
        FixChoice("revoke", _l("撤销证书（不是本人的）"), NoteForm, _none,
                  lambda form, c, request, by: fix_of_revocation(revoke_certificate(
                      db.session(), c, reason=form.note.data, by=by)), danger=True),
    ],
    CorrectionSubject.TRAINING: [
        FixChoice("correct", _l("更正培训记录"), TrainingForm,
                  lambda t, _r: {"started_on": t.started_on, "completed_on": t.completed_on, "hours": t.hours,
                                 "outcome": t.outcome.value},
                  lambda form, t, request, by: _amended(request, correct_training(
                      db.session(), t, hours=form.hours.data, started_on=form.started_on.data,
                      completed_on=form.completed_on.data, outcome=form.outcome.data, reason=form.note.data,
                      by=by, today=career.today()))),
        FixChoice("void", _l("作废培训记录（不是本人的或不存在）"), NoteForm, _none,
                  lambda form, t, request, by: _amended(request, void_training(
                      db.session(), t, reason=form.note.data, by=by)), danger=True),
    ],
    CorrectionSubject.RESULT: [
        FixChoice("correct", _l("更正成绩"), ScoresForm,
                  lambda r, _r: {"theory": r.theory_score, "practical": r.practical_score, "review": r.review_score},
                  _scores),
        FixChoice("void", _l("作废成绩（不是本人的）"), NoteForm, _none, _void_result, danger=True),
    ],
    **{kind: _fact_fixes(kind.value) for kind in FACT_SUBJECTS},
    CorrectionSubject.MISSING_RECORD: [
        FixChoice("record", _l("已通过日常页面补录：选择补录的记录"), RecordForm, _none,
                  lambda form, _x, request, by: named_record(db.session(), request, *_kind_and_id(form.record.data))),
    ],
}


def _kind_and_id(value: str | None) -> tuple[str, int]:
    kind, _, number = (value or "").partition(":")
    return kind, int(number) if number.isdigit() else 0


def fixes_for(request: CorrectionRequest) -> list[FixChoice]:
    """The fixes of the request's kind of record; a missing fact may also be recorded right here."""
    if request.subject_kind is CorrectionSubject.MISSING_RECORD and request.field in RECORD_HERE:
        return [*FIXES[request.subject_kind], _record_here(request.field)]
    return FIXES[request.subject_kind]
