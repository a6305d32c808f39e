"""Correction requests the bureau of the region answers (a worker's name, certificates, facts no institution
attested, missing records asked of no institution): the queue, oldest first, with its XLSX; a request's page,
where the officer fixes the record through its own service or refuses with a reason. Joins `bureau.bp`; the
pages are shared with the institutions (`app/web/correction_pages.py`). The ministry sees, and answers none."""

from __future__ import annotations

from credentials.models import Role

from ...access import allow
from .. import correction_pages as pages
from .blueprint import bp

AREA = "bureau"
pages.register_correction_helpers(bp)


@bp.get("/corrections")
@allow(Role.BUREAU_OFFICER)
def correction_requests():
    return pages.queue_page(AREA)


@bp.get("/corrections.xlsx")
@allow(Role.BUREAU_OFFICER)
def correction_requests_export():
    return pages.queue_export(AREA)


@bp.get("/corrections/<int:correction_id>")
@allow(Role.BUREAU_OFFICER)
def correction_request(correction_id: int):
    return pages.request_page(AREA, pages.correction_or_404(correction_id))


@bp.post("/corrections/<int:correction_id>/accept/<action>")
@allow(Role.BUREAU_OFFICER)
def correction_accept(correction_id: int, action: str):
    return pages.accept(AREA, correction_id, action)


@bp.post("/corrections/<int:correction_id>/refuse")
@allow(Role.BUREAU_OFFICER)
def correction_refuse(correction_id: int):
    return pages.refuse(AREA, correction_id)


@bp.get("/corrections/evidence/<int:evidence_id>")
@allow(Role.BUREAU_OFFICER)
def correction_evidence(evidence_id: int):
    return pages.evidence_download(evidence_id)
