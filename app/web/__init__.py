"""Page blueprints, one per audience: name == URL prefix == template folder.

Audiences with many pages are packages (`bureau/`, `institution/`, `worker/`) whose `blueprint.py` leaf holds
the blueprint; small ones are single modules (`public`, `auth_views`, `verify`, `credentials`, `ladder`,
`admin`). What several audiences share sits beside them: `pages` (pagination, the form-write helper),
`forms`, `record_forms`, `approval_forms`, `approvals` (promotion and proposal pages), `competition_pages`.
This module imports nothing, so no view can import a package that imports it.
"""
