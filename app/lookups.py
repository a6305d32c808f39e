"""What pages and the API share when they turn a request into domain objects (never API → web: both
import this module).

- `vault()`: the personal-data vault (national ID blind index and encryption);
- `*_or_404`: one scoped loader per kind of record: the record in the signed-in account's scope
  (`credentials.queries.scopes`), else 404 — never 403, so nothing hints that it exists elsewhere;
- `occupation_or_field_error`, `worker_by_national_id_or_field_error`, `worker_or_field_error`: what a form
  or an API body names by code, national ID or number, or a `ValidationFailed` on that field.
"""

from __future__ import annotations

from typing import TypeVar

from flask import abort, current_app, redirect, request, url_for
from sqlalchemy import Select, select

from credentials import PersonalDataVault, ValidationFailed
from credentials.models import (
    Application,
    AppraisalResult,
    AppraisalSession,
    Certificate,
    Competition,
    CompetitionPromotion,
    CompetitionRule,
    ImportJob,
    Institution,
    Occupation,
    PromotionRequest,
    Worker,
)
from credentials.queries.reference import city_named, occupation_named
from credentials.queries.scopes import (
    application_scope,
    certificate_scope,
    competition_rule_scope,
    competition_scope,
    import_job_scope,
    institution_scope,
    promotion_scope,
    proposal_scope,
    record_scope,
    session_scope,
    worker_scope,
)
from credentials.services.workers import find_worker_by_national_id
from ladder.i18n import Text

from .auth import current_actor
from .extensions import db

T = TypeVar("T")
NO_SUCH_WORKER = Text("未找到该身份证号的劳动者，请先登记", "no worker with this ID; register them first")


def vault() -> PersonalDataVault:
    return current_app.extensions["vault"]


def _one_or_404(statement: Select[T]) -> T:
    found = db.session.scalar(statement)
    if found is None:
        abort(404)
    return found


def worker_or_404(worker_id: int) -> Worker:
    """The worker in scope; a record merged into another (one person entered twice) leads to the survivor."""
    found = db.session.scalar(select(Worker).where(Worker.id == worker_id, worker_scope(current_actor())))
    if found is None:
        _to_survivor_if_merged(worker_id)
        abort(404)
    return found


def _to_survivor_if_merged(worker_id: int) -> None:
    """A page read (GET) of a merged record answers a redirect to the same page of the survivor when the survivor
    is in scope; a write, or a survivor out of scope, stays 404. Merges re-point earlier merges, so one hop."""
    if request.method not in ("GET", "HEAD") or request.endpoint is None or \
            (request.view_args or {}).get("worker_id") != worker_id:
        return
    survivor_id = db.session.scalar(select(Worker.merged_into_id).where(Worker.id == worker_id))
    if survivor_id is None or db.session.scalar(
            select(Worker.id).where(Worker.id == survivor_id, worker_scope(current_actor()))) is None:
        return
    arguments = {**request.args.to_dict(), **(request.view_args or {}), "worker_id": survivor_id}
    abort(redirect(url_for(request.endpoint, **arguments)))


def certificate_or_404(number: str) -> Certificate:
    return _one_or_404(select(Certificate).where(Certificate.number == number, certificate_scope(current_actor())))


def institution_or_404(institution_id: int) -> Institution:
    return _one_or_404(select(Institution).where(Institution.id == institution_id,
                                                 institution_scope(current_actor())))


def competition_or_404(competition_id: int) -> Competition:
    return _one_or_404(select(Competition).where(Competition.id == competition_id,
                                                 competition_scope(current_actor())))


def competition_rule_or_404(rule_id: int) -> CompetitionRule:
    return _one_or_404(select(CompetitionRule).where(CompetitionRule.id == rule_id,
                                                     competition_rule_scope(current_actor())))


def request_or_404(request_id: int) -> PromotionRequest:
    return _one_or_404(select(PromotionRequest).where(PromotionRequest.id == request_id,
                                                      promotion_scope(current_actor())))


def proposal_or_404(proposal_id: int) -> CompetitionPromotion:
    return _one_or_404(select(CompetitionPromotion).where(CompetitionPromotion.id == proposal_id,
                                                          proposal_scope(current_actor())))


def application_or_404(application_id: int) -> Application:
    return _one_or_404(select(Application).where(Application.id == application_id,
                                                 application_scope(current_actor())))


def session_or_404(session_id: int) -> AppraisalSession:
    return _one_or_404(select(AppraisalSession).where(AppraisalSession.id == session_id,
                                                      session_scope(current_actor())))


def result_or_404(result_id: int) -> AppraisalResult:
    return _one_or_404(select(AppraisalResult).where(AppraisalResult.id == result_id,
                                                     record_scope(current_actor(), AppraisalResult)))


def import_job_or_404(job_id: int) -> ImportJob:
    return _one_or_404(select(ImportJob).where(ImportJob.id == job_id, import_job_scope(current_actor())))


def occupation_or_field_error(code: str | None, *, field: str = "occupation_code") -> Occupation:
    """The occupation of the current classification a form names: its code, "code name" (the picker), or its name."""
    code = (code or "").strip()
    occupation = occupation_named(db.session(), code) if code else None
    if occupation is None:
        raise ValidationFailed("unknown_occupation", field=field, occupation=code or "?")
    return occupation


def city_code_of(text: str | None) -> str:
    """The 4-digit code of the city a form names (code, "code name" from the picker, or name); what was typed
    when it names none, so that the service says "unknown city" beside the field."""
    city = city_named(db.session(), text or "") if text else None
    return city.code if city is not None else (text or "").strip()


def worker_by_national_id_or_field_error(national_id: str | None, *, field: str = "national_id") -> Worker:
    """The registered worker with this national ID (the ID is matched by its blind index, never stored)."""
    worker = find_worker_by_national_id(db.session(), vault(), (national_id or "").strip())
    if worker is None:
        raise ValidationFailed("binding", field=field, reason=NO_SUCH_WORKER)
    return worker


def worker_or_field_error(worker_id: int, *, field: str = "worker_id") -> Worker:
    """The worker with this number within the caller's scope (another's is as unknown as a missing one)."""
    worker = db.session.scalar(select(Worker).where(Worker.id == worker_id, worker_scope(current_actor())))
    if worker is None:
        raise ValidationFailed("binding", field=field, reason=Text("未找到该劳动者", "no such worker"))
    return worker


def worker_from_body(body: dict) -> Worker:
    """The worker an API body names by `national_id` (matched by blind index) or by `worker_id` (scoped)."""
    if body.get("national_id"):
        return worker_by_national_id_or_field_error(body["national_id"])
    if body.get("worker_id") is None:
        raise ValidationFailed("required", field="worker_id")
    return worker_or_field_error(body["worker_id"])
