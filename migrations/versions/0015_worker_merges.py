"""one person entered twice, merged

Revision ID: 0015_worker_merges
Revises: 0014_record_corrections
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0015_worker_merges"
down_revision = "0014_record_corrections"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
