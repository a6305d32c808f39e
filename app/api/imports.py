"""Bulk imports: upload a CSV/XLSX (multipart), follow its job, commit a dry run that passed.

Institution staff only, and only their institution's jobs (another's answers 404). The job runs outside
the request: the upload and the commit answer 202 with the job and its Location.
"""

from __future__ import annotations

import marshmallow as ma
from flask import current_app, url_for
from flask_smorest import Blueprint
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import CombinedMultiDict, FileStorage

from credentials import ValidationFailed
from credentials.imports.jobs import (
    FINISHED,
    commit_import,
    create_import,
    failure_text,
)
from credentials.models import ImportJob, ImportKind, ImportStatus, Role
from credentials.queries.registry import import_jobs_for
from credentials.spreadsheets import FORMATS, MAX_FILE_BYTES

from ..access import allow
from ..auth import current_actor
from ..extensions import db
from ..jobs import enqueue_import, upload_limit, upload_limit_message
from ..lookups import import_job_or_404, vault
from .common import (
    Page,
    PageArgs,
    Ref,
    boolean,
    choice,
    integer,
    iso_utc,
    many,
    moment,
    nested,
    number,
    page_envelope,
    problems,
    stored,
    string,
    values,
)

PREFIX = "/imports"


class _MultipartParser(FlaskParser):
    """The "files" location reads a multipart body's form fields too, so that one schema describes the upload
    (and the OpenAPI document shows one multipart/form-data request body)."""

    def load_files(self, req, schema):
        return self._makeproxy(CombinedMultiDict([req.files, req.form]), schema)


class _Blueprint(Blueprint):
    ARGUMENTS_PARSER = _MultipartParser()


blp = _Blueprint("api_imports", __name__,
                 description="Bulk imports of appraisal results, training records, worker registrations and "
                             "work history")


class ImportUpload(ma.Schema):
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf([kind.value for kind in ImportKind]),
                            metadata={"description": "appraisal_results, training_records, workers (registration) "
                                                     "or work_history (work periods and diplomas)"})
    dry_run = ma.fields.Boolean(load_default=True,
                                metadata={"description": "check only (default); commit later"})
    file = ma.fields.Raw(required=True, metadata={
        "type": "string", "format": "binary", "description": "CSV (UTF-8, UTF-8 with BOM, GB18030) or XLSX"})


class ImportProgress(ma.Schema):
    rows_done = integer("Rows checked so far", 120)
    rows_total = integer("Rows in the file (0 until counted)", 480)
    fraction = number("rows_done / rows_total, to 4 places (0.0 until counted)", 0.25)


class ImportCounts(ma.Schema):
    rows = integer("Rows in the file", 480)
    created = integer("Records created (a dry run: that would be created)", 470)
    existing = integer("Rows already on record, left as they are", 6)
    flagged = integer("Rows written but flagged for review (warnings)", 1)
    errors = integer("Problems found (all of them; `errors` lists the first 1,000)", 4)


class ImportFailure(ma.Schema):
    code = string("Why the job as a whole failed or was rejected", "unexpected_failure")
    message_zh = string("In Chinese", "导入意外中止，未写入任何数据；请稍后重试，若仍失败请联系管理员")
    message_en = string("In English", "The import stopped unexpectedly and wrote nothing; try again later")


class ImportLinks(ma.Schema):
    self = string("The job's address: poll it till `finished`", "/api/v1/imports/12")
    commit = string("Where to POST to commit a dry run that passed", "/api/v1/imports/12/commit")


class ImportProblem(ma.Schema):
    row = integer("Row as Excel numbers it; null for the file as a whole", 12, null=True)
    column = string("The column's header as the file spells it ('' for the file)", "身份证号")
    message_zh = string("The problem in Chinese", "身份证号无效：身份证号校验位不正确")
    message_en = string("The problem in English", "Invalid national ID number: The check character of the national ID number is wrong")
    value = string("The value found (a national ID only masked)", "320505********123X")
    severity = choice(["error", "warning"], "error: the row is not written; warning: written, but flagged",
                      "error")


