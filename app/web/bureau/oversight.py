"""Oversight of the region's institutions (DOMAIN §8a "Supervision"), a year at a time: an overview per institution
(nominations against the quota, pass rate against the region's, open flags by kind), each kind's flags with the
records behind them (names and IDs masked; a record opens where the officer may open it), a review with a required
note that hides a flag until its records change, and an XLSX of every list. The checks are
credentials/queries/oversight.py, the thresholds ladder/data/oversight.toml. Joins `bureau.bp`; the ministry sees
every region's flags and reviews none."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, TextAreaField

from credentials.clock import china_today
from credentials.labels import OUTCOME_NAMES, STATE_NAMES
from credentials.models import FlagKind, Institution, InstitutionKind, ReviewOutcome, Role
from credentials.permissions import is_observer, may_review_flag
from credentials.queries.oversight import oversight as oversight_of
from credentials.queries.oversight_flags import Flag, Oversight
from credentials.queries.oversight_records import RecordRow, record_rows
from credentials.services.oversight import mark_reviewed
from ladder.oversight import oversight_policies

from ...access import allow
from ...auth import current_actor
from ...exports import xlsx_response
from ...extensions import db
from ...i18n import level_name, localized
from ..approvals import ListPage
from ..forms import RequiredInput, options
from ..pages import commit_or_show, form_status, page_args
from .blueprint import bp
from .oversight_text import flag_summary

KIND_NAMES = {
    FlagKind.NOMINATION_QUOTA: _l("提名超出限额"), FlagKind.PASS_RATE: _l("通过率明显高于辖区"),
    FlagKind.BEFORE_LAPSE: _l("资质到期前发证"), FlagKind.MULTI_CERTIFICATE: _l("一人多证"),
    FlagKind.REPEAT_SITTING: _l("重复考证"),
}
KIND_WHY = {
    FlagKind.NOMINATION_QUOTA: _l("一年内提名破格、越级晋升的人次超过该类机构的年度限额。"),
    FlagKind.PASS_RATE: _l("评价通过率比辖区整体高出提示线以上（参评人次达到最低数量时才比较；作废和成绩不完整的不计）。"),
    FlagKind.BEFORE_LAPSE: _l("评价资质到期且未接续，到期前最后几天集中发出的证书。"),
    FlagKind.MULTI_CERTIFICATE: _l("同一人持有同一职业同一等级的多本有效证书（已撤销的不计）。"),
    FlagKind.REPEAT_SITTING: _l("考试当日已持有该职业该等级的有效证书，又参加同一等级评价（作废的成绩不计）。"),
}
OUTCOME_LABELS = {ReviewOutcome.EXPLAINED: _l("已核实，情况可以解释"), ReviewOutcome.ACTION_TAKEN: _l("已核实，已采取措施")}
RECORD_NAMES = {"certificate": _l("证书"), "sitting": _l("评价成绩"), "nomination": _l("破格/越级申请")}
INSTITUTION_KINDS = {
    InstitutionKind.ENTERPRISE: _l("企业"), InstitutionKind.TECHNICIAN_COLLEGE: _l("技师学院"),
    InstitutionKind.SENIOR_TECHNICAL_SCHOOL: _l("高级技工学校"), InstitutionKind.TECHNICAL_SCHOOL: _l("技工学校"),
    InstitutionKind.SOCIAL_TRAINING_BODY: _l("社会培训机构"), InstitutionKind.APPRAISAL_BODY: _l("评价机构"),
}
STATUS_FILTERS = ("open", "reviewed", "all")
RECORDS_SHOWN = 30  # per flag on the page; the XLSX holds them all


class ReviewForm(FlaskForm):
    key = HiddenField()
    digest = HiddenField()
    year = HiddenField()
    outcome = RadioField(_l("核查结论"), default=ReviewOutcome.EXPLAINED.value, validators=[RequiredInput()],
                         choices=options((o.value, label) for o, label in OUTCOME_LABELS.items()))
    note = TextAreaField(_l("核查情况说明"),
                         description=_l("必填。如“已调阅考场录像，成绩真实”或“已责令整改，撤销重复发放的证书”；记入审计记录"))


@dataclass
class FlagView:
    flag: Flag
    summary: str
    institutions: list[Institution]
    rows: list[RecordRow]
    hidden: int  # records not listed on the page
    form: ReviewForm | None  # None: this officer does not review it (the ministry)


def _years() -> list[int]:
    first = min((p.valid_from.year for p in oversight_policies() if p.valid_from is not None), default=2013)
    return list(range(china_today().year, first - 1, -1))


def _year(value: str | None) -> int:
    return int(value) if value and value.isdigit() and int(value) in _years() else china_today().year


def _kind_or_404(value: str | None) -> FlagKind:
    try:
        return FlagKind(value or "")
    except ValueError:
        abort(404)


def _filters() -> tuple[int, int | None, str]:
    institution = request.args.get("institution", "")
    status = request.args.get("status", "open")
    return (_year(request.args.get("year")), int(institution) if institution.isdigit() and len(institution) < 10 else None,
            status if status in STATUS_FILTERS else "open")


# ---- the overview -----------------------------------------------------------------------------------------------

@bp.get("/oversight")
@allow(Role.BUREAU_OFFICER)
def oversight():
    year = _year(request.args.get("year"))
    result = oversight_of(db.session(), current_actor(), year)
    totals = {kind: (sum(1 for f in result.of_kind(kind) if not f.reviewed), sum(1 for f in result.of_kind(kind) if f.reviewed))
              for kind in FlagKind}
    return render_template("bureau/oversight.html", result=result, year=year, years=_years(), totals=totals,
                           kinds=list(FlagKind), kind_names=KIND_NAMES, kind_why=KIND_WHY,
                           institution_kinds=INSTITUTION_KINDS)


@bp.get("/oversight.xlsx")
@allow(Role.BUREAU_OFFICER)
def oversight_export():
    year = _year(request.args.get("year"))
    result = oversight_of(db.session(), current_actor(), year)
    headers = [_("年度"), _("机构"), _("类型"), _("城市"), _("破格提名"), _("越级提名"), _("年度限额"), _("通过人次"),
               _("参评人次"), _("通过率（%）"), _("辖区通过率（%）"),
               *(_("%(kind)s（待核查）", kind=KIND_NAMES[k]) for k in FlagKind),
               *(_("%(kind)s（已核查）", kind=KIND_NAMES[k]) for k in FlagKind)]
    region_rate = round(result.region_rate, 1) if result.region_rate is not None else None
    rows = ([year, line.institution.name, str(INSTITUTION_KINDS[line.institution.kind]), line.institution.city.name,
             line.exceptional, line.level_skipping, line.quota, line.passes, line.sittings,
             round(line.rate, 1) if line.rate is not None else None, region_rate,
             *(line.open[k] for k in FlagKind), *(line.reviewed[k] for k in FlagKind)] for line in result.lines)
    return xlsx_response(_("机构监管概览 %(year)s.xlsx", year=year), headers, rows)


# ---- one kind of flag -------------------------------------------------------------------------------------------

@bp.get("/oversight/flags")
@allow(Role.BUREAU_OFFICER)
def oversight_flags():
    year, institution, status = _filters()
    return _flags_page(_kind_or_404(request.args.get("kind")), year, institution, status)


def _flags_page(kind: FlagKind, year: int, institution: int | None, status: str, *,
                failed: ReviewForm | None = None, http_status: int = 200):
    user = current_actor()
    result = oversight_of(db.session(), user, year, kinds=[kind])
    flags = sorted((f for f in result.of_kind(kind, institution)
                    if status == "all" or f.reviewed is (status == "reviewed")), key=lambda f: (f.reviewed, f.key))
    keys = [f.key for f in flags]
    if failed is not None and failed.key.data in keys:  # the page that holds the flag whose review was refused
        per_page = page_args()[1]
        number = keys.index(failed.key.data) // per_page + 1
        page = ListPage(flags[(number - 1) * per_page:number * per_page], number, per_page, len(flags))
    else:
        page = ListPage.of(flags)
    views = _views(page.items, result, failed)
    chosen = next((line.institution for line in result.lines if line.institution.id == institution), None)
    return render_template(
        "bureau/oversight_flags.html", kind=kind, year=year, years=_years(), status=status, institution=chosen,
        page=page, views=views, kind_names=KIND_NAMES, kind_why=KIND_WHY, record_names=RECORD_NAMES,
        outcome_labels=OUTCOME_LABELS, record_status=record_status, observer=is_observer(user), review_form=failed,
    ), http_status


def _views(flags: list[Flag], result: Oversight, failed: ReviewForm | None = None) -> list[FlagView]:
    user = current_actor()
    rows = record_rows(db.session(), user, [ref for flag in flags for ref in flag.records[:RECORDS_SHOWN]])
    institutions = {line.institution.id: line.institution for line in result.lines}
    views = []
    for number, flag in enumerate(flags, start=1):
        shown = [rows[ref] for ref in flag.records[:RECORDS_SHOWN] if ref in rows]
        form = None
        if not flag.reviewed and may_review_flag(user, flag.city_codes):
            form = failed if failed is not None and failed.key.data == flag.key else ReviewForm(
                formdata=None, data={"key": flag.key, "digest": flag.digest, "year": str(flag.year)})
            _number_fields(form, number)
        views.append(FlagView(flag, flag_summary(flag, shown), [institutions[i] for i in flag.institution_ids],
                              shown, max(0, len(flag.records) - RECORDS_SHOWN), form))
    return views


def _number_fields(form: ReviewForm, number: int) -> None:
    """Several review forms on one page: each field's HTML id (and its label's `for`) gets the flag's number; the
    names stay, so any of them posts to the same view."""
    for field in form:
        field.id = f"{field.name}-{number}"
        field.label.field_id = field.id


def record_status(row: RecordRow) -> str:
    if row.ref.kind == "certificate":
        return _("有效") if row.status == "valid" else _("已撤销")
    if row.ref.kind == "sitting":
        return localized(next(text for outcome, text in OUTCOME_NAMES.items() if outcome.value == row.status))
    return localized(next(text for state, text in STATE_NAMES.items() if state.value == row.status))


@bp.post("/oversight/review")
@allow(Role.BUREAU_OFFICER)
def oversight_review():
    form = ReviewForm()
    kind = _kind_or_404((form.key.data or "").partition(":")[0])
    year = _year(form.year.data)
    flag = oversight_of(db.session(), current_actor(), year, kinds=[kind]).find(form.key.data or "")
    if flag is None:  # its records changed so that it no longer stands (or it was never the officer's to see)
        flash(_("此提示已不再成立：相关记录已有变化。"), "info")
        return redirect(url_for("bureau.oversight_flags", kind=kind.value, year=year))
    if not may_review_flag(current_actor(), flag.city_codes):
        abort(403)  # the ministry sees the flag, and reviews none
    if form.validate() and commit_or_show(form, lambda: mark_reviewed(
            db.session(), flag, outcome=form.outcome.data or "", note=form.note.data or "",
            seen_digest=form.digest.data or "", by=current_actor())):
        flash(_("已标记为已核查；相关记录再有变化时会重新提示。"), "success")
        return redirect(url_for("bureau.oversight_flags", kind=kind.value, year=year))
    return _flags_page(kind, year, None, "open", failed=form, http_status=form_status(form))


@bp.get("/oversight/flags.xlsx")
@allow(Role.BUREAU_OFFICER)
def oversight_flags_export():
    flag_kind = _kind_or_404(request.args.get("kind"))
    year, institution, _status = _filters()
    result = oversight_of(db.session(), current_actor(), year, kinds=[flag_kind])
    flags = result.of_kind(flag_kind, institution)
    rows = record_rows(db.session(), current_actor(), [ref for flag in flags for ref in flag.records])
    institutions = {line.institution.id: line.institution.name for line in result.lines}
    headers = [_("提示类别"), _("提示编号"), _("年度"), _("机构"), _("情况"), _("核查状态"), _("核查结论"), _("核查说明"),
               _("核查日期"), _("记录类别"), _("记录编号"), _("日期"), _("姓名"), _("身份证号"), _("职业"), _("等级"),
               _("证书编号"), _("记录机构"), _("记录状态")]

    def lines():
        for flag in flags:
            review = flag.review
            shown = [rows[ref] for ref in flag.records if ref in rows]
            common = [str(KIND_NAMES[flag.kind]), flag.key, flag.year, "、".join(institutions[i] for i in flag.institution_ids),
                      flag_summary(flag, shown), _("已核查") if review else _("待核查"),
                      str(OUTCOME_LABELS[review.outcome]) if review else None, review.note if review else None,
                      review.reviewed_at if review else None]
            for row in shown:
                yield [*common, str(RECORD_NAMES[row.ref.kind]), row.ref.id, row.on, row.worker_name, row.worker_id_masked,
                       row.occupation, level_name(row.level), row.number, row.institution, record_status(row)]

    return xlsx_response(_("%(kind)s %(year)s.xlsx", kind=KIND_NAMES[flag_kind], year=year), headers, lines())
