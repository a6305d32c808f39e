"""Bulk import pages: upload → dry run → report → commit → summary. Routes join `institution.bp`.

The job runs outside the request (app/jobs.py); its page polls a small JSON status endpoint
(static/js/imports.js) and reloads itself when the job has finished.
"""

from __future__ import annotations

import io
from datetime import timedelta

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField

from credentials import CredentialsError
from credentials.imports.jobs import (
    FINISHED,
    KIND_NAMES,
    STATUS_NAMES,
    commit_import,
    create_import,
    fail_interrupted_imports,
    failure_text,
)
from credentials.imports.templates import template_csv, template_xlsx
from credentials.models import ImportJob, ImportKind, Role
from credentials.queries.registry import import_jobs_for
from credentials.spreadsheets import MAX_FILE_BYTES

from ...access import allow
from ...auth import current_actor
from ...exports import XLSX_MIMETYPE, xlsx_response
from ...extensions import db
from ...i18n import error_text, format_date, is_english, localized
from ...jobs import enqueue_import, upload_limit, upload_limit_message
from ...lookups import import_job_or_404, vault
from ..forms import options
from ..pages import commit_or_show, form_status, paginate
from .blueprint import bp

EXPORT_LIMIT = 10_000


class ImportForm(FlaskForm):
    kind = SelectField(_l("导入内容"), validators=[])
    file = FileField(_l("文件"), validators=[FileRequired(_l("请选择要上传的文件"))],
                     description=_l("CSV（UTF-8 或 GBK/GB18030 编码）或 XLSX，最多 20 万行、30 MB"),
                     render_kw={"accept": ".csv,.xlsx,text/csv," + XLSX_MIMETYPE})
    dry_run = BooleanField(_l("试导入：只检查，不写入"), default=True,
                           description=_l("检查通过后，可在结果页直接正式导入，无需重新上传"))




@bp.get("/imports")
@allow(Role.INSTITUTION_STAFF)
def imports():
    if fail_interrupted_imports(db.session()):  # the list never shows a dead job as still running
        db.session.commit()
    page = paginate(import_jobs_for(current_actor()))
    return render_template("institution/imports.html", page=page, kinds=list(ImportKind))


@bp.get("/imports/export")
@allow(Role.INSTITUTION_STAFF)
def imports_export():
    jobs = db.session.scalars(import_jobs_for(current_actor()).limit(EXPORT_LIMIT))
    headers = [_("编号"), _("文件名"), _("导入内容"), _("方式"), _("状态"), _("数据行"), _("新增"),
               _("已存在"), _("待核"), _("错误"), _("上传人"), _("上传时间"), _("文件 SHA-256")]
    rows = ([job.id, job.filename, localized(KIND_NAMES[job.kind]), _("试导入") if job.dry_run else _("正式导入"),
             localized(STATUS_NAMES[job.status]), job.rows_total, job.rows_created, job.rows_existing,
             job.rows_flagged, job.error_count, job.uploaded_by.display_name, format_date(job.created_at),
             job.file_sha256]
            for job in jobs)
    return xlsx_response(_("批量导入记录") + ".xlsx", headers, rows)


@bp.get("/imports/templates/<kind>/<fmt>")
@allow(Role.INSTITUTION_STAFF)
def import_template(kind: str, fmt: str):
    if kind not in {k.value for k in ImportKind} or fmt not in ("xlsx", "csv"):
        abort(404)
    kind = ImportKind(kind)
    body = template_xlsx(kind) if fmt == "xlsx" else template_csv(kind)
    name = f"{localized(KIND_NAMES[kind])}{_('导入模板')}.{fmt}"
    mimetype = XLSX_MIMETYPE if fmt == "xlsx" else "text/csv"
    return send_file(io.BytesIO(body), mimetype=mimetype, as_attachment=True, download_name=name)


def _upload_form() -> ImportForm:
    form = ImportForm()
    form.kind.choices = options((kind.value, localized(KIND_NAMES[kind])) for kind in ImportKind)
    return form


