"""indexes matching the hot read paths

Revision ID: 0027_read_paths
Revises: 0026_admin_duties
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0027_read_paths"
down_revision = "0026_admin_duties"
branch_labels = None
depends_on = None


def upgrade():
    pass  # slot reserved; filled by the change that needs it


def downgrade():
    pass
