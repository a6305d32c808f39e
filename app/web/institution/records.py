"""A training institution's records: appraisal results (a pass issues the certificate) and training records
(with the subsidy rule that applied). Routes join `institution.bp`; each list searches, pages and exports."""

from __future__ import annotations

from functools import cache

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from credentials.labels import OUTCOME_NAMES
from credentials.models import Role
from credentials.queries.progression import failure_reasons, subsidy_of
from credentials.queries.records import results_for, training_for
from credentials.queries.registry import standing_worker_id
from credentials.services.appraisal import record_appraisal_result
from credentials.services.training import record_training

from ... import career
from ...access import allow
from ...auth import current_actor
from ...exports import stream, too_many_to_export, xlsx_response
from ...extensions import db
from ...i18n import is_english, level_name, localized
from ...lookups import occupation_or_field_error, worker_by_national_id_or_field_error
from ..pages import commit_or_show, paginate
from ..record_forms import OUTCOME_LABELS, AppraisalResultForm, TrainingRecordForm, vocabulary_label
from ..searches import seal_term, search_term
from .blueprint import bp
from .home import _id_hash_if_national_id

# Rows in one download: about 5,000 rows a second go into an XLSX, so this stays within a request's time.


def _lang() -> str:
    return "en" if is_english() else "zh"


def _worker_and_occupation(form):
    return worker_by_national_id_or_field_error(form.national_id.data), occupation_or_field_error(form.occupation_code.data)


def _save(form, write, success) -> bool:
    """Run one service call for a valid form; a domain error lands on its field (or is flashed)."""
    if not form.validate_on_submit():
        return False
    written = commit_or_show(form, lambda: write(form))
    if written is None:
        return False
    flash(success(written), "success")
    return True


def _filters() -> dict:
    """Name, worker and outcome from the query string; a national ID never travels in a URL (see search)."""
    return {"search": search_term() or None,
            "worker_id": request.args.get("worker", type=int), "outcome": request.args.get("outcome") or None}


@bp.post("/records/search")
@allow(Role.INSTITUTION_STAFF)
def search_records():
    """Search by POST, so that a typed national ID becomes an internal worker id before it reaches a URL."""
    target = request.form.get("target")
    if target not in ("institution.results", "institution.training"):
        target = "institution.results"
    query = request.form.get("q", "").strip()[:64]
    outcome = request.form.get("outcome") or None
    id_hash = _id_hash_if_national_id(query)
    if id_hash is None:
        return redirect(url_for(target, q=seal_term(query), outcome=outcome))
    found = db.session.scalar(select(standing_worker_id(id_hash)))
    listed = results_for if target == "institution.results" else training_for
    if found is None or db.session.scalar(listed(current_actor(), worker_id=found).limit(1)) is None:
        found = 0  # someone without records here: say nothing about whether they are registered
    return redirect(url_for(target, worker=found, outcome=outcome))


# ---------------------------------------------------------------- appraisal results

def _record_result(form: AppraisalResultForm):
    worker, occupation = _worker_and_occupation(form)
    user = current_actor()
    return record_appraisal_result(
        db.session(), worker=worker, institution=user.institution, occupation=occupation,
        level=form.level.data, exam_date=form.exam_date.data, theory=form.theory.data,
        practical=form.practical.data, review=form.review.data,
        number=(form.number.data or "").strip() or None, by=user, today=career.today())


def _result_message(result) -> str:
    if result.certificate is not None:
        return _("已登记成绩：通过，已发放证书 %(number)s", number=result.certificate.number)
    if result.outcome.value == "incomplete":
        return _("已登记成绩：成绩不完整，待补录综合评审成绩")
    return _("已登记成绩：未通过")


def failure_text(result) -> str:
    return "；".join(reason.get(_lang()) for reason in failure_reasons(result))