class ImportJobOut(ma.Schema):
    id = integer("Job id", 12)
    kind = choice(values(ImportKind), "What the file holds", "appraisal_results")
    status = choice(values(ImportStatus), "Where the job is", "validated")
    finished = boolean("No more changes to come: validated, rejected, committed or failed", True)
    dry_run = boolean("Checked only; commit it to write", True)
    filename = string("File name as uploaded", "2024年7月鉴定成绩.xlsx")
    file_sha256 = string("SHA-256 of the file, hex", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
    file_size = integer("Size in bytes", 48213)
    file_format = choice(FORMATS, "Format detected (null until read)",
                         "xlsx", null=True)
    progress = nested(ImportProgress, "How far the check or the commit has got")
    counts = nested(ImportCounts, "What the file holds and what it does")
    failure = nested(ImportFailure, "Why the job failed, or null", null=True)
    file_removed_at = moment("When the uploaded file was deleted under the retention rule "
                             "(IMPORT_FILE_RETENTION_DAYS after the job finished); outcome, counts, problems, hash "
                             "and size stay. Null while the file is kept (sealed)", "2024-09-29T08:00:05Z", null=True)
    uploaded_by = nested(Ref, "Who uploaded it (display name)", example={"id": 3, "name": "李*华"})
    created_at = moment("Uploaded (UTC)", "2024-07-01T08:00:00Z")
    started_at = moment("Work began (UTC)", "2024-07-01T08:00:01Z", null=True)
    finished_at = moment("Work ended (UTC)", "2024-07-01T08:00:05Z", null=True)
    links = nested(ImportLinks, "Related addresses")


class ImportJobDetail(ImportJobOut):
    errors = stored(ImportProblem, "The first 1,000 problems, by row")


class ImportJobPage(Page):
    items = many(ImportJobOut, "This page's jobs, newest first")


LOCATION = {"Location": {"description": "The job's address", "schema": {"type": "string"}}}


def job_dict(job: ImportJob, *, with_errors: bool = True) -> dict:
    failure = failure_text(job)
    body = {
        "id": job.id, "kind": job.kind.value, "status": job.status.value, "finished": job.status in FINISHED,
        "dry_run": job.dry_run, "filename": job.filename, "file_sha256": job.file_sha256,
        "file_size": job.file_size, "file_format": job.file_format,
        "progress": {"rows_done": job.rows_done, "rows_total": job.rows_total,
                     "fraction": round(job.rows_done / job.rows_total, 4) if job.rows_total else 0.0},
        "counts": {"rows": job.rows_total, "created": job.rows_created, "existing": job.rows_existing,
                   "flagged": job.rows_flagged, "errors": job.error_count},
        "failure": ({"code": job.failure, "message_zh": failure.zh, "message_en": failure.en}
                    if failure else None),
        "file_removed_at": iso_utc(job.file_removed_at),
        "uploaded_by": {"id": job.uploaded_by_id, "name": job.uploaded_by.display_name},
        "created_at": iso_utc(job.created_at), "started_at": iso_utc(job.started_at),
        "finished_at": iso_utc(job.finished_at),
        "links": {"self": url_for("api_imports.get_import", job_id=job.id),
                  "commit": url_for("api_imports.commit_job", job_id=job.id)},
    }
    if with_errors:
        body["errors"] = job.errors
    return body



def _accepted(job: ImportJob):
    location = url_for("api_imports.get_import", job_id=job.id)
    return job_dict(job, with_errors=False), 202, {"Location": location}


@blp.route("", methods=["GET"])
@allow(Role.INSTITUTION_STAFF)
@blp.arguments(PageArgs, location="query")
@blp.response(200, ImportJobPage)
@problems(401, 403, 422)
def list_imports(args):
    return page_envelope(import_jobs_for(current_actor()), args, lambda job: job_dict(job, with_errors=False))


@blp.route("", methods=["POST"])
@allow(Role.INSTITUTION_STAFF)
@upload_limit(error_message=upload_limit_message)
@blp.arguments(ImportUpload, location="files")
@blp.response(202, ImportJobOut, description="The job, queued", headers=LOCATION)
@problems(401, 403, 409, 413, 422, 429)
def create_job(form):
    """Upload a file (multipart: kind, file, dry_run): 202 with the job; poll its Location till `finished`.

    409 while the institution has IMPORTS_PER_INSTITUTION jobs queued or running; 429 past IMPORT_UPLOAD_RATE
    uploads per user. The file is kept sealed, and deleted IMPORT_FILE_RETENTION_DAYS after the job finished."""
    user = current_actor()
    upload = form["file"]
    if not isinstance(upload, FileStorage):
        raise ValidationFailed("required", field="file")
    job = create_import(db.session(), kind=form["kind"], institution=user.institution,
                        file_bytes=upload.read(MAX_FILE_BYTES + 1), filename=upload.filename,
                        dry_run=form["dry_run"], by=user, vault=vault(),
                        max_active=current_app.config["IMPORTS_PER_INSTITUTION"])
    db.session.commit()
    enqueue_import(job.id, user.id)
    db.session.refresh(job)
    return _accepted(job)


@blp.route("/<int:job_id>", methods=["GET"])
@allow(Role.INSTITUTION_STAFF)
@blp.response(200, ImportJobDetail)
@problems(401, 403, 404)
def get_import(job_id: int):
    """Status, progress, counts and the problems found (row, column, message, value)."""
    return job_dict(import_job_or_404(job_id))


@blp.route("/<int:job_id>/commit", methods=["POST"])
@allow(Role.INSTITUTION_STAFF)
@blp.response(202, ImportJobOut, description="The job, queued to commit", headers=LOCATION)
@problems(401, 403, 404, 409)
def commit_job(job_id: int):
    """Commit a dry run that passed, from the file already uploaded; 409 in any other state, once the file was
    deleted under the retention rule, or while the institution has IMPORTS_PER_INSTITUTION jobs on the go."""
    user = current_actor()
    job = commit_import(db.session(), import_job_or_404(job_id), by=user,
                        max_active=current_app.config["IMPORTS_PER_INSTITUTION"],
                        retention_days=current_app.config["IMPORT_FILE_RETENTION_DAYS"])
    db.session.commit()
    enqueue_import(job.id, user.id)
    db.session.refresh(job)
    return _accepted(job)
