"""tables that grow without bound partitioned (PostgreSQL)

Revision ID: 0025_partitions
Revises: 0024_second_factor
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0025_partitions"
down_revision = "0024_second_factor"
branch_labels = None
depends_on = None


def upgrade():
    pass  # slot reserved; filled by the change that needs it


def downgrade():
    pass
