"""uploads kept sealed and purged after a retention period

Revision ID: 0023_sealed_uploads
Revises: 0022_census_snapshots
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0023_sealed_uploads"
down_revision = "0022_census_snapshots"
branch_labels = None
depends_on = None


def upgrade():
    pass  # slot reserved; filled by the change that needs it


def downgrade():
    pass
