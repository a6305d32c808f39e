"""The worker's own pages (phone first): one blueprint, its views split by subject.

home (my ladder, my certificates), ladder (the ladder picture and routes), inbox (messages, outcomes),
applications (apply, and each step of my applications), my_history (my work, diplomas and titles; my claims)

`blueprint.py` holds `bp` and imports nothing of the package; each view module adds its routes to it. This
module only gathers them, so that registering `bp` registers every route.
"""

from . import applications, home, inbox, ladder, my_history  # noqa: F401 - each adds its routes to bp
from .blueprint import bp

__all__ = ["bp"]