def _too_many_uploads(limit):
    """IMPORT_UPLOAD_RATE reached: the upload page again, the reason beside the file field (429)."""
    form = _upload_form()
    form.file.errors = [upload_limit_message()]
    return make_response(render_template("institution/import_new.html", form=form), 429)


@bp.route("/imports/new", methods=["GET", "POST"])
@allow(Role.INSTITUTION_STAFF)
@upload_limit(methods=["POST"], on_breach=_too_many_uploads)
def new_import():
    user = current_actor()
    form = _upload_form()
    if request.method == "GET" and request.args.get("kind") in {k.value for k in ImportKind}:
        form.kind.data = request.args["kind"]
    if form.validate_on_submit():
        upload = form.file.data
        job = commit_or_show(form, lambda: create_import(
            db.session(), kind=form.kind.data, institution=user.institution,
            file_bytes=upload.read(MAX_FILE_BYTES + 1), filename=upload.filename, dry_run=form.dry_run.data,
            by=user, vault=vault(), max_active=current_app.config["IMPORTS_PER_INSTITUTION"]))
        if job is not None:
            enqueue_import(job.id, user.id)
            return redirect(url_for("institution.import_job", job_id=job.id))
    return render_template("institution/import_new.html", form=form), form_status(form)


@bp.get("/imports/<int:job_id>")
@allow(Role.INSTITUTION_STAFF)
def import_job(job_id: int):
    job = import_job_or_404(job_id)
    days = current_app.config["IMPORT_FILE_RETENTION_DAYS"]
    kept_until = job.finished_at + timedelta(days=days) if job.finished_at and not job.file_removed_at else None
    return render_template("institution/import_job.html", job=job, finished=job.status in FINISHED,
                           failure=failure_text(job), status_text=_status(job), retention_days=days,
                           file_kept_until=kept_until)


@bp.get("/imports/<int:job_id>/status")
@allow(Role.INSTITUTION_STAFF)
def import_status(job_id: int):
    job = import_job_or_404(job_id)
    return jsonify(_status(job))


def _status(job: ImportJob) -> dict:
    if job.rows_total:
        progress = _("已检查 %(done)s / %(total)s 行", done=f"{job.rows_done:,}", total=f"{job.rows_total:,}")
    else:
        progress = _("正在读取文件……")
    return {"status": job.status.value, "label": localized(STATUS_NAMES[job.status]),
            "finished": job.status in FINISHED, "rows_done": job.rows_done, "rows_total": job.rows_total,
            "progress": progress}


@bp.get("/imports/<int:job_id>/report")
@allow(Role.INSTITUTION_STAFF)
def import_report(job_id: int):
    job = import_job_or_404(job_id)
    key = "message_en" if is_english() else "message_zh"
    rows = ([problem["row"] or _("文件"), problem["column"], problem[key], problem["value"],
             _("待核") if problem.get("severity") == "warning" else _("错误")] for problem in job.errors)
    headers = [_("行号"), _("列"), _("问题"), _("值"), _("类型")]
    return xlsx_response(f"import-{job.id}-" + _("导入报告") + ".xlsx", headers, rows)


@bp.post("/imports/<int:job_id>/commit")
@allow(Role.INSTITUTION_STAFF)
def commit_job(job_id: int):
    user = current_actor()
    job = import_job_or_404(job_id)
    try:
        commit_import(db.session(), job, by=user, max_active=current_app.config["IMPORTS_PER_INSTITUTION"],
                      retention_days=current_app.config["IMPORT_FILE_RETENTION_DAYS"])
    except CredentialsError as error:
        db.session.rollback()
        flash(error_text(error), "error")
        return redirect(url_for("institution.import_job", job_id=job_id))
    db.session.commit()
    enqueue_import(job.id, user.id)
    return redirect(url_for("institution.import_job", job_id=job_id))


bp.add_app_template_global(lambda kind: localized(KIND_NAMES[kind]), "import_kind_name")
bp.add_app_template_global(lambda status: localized(STATUS_NAMES[status]), "import_status_name")
