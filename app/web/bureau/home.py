"""HR bureau pages: the city (or province, or national) overview."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from credentials.models import BureauScope, City, Province, Role
from credentials.permissions import is_observer, may_merge_workers
from credentials.queries.approvals import work_queue
from credentials.queries.duplicates import duplicate_pairs
from credentials.queries.registry import certificates_for

from ...access import allow
from ...auth import current_actor
from ...exports import certificates_xlsx, too_many_to_export
from ...extensions import db
from ...lookups import vault
from ..pages import paginate
from ..searches import search_term
from .blueprint import bp
from .campaign_dashboards import campaign_glance


@bp.get("/")
@allow(Role.BUREAU_OFFICER)
def home():
    user = current_actor()
    recent = db.session.scalars(certificates_for(user).limit(10)).all()
    waiting, waiting_counts = work_queue(db.session(), user, limit=5)
    # Records entered twice that this officer decides (the ministry observes: its nationwide search is on its page).
    duplicates = None if is_observer(user) else sum(
        may_merge_workers(user, pair.first, pair.second) for pair in duplicate_pairs(db.session(), vault(), user))
    return render_template(
        "bureau/home.html", region=_region_name(user), recent=recent, glance=campaign_glance(user),
        waiting=waiting, waiting_total=sum(waiting_counts.values()), duplicates=duplicates,
    )


@bp.get("/certificates")
@allow(Role.BUREAU_OFFICER)
def certificates():
    query = search_term()
    page = paginate(certificates_for(current_actor(), search=query))
    return render_template("bureau/certificates.html", page=page, query=query)


@bp.get("/certificates.xlsx")
@allow(Role.BUREAU_OFFICER)
def certificates_export():
    statement = certificates_for(current_actor(), search=search_term())
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
