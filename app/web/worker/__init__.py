"""The worker's own pages (phone first): one blueprint, its views split by subject.

home (my ladder, my certificates), ladder (the ladder picture and routes), inbox (messages, outcomes)

`blueprint.py` holds `bp` and imports nothing of the package; each view module adds its routes to it. This
module only gathers them, so that registering `bp` registers every route.
"""

from . import home, inbox, ladder  # noqa: F401 - each adds its routes to bp
from .blueprint import bp

__all__ = ["bp"]
