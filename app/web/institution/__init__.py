"""A training institution's or employer's pages: one blueprint, its views split by subject.

home (workers, certificates, issuing), records (training and appraisal results), imports (bulk files),
nominations (exceptional promotions and the competitions it runs)

`blueprint.py` holds `bp` and imports nothing of the package; each view module adds its routes to it. This
module only gathers them, so that registering `bp` registers every route.
"""

from . import home, imports, nominations, records  # noqa: F401 - each adds its routes to bp
from .blueprint import bp

__all__ = ["bp"]
