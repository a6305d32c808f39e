"""The worker's own pages (phone first): one blueprint, its views split by subject.

home (my ladder, my certificates), ladder (the ladder picture and routes), inbox (messages, outcomes),
applications (apply, and each step of my applications), my_history (my work, diplomas and titles; my claims),
corrections (report a wrong or missing record, and follow each step), shares (links that show chosen
certificates to an employer), my_data (everything held about me, and my consent to public pages)

`blueprint.py` holds `bp` and imports nothing of the package; each view module adds its routes to it. This
module only gathers them, so that registering `bp` registers every route.
"""

from . import applications, corrections, home, inbox, ladder, my_data, my_history, shares  # noqa: F401 - add routes to bp
from .blueprint import bp

__all__ = ["bp"]
