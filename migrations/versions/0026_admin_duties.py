"""administrator duties: system, security and audit (三员分立)

Revision ID: 0026_admin_duties
Revises: 0025_partitions
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0026_admin_duties"
down_revision = "0025_partitions"
branch_labels = None
depends_on = None


def upgrade():
    pass  # slot reserved; filled by the change that needs it


def downgrade():
    pass
