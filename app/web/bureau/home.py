"""HR bureau pages: the city (or province, or national) overview."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from sqlalchemy import func, select

from credentials.models import BureauScope, City, Province, Role, Worker
from credentials.permissions import is_observer, may_merge_workers
from credentials.queries.approvals import work_queue
from credentials.queries.duplicates import duplicate_pairs
from credentials.queries.registry import certificates_for, level_counts
from credentials.queries.scopes import worker_scope
from ladder.frameworks import appraised_levels

from ...access import allow
from ...auth import current_actor
from ...exports import certificates_xlsx, too_many_to_export
from ...extensions import db
from ...lookups import vault
from ..pages import paginate
from .blueprint import bp


@bp.get("/")
@allow(Role.BUREAU_OFFICER)
def home():
    user = current_actor()
    counts = dict(db.session.execute(level_counts(user)).all())
    levels = appraised_levels("skill-2022")
    rows = [(level, counts.get(level.code, 0)) for level in levels]
    total = sum(count for _, count in rows)
    high_skilled = sum(count for level, count in rows if level.is_high_skilled)
    workers = db.session.scalar(select(func.count()).select_from(Worker).where(worker_scope(user)))
    recent = db.session.scalars(certificates_for(user).limit(10)).all()
    waiting, waiting_counts = work_queue(db.session(), user, limit=5)
    # Records entered twice that this officer decides (the ministry observes: its nationwide search is on its page).
    duplicates = None if is_observer(user) else sum(
        may_merge_workers(user, pair.first, pair.second) for pair in duplicate_pairs(db.session(), vault(), user))
    return render_template(
        "bureau/home.html", region=_region_name(user), rows=rows, total=total, high_skilled=high_skilled,
        workers=workers, recent=recent, peak=max([c for _, c in rows] + [1]),
        waiting=waiting, waiting_total=sum(waiting_counts.values()), duplicates=duplicates,
    )


@bp.get("/certificates")
@allow(Role.BUREAU_OFFICER)
def certificates():
    query = request.args.get("q", "").strip()
    page = paginate(certificates_for(current_actor(), search=query))
    return render_template("bureau/certificates.html", page=page, query=query)


@bp.get("/certificates.xlsx")
@allow(Role.BUREAU_OFFICER)
def certificates_export():
    statement = certificates_for(current_actor(), search=request.args.get("q", "").strip())
    if too_many_to_export(statement):
        return redirect(url_for("bureau.certificates", **request.args))
    return certificates_xlsx(statement)


def _region_name(user) -> str:
    if user.bureau_scope is BureauScope.CITY:
        city = db.session.get(City, user.region_code)
        return city.full_name if city else user.region_code
    if user.bureau_scope is BureauScope.PROVINCE:
        province = db.session.get(Province, user.region_code)
        return province.name if province else user.region_code
    return "全国"
