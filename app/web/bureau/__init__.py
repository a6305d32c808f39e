"""HR bureau pages (city, province, ministry): one blueprint, its views split by subject.

home (overview, certificates), queue (nominations and proposals to decide, inbox), audit (trails),
certificates (a certificate and its revocation), competitions (competitions, WorldSkills pool, honours),
ladder (the region on the ladder), competition_rules (the reward rules of the bureaus' own competition notices),
correction_requests (workers' requests to correct their name, certificates and other records the bureau answers for)
programmes (training bases, masters' studios, technician cohorts, special allowances of the region),
campaign_dashboards (the campaign's national, province and city dashboards and their downloads)
campaign_plans (campaigns, their cities, and each city's plan record, funds and targets)
campaign_evaluation (the campaign cities' scores and ranking, and each city's printable evaluation report)

`blueprint.py` holds `bp` and imports nothing of the package; each view module adds its routes to it. This
module only gathers them, so that registering `bp` registers every route.
"""

from . import (  # noqa: F401 - each adds its routes to bp
    audit,
    campaign_dashboards,
    campaign_evaluation,
    campaign_plans,
    certificates,
    competition_rules,
    competitions,
    correction_requests,
    duplicates,
    home,
    ladder,
    oversight,
    programmes,
    queue,
    reporting,
)
from .blueprint import bp

__all__ = ["bp"]
