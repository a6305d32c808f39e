"""What the bureau's and the organising institution's competition pages share: the registration form into
the service, one result entered by hand, and the results workbook."""

from __future__ import annotations

from flask_babel import gettext as _

from credentials.models import Competition
from credentials.services.competitions import entrant, record_result, register_competition

from ..auth import current_actor
from ..exports import xlsx_response
from ..extensions import db
from ..i18n import level_name, localized
from ..lookups import city_code_of, occupation_or_field_error, vault
from .approval_forms import CompetitionForm, ResultForm
from .approvals import OUTCOME_NAMES, PROPOSAL_NAMES, medal_text


def register_from(form: CompetitionForm):
    """Shared with the institution's page: the form's fields into the service."""
    occupation = occupation_or_field_error(form.occupation_code.data)
    return register_competition(
        db.session(), name=form.name.data, tier=form.tier.data, occupation=occupation, starts_on=form.starts_on.data,
        ends_on=form.ends_on.data, organizer=form.organizer.data, by=current_actor(),
        city_code=(city_code_of(city.data) or None) if (city := getattr(form, "city_code", None)) else None,
        paper_level=form.paper_level.data or None, entrants=form.entrants.data)


def results_xlsx(found: Competition):
    """The results of one competition with what each led to (shared with the institution's page)."""
    headers = [_("名次"), _("奖项"), _("姓名"), _("身份证号"), _("结果"), _("晋升等级"), _("状态")]
    rows = ([r.rank, medal_text(r.medal), r.worker.name, r.worker.id_masked, localized(OUTCOME_NAMES[r.outcome]),
             level_name(r.proposal.target_level) if r.proposal else "",
             localized(PROPOSAL_NAMES[r.proposal.state]) if r.proposal else ""] for r in found.results)
    return xlsx_response(_("竞赛成绩-%(name)s.xlsx", name=found.name), headers, rows)


def enter_result(found: Competition, form: ResultForm):
    worker = entrant(db.session(), vault(), form.national_id.data or "", by=current_actor())
    return record_result(db.session(), found, worker=worker, rank=form.rank.data, medal=form.medal.data or None,
                         team_size=form.team_size.data or 1, by=current_actor())