@bp.route("/results", methods=["GET", "POST"])
@allow(Role.INSTITUTION_STAFF)
def results():
    form = AppraisalResultForm()
    if _save(form, _record_result, _result_message):
        return redirect(url_for("institution.results"))
    filters = _filters()
    page = paginate(results_for(current_actor(), **filters))
    return render_template("institution/results.html", form=form, page=page, filters=filters,
                           failure_reasons=failure_text), 422 if request.method == "POST" else 200


@bp.get("/results.xlsx")
@allow(Role.INSTITUTION_STAFF)
def results_export():
    headers = [_("考试日期"), _("姓名"), _("身份证号"), _("职业编码"), _("职业"), _("等级"),
               _("理论知识考试"), _("操作技能考核"), _("综合评审"), _("结果"), _("证书编号"),
               _("证书状态")]
    statement = results_for(current_actor(), **_filters())
    if too_many_to_export(statement):
        return redirect(url_for("institution.results", **request.args))
    level = cache(level_name)
    verdict = {outcome: localized(name) for outcome, name in OUTCOME_NAMES.items()}
    status = {"valid": _("有效"), "revoked": _("已撤销")}
    rows = (
        (r.exam_date, r.worker.name, r.worker.id_masked, r.occupation.code, r.occupation.name,
         level(r.level), r.theory_score, r.practical_score, r.review_score, verdict[r.outcome],
         r.certificate.number if r.certificate else None,
         status[r.certificate.status.value] if r.certificate else None)
        for r in stream(statement)
    )
    return xlsx_response(_("评价成绩") + ".xlsx", headers, rows)


# ---------------------------------------------------------------- training records

def _record_training(form: TrainingRecordForm):
    worker, occupation = _worker_and_occupation(form)
    user = current_actor()
    return record_training(
        db.session(), worker=worker, institution=user.institution, occupation=occupation,
        target_level=form.target_level.data, training_type=form.training_type.data, form=form.form.data,
        hours=form.hours.data, started_on=form.started_on.data, completed_on=form.completed_on.data,
        outcome=form.outcome.data, by=user)


def subsidy_text(training) -> str:
    return subsidy_of(training).explanation.get(_lang())


def _training_message(training) -> str:
    return _("已登记培训记录。补贴：%(rule)s", rule=subsidy_text(training))


@bp.route("/training", methods=["GET", "POST"])
@allow(Role.INSTITUTION_STAFF)
def training():
    form = TrainingRecordForm()
    if _save(form, _record_training, _training_message):
        return redirect(url_for("institution.training"))
    filters = _filters()
    page = paginate(training_for(current_actor(), **filters))
    return render_template("institution/training.html", form=form, page=page, filters=filters,
                           subsidy_text=subsidy_text, vocabulary_label=vocabulary_label,
                           outcome_labels=OUTCOME_LABELS), 422 if request.method == "POST" else 200


@bp.get("/training.xlsx")
@allow(Role.INSTITUTION_STAFF)
def training_export():
    headers = [_("开班日期"), _("姓名"), _("身份证号"), _("职业编码"), _("职业"), _("培训等级"),
               _("培训类型"), _("培训形式"), _("学时"), _("结业日期"), _("培训结果"), _("补贴金额（元）"),
               _("补贴规则")]
    # Labels are looked up once per export, not once per row: the locale lookup costs more than the row.
    statement = training_for(current_actor(), **_filters())
    if too_many_to_export(statement):
        return redirect(url_for("institution.training", **request.args))
    lang, level, label = _lang(), cache(level_name), cache(vocabulary_label)
    outcome = {key: str(text) for key, text in OUTCOME_LABELS.items()}
    rows = (
        (t.started_on, t.worker.name, t.worker.id_masked, t.occupation.code, t.occupation.name,
         level(t.target_level), label("training_types", t.training_type.value),
         label("training_forms", t.form.value), t.hours, t.completed_on, outcome[t.outcome], t.subsidy_amount,
         subsidy_of(t).explanation.get(lang))
        for t in stream(statement)
    )
    return xlsx_response(_("培训记录") + ".xlsx", headers, rows)

