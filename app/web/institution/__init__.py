"""A training institution's or employer's pages: one blueprint, its views split by subject.

home (workers, certificates, issuing), records (training and appraisal results), imports (bulk files),
nominations (exceptional promotions and the competitions it runs), applications (申报 and their review),
sessions (考试场次, seats and results against them), result_changes (corrections of a result),
worker_record (a worker's record: work, diplomas, apprenticeships and titles, attested or claimed),
correction_requests (workers' requests to correct records it wrote)

`blueprint.py` holds `bp` and imports nothing of the package; each view module adds its routes to it. This
module only gathers them, so that registering `bp` registers every route.
"""

from . import (  # noqa: F401 - each adds its routes to bp
    applications,
    correction_requests,
    home,
    imports,
    nominations,
    records,
    result_changes,
    sessions,
    worker_record,
)
from .blueprint import bp

__all__ = ["bp"]
