"""One person entered twice: the candidate pairs of the officer's region (exportable), a pair's two records side by
side with the evidence, and the bureau's decision: merge (the survivor chosen, a reason, then a confirmation of
exactly what moves, computed by running the merge and rolling it back) or dismiss as two people. Routes join
`bureau.bp`. Another region's pair is not found; the ministry sees the pairs and decides none."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, HiddenField, RadioField, TextAreaField
from wtforms.validators import Length

from credentials import CredentialsError
from credentials.identity import mask_name
from credentials.models import DuplicateKind, Role, Worker
from credentials.models.merges import REASON_MAX
from credentials.permissions import is_observer, may_merge_workers
from credentials.queries.duplicates import DuplicatePair, RecordEvidence, duplicate_pairs, find_pair, pair_evidence
from credentials.queries.scopes import worker_scope
from credentials.services.merges import dismiss_pair, merge_workers

from ...access import allow
from ...auth import current_actor
from ...exports import xlsx_response
from ...extensions import db
from ...i18n import error_text
from ...lookups import vault
from ..forms import Required, RequiredInput, options
from ..pages import apply_field_error, page_args
from .blueprint import bp

KIND_NAMES = {
    DuplicateKind.SAME_ID: _l("同一身份证号的两种写法"),
    DuplicateKind.ONE_DIGIT: _l("身份证号有一位不同"),
    DuplicateKind.SWAPPED: _l("身份证号相邻两位颠倒"),
    DuplicateKind.SAME_PERSON_DETAILS: _l("姓名、出生日期、性别、城市均相同"),
}
STRENGTH_NAMES = {"certain": _l("确定"), "likely": _l("很可能"), "possible": _l("可能")}
# Rows that move, named as an officer knows them (a table added later shows by its name).
TABLE_NAMES = {
    "certificates": _l("证书"), "training_records": _l("培训记录"), "appraisal_results": _l("评价成绩"),
    "applications": _l("申报"), "promotion_requests": _l("破格/越级申请"), "competition_results": _l("竞赛成绩"),
    "competition_promotions": _l("竞赛晋升建议"), "honours": _l("荣誉"), "allowances": _l("津贴"),
    "work_periods": _l("工作经历"), "diplomas": _l("学历"), "apprenticeships": _l("学徒经历"),
    "professional_titles": _l("职称"), "worker_target_groups": _l("重点群体类别"), "users": _l("账号"),
    "worker_activations": _l("账号开通码"), "workers": _l("此前并入的记录"),
    "programme_members": _l("技能人才项目中的身份"),
}


class MergeForm(FlaskForm):
    survivor = RadioField(_l("保留哪一份记录"), validators=[RequiredInput()],
                          description=_l("另一份记录的证书、培训、成绩等全部转入保留的记录；被并入的记录不再显示"))
    reason = TextAreaField(_l("合并原因"), validators=[Required(), Length(max=REASON_MAX)],
                           description=_l("核实的依据，如“持身份证原件核对，第二份为录入错误”；将记入审计记录"))
    birth_dates_confirmed = BooleanField(_l("我已核实：出生日期不同的两份记录是同一人"))
    confirmed = HiddenField()


class DismissForm(FlaskForm):
    reason = TextAreaField(_l("判定依据"), validators=[Required(), Length(max=REASON_MAX)],
                           description=_l("如“身份证号不同，经核实为同名同生日的两人”；此后不再列为疑似重复"))


@dataclass(frozen=True)
class ListPage:
    """One page of a list computed in memory, shaped like a database page for the `pager` macro."""

    all_items: list[DuplicatePair]
    page: int
    per_page: int

    @property
    def total(self) -> int:
        return len(self.all_items)

    @property
    def items(self) -> list[DuplicatePair]:
        return self.all_items[(self.page - 1) * self.per_page:self.page * self.per_page]

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    has_prev = property(lambda self: self.page > 1)
    has_next = property(lambda self: self.page < self.pages)
    prev_num = property(lambda self: self.page - 1)
    next_num = property(lambda self: self.page + 1)


@bp.get("/duplicates")
@allow(Role.BUREAU_OFFICER)
def duplicates():
    user = current_actor()
    page, per_page = page_args()
    pairs = ListPage(duplicate_pairs(db.session(), vault(), user), page, per_page)
    return render_template("bureau/duplicates.html", page=pairs, kind_names=KIND_NAMES,
                           strength_names=STRENGTH_NAMES, mask_name=mask_name, observer=is_observer(user),
                           may_decide=lambda pair: may_merge_workers(user, pair.first, pair.second))


@bp.get("/duplicates.xlsx")
@allow(Role.BUREAU_OFFICER)
def duplicates_export():
    pairs = duplicate_pairs(db.session(), vault(), current_actor())
    headers = [_("类型"), _("把握"), _("姓名"), _("出生日期"), _("记录一"), _("身份证号"), _("城市"), _("登记日期"),
               _("记录二"), _("身份证号"), _("城市"), _("登记日期"), _("不同的位数")]
    return xlsx_response(_("疑似重复登记.xlsx"), headers, (
        [str(KIND_NAMES[p.kind]), str(STRENGTH_NAMES[p.strength]), mask_name(p.first.name), p.first.birth_date,
         p.first.id, p.first.id_masked, p.first.city.name, p.first.created_at,
         p.second.id, p.second.id_masked, p.second.city.name, p.second.created_at,
         "、".join(map(str, p.differing_positions))] for p in pairs))


@bp.get("/duplicates/<int:first_id>/<int:second_id>")
@allow(Role.BUREAU_OFFICER)
def duplicate(first_id: int, second_id: int):
    pair = _pair_or_404(first_id, second_id)
    evidence = pair_evidence(db.session(), pair)
    return _page(pair, evidence, _merge_form(pair, evidence), DismissForm(formdata=None, prefix="dismiss"))


@bp.post("/duplicates/<int:first_id>/<int:second_id>/merge")
@allow(Role.BUREAU_OFFICER)
def merge(first_id: int, second_id: int):
    """First post: the choice and reason, answered by a confirmation of what moves (the merge run and rolled
    back, so every refusal shows here). Second post (confirmed): the merge."""
    user, pair = current_actor(), _pair_or_404(first_id, second_id)
    if not may_merge_workers(user, pair.first, pair.second):
        abort(403)
    evidence = pair_evidence(db.session(), pair)
    form = _merge_form(pair, evidence)
    if not form.validate_on_submit():
        return _page(pair, evidence, form, DismissForm(formdata=None, prefix="dismiss"), 422)
    survivor, merged = (pair.first, pair.second) if form.survivor.data == str(pair.first.id) else (pair.second, pair.first)
    try:
        done = merge_workers(db.session(), survivor, merged, kind=pair.kind, reason=form.reason.data, by=user,
                             birth_dates_confirmed=form.birth_dates_confirmed.data)
        moved, deactivated = dict(done.moved), done.deactivated_user_id
    except CredentialsError as error:
        db.session.rollback()
        if not apply_field_error(form, error):
            flash(error_text(error), "error")
        return _page(pair, pair_evidence(db.session(), pair), form, DismissForm(formdata=None, prefix="dismiss"), 422)
    if form.confirmed.data != "yes":
        db.session.rollback()  # the preview: nothing is written until the officer confirms
        return render_template("bureau/duplicate_confirm.html", pair=pair, form=form, survivor=survivor,
                               merged=merged, moved=moved, deactivated=deactivated, table_names=TABLE_NAMES)
    db.session.commit()
    flash(_("已将记录 %(merged)s 并入记录 %(survivor)s，转入 %(rows)s 条", merged=merged.id, survivor=survivor.id,
            rows=sum(len(ids) for ids in moved.values())), "success")
    return redirect(url_for("bureau.duplicates"))


@bp.post("/duplicates/<int:first_id>/<int:second_id>/dismiss")
@allow(Role.BUREAU_OFFICER)
def dismiss(first_id: int, second_id: int):
    user, pair = current_actor(), _pair_or_404(first_id, second_id)
    if not may_merge_workers(user, pair.first, pair.second):
        abort(403)
    form = DismissForm(prefix="dismiss")
    evidence = pair_evidence(db.session(), pair)
    if not form.validate_on_submit():
        return _page(pair, evidence, _merge_form(pair, evidence, formdata=None), form, 422)
    try:
        dismiss_pair(db.session(), pair.first, pair.second, reason=form.reason.data, by=user)
    except CredentialsError as error:
        db.session.rollback()
        if not apply_field_error(form, error):
            flash(error_text(error), "error")
        return _page(pair, evidence, _merge_form(pair, evidence, formdata=None), form, 422)
    db.session.commit()
    flash(_("已判定为两个不同的人，不再列为疑似重复"), "success")
    return redirect(url_for("bureau.duplicates"))


def _pair_or_404(first_id: int, second_id: int) -> DuplicatePair:
    pair = find_pair(db.session(), vault(), current_actor(), first_id, second_id)
    if pair is not None:
        return pair
    merged = db.session.scalar(select(Worker).where(Worker.id.in_((first_id, second_id)),
                                                    Worker.merged_into_id.is_not(None)))
    if merged is not None and db.session.scalar(select(Worker.id).where(
            Worker.id == merged.merged_into_id, worker_scope(current_actor()))) is not None:
        flash(_("记录 %(merged)s 已并入记录 %(survivor)s", merged=merged.id, survivor=merged.merged_into_id), "error")
        abort(redirect(url_for("bureau.duplicates")))  # decided meanwhile (by a colleague, or a second tab)
    abort(404)


def _default_survivor(evidence: tuple[RecordEvidence, RecordEvidence]) -> Worker:
    """The record with an account, else the one with more rows, else the older one."""
    return min(evidence, key=lambda e: (e.account is None, -e.total_rows, e.worker.id)).worker


def _merge_form(pair: DuplicatePair, evidence: tuple[RecordEvidence, RecordEvidence], **kwargs) -> MergeForm:
    form = MergeForm(**kwargs)
    form.survivor.choices = options(
        (e.worker.id, _("记录 %(id)s（%(city)s，%(rows)s 条相关记录）", id=e.worker.id, city=e.worker.city.name,
                                rows=e.total_rows)) for e in evidence)
    if form.survivor.data is None:
        form.survivor.data = str(_default_survivor(evidence).id)
    return form


def _page(pair: DuplicatePair, evidence, merge_form: MergeForm, dismiss_form: DismissForm, status: int = 200):
    user = current_actor()
    return render_template(
        "bureau/duplicate.html", pair=pair, evidence=evidence, merge_form=merge_form, dismiss_form=dismiss_form,
        kind_names=KIND_NAMES, strength_names=STRENGTH_NAMES, table_names=TABLE_NAMES,
        may_decide=may_merge_workers(user, pair.first, pair.second), observer=is_observer(user),
    ), status
